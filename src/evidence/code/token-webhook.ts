// Token-level webhook facts for Python, Go, Ruby, PHP and Java: signature compares and whether they
// are constant-time, what the HMAC is computed over, environment comparisons and eventId lookups.
import { CONSTANT_TIME, EVENT_ID_NAME, LOGGING_CALLEE, SIGNATURE_NAME } from './shared.js';
import { tokenize } from './tokenize.js';
import { findAssignment, Tokens } from './tokens.js';
import type { CodeLocation, HmacInput, ScanContext, SignatureCompare, WebhookHandler } from './types.js';

const HEADER = /^(x-signature|HTTP_X_SIGNATURE|X_SIGNATURE)$/i;
const HMAC = /^(hmac\.new|hmac\.digest|hmac\.New|OpenSSL::HMAC\.(hexdigest|digest|new|base64digest)|OpenSSL::HMAC|hash_hmac|Mac\.getInstance|HmacUtils.*|new HmacUtils)$/;
const UNSAFE_CALL = /(^|\.|::)(equals|eql\?|equal\?|strcmp|strcasecmp|Equal|DeepEqual|equalsIgnoreCase|contentEquals)$/;
const SERIALIZER = /(json\.dumps|json\.Marshal|JSON\.generate|to_json|json_encode|JSON\.stringify|writeValueAsString|toJson|JSON\.dump|json\.dump)\b/;
const RAWISH = /raw|body|payload|bytes|buf|get_data|\.data\b|read|php:\/\/input|getContent|ReadAll|input|getInputStream/i;
const RESPONSE = /(^|\.|::)(jsonify|json|JSON|render|write|Write|send|echo|print|Fprintf|response|status|abort|HTTPException|make_response|halt|String|get|fetch|dig|getString|optString|Get|Header|header)$/;
const TRIVIAL = /^(None|nil|null|NULL|true|false|True|False|undefined|nullptr)$/;
const LENGTHISH = /\blen\(|\.length|\.size|bytesize|strlen\(|\bcount\(|\.Len\(|\btype\(|typeof|mb_strlen/;
/** Text that holds a signature or a digest: a digest call, an HMAC, a signature header. */
const SIG_TEXT = /hexdigest|digest|HMAC|hash_hmac|signature|doFinal|verif-hash/i;
const HMAC_TEXT = /hmac\.new|hmac\.digest|OpenSSL::HMAC|hash_hmac|hmac\.New/;
const ENV_OUTSIDE = /getenv|environ\b|ENV\[|os\.Getenv|System\.getenv|process\.env|Rails\.env|app\(\)->environment|APP_ENV/i;

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

export function findTokenWebhook(ctx: ScanContext, src: string, tk: Tokens): { handler?: WebhookHandler; environmentChecks: CodeLocation[]; dedupChecks: CodeLocation[] } {
  const t = tk.t;
  const environmentChecks: CodeLocation[] = [];
  const dedupChecks: CodeLocation[] = [];
  const compareOps: number[] = [];
  const sigSites: number[] = [];
  const hmacSites: number[] = [];
  const text = (a: number, b: number): string => (t[a] && t[b] ? src.slice(t[a]!.start, t[b]!.start + Math.max(1, t[b]!.kind === 'str' ? 2 + t[b]!.text.length : t[b]!.text.length)) : '');

  for (let i = 0; i < t.length; i++) {
    const x = t[i]!;
    if (x.kind === 'op' && (x.text === '==' || x.text === '!=' || x.text === '===' || x.text === '!==')) compareOps.push(i);
    else if (x.kind === 'str' && HEADER.test(x.text)) sigSites.push(i);
    else if (x.kind === 'str' && x.interp?.some((e) => HMAC_TEXT.test(e))) hmacSites.push(i); // "sha256=#{OpenSSL::HMAC...}"
    // In PHP `.` concatenates, so `'sha256=' . hash_hmac(...)` is a call, not a member access.
    else if (x.kind === 'id' && !(tk.is(i - 1, '.') && ctx.language !== 'php') && !tk.is(i - 1, '::') && !tk.is(i - 1, '->')) {
      const { path } = tk.path(i);
      if (HMAC.test(path) || (path === 'Mac.getInstance' && /Hmac/i.test(t[i + 4]?.text ?? ''))) hmacSites.push(i);
    }
    // eventId reads that feed a lookup or a record (not a log line, not a response, not a plain read).
    const isEventId = (x.kind === 'id' && EVENT_ID_NAME.test(x.text.replace(/^\$/, ''))) || (x.kind === 'str' && /^(eventId|event_id)$/.test(x.text) && (tk.is(i - 1, '[') || tk.is(i - 1, '(')));
    if (isEventId) {
      if (t[i + 1]?.text === 'in' || (t[i + 1]?.text === 'not' && t[i + 2]?.text === 'in') || t[i - 1]?.text === 'in') dedupChecks.push(loc(ctx, tk, i));
      else {
        const call = enclosingCall(tk, i);
        if (call && !LOGGING_CALLEE.test(call.callee) && !RESPONSE.test(call.callee)) dedupChecks.push(loc(ctx, tk, i));
      }
    }
    if (x.kind === 'id' && x.text === 'switch' && /\.Environment\b|environment/.test(text(i, Math.min(i + 4, t.length - 1)))) environmentChecks.push(loc(ctx, tk, i));
  }

  // An operand runs over `+` concatenations: `sig != "sha256=" + digest`.
  const operands = (i: number): [[number, number], [number, number]] => {
    let a = tk.chainStart(i - 1);
    while (tk.is(a - 1, '+') && a - 2 >= 0) a = tk.chainStart(a - 2);
    let b = tk.chainEnd(i + 1);
    while (tk.is(b + 1, '+') && t[b + 2]) b = tk.chainEnd(b + 2);
    return [[a, i - 1], [i + 1, b]];
  };
  for (const i of compareOps) {
    const [l, r] = operands(i);
    const lt = text(l[0], l[1]);
    const rt = text(r[0], r[1]);
    if ((/environment/i.test(lt) && !ENV_OUTSIDE.test(lt)) || (/environment/i.test(rt) && !ENV_OUTSIDE.test(rt))) environmentChecks.push(loc(ctx, tk, i));
    if (EVENT_ID_NAME.test(lt) || EVENT_ID_NAME.test(rt)) dedupChecks.push(loc(ctx, tk, i));
  }

  if (sigSites.length === 0 && hmacSites.length === 0) return { environmentChecks, dedupChecks };

  // An interpolated string (f"sha256={digest}", "#{...}", "...$x") is not a trivial literal.
  const isTrivial = (a: number, b: number, s: string): boolean =>
    b < a || (a === b && ((t[a]!.kind === 'str' && !t[a]!.interp) || t[a]!.kind === 'num' || TRIVIAL.test(t[a]!.text))) || LENGTHISH.test(s) || (t[a]!.kind === 'str' && t[a]!.text === '');
  /** By text, by the interpolations inside strings, by name, or by what a variable was assigned. */
  const sigish = (a: number, b: number, s: string, depth = 0): boolean => {
    if (SIG_TEXT.test(s)) return true;
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

  const compares: SignatureCompare[] = [];
  for (const i of compareOps) {
    const [l, r] = operands(i);
    const lt = text(l[0], l[1]);
    const rt = text(r[0], r[1]);
    if (isTrivial(l[0], l[1], lt) || isTrivial(r[0], r[1], rt)) continue;
    if (!sigish(l[0], l[1], lt) && !sigish(r[0], r[1], rt)) continue;
    compares.push({ ...loc(ctx, tk, l[0]), operator: t[i]!.text, method: 'operator', operands: [lt, rt], text: `${lt} ${t[i]!.text} ${rt}`.slice(0, 160) });
  }
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.kind !== 'id' || tk.is(i - 1, '.') || tk.is(i - 1, '->') || tk.is(i - 1, '::')) continue;
    const { path, end } = tk.path(i);
    if (!tk.is(end + 1, '(')) continue;
    const args = tk.args(end + 1);
    const argText = args.map(([a, b]) => text(a, b));
    const seg = path.split(/\.|::/).pop() ?? '';
    if (CONSTANT_TIME.test(path) || /^(compare_digest|secure_compare|fixed_length_secure_compare|hash_equals|ConstantTimeCompare)$/.test(seg)) {
      // Ruby's fixed_length_secure_compare raises on unequal lengths, like Node's timingSafeEqual.
      const needsGuard = seg === 'fixed_length_secure_compare';
      const guarded = !needsGuard || compareOps.some((c) => c < i && /bytesize|length|size/.test(text(tk.chainStart(c - 1), tk.chainEnd(c + 1))));
      compares.push({ ...loc(ctx, tk, i), operator: seg, method: 'constant-time', lengthGuarded: guarded, operands: argText, text: text(i, tk.match[end + 1]!).slice(0, 160) });
    } else if (UNSAFE_CALL.test(path) && !/^hmac\.Equal$|MessageDigest\.isEqual/.test(path)) {
      const receiver = path.includes('.') && !/^(bytes|Arrays|reflect|Objects|StringUtils|strings)\./.test(path) ? text(i, end - 2) : undefined;
      const parts = receiver ? [receiver, ...argText] : argText;
      const resolves = (p: string): boolean => {
        const name = /^[$@]?\w+$/.test(p) ? p : undefined;
        const rhs = name ? findAssignment(tk, name, i) : undefined;
        return !!rhs && SIG_TEXT.test(text(rhs[0], rhs[1]));
      };
      if (parts.length >= 2 && parts.some((p) => SIGNATURE_NAME.test(p.split(/\.|->/).pop() ?? '') || /digest|HMAC|signature/i.test(p) || resolves(p))) {
        compares.push({ ...loc(ctx, tk, i), operator: seg, method: 'equals-call', operands: parts, text: text(i, tk.match[end + 1]!).slice(0, 160) });
      }
    }
  }

  const hmacInputs: HmacInput[] = [];
  const inputAt = (a: number, b: number): void => void hmacInputs.push({ ...loc(ctx, tk, a), kind: classifyInput(tk, src, a, b, text), text: text(a, b).slice(0, 160) });
  for (const i of hmacSites) {
    if (t[i]!.kind === 'str') {
      // An HMAC computed inside an interpolation: scan the interpolated code on its own.
      for (const e of t[i]!.interp ?? []) {
        if (!HMAC_TEXT.test(e)) continue;
        const sub = findTokenWebhook({ ...ctx }, e, new Tokens(tokenize(e, ctx.language)));
        for (const input of sub.handler?.hmacInputs ?? []) hmacInputs.push({ ...input, ...loc(ctx, tk, i) });
      }
      continue;
    }
    const { path, end } = tk.path(i);
    if (!tk.is(end + 1, '(')) continue;
    const args = tk.args(end + 1);
    const idx = /^(hmac\.new|hmac\.digest)$/.test(path) ? 1 : /OpenSSL::HMAC\.(hexdigest|digest|base64digest)/.test(path) ? 2 : path === 'hash_hmac' ? 1 : -1;
    const arg = idx >= 0 ? args[idx] : undefined;
    if (arg) inputAt(arg[0], arg[1]);
  }
  for (let i = 0; i < t.length; i++) {
    if (t[i]!.kind === 'id' && /^(update|Write|doFinal)$/.test(t[i]!.text) && (tk.is(i - 1, '.') || tk.is(i - 1, '<<')) && tk.is(i + 1, '(') && !tk.is(i + 2, ')')) {
      const recv = t[i - 2];
      const rhs = recv?.kind === 'id' ? findAssignment(tk, recv.text, i) : undefined;
      if (rhs && HMAC.test(tk.path(rhs[0]).path.replace(/^new /, ''))) {
        const [a, b] = tk.args(i + 1)[0]!;
        inputAt(a, b);
      } else if (rhs && /Mac\.getInstance|hmac\.New|hmac\.new|OpenSSL::HMAC\.new/.test(text(rhs[0], rhs[1]))) {
        const [a, b] = tk.args(i + 1)[0]!;
        inputAt(a, b);
      }
    }
  }

  const first = Math.min(...sigSites, ...hmacSites);
  const handler: WebhookHandler = {
    ...loc(ctx, tk, first),
    language: ctx.language,
    isTest: ctx.isTest,
    readsSignatureHeader: sigSites.length > 0,
    computesHmac: hmacSites.length > 0,
    compares,
    hmacInputs,
    jsonParsers: [],
    environmentChecks,
    dedupChecks,
  };
  return { handler, environmentChecks, dedupChecks };
}

/** Raw bytes, or JSON re-serialised from the parsed request (which no longer matches the signature). */
function classifyInput(tk: Tokens, src: string, a: number, b: number, text: (a: number, b: number) => string, depth = 0): HmacInput['kind'] {
  const s = text(a, b);
  const ser = SERIALIZER.exec(s);
  if (ser) {
    // Serialising a literal built right here is signing something outgoing, not verifying.
    const after = s.slice(ser.index + ser[0].length).replace(/^\s*\(\s*/, '');
    const name = /^[$@]?\w+/.exec(after)?.[0] ?? /([$@]?\w+)\.to_json/.exec(s)?.[1];
    if (/^\s*[{[]/.test(after)) return 'unknown';
    if (name && !/request|req|params|input/i.test(name)) {
      const idx = tk.t.findIndex((x, k) => k < a && x.text === name);
      const rhs = idx >= 0 ? findAssignment(tk, name, a) : undefined;
      if (rhs && /^\s*[{[]|^\s*(dict|array|map\[|new HashMap|Map\.of)/.test(text(rhs[0], rhs[1]))) return 'unknown';
    }
    return 'reserialized';
  }
  if (a === b && tk.t[a]!.kind === 'id' && depth < 2) {
    const rhs = findAssignment(tk, tk.t[a]!.text, a);
    if (rhs) {
      const inner = classifyInput(tk, src, rhs[0], rhs[1], text, depth + 1);
      if (inner !== 'unknown') return inner;
    }
  }
  return RAWISH.test(s) ? 'raw' : 'unknown';
}
