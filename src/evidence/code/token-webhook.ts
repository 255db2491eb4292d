// Token-level webhook facts for Python, Go, Ruby, PHP and Java: signature compares and whether they
// are constant-time (membership tests included), what the HMAC is computed over (library functions
// under any import name), environment comparisons and eventId lookups.
import { ByteOffsets, CONSTANT_TIME, directionOf, EVENT_ID_NAME, LOGGING_CALLEE, SIGNATURE_NAME } from './shared.js';
import { tokenize } from './tokenize.js';
import { findAssignment, Tokens } from './tokens.js';
import { functionBody, importAliases, isParsedRequest, resolveAlias, type Aliases } from './token-scope.js';
import { classifyInput, SERIALIZER } from './token-hmac-input.js';
import type { BodyArg, CodeLocation, HmacInput, ParamInput, ScanContext, SignatureCompare, WebhookHandler } from './types.js';

const HEADER = /^(x-signature|HTTP_X_SIGNATURE|X_SIGNATURE)$/i;
/** HMAC constructors and one-shot functions, once import aliases are resolved. */
const HMAC = /^(hmac\.new|hmac\.digest|hmac\.HMAC|hmac\.New|OpenSSL::HMAC\.(hexdigest|digest|new|base64digest)|OpenSSL::HMAC|hash_hmac|Mac\.getInstance|HmacUtils.*|new HmacUtils|Hashing\.hmacSha(1|256|512))$/;
const UNSAFE_CALL = /(^|\.|::)(equals|eql\?|equal\?|strcmp|strcasecmp|Equal|DeepEqual|equalsIgnoreCase|contentEquals)$/;
/** Membership tests: a signature looked up in a list compares like `==`. */
const MEMBERSHIP_CALL = /(^|\.|::)(include\?|contains|in_array|array_search|Contains|member\?)$/;
/** commons-codec's static one-shots (key, data), and what Java's HMAC builders compute over their first argument. */
const JAVA_HMAC_STATIC = /^HmacUtils\.hmac(Md5|Sha1|Sha256|Sha384|Sha512)(Hex)?$/;
const JAVA_HMAC_METHOD = /^(hmacHex|hmac|hmacBase64|hashString|hashBytes|hashUnencodedChars)$/;
const RESPONSE = /(^|\.|::)(jsonify|json|JSON|render|write|Write|send|echo|print|Fprintf|response|status|abort|HTTPException|make_response|halt|String|get|fetch|dig|getString|optString|Get|Header|header)$/;
const TRIVIAL = /^(None|nil|null|NULL|true|false|True|False|undefined|nullptr)$/;
/** Lengths, counts, positions and types: numbers and names, never a signature. */
const LENGTHISH = /\blen\(|\.length|\.size|bytesize|strlen\(|\bcount\(|\.Len\(|\btype\(|typeof|mb_strlen|\b(?:index|rindex|find|rfind|strpos|strrpos|indexOf|lastIndexOf|IndexOf|LastIndex|Index)\(/;
/** Text that holds a signature or a digest: a digest call, an HMAC, a signature header. */
const SIG_TEXT = /hexdigest|digest|HMAC|hash_hmac|signature|doFinal|verif-hash/i;
const HMAC_TEXT = /hmac\.new|hmac\.digest|OpenSSL::HMAC|hash_hmac|hmac\.New/;
const ENV_OUTSIDE = /getenv|environ\b|ENV\[|os\.Getenv|System\.getenv|process\.env|Rails\.env|app\(\)->environment|APP_ENV/i;
/** An operand names the event's environment, not the deployment's (Java's getter is not `getenv`). */
const eventEnvironment = (side: string): boolean => /environment/i.test(side) && !ENV_OUTSIDE.test(side.replace(/\.getEnvironment\(\)/g, '.environment'));
/** Names a compare helper goes by, the ones worth looking up among the file's own functions. */
const COMPARE_NAME = /compar|equal|same|match|safe|secure|constant/i;
/** `SIGNATURE_HEADER`, `self::SIG_PREFIX`, `Algorithm.HMAC`: a constant names a setting, not a signature. */
const CONSTANT = /^(?:[\w$]+(?:\.|::|->))*[A-Z][A-Z0-9_]*[A-Z0-9]$/;

function loc(ctx: ScanContext, tk: Tokens, i: number): CodeLocation {
  const t = tk.t[i]!;
  return { file: ctx.file, line: t.line, column: t.column };
}

/** The nearest enclosing `(` that belongs to a call (skips tuples and grouping parens). */
export function enclosingCall(tk: Tokens, i: number): { open: number; callee: string } | undefined {
  let k = i;
  for (let hops = 0; hops < 6; hops++) {
    const open = tk.enclosing(k);
    if (open <= 0) return undefined;
    if (tk.t[open - 1]?.kind === 'id') {
      const start = tk.chainStart(open - 1);
      return { open, callee: tk.t.slice(start, open).map((x) => (x.text === '->' ? '.' : x.text)).join('') };
    }
    k = open;
  }
  return undefined;
}

export interface TokenWebhookFacts {
  handler?: WebhookHandler;
  environmentChecks: CodeLocation[];
  dedupChecks: CodeLocation[];
  paramInputs: ParamInput[];
  bodyArgs: BodyArg[];
}

export function findTokenWebhook(ctx: ScanContext, src: string, tk: Tokens, aliases: Aliases = importAliases(tk, ctx.language)): TokenWebhookFacts {
  const t = tk.t;
  const environmentChecks: CodeLocation[] = [];
  const dedupChecks: CodeLocation[] = [];
  const compareOps: number[] = [];
  const sigSites: number[] = [];
  const hmacSites: number[] = [];
  const bytes = new ByteOffsets(src);
  const endOf = (b: number): number => t[b]!.start + Math.max(1, t[b]!.kind === 'str' ? 2 + t[b]!.text.length : t[b]!.text.length);
  const text = (a: number, b: number): string => (t[a] && t[b] ? src.slice(t[a]!.start, endOf(b)) : '');
  const span = (a: number, b: number) => bytes.span(t[a]!.start, Math.min(endOf(b), src.length));
  const pathAt = (i: number): { path: string; end: number } => {
    const p = tk.path(i);
    return { path: resolveAlias(aliases, p.path), end: p.end };
  };

  for (let i = 0; i < t.length; i++) {
    const x = t[i]!;
    if (x.kind === 'op' && (x.text === '==' || x.text === '!=' || x.text === '===' || x.text === '!==')) compareOps.push(i);
    // Python's `in` / `not in`, outside `for x in xs` and comprehensions.
    else if (ctx.language === 'python' && x.kind === 'id' && x.text === 'in' && !isLoopIn(tk, i)) compareOps.push(i);
    else if (x.kind === 'str' && HEADER.test(x.text)) sigSites.push(i);
    else if (x.kind === 'str' && x.interp?.some((e) => HMAC_TEXT.test(e))) hmacSites.push(i); // "sha256=#{OpenSSL::HMAC...}"
    // In PHP `.` concatenates, so `'sha256=' . hash_hmac(...)` is a call, not a member access.
    else if (x.kind === 'id' && !(tk.is(i - 1, '.') && ctx.language !== 'php') && !tk.is(i - 1, '::') && !tk.is(i - 1, '->')) {
      const { path } = pathAt(i);
      if ((HMAC.test(path) && (tk.is(tk.path(i).end + 1, '(') || path.startsWith('OpenSSL::HMAC'))) || (path === 'Mac.getInstance' && /Hmac/i.test(t[i + 4]?.text ?? ''))) hmacSites.push(i);
    }
    // eventId reads that feed a lookup or a record (not a log line, not a response, not a plain read).
    // Java reads it through a getter: `event.getEventId()`.
    const getter = x.kind === 'id' && /^get(EventId|EventID)$/.test(x.text) && tk.is(i + 1, '(') && tk.is(i + 2, ')');
    const isEventId = getter || (x.kind === 'id' && EVENT_ID_NAME.test(x.text.replace(/^\$/, ''))) || (x.kind === 'str' && /^(eventId|event_id)$/.test(x.text) && (tk.is(i - 1, '[') || tk.is(i - 1, '(')));
    if (isEventId) {
      if (t[i + 1]?.text === 'in' || (t[i + 1]?.text === 'not' && t[i + 2]?.text === 'in') || t[i - 1]?.text === 'in') dedupChecks.push(loc(ctx, tk, i));
      else {
        const call = enclosingCall(tk, i);
        if (call && !LOGGING_CALLEE.test(call.callee) && !RESPONSE.test(call.callee)) dedupChecks.push(loc(ctx, tk, i));
      }
    }
    if (x.kind === 'id' && x.text === 'switch' && /\.Environment\b|environment/.test(text(i, Math.min(i + 4, t.length - 1)))) environmentChecks.push(loc(ctx, tk, i));
    // Java compares strings with equals: `"live".equals(event.getEnvironment())`, `Objects.equals(a, b)`.
    if (ctx.language === 'java' && x.kind === 'id' && /^(equals|equalsIgnoreCase)$/.test(x.text) && tk.is(i + 1, '(') && tk.match[i + 1]! >= 0) {
      const receiver = tk.is(i - 1, '.') && i >= 2 ? text(tk.chainStart(i - 2), i - 2) : '';
      const sides = [receiver, ...tk.args(i + 1).map(([a, b]) => text(a, b))];
      if (sides.some(eventEnvironment)) environmentChecks.push(loc(ctx, tk, i));
    }
  }

  // An operand runs over `+` concatenations: `sig != "sha256=" + digest`.
  const operands = (i: number): [[number, number], [number, number]] => {
    let a = tk.chainStart(i - 1);
    while (tk.is(a - 1, '+') && a - 2 >= 0) a = tk.chainStart(a - 2);
    const from = t[i]!.text === 'in' && t[i - 1]?.text === 'not' ? i - 1 : i;
    if (from !== i) a = tk.chainStart(i - 2);
    let b = tk.chainEnd(i + 1);
    while (tk.is(b + 1, '+') && t[b + 2]) b = tk.chainEnd(b + 2);
    return [[a, from - 1], [i + 1, b]];
  };
  for (const i of compareOps) {
    if (t[i]!.text === 'in') continue;
    const [l, r] = operands(i);
    const lt = text(l[0], l[1]);
    const rt = text(r[0], r[1]);
    if (eventEnvironment(lt) || eventEnvironment(rt)) environmentChecks.push(loc(ctx, tk, i));
    if (EVENT_ID_NAME.test(lt) || EVENT_ID_NAME.test(rt)) dedupChecks.push(loc(ctx, tk, i));
  }

  const bodyArgs = findBodyArgs(tk, src, aliases, text, span, ctx);
  const nothing = { environmentChecks, dedupChecks, paramInputs: [], bodyArgs };
  if (sigSites.length === 0 && hmacSites.length === 0) return nothing;

  // An interpolated string (f"sha256={digest}", "#{...}", "...$x") is not a trivial literal.
  const isTrivial = (a: number, b: number, s: string): boolean =>
    b < a || (a === b && ((t[a]!.kind === 'str' && !t[a]!.interp) || t[a]!.kind === 'num' || TRIVIAL.test(t[a]!.text))) || LENGTHISH.test(s) || (t[a]!.kind === 'str' && t[a]!.text === '');
  /** By text, by the interpolations inside strings, by name, or by what a variable was assigned. */
  const sigish = (a: number, b: number, s: string, depth = 0): boolean => {
    if (CONSTANT.test(s.replace(/^[$@]+/, ''))) return false;
    if (SIG_TEXT.test(s)) return true;
    // An HMAC called under an imported name: `sign(...)` after `use function hash_hmac as sign`.
    for (let k = a; k <= b; k++) if (t[k]!.kind === 'id' && aliases.has(t[k]!.text) && HMAC.test(resolveAlias(aliases, tk.path(k).path))) return true;
    for (let k = a; k <= b; k++) {
      const interp = t[k]!.interp;
      if (interp?.some((e) => SIG_TEXT.test(e) || e.split(/\W+/).some((w) => w && SIGNATURE_NAME.test(w.replace(/^[$@]+/, ''))))) return true;
    }
    let last = -1;
    for (let k = b; k >= a && last < 0; k--) if (t[k]!.kind === 'id') last = k;
    if (last >= 0 && SIGNATURE_NAME.test(t[last]!.text.replace(/^[$@]+/, ''))) return true;
    // `hash = hmac.new(...).hexdigest()` then `hash != header`: the name says nothing, the value does.
    const member = (k: number): boolean => tk.is(k - 1, '->') || tk.is(k + 1, '->') || tk.is(k + 1, '(') || tk.is(k + 1, '[') || (ctx.language !== 'php' && (tk.is(k - 1, '.') || tk.is(k + 1, '.')));
    for (let k = a; depth < 2 && k <= b; k++) {
      if (t[k]!.kind !== 'id' || member(k)) continue;
      const rhs = findAssignment(tk, t[k]!.text, a);
      if (rhs && sigish(rhs[0], rhs[1], text(rhs[0], rhs[1]), depth + 1)) return true;
    }
    return false;
  };
  /** A compare written inside a log or print call decides nothing. */
  const logged = (i: number): boolean => {
    const call = enclosingCall(tk, i);
    return !!call && LOGGING_CALLEE.test(call.callee);
  };

  const compares: SignatureCompare[] = [];
  const push = (at: number, endAt: number, operator: string, method: SignatureCompare['method'], parts: [number, number][], extra: Partial<SignatureCompare> = {}): void => {
    compares.push({
      ...loc(ctx, tk, at), ...span(at, endAt), operator, method,
      operands: parts.map(([a, b]) => text(a, b)), operandSpans: parts.map(([a, b]) => span(a, b)),
      text: text(at, endAt).slice(0, 160), ...extra,
    });
  };
  for (const i of compareOps) {
    const [l, r] = operands(i);
    const lt = text(l[0], l[1]);
    const rt = text(r[0], r[1]);
    if (isTrivial(l[0], l[1], lt) || isTrivial(r[0], r[1], rt) || logged(i)) continue;
    const membership = t[i]!.text === 'in';
    // `sig in valid_signatures`: the looked-up value must be the signature; `"v1" in header` is a parse.
    if (membership ? !sigish(l[0], l[1], lt) : !sigish(l[0], l[1], lt) && !sigish(r[0], r[1], rt)) continue;
    const op = membership && t[i - 1]?.text === 'not' ? 'not in' : t[i]!.text;
    compares.push({
      ...loc(ctx, tk, l[0]), ...span(l[0], r[1]), operator: op, method: 'operator',
      operands: [lt, rt], operandSpans: [span(l[0], l[1]), span(r[0], r[1])], text: `${lt} ${op} ${rt}`.slice(0, 160),
    });
  }
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.kind !== 'id') continue;
    const linked = tk.is(i - 1, '.') || tk.is(i - 1, '->') || tk.is(i - 1, '::');
    const { path: own, end } = tk.path(i);
    const path = resolveAlias(aliases, own);
    if (!tk.is(end + 1, '(') || logged(i)) continue;
    const args = tk.args(end + 1);
    const argText = args.map(([a, b]) => text(a, b));
    const seg = path.split(/\.|::/).pop() ?? '';
    const close = tk.match[end + 1]!;
    if (linked) {
      // A method on the value of an expression: `hex.toString().equals(signature)`, `sigs.include?(mac)`.
      if (!UNSAFE_CALL.test(`.${t[i]!.text}`) && !MEMBERSHIP_CALL.test(`.${t[i]!.text}`)) continue;
      if (end !== i) continue;
      const start = tk.chainStart(i - 2);
      if (start >= i - 1 || tk.path(start).end >= i) continue; // a plain dotted path: handled below
      const receiver: [number, number] = [start, i - 2];
      const parts = [receiver, ...args];
      const rt = text(start, i - 2);
      if (args.length >= 1 && !isTrivial(args[0]![0], args[0]![1], argText[0]!) && (sigish(start, i - 2, rt) || args.some(([a, b], k) => sigish(a, b, argText[k]!)))) {
        push(start, close, `.${t[i]!.text}`, MEMBERSHIP_CALL.test(`.${t[i]!.text}`) ? 'operator' : 'equals-call', parts);
      }
      continue;
    }
    // A compare function defined in this file is judged by its body, whatever its name.
    const local = !path.includes('.') && !path.includes('::') && COMPARE_NAME.test(path) ? functionBody(tk, src, path, ctx.language) : undefined;
    const verdict = local ? judgeLocalCompare(tk, local) : undefined;
    if (verdict === 'leaky') {
      if (args.length >= 2 && args.some(([a, b], k) => sigish(a, b, argText[k]!))) push(i, close, `${path} (compares with ==)`, 'operator', args);
      continue;
    }
    if (verdict === 'constant-time') {
      push(i, close, path, 'constant-time', args, { lengthGuarded: true });
      continue;
    }
    if (CONSTANT_TIME.test(path) || /^(compare_digest|secure_compare|fixed_length_secure_compare|hash_equals|ConstantTimeCompare)$/.test(seg)) {
      // Ruby's fixed_length_secure_compare raises on unequal lengths, like Node's timingSafeEqual.
      const needsGuard = seg === 'fixed_length_secure_compare';
      const guarded = !needsGuard || compareOps.some((c) => c < i && /bytesize|length|size/.test(text(tk.chainStart(c - 1), tk.chainEnd(c + 1))));
      push(i, close, seg, 'constant-time', args, { lengthGuarded: guarded });
    } else if ((UNSAFE_CALL.test(path) || MEMBERSHIP_CALL.test(path)) && !/^hmac\.Equal$|MessageDigest\.isEqual/.test(path)) {
      const receiver = path.includes('.') && !/^(bytes|Arrays|reflect|Objects|StringUtils|strings|slices)\./.test(path) ? [i, end - 2] as [number, number] : undefined;
      const parts: [number, number][] = receiver ? [receiver, ...args] : args;
      const partText = parts.map(([a, b]) => text(a, b));
      const resolves = (p: string, at: number): boolean => {
        const name = /^[$@]?\w+$/.test(p) ? p : undefined;
        const rhs = name ? findAssignment(tk, name, at) : undefined;
        return !!rhs && SIG_TEXT.test(text(rhs[0], rhs[1]));
      };
      const membership = MEMBERSHIP_CALL.test(path);
      const looked = membership ? (seg === 'include?' || seg === 'contains' || seg === 'member?' ? (receiver ? args : args.slice(1)) : args.slice(0, 1)) : parts;
      const lookedText = looked.map(([a, b]) => text(a, b));
      if (parts.length >= 2 && !looked.some(([a, b], k) => isTrivial(a, b, lookedText[k]!)) && partText.some((p, k) => !CONSTANT.test(p) && (SIGNATURE_NAME.test(p.split(/\.|->/).pop() ?? '') || /digest|HMAC|signature/i.test(p) || resolves(p, parts[k]![0])))) {
        push(i, close, seg, membership ? 'operator' : 'equals-call', parts);
      }
    }
  }

  const paramInputs: ParamInput[] = [];
  const hmacInputs: HmacInput[] = [];
  const inputAt = (a: number, b: number): void => {
    const c = classifyInput(tk, src, a, b, text, aliases, ctx);
    if (c.param) paramInputs.push({ ...c.param, at: { ...loc(ctx, tk, c.at[0]), ...span(c.at[0], c.at[1]), kind: 'reserialized', text: text(c.at[0], c.at[1]).slice(0, 160) } });
    hmacInputs.push({ ...loc(ctx, tk, c.at[0]), ...span(c.at[0], c.at[1]), kind: c.kind, text: text(c.at[0], c.at[1]).slice(0, 160) });
  };
  for (const i of hmacSites) {
    if (t[i]!.kind === 'str') {
      // An HMAC computed inside an interpolation: scan the interpolated code on its own.
      for (const e of t[i]!.interp ?? []) {
        if (!HMAC_TEXT.test(e)) continue;
        const sub = findTokenWebhook({ ...ctx }, e, new Tokens(tokenize(e, ctx.language)), aliases);
        for (const inp of sub.handler?.hmacInputs ?? []) {
          // `data.to_json` in "#{...}": what `data` is, the code around the string says.
          const name = /^([$@]?\w+)\.to_json\b|^(?:json\.dumps|JSON\.generate|json_encode)\(\s*([$@]?\w+)\s*[,)]/.exec(inp.text);
          const outer = name ? findAssignment(tk, name[1] ?? name[2]!, i) : undefined;
          const kind = inp.kind === 'unknown' && outer && isParsedRequest(tk, src, outer[0], outer[1], aliases) ? 'reserialized' : inp.kind;
          hmacInputs.push({ ...inp, kind, ...loc(ctx, tk, i), ...span(i, i) });
        }
      }
      continue;
    }
    const { path, end } = pathAt(i);
    if (!tk.is(end + 1, '(')) continue;
    const args = tk.args(end + 1);
    // Python's keyword form `hmac.new(key, msg=body, digestmod=...)`.
    const kw = args.find(([a]) => t[a]?.text === 'msg' && tk.is(a + 1, '='));
    const idx = /^(hmac\.new|hmac\.digest|hmac\.HMAC)$/.test(path) || JAVA_HMAC_STATIC.test(path) ? 1 : /OpenSSL::HMAC\.(hexdigest|digest|base64digest)/.test(path) ? 2 : path === 'hash_hmac' ? 1 : -1;
    const arg = kw ? ([kw[0] + 2, kw[1]] as [number, number]) : idx >= 0 ? args[idx] : undefined;
    if (arg && !(t[arg[0]]?.kind === 'id' && tk.is(arg[0] + 1, '=') && arg !== kw)) inputAt(arg[0], arg[1]);
    // Java's builders: `new HmacUtils(alg, key).hmacHex(data)`, Guava's `Hashing.hmacSha256(key).hashString(data, UTF_8)`.
    const close = tk.match[end + 1]!;
    if (close > end && tk.is(close + 1, '.') && JAVA_HMAC_METHOD.test(t[close + 2]?.text ?? '') && tk.is(close + 3, '(') && !tk.is(close + 4, ')')) {
      const [a, b] = tk.args(close + 3)[0]!;
      inputAt(a, b);
    }
  }
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.kind === 'id' && (/^(update|Write|doFinal)$/.test(t[i]!.text) || JAVA_HMAC_METHOD.test(t[i]!.text)) && (tk.is(i - 1, '.') || tk.is(i - 1, '<<')) && tk.is(i + 1, '(') && !tk.is(i + 2, ')')) {
      const recv = t[i - 2];
      const rhs = recv?.kind === 'id' ? findAssignment(tk, recv.text, i) : undefined;
      if (rhs && (HMAC.test(resolveAlias(aliases, tk.path(rhs[0]).path.replace(/^new /, ''))) || /Mac\.getInstance|hmac\.New|hmac\.new|OpenSSL::HMAC\.new|new HmacUtils|Hashing\.hmacSha/.test(resolveAlias(aliases, text(rhs[0], rhs[1]))))) {
        const [a, b] = tk.args(i + 1)[0]!;
        inputAt(a, b);
      }
    }
  }

  // The one-hop follow inside this file: a caller here passes the parsed body.
  const unresolved: ParamInput[] = [];
  for (const p of paramInputs) {
    if (bodyArgs.some((a) => a.callee === p.fn && a.arg === p.param && a.kind === 'parsed')) hmacInputs.push(p.at);
    else unresolved.push(p);
  }

  const first = Math.min(...sigSites, ...hmacSites);
  const handler: WebhookHandler = {
    ...loc(ctx, tk, first),
    language: ctx.language,
    isTest: ctx.isTest,
    direction: directionOf(src, compares.length),
    readsSignatureHeader: sigSites.length > 0,
    computesHmac: hmacSites.length > 0,
    compares,
    hmacInputs,
    jsonParsers: [],
    environmentChecks,
    dedupChecks,
  };
  return { handler, environmentChecks, dedupChecks, paramInputs: unresolved, bodyArgs };
}

/**
 * A compare function's body: constant-time when it XORs bytes together or calls a constant-time
 * primitive, leaky when it compares its own parameters with `==` or `equals`; else unknown.
 */
function judgeLocalCompare(tk: Tokens, fn: { params: string[]; from: number; to: number }): 'constant-time' | 'leaky' | undefined {
  const t = tk.t;
  const params = new Set(fn.params.filter(Boolean));
  let leaky = false;
  for (let k = fn.from; k <= fn.to; k++) {
    const x = t[k]!;
    if (x.kind === 'op' && (x.text === '^' || x.text === '^=')) return 'constant-time';
    if (x.kind === 'id' && (CONSTANT_TIME.test(x.text) || /^(compare_digest|secure_compare|hash_equals|ConstantTimeCompare|isEqual)$/.test(x.text))) return 'constant-time';
    if (x.kind === 'op' && /^(==|===|!=|!==)$/.test(x.text) && params.has(t[k - 1]?.text ?? '') && params.has(t[k + 1]?.text ?? '')) leaky = true;
    if (x.kind === 'id' && /^(equals|strcmp)$/.test(x.text) && tk.is(k + 1, '(') && [t[k - 2]?.text, t[k + 2]?.text].some((n) => params.has(n ?? ''))) leaky = true;
  }
  return leaky ? 'leaky' : undefined;
}

/** `for x in xs:` and `[x for x in xs]` iterate; only a condition's `in` tests membership. */
function isLoopIn(tk: Tokens, i: number): boolean {
  const t = tk.t;
  const open = Math.max(tk.enclosing(i, '['), tk.enclosing(i, '('), tk.enclosing(i, '{'));
  for (let k = i - 1; k >= 0 && k > open; k--) {
    if (t[k]!.line !== t[i]!.line && open < 0) break;
    if (t[k]!.kind === 'id' && t[k]!.text === 'for') return true;
    if (t[k]!.kind === 'id' && /^(if|elif|while|return|and|or|not|assert)$/.test(t[k]!.text) && k < i - 1) return false;
  }
  return false;
}

/** Calls that hand the parsed request body to a function: `verify_webhook_secret(sig, body)` after `body = json.loads(...)`. */
function findBodyArgs(tk: Tokens, src: string, aliases: Aliases, text: (a: number, b: number) => string, span: (a: number, b: number) => { start: number; end: number }, ctx: ScanContext): BodyArg[] {
  const t = tk.t;
  const out: BodyArg[] = [];
  if (!/loads|parse|decode|Unmarshal|params|request|\$_POST|get_json/i.test(src)) return out;
  for (let i = 0; i + 1 < t.length; i++) {
    if (t[i]!.kind !== 'id' || !tk.is(i + 1, '(') || tk.match[i + 1]! < 0) continue;
    const callee = t[i]!.text;
    if (LOGGING_CALLEE.test(callee) || RESPONSE.test(callee) || SERIALIZER.test(resolveAlias(aliases, callee)) || callee === 'serialize') continue;
    tk.args(i + 1).forEach(([a, b], k) => {
      if (b - a > 6 || t[a]!.kind !== 'id') return;
      if (isParsedRequest(tk, src, a, b, aliases)) out.push({ callee, arg: k, kind: 'parsed', at: { file: ctx.file, line: t[a]!.line, column: t[a]!.column, ...span(a, b), kind: 'unknown', text: text(a, b) } });
    });
  }
  return out;
}
