// Token-level MintCash call finder for Python, Go, Ruby, PHP and Java: a string that ends in a
// create endpoint, sent by an HTTP client call (directly or through a URL variable), with its body
// resolved through serialiser wrappers and same-file assignments, and what the code does with an
// error answer (token-errors.ts).
import { ByteOffsets, classifyValue, endpointOf, LOGGING_CALLEE } from './shared.js';
import { TokenErrors } from './token-errors.js';
import { findAssignment, tokenShape, type Tokens } from './tokens.js';
import type { Token } from './tokenize.js';
import type { BodyFact, Endpoint, MintCashCall, ScanContext } from './types.js';

/** Route registrations, decorators aside: Flask/FastAPI/Gin/chi/echo/Laravel/Sinatra/net/http. */
const ROUTE = /^(app|router|bp|blueprint|api|r|e|g|mux|engine|group|v1|server|Route)(\.|::)(post|put|patch|route|api_route|add_url_rule|Post|POST|PUT|HandleFunc|Handle|match|any|Any)$|(^|\.)(HandleFunc|Handle|add_url_rule|api_route)$|^Route::/;
const URL_WRAPPER = /(^|\.|::)(URI|parse|create|join|urljoin|Parse|JoinPath|URL|format|Sprintf|sprintf|resolve|to_s|str)$/;
/** Serialisers and stream wrappers whose first argument is the body itself. */
const BODY_WRAPPER = /(^|\.|::)(dumps|Marshal|generate|json_encode|NewReader|NewBuffer|NewBufferString|ofString|writeValueAsString|toJson|create|stringify|dump|encode|jsonEncode|to_json|dict|asJson|Entity|json)$/;
const WRITE = /^(post|put|patch)$/i;
const READ = /^(get|delete|head|options)$/i;

function keyName(tok: Token | undefined): string | undefined {
  if (!tok) return undefined;
  if (tok.kind === 'str') return tok.text;
  if (tok.kind === 'id') return tok.text.replace(/^\$/, '');
  return undefined;
}

const isExternalIdKey = (k: string, tok: Token): boolean => k === 'externalId' || (tok.kind === 'id' && k.toLowerCase() === 'externalid');

interface Keys {
  keys: string[];
  value?: [number, number];
  valueAt?: Token;
}

/** Keys of a literal starting at token `from` (dict, hash, PHP array, Go composite, Map.of, JSON text). */
function literalKeys(tk: Tokens, from: number): Keys | undefined {
  const t = tk.t;
  let open = from;
  // Skip a type or constructor prefix: `map[string]any{`, `CreatePayment{`, `array(`, `Map.of(`, `dict(`.
  while (open < t.length && !(t[open]!.kind === 'op' && ['{', '(', '['].includes(t[open]!.text) && (t[open]!.text !== '[' || !tk.is(open + 1, ']') || true))) {
    if (open - from > 6) return undefined;
    if (t[open]!.kind === 'op' && t[open]!.text === '[' && tk.match[open]! > open && t[tk.match[open]! + 1]?.kind === 'id') {
      open = tk.match[open]! + 1; // map[string]any -> skip the key type
      continue;
    }
    open++;
  }
  if (open >= t.length || tk.match[open]! < 0) return undefined;
  // Go `map[string]any{`: after the `[` group we may still sit on the value type.
  if (t[open]!.text === '[' && t[from]!.text === 'map') return literalKeys(tk, tk.match[open]! + 1);
  const out: Keys = { keys: [] };
  const args = tk.args(open);
  const mapOf = /Map\.of|ImmutableMap\.of/.test(t.slice(from, open).map((x) => x.text).join(''));
  args.forEach(([a, b], idx) => {
    let key: string | undefined;
    let vFrom = -1;
    if (mapOf) {
      if (idx % 2 === 1) return;
      key = keyName(t[a]);
      const next = args[idx + 1];
      if (next) vFrom = next[0];
      if (key && isExternalIdKey(key, t[a]!) && next) {
        out.value = [next[0], next[1]];
        out.valueAt = t[next[0]];
      }
      if (key) out.keys.push(key);
      return;
    }
    const sep = t[a + 1];
    if (sep?.kind === 'op' && (sep.text === ':' || sep.text === '=>' || sep.text === '=')) {
      key = keyName(t[a]);
      vFrom = a + 2;
    }
    if (!key) return;
    out.keys.push(key);
    if (isExternalIdKey(key, t[a]!) && vFrom <= b) {
      out.value = [vFrom, b];
      out.valueAt = t[vFrom];
    }
  });
  return out;
}

/** Later writes such as `body["externalId"] = v`, `$body['externalId'] = v`, `body.put("externalId", v)`. */
function memberWrites(tk: Tokens, name: string, from: number, to: number, into: Keys): void {
  const t = tk.t;
  for (let k = from; k < to; k++) {
    if (t[k]!.kind !== 'id' || t[k]!.text !== name) continue;
    if (tk.is(k + 1, '[') && (t[k + 2]?.kind === 'str') && tk.is(k + 3, ']') && tk.is(k + 4, '=')) {
      into.keys.push(t[k + 2]!.text);
      if (t[k + 2]!.text === 'externalId') {
        const end = tk.chainEnd(k + 5);
        into.value = [k + 5, end];
        into.valueAt = t[k + 5];
      }
    } else if ((tk.is(k + 1, '.') || tk.is(k + 1, '->')) && /^(put|set|append|add)$/.test(t[k + 2]?.text ?? '') && tk.is(k + 3, '(') && t[k + 4]?.kind === 'str') {
      const args = tk.args(k + 3);
      into.keys.push(t[k + 4]!.text);
      if (t[k + 4]!.text === 'externalId' && args[1]) {
        into.value = args[1];
        into.valueAt = t[args[1][0]];
      }
    }
  }
}

function resolveBody(tk: Tokens, range: [number, number], callAt: number, depth = 0): Keys | { why: string } {
  const t = tk.t;
  const a = range[0];
  let b = range[1];
  if (depth > 4) return { why: 'the body is built too indirectly to follow' };
  // `body.to_json`, `payload.to_json()`.
  if (t[b]?.text === 'to_json' || (t[b]?.text === ')' && t[b - 2]?.text === 'to_json')) b = t[b]?.text === 'to_json' ? b - 2 : b - 4;
  const first = t[a];
  if (!first) return { why: 'no request body is visible at the call' };
  if (a === b && first.kind === 'str') {
    const keys = [...first.text.matchAll(/"(\w+)"\s*:/g)].map((m) => m[1]!);
    return keys.length > 0 ? { keys } : { why: 'the body is a string golive cannot read' };
  }
  if (first.kind === 'id') {
    const { path, end } = tk.path(a);
    if (end === b && !path.includes('.') && !path.includes('::')) {
      const rhs = findAssignment(tk, path, callAt);
      if (!rhs) return { why: `\`${path}\` is not assigned in this file` };
      const inner = resolveBody(tk, rhs, rhs[0], depth + 1);
      if ('keys' in inner) memberWrites(tk, path, rhs[1], callAt, inner);
      return inner;
    }
    if (tk.is(end + 1, '(') && BODY_WRAPPER.test(path) && !/^(map|Map\.of|ImmutableMap\.of)$/.test(path)) {
      const args = tk.args(end + 1);
      const pick = args.find(([x, y]) => !t.slice(x, y + 1).some((q) => /MediaType|application\/json/.test(q.text))) ?? args[0];
      if (pick) return resolveBody(tk, pick, callAt, depth + 1);
    }
  }
  if (first.kind === 'op' && first.text === '&') return resolveBody(tk, [a + 1, b], callAt, depth + 1);
  const lit = literalKeys(tk, a);
  if (lit) return lit;
  return { why: 'the body is built by an expression golive does not follow' };
}

export function findTokenCalls(ctx: ScanContext, tk: Tokens, src: string): MintCashCall[] {
  const t = tk.t;
  const out: MintCashCall[] = [];
  const seen = new Set<number>();
  const errors = new TokenErrors(tk, src, ctx.language, ctx.file);
  for (let i = 0; i < t.length; i++) {
    const s = t[i]!;
    if (s.kind !== 'str') continue;
    const endpoint = endpointOf((tk.is(i - 1, '+') || tk.is(i - 1, '.') ? '{}' : '') + s.text);
    if (!endpoint) continue;
    if (tk.is(i + 1, ':') || tk.is(i + 1, '=>') || tk.is(i - 1, '==') || tk.is(i + 1, '==')) continue;
    const site = callSite(ctx, tk, i);
    if (!site || seen.has(site.open)) continue;
    seen.add(site.open);
    const call = describe(ctx, tk, site, i, endpoint, src, errors);
    if (call) out.push(call);
  }
  return out;
}

/** `Http::withBasicAuth(a, b)->post` -> `Http::withBasicAuth().post`. */
function calleeText(tk: Tokens, from: number, to: number): string {
  let out = '';
  for (let k = from; k < to; k++) {
    const x = tk.t[k]!;
    if (x.kind === 'op' && (x.text === '(' || x.text === '[') && tk.match[k]! > k && tk.match[k]! < to) {
      out += x.text === '(' ? '()' : '[]';
      k = tk.match[k]!;
      continue;
    }
    out += x.kind === 'op' && x.text === '->' ? '.' : x.text;
  }
  return out;
}

interface CallSite {
  /** Token that carries the URL into the call (the string itself or a variable holding it). */
  urlToken: number;
  callee: string;
  calleeAt: number;
  /** The `(` of the call, or the token after a paren-less Ruby/Python command call. */
  open: number;
  parens: boolean;
}

function callSite(ctx: ScanContext, tk: Tokens, i: number, depth = 0): CallSite | undefined {
  const t = tk.t;
  const open = tk.enclosing(i);
  if (open > 0 && t[open - 1]?.kind === 'id') {
    const start = tk.chainStart(open - 1);
    const callee = calleeText(tk, start, open);
    if (t[start]?.text.startsWith('@') || tk.is(start - 1, '@')) return undefined;
    if (URL_WRAPPER.test(callee) && depth < 3) return callSite(ctx, tk, start, depth + 1) ?? viaVariable(ctx, tk, start, depth);
    return { callee, calleeAt: start, open, parens: true, urlToken: i };
  }
  // Ruby `conn.post '/payments', body` and Sinatra `post '/payments' do`.
  if (ctx.language === 'ruby' && t[i - 1]?.kind === 'id' && t[i - 1]!.line === t[i]!.line) {
    const start = tk.chainStart(i - 1);
    const callee = t.slice(start, i).map((x) => x.text).join('');
    if (!callee.includes('.')) return undefined; // a route DSL, not a client call
    return { callee, calleeAt: start, open: i - 1, parens: false, urlToken: i };
  }
  return depth < 3 ? viaVariable(ctx, tk, i, depth) : undefined;
}

/** `url = BASE + "/payments"` then `requests.post(url, ...)`: follow the variable to its use. */
function viaVariable(ctx: ScanContext, tk: Tokens, i: number, depth: number): CallSite | undefined {
  const t = tk.t;
  let k = i;
  while (k > 0 && t[k]!.line === t[i]!.line && !(tk.is(k, '=') || tk.is(k, ':='))) k--;
  if (!(tk.is(k, '=') || tk.is(k, ':=')) || t[k - 1]?.kind !== 'id') return undefined;
  const name = t[k - 1]!.text;
  for (let j = i + 1; j < t.length && j < i + 400; j++) {
    if (t[j]!.kind === 'id' && t[j]!.text === name && !tk.is(j + 1, '=') && !tk.is(j - 1, '.')) return callSite(ctx, tk, j, depth + 1);
  }
  return undefined;
}

function describe(ctx: ScanContext, tk: Tokens, site: CallSite, urlAt: number, endpoint: Endpoint, src: string, errors: TokenErrors): MintCashCall | undefined {
  const t = tk.t;
  const { callee } = site;
  if (ROUTE.test(callee) || LOGGING_CALLEE.test(callee)) return undefined;
  const verb = callee.split(/\.|::/).pop() ?? '';
  if (READ.test(verb)) return undefined;
  const args = site.parens ? tk.args(site.open) : [];
  // A window of the following statements: Java builders, curl_setopt, `req.body = ...`.
  const callEnd = site.parens ? tk.match[site.open]! : site.open + 1;
  const lastLine = t[callEnd]!.line + 8;
  let windowEnd = callEnd;
  while (windowEnd + 1 < t.length && t[windowEnd + 1]!.line <= lastLine) windowEnd++;
  const window = t.slice(site.calleeAt, windowEnd + 1);

  let method: string | undefined;
  if (WRITE.test(verb) || /Post/.test(callee)) method = 'POST';
  for (const [a] of args) {
    if (method) break;
    const x = t[a]!;
    if (x.kind === 'str' && /^(POST|PUT|PATCH|GET|DELETE)$/i.test(x.text)) method = x.text.toUpperCase();
    const p = x.kind === 'id' ? tk.path(a).path : '';
    if (/^http\.Method(Post|Get|Put|Patch|Delete)$/.test(p)) method = p.replace('http.Method', '').toUpperCase();
  }
  if (!method && window.some((x) => /^(POST|CURLOPT_POST|CURLOPT_POSTFIELDS|HttpPost|postForObject|postForEntity|postForLocation)$/.test(x.text))) method = 'POST';
  if (method && READ.test(method)) return undefined;

  // Where the body is: a keyword/option argument, a positional argument, or a later statement.
  let bodyRange: [number, number] | undefined;
  for (const [a, b] of args) {
    if (t[a]?.kind === 'id' && /^(json|data|content|body)$/.test(t[a]!.text) && tk.is(a + 1, '=')) bodyRange = [a + 2, b];
    if (t[a]?.kind === 'op' && t[a]!.text === '[' && /['"]?(json|body|form_params)/.test(t[a + 1]?.text ?? '')) {
      const opt = literalKeys(tk, a);
      if (opt?.keys.includes('json') || opt?.keys.includes('body')) {
        for (const [x, y] of tk.args(a)) if (/^(json|body)$/.test(t[x]!.text) && tk.is(x + 1, '=>')) bodyRange = [x + 2, y];
      }
    }
  }
  if (!bodyRange) {
    const urlArg = args.findIndex(([a, b]) => site.urlToken >= a && site.urlToken <= b);
    const positional = args.filter(([a], idx) => idx > Math.max(urlArg, 0) && !(t[a]!.kind === 'id' && tk.is(a + 1, '=')) && !tk.is(a + 1, '=>') && !(t[a]!.kind === 'str' && /json|^POST$/i.test(t[a]!.text)));
    if (/NewRequest/.test(callee)) bodyRange = args[args.length - 1];
    else if (positional.length > 0 && (WRITE.test(verb) || /Post|request/i.test(callee))) bodyRange = /^(Post|post)$/.test(verb) && /http\.Post|client\.Post/.test(callee) ? args[2] : positional[0];
  }
  if (!bodyRange) {
    for (let k = callEnd; k <= windowEnd; k++) {
      const x = t[k]!;
      if (x.text === 'body' && tk.is(k + 1, '=') && tk.is(k - 1, '.')) bodyRange = [k + 2, tk.chainEnd(k + 2)];
      else if (x.text === 'CURLOPT_POSTFIELDS' && tk.is(k + 1, ',')) bodyRange = [k + 2, tk.chainEnd(k + 2)];
      else if (/^(POST|bodyValue|body|post|ofString)$/.test(x.text) && tk.is(k + 1, '(') && !tk.is(k + 2, ')')) bodyRange = tk.args(k + 1)[0];
      if (bodyRange) break;
    }
  }
  if (!method && !bodyRange) return undefined;
  const body: BodyFact = bodyRange ? toFact(ctx, tk, resolveBody(tk, bodyRange, site.calleeAt), endpoint, urlAt, src) : { resolved: false, why: 'no request body is visible at the call' };
  const at = t[site.calleeAt]!;
  const last = t[callEnd]!;
  const end = last.start + (last.kind === 'str' ? src.slice(last.start).search(/['"`](?=\s*($|[,)\]}]))/) + 1 || last.text.length : last.text.length);
  const bytes = new ByteOffsets(src);
  // The error-handling reader is heuristic: if it trips on odd code, the call stays (unjudged) for the other checks.
  let errorHandling;
  try {
    errorHandling = errors.of(site.calleeAt, callEnd, callee);
  } catch {
    errorHandling = undefined;
  }
  return { file: ctx.file, line: at.line, column: at.column, ...bytes.span(at.start, end), language: ctx.language, isTest: ctx.isTest, endpoint, client: callee, method: method ?? 'POST', url: t[urlAt]!.text, body, ...(errorHandling ? { errorHandling } : {}) };
}

function toFact(ctx: ScanContext, tk: Tokens, r: Keys | { why: string }, endpoint: Endpoint, urlAt: number, src: string): BodyFact {
  if ('why' in r) return { resolved: false, why: r.why };
  if (!r.value || !r.valueAt) return { resolved: true, keys: r.keys };
  const shape = tokenShape(tk, r.value[0], r.value[1]);
  let kind = classifyValue(shape, endpoint);
  const urlRefs = tk.t[urlAt]!.interp ?? [];
  if (endpoint === 'refund' && shape.refs.length > 0 && shape.calls.length === 0 && shape.refs.every((x) => urlRefs.some((u) => u.includes(x)))) kind = 'payment-id';
  const last = tk.t[r.value[1]]!;
  const tail = last.kind === 'str' ? src.slice(last.start).search(/['"`](?=\s*($|[,)\]}]))/) + 1 : last.text.length;
  const text = src.slice(r.valueAt.start, last.start + Math.max(tail, last.text.length)).slice(0, 160);
  return { resolved: true, keys: r.keys, externalId: { file: ctx.file, line: r.valueAt.line, column: r.valueAt.column, kind, text } };
}
