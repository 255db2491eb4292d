// What the token-level scanners need to know beyond one expression: the names imports give to
// library functions (`from hmac import new as mac`, Go's `h "crypto/hmac"`), the function a token
// sits in with its parameters, and whether a value is the parsed request body.
import { findAssignment, type Tokens } from './tokens.js';
import type { CodeLanguage } from './types.js';

/** Local name -> what it stands for: `mac` -> `hmac.new`, `dumps` -> `json.dumps`, `h` -> `hmac`. */
export type Aliases = Map<string, string>;

/** Only the modules whose functions the rules know by name; `from flask import request` stays `request`. */
const KNOWN_MODULES = /^(hmac|json|simplejson|ujson|orjson|hashlib|secrets)$/;

/** Python `from m import a as b` / `import m as n`, Go `n "path/m"`: the names imports bind. */
export function importAliases(tk: Tokens, lang: CodeLanguage): Aliases {
  const t = tk.t;
  const out: Aliases = new Map();
  if (lang === 'python') {
    for (let i = 0; i < t.length; i++) {
      if (t[i]!.kind !== 'id' || t[i - 1]?.line === t[i]!.line) continue;
      if (t[i]!.text === 'from' && t[i + 1]?.kind === 'id') {
        const { path: mod, end } = tk.path(i + 1);
        if (t[end + 1]?.text !== 'import') continue;
        let k = end + 2;
        const paren = tk.is(k, '(');
        if (paren) k++;
        while (k < t.length && (paren || t[k]!.line === t[i]!.line)) {
          if (t[k]!.kind === 'id' && t[k]!.text !== 'as') {
            const name = t[k]!.text;
            const local = t[k + 1]?.text === 'as' && t[k + 2]?.kind === 'id' ? t[k + 2]!.text : name;
            if (KNOWN_MODULES.test(mod)) out.set(local, `${mod}.${name}`);
            k += local === name ? 1 : 3;
          } else if (tk.is(k, ')')) break;
          else k++;
        }
      } else if (t[i]!.text === 'import' && t[i + 1]?.kind === 'id') {
        const { path: mod, end } = tk.path(i + 1);
        if (t[end + 1]?.text === 'as' && t[end + 2]?.kind === 'id' && KNOWN_MODULES.test(mod)) out.set(t[end + 2]!.text, mod);
      }
    }
  } else if (lang === 'php') {
    // `use function hash_hmac as sign;`
    for (let i = 0; i + 4 < t.length; i++) {
      if (t[i]!.text === 'use' && t[i + 1]?.text === 'function' && t[i + 2]?.kind === 'id' && t[i + 3]?.text === 'as' && t[i + 4]?.kind === 'id') {
        out.set(t[i + 4]!.text, t[i + 2]!.text.split('\\').pop()!);
      }
    }
  } else if (lang === 'java') {
    // `import static java.security.MessageDigest.isEqual;` makes `isEqual(a, b)` MessageDigest's.
    for (let i = 0; i + 2 < t.length; i++) {
      if (t[i]!.text !== 'import' || t[i + 1]?.text !== 'static' || t[i + 2]?.kind !== 'id') continue;
      const { path } = tk.path(i + 2);
      const parts = path.split('.');
      if (parts.length >= 2) out.set(parts.at(-1)!, parts.slice(-2).join('.'));
    }
  } else if (lang === 'go') {
    for (let i = 0; i + 1 < t.length; i++) {
      if (t[i]!.kind === 'id' && t[i + 1]!.kind === 'str' && t[i]!.line === t[i + 1]!.line && /^[\w./-]+$/.test(t[i + 1]!.text) && t[i]!.text !== 'import') {
        const base = t[i + 1]!.text.split('/').pop()!;
        if (t[i]!.text !== '_' && t[i]!.text !== '.' && /^(crypto\/(hmac|subtle|sha256|sha1|sha512)|encoding\/json)$/.test(t[i + 1]!.text)) out.set(t[i]!.text, base);
      }
    }
  }
  return out;
}

/** A dotted path with its first segment resolved through the imports: `mac` -> `hmac.new`. */
export function resolveAlias(aliases: Aliases, path: string): string {
  const head = path.split(/\.|::/)[0] ?? path;
  const hit = aliases.get(head);
  return hit ? hit + path.slice(head.length) : path;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'func', 'function', 'elseif', 'foreach', 'synchronized', 'try', 'else', 'new', 'match', 'fn']);

/** The function token `i` sits in: its name and its parameter names, in order. */
export function enclosingFunction(tk: Tokens, src: string, i: number, lang: CodeLanguage): { name: string; params: string[] } | undefined {
  const t = tk.t;
  if (lang === 'python' || lang === 'ruby') {
    const indent = (line: number): number => indentOf(src, line);
    const mine = indent(t[i]!.line);
    for (let k = i - 1; k >= 0; k--) {
      const tok = t[k]!;
      if (tok.kind !== 'id' || tok.text !== 'def') continue;
      if (indent(tok.line) >= mine) continue;
      let name = t[k + 1]?.text ?? '';
      let open = k + 2;
      // Ruby `def self.verify(x)`.
      if (tok.text === 'def' && t[k + 2]?.text === '.' && t[k + 3]?.kind === 'id') {
        name = t[k + 3]!.text;
        open = k + 4;
      }
      const params = tk.is(open, '(') ? tk.args(open).map(([a]) => t[a]!.text.replace(/^[*&]+/, '')) : [];
      return { name, params: params.filter((p) => p !== 'self' && p !== 'cls') };
    }
    return undefined;
  }
  let k = i;
  for (let hops = 0; hops < 12; hops++) {
    const open = tk.enclosing(k, '{');
    if (open < 0) return undefined;
    // The header before `{`: `func (r *T) Name(a int) error`, `public boolean verify(String p)`, `function f($a)`.
    let h = open - 1;
    while (h >= 0 && !(t[h]!.kind === 'op' && [';', '{', '}'].includes(t[h]!.text))) h--;
    for (let j = h + 1; j < open; j++) {
      if (t[j]!.kind === 'id' && tk.is(j + 1, '(') && !KEYWORDS.has(t[j]!.text)) {
        const params = tk.args(j + 1).map(([a, b]) => {
          const ids = t.slice(a, b + 1).filter((x) => x.kind === 'id');
          if (lang === 'php') return ids.find((x) => x.text.startsWith('$'))?.text ?? '';
          if (lang === 'go') return ids[0]?.text ?? '';
          // Java (and annotated params): the last name before any default.
          const eq = t.slice(a, b + 1).findIndex((x) => x.text === '=');
          return (eq >= 0 ? ids.filter((x) => t.indexOf(x) < a + eq) : ids).at(-1)?.text ?? '';
        });
        return { name: t[j]!.text, params };
      }
      if (tk.is(j, '(') && tk.match[j]! > j) j = tk.match[j]!;
    }
    k = open;
  }
  return undefined;
}

/**
 * The token range of the body of a function named `name` defined in this file (`def name`,
 * `function name(`, `func name(`, or a Java method `name(...) {`), or undefined.
 */
export function functionBody(tk: Tokens, src: string, name: string, lang: CodeLanguage): { params: string[]; from: number; to: number } | undefined {
  const t = tk.t;
  for (let k = 0; k + 1 < t.length; k++) {
    if (t[k]!.kind !== 'id' || t[k]!.text !== name || !tk.is(k + 1, '(')) continue;
    const prev = t[k - 1]?.text;
    const close = tk.match[k + 1]!;
    if (close < 0) continue;
    const params = tk.args(k + 1).map(([a, b]) => {
      const ids = t.slice(a, b + 1).filter((x) => x.kind === 'id');
      return (lang === 'php' ? ids.find((x) => x.text.startsWith('$')) : lang === 'go' || lang === 'python' || lang === 'ruby' ? ids[0] : ids.at(-1))?.text ?? '';
    });
    if ((lang === 'python' || lang === 'ruby') && prev === 'def') {
      const indent = (line: number): number => indentOf(src, line);
      const own = indent(t[k]!.line);
      let to = close;
      while (to + 1 < t.length && (t[to + 1]!.line === t[k]!.line || indent(t[to + 1]!.line) > own)) to++;
      return { params, from: close + 1, to };
    }
    if (lang !== 'python' && lang !== 'ruby') {
      // A declaration, not a call: a `{` follows the parameters (after a Go/Java return type or `throws`).
      let j = close + 1;
      while (j < t.length && j < close + 8 && !tk.is(j, '{') && !tk.is(j, ';') && !tk.is(j, ')')) j++;
      if (tk.is(j, '{') && tk.match[j]! > j && (prev === 'function' || prev === 'func' || lang === 'java' || tk.is(k - 1, ')'))) return { params, from: j + 1, to: tk.match[j]! - 1 };
    }
  }
  return undefined;
}

/** The indentation (spaces and tabs) of a 1-based line. */
function indentOf(src: string, line: number): number {
  const start = lineStart(src, line);
  let k = start;
  while (src[k] === ' ' || src[k] === '\t') k++;
  return k - start;
}

function lineStart(src: string, line: number): number {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    const nl = src.indexOf('\n', pos);
    if (nl === -1) return src.length;
    pos = nl + 1;
  }
  return pos;
}

/** The parsed request body as frameworks hand it over (not its raw bytes). */
const PARSED_REQUEST = /^(request\.(json|get_json|POST|form|params|request_parameters|parameters)|params|\$request\.(all|input|json|post|toArray|getParsedBody)|\$_POST|request\.params|request\.body_params|req\.body|c\.Bind)\b/;
/** Parsers: what they return is the parsed body when what they read is not a literal. */
const PARSER = /^(json\.loads|json\.load|JSON\.parse|json_decode|json\.Unmarshal|ujson\.loads|orjson\.loads|simplejson\.loads|ActiveSupport::JSON\.decode|JSON\.load|Oj\.load|MultiJson\.load|Json::decode)$/;
/** Parsers called on an object of any name: Jackson's `mapper.readValue`, Gson's `gson.fromJson`, fastjson's `JSON.parseObject`. */
const PARSER_METHOD = /^(readValue|readTree|fromJson|parseObject|parseString)$/;

/** The dotted path of the id chain at a, cut at b: `payload` in `payload.to_json` when b is `payload`. */
function pathWithin(tk: Tokens, a: number, b: number): { path: string; end: number } {
  const p = tk.path(a);
  if (p.end <= b) return p;
  let path = tk.t[a]!.text;
  let k = a;
  while (k + 2 <= b) {
    path += (tk.t[k + 1]!.text === '::' ? '::' : '.') + tk.t[k + 2]!.text;
    k += 2;
  }
  return { path, end: k };
}

/**
 * Is the value in token range [a, b] the parsed request body (or built from it)? Follows a simple
 * variable to its assignment a couple of times; a parser counts unless it parses a literal.
 */
export function isParsedRequest(tk: Tokens, src: string, a: number, b: number, aliases: Aliases, depth = 0): boolean {
  const t = tk.t;
  // `await request.json()`, Go's `json.Marshal(&evt)`: the value is what follows.
  while (a < b && ((t[a]!.kind === 'id' && t[a]!.text === 'await') || tk.is(a, '&') || tk.is(a, '*'))) a++;
  if (a > b || depth > 3 || !t[a]) return false;
  const first = t[a]!;
  if (first.kind === 'str' || first.kind === 'num') return false;
  if (first.kind !== 'id') return false;
  const { path, end } = pathWithin(tk, a, b);
  const canon = resolveAlias(aliases, path);
  if (PARSED_REQUEST.test(canon)) return true;
  const method = canon.split(/\.|::/).pop() ?? '';
  if (tk.is(end + 1, '(') && (PARSER.test(canon) || (end > a && PARSER_METHOD.test(method)) || (first.text === 'new' && /^(JSONObject|JsonObject)$/.test(t[a + 1]?.text ?? '')))) {
    const [arg] = tk.args(end + 1);
    if (!arg) return true; // `loads()` with what it read elsewhere
    const inner = t[arg[0]]!;
    if (inner.kind === 'str') return false;
    if (arg[0] === arg[1] && inner.kind === 'id') {
      const rhs = findAssignment(tk, inner.text, arg[0]);
      return !rhs || t[rhs[0]]!.kind !== 'str';
    }
    return true;
  }
  // `webhook['content']`, `payload.data`: the parsed body's own parts.
  if (!path.includes('.') && !path.includes('::')) {
    const rhs = findAssignment(tk, path, a);
    // `evt := Event{}` (or `new(Event)`) then `Decode(&evt)`: filled after it was made.
    if (rhs) return isParsedRequest(tk, src, rhs[0], rhs[1], aliases, depth + 1) || filledFromRequest(tk, path);
    return filledFromRequest(tk, path) || paramsHelper(tk, path);
  }
  return false;
}

/**
 * Names of one kind in a file, found in one pass and kept per token list: every short call
 * argument asks whether it is the parsed body, and a scan per question is quadratic in big files.
 */
function namesOf(cache: WeakMap<Tokens, Set<string>>, tk: Tokens, find: (names: Set<string>) => void): Set<string> {
  let names = cache.get(tk);
  if (!names) {
    names = new Set();
    find(names);
    cache.set(tk, names);
  }
  return names;
}

const HELPERS = new WeakMap<Tokens, Set<string>>();

/** Rails' strong-parameters helper in this file: `def webhook_params` whose body reads `params`. */
function paramsHelper(tk: Tokens, name: string): boolean {
  const t = tk.t;
  return namesOf(HELPERS, tk, (names) => {
    for (let k = 0; k + 1 < t.length; k++) {
      if (t[k]!.text !== 'def' || t[k + 1]!.kind !== 'id' || (tk.is(k + 2, '(') && !tk.is(k + 3, ')'))) continue;
      for (let j = k + 2; j < t.length && j < k + 60 && t[j]!.text !== 'def' && t[j]!.text !== 'end'; j++) {
        if (t[j]!.kind === 'id' && !tk.is(j - 1, '.') && PARSED_REQUEST.test(tk.path(j).path)) names.add(t[k + 1]!.text);
      }
    }
  }).has(name);
}

/** Decoders that fill a variable passed to them. */
const FILLS = /^(Decode|Unmarshal|Bind\w*|ShouldBind\w*|BodyParser)$/;
/** Spring parameter types that are the raw body itself, not a mapped object. */
const RAW_TYPE = /^(String|byte|char|InputStream|Reader|ByteBuffer)$/;
const FILLED = new WeakMap<Tokens, Set<string>>();

/**
 * A variable the framework or a decoder fills with the parsed body: Go's `Decode(&evt)`,
 * `json.Unmarshal(body, &evt)`, gin's `ShouldBindJSON(&evt)`, echo's `c.Bind(evt)` of a pointer;
 * Spring's `@RequestBody Event evt` (not `@RequestBody String body`, which is the raw body).
 */
function filledFromRequest(tk: Tokens, name: string): boolean {
  const t = tk.t;
  return namesOf(FILLED, tk, (names) => {
    for (let k = 1; k < t.length; k++) {
      if (t[k]!.kind !== 'id' || names.has(t[k]!.text) || !(tk.is(k + 1, ')') || tk.is(k + 1, ','))) continue;
      // `&evt` anywhere in the call; a bare name only as the first argument where a pointer is usual
      // (echo's `c.Bind(evt)`): `Decode(dst, src)` is base64's too.
      const open = tk.is(k - 1, '&') ? tk.enclosing(k) : tk.is(k - 1, '(') && /^(Bind|ShouldBind|BodyParser)/.test(t[k - 2]?.text ?? '') ? k - 1 : -1;
      // Unmarshal reads its first argument and fills the second.
      const decoded = open > 0 && FILLS.test(t[open - 1]?.text ?? '') && (t[open - 1]!.text !== 'Unmarshal' || !tk.is(k - 2, '('));
      if (decoded || requestBodyParam(tk, k)) names.add(t[k]!.text);
    }
  }).has(name);
}

/** Is token k the name of a Java parameter annotated `@RequestBody` whose type is a mapped object? */
function requestBodyParam(tk: Tokens, k: number): boolean {
  const t = tk.t;
  if (tk.is(k + 1, '=') || tk.is(k + 1, '(') || tk.is(k - 1, '.')) return false;
  const types: string[] = [];
  let angle = 0;
  for (let j = k - 1; j >= 0 && j > k - 40; j--) {
    const x = t[j]!;
    if (x.kind === 'op') {
      if (x.text === ')' && tk.match[j]! >= 0 && tk.match[j]! < j) {
        j = tk.match[j]!; // an annotation's arguments: `@RequestBody(required = false)`
        continue;
      }
      if (x.text === '>' || x.text === '>>') angle += x.text.length;
      else if (x.text === '<') angle--;
      else if ((x.text === ',' && angle === 0) || ['(', ';', '{', '}', '='].includes(x.text)) return false;
      continue;
    }
    if (x.kind !== 'id') return false;
    if (x.text === '@RequestBody') return types.length > 0 && !(angle === 0 && RAW_TYPE.test(types[0]!) && types.length === 1);
    if (!x.text.startsWith('@') && x.text !== 'final' && angle === 0) types.unshift(x.text);
  }
  return false;
}
