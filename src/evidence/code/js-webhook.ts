// Finds webhook-handler facts in JS/TS: signature compares (and whether they are constant-time),
// what the HMAC is computed over, JSON body parsers mounted ahead of the route, and the places
// that compare `environment` or look up `eventId`.
import { Bindings, isFunction, lastSegment, pathOf, someNode, unwrap, type Node } from './js-ast.js';
import { isJsonParser } from './js-express.js';
import { isRequestBody, isSignatureish, isTrivial, LENGTH, passesErrorOn, unwrapBytes, type Scope } from './js-operands.js';
import type { Site } from './parser-js.js';
import { CONSTANT_TIME, LineMap, LOGGING_CALLEE } from './shared.js';
import type { CodeLocation, HmacInput, ScanContext, SignatureCompare, WebhookHandler } from './types.js';

export interface JsSites {
  binaries: Site[];
  calls: Site[];
  signatureHeaders: Node[];
  /** TryStatement nodes. */
  tries: Node[];
  switches: Node[];
  /** Local name -> module specifier, from `import` and `require`. */
  imports: Map<string, string>;
  /** Some object in the file sets `bodyParser: false` (Next.js pages-router config). */
  bodyParserOff: boolean;
}

const EQUALITY = new Set(['==', '===', '!=', '!==']);
/** Calls that answer the HTTP request: an eventId echoed in a response is no dedup. */
const RESPONSE_CALLEE = /(^|\.)(json|send|end|write|status|jsonify|render|redirect|setHeader|header|NextResponse\.json|Response\.json)$/;

function loc(file: string, lines: LineMap, n: Node): CodeLocation {
  return { file, ...lines.at(n.start) };
}

function within(inner: Node, outer: Node): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

function hmacInput(arg: Node, site: Site, b: Bindings, source: string, lines: LineMap, file: string): HmacInput {
  const text = source.slice(arg.start, arg.end).slice(0, 160);
  const at = loc(file, lines, arg);
  let u = unwrapBytes(arg, b, site);
  if (u?.type === 'Identifier') {
    const init = unwrap(b.lookup(u.name as string, site.fns, arg.start));
    if (init?.type === 'CallExpression' && pathOf(init.callee) === 'JSON.stringify') u = init;
  }
  if (u?.type === 'CallExpression' && pathOf(u.callee) === 'JSON.stringify') {
    // Only a re-serialised *request body* is the bug; signing an outgoing object is fine.
    return { ...at, kind: isRequestBody(u.arguments[0], b, site.fns, arg.start) ? 'reserialized' : 'unknown', text };
  }
  return { ...at, kind: /raw|buf|text|bytes|body|payload/i.test(text) ? 'raw' : 'unknown', text };
}

/** Any `.length`/`.byteLength` comparison, or a try whose catch answers itself, protecting a timingSafeEqual call. */
function lengthGuarded(site: Site, sites: JsSites, source: string): boolean {
  const fn = site.fns.at(-1);
  const scope = (n: Node): boolean => (fn ? within(n, fn) : true) && n.start < site.node.start;
  if (sites.tries.some((t) => within(site.node, t.block as Node) && !passesErrorOn(t.handler as Node | undefined))) return true;
  for (const b of sites.binaries) {
    const n = b.node;
    if (!scope(n) || !['==', '===', '!=', '!==', '<', '>', '<=', '>='].includes(n.operator)) continue;
    if ([n.left, n.right].some((x: Node) => LENGTH.test(pathOf(x) ?? ''))) return true;
  }
  // `/^[0-9a-f]{64}$/.test(sig)` also pins the length.
  return sites.calls.some((c) => scope(c.node) && /\{64\}/.test(source.slice(c.node.start, c.node.end)) && unwrap(c.node.callee)?.property?.name === 'test');
}

export function findJsWebhook(
  ctx: ScanContext,
  source: string,
  lines: LineMap,
  sites: JsSites,
  b: Bindings,
): { handler?: WebhookHandler; environmentChecks: CodeLocation[]; dedupChecks: CodeLocation[] } {
  const file = ctx.file;
  const environmentChecks: CodeLocation[] = [];
  const dedupChecks: CodeLocation[] = [];

  const isEnv = (n: Node | undefined): boolean => {
    const p = pathOf(n);
    return !!p && /(^|\.)environment$/.test(p);
  };
  for (const s of sites.binaries) {
    const n = s.node;
    if (!EQUALITY.has(n.operator)) continue;
    if ((isEnv(n.left) && !isTrivialUndefined(n.right)) || (isEnv(n.right) && !isTrivialUndefined(n.left))) environmentChecks.push(loc(file, lines, n));
  }
  for (const sw of sites.switches) if (isEnv(sw.discriminant)) environmentChecks.push(loc(file, lines, sw));

  if (/eventId/.test(source)) {
    const isEventId = (x: Node): boolean => {
      if (x.type === 'Identifier') return x.name === 'eventId';
      if (x.type === 'MemberExpression') return /(^|\.)eventId$/.test(pathOf(x) ?? '');
      return false;
    };
    for (const s of sites.calls) {
      const cp = pathOf(s.node.callee) ?? lastSegment(pathOf(unwrap(s.node.callee)?.property));
      if (LOGGING_CALLEE.test(cp) || RESPONSE_CALLEE.test(cp)) continue;
      if ((s.node.arguments as Node[]).some((a) => !isFunction(unwrap(a)) && someNode(a, isEventId))) dedupChecks.push(loc(file, lines, s.node));
    }
    for (const s of sites.binaries) {
      if (EQUALITY.has(s.node.operator) && (isEventId(unwrap(s.node.left) ?? s.node) || isEventId(unwrap(s.node.right) ?? s.node))) dedupChecks.push(loc(file, lines, s.node));
    }
  }

  // Web Crypto: `crypto.subtle.sign('HMAC', key, data)` computes, `subtle.verify(...)` compares in constant time.
  const subtle = (s: Site): string | undefined => /(^|\.)subtle\.(sign|verify)$/.exec(pathOf(s.node.callee) ?? '')?.[2];
  const hmacCalls = sites.calls.filter((s) => lastSegment(pathOf(s.node.callee)) === 'createHmac' || (subtle(s) && /HMAC/.test(source)));
  if (sites.signatureHeaders.length === 0 && hmacCalls.length === 0) return { environmentChecks, dedupChecks };

  const compares: SignatureCompare[] = [];
  for (const s of sites.binaries) {
    const n = s.node;
    if (!EQUALITY.has(n.operator) || isTrivial(n.left) || isTrivial(n.right)) continue;
    const scope: Scope = { b, fns: s.fns };
    if (!isSignatureish(n.left, source, scope) && !isSignatureish(n.right, source, scope)) continue;
    // `Buffer.compare(a, b) === 0` is reported at the compare call below.
    const operands = [n.left, n.right].map((x: Node) => source.slice(x.start, x.end));
    compares.push({ ...loc(file, lines, n), operator: n.operator, method: 'operator', operands, text: source.slice(n.start, n.end).slice(0, 160) });
  }
  for (const s of sites.calls) {
    const n = s.node;
    const cp = pathOf(n.callee) ?? '';
    const seg = lastSegment(cp);
    const args = n.arguments as Node[];
    const text = source.slice(n.start, n.end).slice(0, 160);
    if (CONSTANT_TIME.test(cp) || CONSTANT_TIME.test(seg)) {
      const guarded = seg === 'timingSafeEqual' ? lengthGuarded(s, sites, source) : true;
      compares.push({ ...loc(file, lines, n), operator: seg, method: 'constant-time', lengthGuarded: guarded, operands: args.map((a) => source.slice(a.start, a.end)), text });
    } else if ((seg === 'equals' || cp === 'Buffer.compare') && unwrap(n.callee)?.type === 'MemberExpression') {
      const parts = cp === 'Buffer.compare' ? args : [unwrap(n.callee)!.object as Node, ...args];
      if (parts.length >= 2 && parts.some((p) => isSignatureish(p, source, { b, fns: s.fns }))) {
        compares.push({ ...loc(file, lines, n), operator: cp === 'Buffer.compare' ? 'Buffer.compare' : '.equals', method: 'equals-call', operands: parts.map((a) => source.slice(a.start, a.end)), text });
      }
    }
  }

  const hmacInputs: HmacInput[] = [];
  for (const s of sites.calls) {
    const callee = unwrap(s.node.callee);
    if (callee?.type !== 'MemberExpression' || lastSegment(pathOf(callee.property)) !== 'update' || s.node.arguments.length === 0) continue;
    const obj = unwrap(callee.object);
    const fromHmac =
      (obj?.type === 'CallExpression' && lastSegment(pathOf(obj.callee)) === 'createHmac') ||
      (obj?.type === 'Identifier' && lastSegment(pathOf(unwrap(b.lookup(obj.name as string, s.fns, s.node.start))?.callee)) === 'createHmac');
    if (fromHmac) hmacInputs.push(hmacInput(s.node.arguments[0] as Node, s, b, source, lines, file));
  }
  for (const s of hmacCalls) {
    const kind = subtle(s);
    const data = kind === 'sign' ? s.node.arguments[2] : kind === 'verify' ? s.node.arguments[3] : undefined;
    if (data) hmacInputs.push(hmacInput(data as Node, s, b, source, lines, file));
  }

  const jsonParsers = findJsonParsers(sites, source, lines, file);
  // The handler's place: its first signature header read or HMAC call.
  const first = [...sites.signatureHeaders, ...hmacCalls.map((h) => h.node)].sort((x, y) => x.start - y.start)[0]!;
  // Next.js pages router: API routes get a JSON-parsed body unless `config.api.bodyParser` is false.
  if (/(^|\/)pages\/api\//.test(file) && !sites.bodyParserOff) {
    jsonParsers.push({ ...loc(file, lines, first), text: 'Next.js default API body parser', nextPages: true });
  }

  const handler: WebhookHandler = {
    ...loc(file, lines, first),
    language: ctx.language,
    isTest: ctx.isTest,
    readsSignatureHeader: sites.signatureHeaders.length > 0,
    computesHmac: hmacCalls.length > 0,
    compares,
    hmacInputs,
    jsonParsers,
    environmentChecks,
    dedupChecks,
  };
  return { handler, environmentChecks, dedupChecks };
}

function isTrivialUndefined(n: Node | undefined): boolean {
  const u = unwrap(n);
  return !u || (u.type === 'Identifier' && u.name === 'undefined') || (u.type === 'Literal' && u.value === null);
}

/**
 * `app.use(express.json())` (or `bodyParser.json()`) with no `verify` hook, mounted before the
 * webhook route, or on the route itself: the HMAC can no longer see the raw bytes.
 */
function findJsonParsers(sites: JsSites, source: string, lines: LineMap, file: string): WebhookHandler["jsonParsers"] {
  const out: WebhookHandler["jsonParsers"] = [];
  const routes = sites.calls.filter((s) => {
    const cp = pathOf(s.node.callee) ?? '';
    const path = unwrap(s.node.arguments[0]);
    return /\.(post|all|use)$/.test(cp) && path?.type === 'Literal' && /webhook|mintcash|hook|event/i.test(String(path.value));
  });
  if (routes.length === 0) return out;
  const lastRoute = Math.max(...routes.map((r) => r.node.start));
  for (const s of sites.calls) {
    const cp = pathOf(s.node.callee) ?? '';
    if (!/\.(use|post|all)$/.test(cp)) continue;
    const args = s.node.arguments as Node[];
    const parser = args.find((a) => isJsonParser(a));
    if (!parser || s.node.start > lastRoute) continue;
    // A path-scoped parser for some other prefix (e.g. '/api') does not sit in front of the webhook.
    const scope = unwrap(args[0]);
    if (/\.use$/.test(cp) && scope?.type === 'Literal' && typeof scope.value === 'string' && !routes.some((r) => String(unwrap(r.node.arguments[0])?.value).startsWith(String(scope.value)))) continue;
    out.push({ ...loc(file, lines, parser), text: source.slice(parser.start, parser.end) });
  }
  return out;
}

