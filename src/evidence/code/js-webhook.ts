// Finds webhook-handler facts in JS/TS: signature compares (and whether they are constant-time),
// what the HMAC is computed over, JSON body parsers mounted ahead of the route, and the places
// that compare `environment` or look up `eventId`. HMACs come from Node's crypto (under any
// import name), Web Crypto, @noble/hashes and crypto-js; tweetnacl and jose verify in constant time.
import { Bindings, isFunction, lastSegment, pathOf, someNode, unwrap, type Node } from './js-ast.js';
import { isJsonParser } from './js-express.js';
import { isConstant, isRequestBody, isSignatureish, isTrivial, LENGTH, passesErrorOn, unwrapBytes, type Scope } from './js-operands.js';
import type { Site } from './parser-js.js';
import { ByteOffsets, CONSTANT_TIME, directionOf, LineMap, LOGGING_CALLEE } from './shared.js';
import type { BodyArg, CodeLocation, HmacInput, ParamInput, ScanContext, SignatureCompare, WebhookHandler } from './types.js';

export interface JsSites {
  binaries: Site[];
  calls: Site[];
  signatureHeaders: Node[];
  /** TryStatement nodes. */
  tries: Node[];
  switches: Node[];
  /** Local name -> module specifier, from `import` and `require`. */
  imports: Map<string, string>;
  /** Local name -> what it imports: `import { createHmac as mac } from 'crypto'` is `{ from: 'crypto', name: 'createHmac' }`. */
  importNames: Map<string, { from: string; name: string }>;
  /** Functions defined in this file, by name (declarations, `const f = () =>`, methods). */
  functions: Map<string, Node>;
  /** The name of each named function node. */
  fnNames: Map<Node, string>;
  /** Per function, the parameters a framework fills with the parsed body (`@Body() payload`). */
  bodyParams: Map<Node, Set<string>>;
  /** Some object in the file sets `bodyParser: false` (Next.js pages-router config). */
  bodyParserOff: boolean;
}

const EQUALITY = new Set(['==', '===', '!=', '!==']);
/** Calls that answer the HTTP request: an eventId echoed in a response is no dedup. */
const RESPONSE_CALLEE = /(^|\.)(json|send|end|write|status|jsonify|render|redirect|setHeader|header|NextResponse\.json|Response\.json)$/;
const NODE_CRYPTO = /^(node:)?crypto$/;
const LOCAL_MODULE = /^(\.|@\/|~\/|#)/;

interface Ctx {
  file: string;
  source: string;
  lines: LineMap;
  bytes: ByteOffsets;
  sites: JsSites;
  b: Bindings;
}

function loc(c: Ctx, n: Node): CodeLocation {
  return { file: c.file, ...c.lines.at(n.start) };
}

function within(inner: Node, outer: Node): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

const calleeOf = (n: Node): string => pathOf(n.callee) ?? (unwrap(n.callee)?.type === 'MemberExpression' ? `?.${lastSegment(pathOf(unwrap(n.callee)!.property))}` : '');

/** What a callee names once imports are resolved: `mac(...)` with `import { createHmac as mac } from 'crypto'` is `crypto.createHmac`. */
function canonical(c: Ctx, callee: Node | undefined): string {
  const u = unwrap(callee);
  const p = pathOf(u) ?? '';
  const root = p.split('.')[0] ?? '';
  const imp = c.sites.importNames.get(root);
  if (!imp) return p;
  const from = NODE_CRYPTO.test(imp.from) ? 'crypto' : imp.from;
  const head = imp.name === 'default' || imp.name === '*' ? from : `${from}.${imp.name}`;
  return head + p.slice(root.length);
}

const isCreateHmac = (c: Ctx, callee: Node | undefined): boolean => lastSegment(canonical(c, callee)) === 'createHmac';
/** `hmac(sha256, key, msg)` from @noble/hashes: the message is the third argument. */
const isNobleHmac = (c: Ctx, callee: Node | undefined): boolean => /^@noble\/hashes\/hmac(\.js)?\.hmac$/.test(canonical(c, callee));
/** crypto-js `HmacSHA256(message, key)` (also its per-algorithm modules): the message comes first. */
const isCryptoJsHmac = (c: Ctx, callee: Node | undefined): boolean => {
  const p = canonical(c, callee);
  return /^crypto-js(\.default)?\.Hmac\w+$/.test(p) || /^crypto-js\/hmac-\w+$/.test(p) || /(^|\.)CryptoJS\.Hmac\w+$/.test(p);
};

/** A compare function defined in this file, judged by its body rather than its name. */
function judgeLocal(fn: Node): 'constant-time' | 'leaky' | undefined {
  const body = fn.body as Node;
  const xor = someNode(body, (x) => (x.type === 'BinaryExpression' && x.operator === '^') || (x.type === 'AssignmentExpression' && x.operator === '^='), { intoFunctions: true });
  const primitive = someNode(body, (x) => x.type === 'CallExpression' && CONSTANT_TIME.test(pathOf(x.callee) ?? lastSegment(pathOf(unwrap(x.callee)?.property))), { intoFunctions: true });
  if (xor || primitive) return 'constant-time';
  const params = new Set(((fn.params ?? []) as Node[]).map((p) => (p.type === 'Identifier' ? (p.name as string) : '')));
  const leaks = someNode(body, (x) => x.type === 'BinaryExpression' && EQUALITY.has(x.operator) && [x.left, x.right].every((o: Node) => unwrap(o)?.type === 'Identifier' && params.has(unwrap(o)!.name as string)));
  return leaks ? 'leaky' : undefined;
}

/** How a call that names a constant-time compare really compares, and whether it is Node's (throws on length). */
function resolveCompare(c: Ctx, n: Node): { kind: 'node' | 'constant-time' | 'leaky'; name: string } | undefined {
  const p = pathOf(n.callee) ?? '';
  const root = p.split('.')[0] ?? '';
  const local = !p.includes('.') ? c.sites.functions.get(p) : undefined;
  // `import { timingSafeEqual as same } from 'crypto'`: judged by what it is, not what it is called here.
  const imported = c.sites.importNames.get(root);
  const seg = imported && imported.name !== 'default' && imported.name !== '*' && root === p ? imported.name : lastSegment(p);
  if (local) {
    // The file's own function, whatever its name: constant-time only if its body is.
    const verdict = judgeLocal(local);
    if (verdict) return { kind: verdict, name: p };
    return CONSTANT_TIME.test(p) ? { kind: 'constant-time', name: p } : undefined;
  }
  if (!CONSTANT_TIME.test(p) && !CONSTANT_TIME.test(seg) && !/(^|\.)(nacl\.sign\.detached\.verify|jwtVerify|compactVerify|flattenedVerify)$/.test(canonical(c, n.callee))) return undefined;
  if (seg !== 'timingSafeEqual') return { kind: 'constant-time', name: seg };
  // Node's throws on unequal lengths; a helper of the same name from the merchant's own module does not.
  const from = c.sites.imports.get(root);
  const nodes = root === p ? NODE_CRYPTO.test(imported?.from ?? '') : !(from && LOCAL_MODULE.test(from));
  return { kind: nodes ? 'node' : 'constant-time', name: seg };
}

/** Any `.length` check before a timingSafeEqual call, a regex that pins the length, or a try whose catch answers a 4xx/false. */
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
  return sites.calls.some((c) => scope(c.node) && /\{\d+\}/.test(source.slice(c.node.start, c.node.end)) && unwrap(c.node.callee)?.property?.name === 'test');
}

/** The function a node sits in, its name, and the index of `name` among its parameters. */
function paramOf(c: Ctx, fns: readonly Node[], name: string): { fn: string; param: number } | undefined {
  const fn = fns.at(-1);
  if (!fn) return undefined;
  const i = ((fn.params ?? []) as Node[]).findIndex((p) => (p.type === 'AssignmentPattern' ? p.left : p)?.name === name);
  const fnName = c.sites.fnNames.get(fn);
  return i >= 0 && fnName ? { fn: fnName, param: i } : undefined;
}

/** `JSON.stringify(x)` (through a same-function variable), or undefined. */
function stringified(c: Ctx, n: Node | undefined, fns: readonly Node[]): Node | undefined {
  let u = unwrapBytes(n, c.b, { node: n!, parent: undefined, fns });
  if (u?.type === 'Identifier') {
    const init = unwrap(c.b.lookup(u.name as string, fns, u.start));
    if (init?.type === 'CallExpression' && pathOf(init.callee) === 'JSON.stringify') u = init;
  }
  return u?.type === 'CallExpression' && pathOf(u.callee) === 'JSON.stringify' ? u : undefined;
}

function input(c: Ctx, n: Node, kind: HmacInput['kind']): HmacInput {
  return { ...loc(c, n), ...c.bytes.span(n.start, n.end), kind, text: c.source.slice(n.start, n.end).slice(0, 160) };
}

/**
 * What one HMAC input is: re-serialised request JSON (placed on the serialisation), the raw bytes,
 * or a parameter the collector follows one call away.
 */
function hmacInput(c: Ctx, arg: Node, site: Site, params: ParamInput[]): HmacInput {
  const ser = stringified(c, arg, site.fns);
  if (ser) {
    const inner = unwrap(ser.arguments[0]);
    // Only a re-serialised *request body* is the bug; signing an outgoing object is fine.
    if (isRequestBody(inner, c.b, site.fns, arg.start, 0, c.sites.bodyParams)) return input(c, ser, 'reserialized');
    const p = inner?.type === 'Identifier' && !c.b.lookup(inner.name as string, site.fns, arg.start) ? paramOf(c, site.fns, inner.name as string) : undefined;
    if (p) params.push({ ...p, via: 'serialised', at: input(c, ser, 'reserialized') });
    return input(c, arg, 'unknown');
  }
  const u = unwrapBytes(arg, c.b, site);
  if (u?.type === 'Identifier' && !c.b.lookup(u.name as string, site.fns, arg.start)) {
    const p = paramOf(c, site.fns, u.name as string);
    if (p) params.push({ ...p, via: 'raw', at: input(c, arg, 'raw') });
  }
  const text = c.source.slice(arg.start, arg.end);
  return input(c, arg, /raw|buf|text|bytes|body|payload/i.test(text) ? 'raw' : 'unknown');
}

export interface JsWebhookFacts {
  handler?: WebhookHandler;
  environmentChecks: CodeLocation[];
  dedupChecks: CodeLocation[];
  paramInputs: ParamInput[];
  bodyArgs: BodyArg[];
}

export function findJsWebhook(ctx: ScanContext, source: string, lines: LineMap, sites: JsSites, b: Bindings): JsWebhookFacts {
  const c: Ctx = { file: ctx.file, source, lines, bytes: new ByteOffsets(source), sites, b };
  const environmentChecks: CodeLocation[] = [];
  const dedupChecks: CodeLocation[] = [];

  const isEnv = (n: Node | undefined): boolean => {
    const p = pathOf(n);
    return !!p && /(^|\.)environment$/.test(p);
  };
  for (const s of sites.binaries) {
    const n = s.node;
    if (!EQUALITY.has(n.operator)) continue;
    if ((isEnv(n.left) && !isTrivialUndefined(n.right)) || (isEnv(n.right) && !isTrivialUndefined(n.left))) environmentChecks.push(loc(c, n));
  }
  for (const sw of sites.switches) if (isEnv(sw.discriminant)) environmentChecks.push(loc(c, sw));

  if (/eventId/.test(source)) {
    const isEventId = (x: Node): boolean => {
      if (x.type === 'Identifier') return x.name === 'eventId';
      if (x.type === 'MemberExpression') return /(^|\.)eventId$/.test(pathOf(x) ?? '');
      return false;
    };
    for (const s of sites.calls) {
      const cp = pathOf(s.node.callee) ?? lastSegment(pathOf(unwrap(s.node.callee)?.property));
      if (LOGGING_CALLEE.test(cp) || RESPONSE_CALLEE.test(cp)) continue;
      if ((s.node.arguments as Node[]).some((a) => !isFunction(unwrap(a)) && someNode(a, isEventId))) dedupChecks.push(loc(c, s.node));
    }
    for (const s of sites.binaries) {
      if (EQUALITY.has(s.node.operator) && (isEventId(unwrap(s.node.left) ?? s.node) || isEventId(unwrap(s.node.right) ?? s.node))) dedupChecks.push(loc(c, s.node));
    }
  }

  // Calls whose arguments pass the parsed body on, or its re-serialisation (for the one-hop follow).
  const bodyArgs: BodyArg[] = [];
  for (const s of sites.calls) {
    const callee = lastSegment(calleeOf(s.node));
    if (!callee || callee === 'stringify' || LOGGING_CALLEE.test(calleeOf(s.node)) || RESPONSE_CALLEE.test(calleeOf(s.node))) continue;
    (s.node.arguments as Node[]).forEach((a, i) => {
      const ser = stringified(c, a, s.fns);
      if (ser && isRequestBody(ser.arguments[0], b, s.fns, a.start, 0, sites.bodyParams)) bodyArgs.push({ callee, arg: i, kind: 'serialised', at: input(c, ser, 'reserialized') });
      else if (isRequestBody(a, b, s.fns, a.start, 0, sites.bodyParams)) bodyArgs.push({ callee, arg: i, kind: 'parsed', at: input(c, a, 'unknown') });
    });
  }

  // Web Crypto: `crypto.subtle.sign('HMAC', key, data)` computes, `subtle.verify(...)` compares in constant time.
  const subtle = (s: Site): string | undefined => /(^|\.)subtle\.(sign|verify)$/.exec(pathOf(s.node.callee) ?? '')?.[2];
  const hmacCalls = sites.calls.filter(
    (s) => isCreateHmac(c, s.node.callee) || isNobleHmac(c, s.node.callee) || isCryptoJsHmac(c, s.node.callee) || (subtle(s) && /HMAC/.test(source)),
  );
  const verifyCalls = sites.calls.filter((s) => /(^|\.)(nacl\.sign\.detached\.verify|jwtVerify|compactVerify|flattenedVerify)$/.test(canonical(c, s.node.callee)));
  const nothing = { environmentChecks, dedupChecks, paramInputs: [], bodyArgs };
  if (sites.signatureHeaders.length === 0 && hmacCalls.length === 0 && verifyCalls.length === 0) return nothing;

  // A compare written inside a log line (`console.log(sig === expected)`) decides nothing.
  const logged = sites.calls.filter((s) => LOGGING_CALLEE.test(calleeOf(s.node))).map((s) => s.node);
  const inLog = (n: Node): boolean => logged.some((l) => within(n, l) && n !== l);
  const spanOf = (n: Node) => c.bytes.span(n.start, n.end);

  const compares: SignatureCompare[] = [];
  const compare = (n: Node, operator: string, method: SignatureCompare['method'], parts: Node[], extra: Partial<SignatureCompare> = {}): void => {
    compares.push({
      ...loc(c, n), ...spanOf(n), operator, method,
      operands: parts.map((x) => source.slice(x.start, x.end)), operandSpans: parts.map(spanOf),
      text: source.slice(n.start, n.end).slice(0, 160), ...extra,
    });
  };
  for (const s of sites.binaries) {
    const n = s.node;
    if (inLog(n)) continue;
    const scope: Scope = { b, fns: s.fns };
    // Membership in an object keyed by signatures: `sig in validSignatures`.
    if (n.operator === 'in' && !isTrivial(n.left) && isSignatureish(n.left, source, scope)) {
      compare(n, 'in', 'operator', [n.left, n.right]);
      continue;
    }
    if (!EQUALITY.has(n.operator) || isTrivial(n.left) || isTrivial(n.right)) continue;
    if (isConstant(n.left) || isConstant(n.right)) continue;
    if (!isSignatureish(n.left, source, scope) && !isSignatureish(n.right, source, scope)) continue;
    // `Buffer.compare(a, b) === 0` is reported at the compare call below.
    compare(n, n.operator, 'operator', [n.left, n.right]);
  }
  for (const s of sites.calls) {
    const n = s.node;
    if (inLog(n)) continue;
    const cp = pathOf(n.callee) ?? '';
    const seg = lastSegment(cp) || lastSegment(pathOf(unwrap(n.callee)?.property));
    const args = n.arguments as Node[];
    const scope: Scope = { b, fns: s.fns };
    const resolved = resolveCompare(c, n);
    if (resolved?.kind === 'node') {
      compare(n, seg, 'constant-time', args, { lengthGuarded: lengthGuarded(s, sites, source) });
    } else if (resolved?.kind === 'constant-time') {
      compare(n, resolved.name, 'constant-time', args, { lengthGuarded: true });
    } else if (resolved?.kind === 'leaky') {
      if (args.length >= 2 && args.some((a) => isSignatureish(a, source, scope))) compare(n, `${resolved.name} (compares with ==)`, 'operator', args);
    } else if ((seg === 'equals' || cp === 'Buffer.compare') && unwrap(n.callee)?.type === 'MemberExpression') {
      const parts = cp === 'Buffer.compare' ? args : [unwrap(n.callee)!.object as Node, ...args];
      if (parts.length >= 2 && parts.some((p) => isSignatureish(p, source, scope))) compare(n, cp === 'Buffer.compare' ? 'Buffer.compare' : '.equals', 'equals-call', parts);
    } else if ((seg === 'includes' || seg === 'indexOf') && unwrap(n.callee)?.type === 'MemberExpression' && args.length >= 1) {
      // A signature looked up in a list: `validSignatures.includes(sig)`, `sigs.indexOf(expected) !== -1`.
      const receiver = unwrap(n.callee)!.object as Node;
      const arg = args[0]!;
      if (!isTrivial(arg) && unwrap(receiver)?.type !== 'Literal' && (isSignatureish(arg, source, scope) || isSignatureish(receiver, source, scope))) compare(n, `.${seg}`, 'operator', [receiver, arg]);
    }
  }

  const paramInputs: ParamInput[] = [];
  const hmacInputs: HmacInput[] = [];
  const hmacArgs: { arg: Node; site: Site }[] = [];
  for (const s of sites.calls) {
    const callee = unwrap(s.node.callee);
    if (callee?.type !== 'MemberExpression' || lastSegment(pathOf(callee.property)) !== 'update' || s.node.arguments.length === 0) continue;
    const obj = unwrap(callee.object);
    const made = (x: Node | undefined): boolean => x?.type === 'CallExpression' && (isCreateHmac(c, x.callee) || /\.create$/.test(canonical(c, x.callee)) && isNobleHmac(c, unwrap(x.callee)?.object));
    const fromHmac = made(obj) || (obj?.type === 'Identifier' && made(unwrap(b.lookup(obj.name as string, s.fns, s.node.start))));
    if (fromHmac) hmacArgs.push({ arg: s.node.arguments[0] as Node, site: s });
  }
  for (const s of hmacCalls) {
    const kind = subtle(s);
    const args = s.node.arguments as Node[];
    const data = kind === 'sign' ? args[2] : kind === 'verify' ? args[3] : isNobleHmac(c, s.node.callee) ? args[2] : isCryptoJsHmac(c, s.node.callee) ? args[0] : undefined;
    if (data) hmacArgs.push({ arg: data, site: s });
  }
  for (const { arg, site } of hmacArgs) hmacInputs.push(hmacInput(c, arg, site, paramInputs));

  // The one-hop follow inside this file: a caller here passes the parsed body (or its serialisation).
  const unresolved: ParamInput[] = [];
  for (const p of paramInputs) {
    const hit = bodyArgs.find((a) => a.callee === p.fn && a.arg === p.param && a.kind === (p.via === 'serialised' ? 'parsed' : 'serialised'));
    if (hit) hmacInputs.push(p.via === 'serialised' ? p.at : { ...hit.at, kind: 'reserialized' });
    else unresolved.push(p);
  }

  const jsonParsers = findJsonParsers(c);
  // The handler's place: its first signature header read, HMAC call or verify call.
  const first = [...sites.signatureHeaders, ...hmacCalls.map((h) => h.node), ...verifyCalls.map((h) => h.node)].sort((x, y) => x.start - y.start)[0]!;
  // Next.js pages router: API routes get a JSON-parsed body unless `config.api.bodyParser` is false;
  // it matters only where the HMAC is computed over that parsed body (not over raw bytes it read
  // itself with `buffer(req)` / `req.text()`, not over other fields).
  const overParsedBody = hmacInputs.some((i) => i.kind === 'reserialized') || hmacArgs.some(({ arg, site }) => usesWholeBody(c, arg, site.fns));
  if (/(^|\/)pages\/api\//.test(ctx.file) && !sites.bodyParserOff && overParsedBody) {
    jsonParsers.push({ ...loc(c, first), text: 'Next.js default API body parser', nextPages: true });
  }

  const handler: WebhookHandler = {
    ...loc(c, first),
    language: ctx.language,
    isTest: ctx.isTest,
    direction: directionOf(source, compares.length),
    readsSignatureHeader: sites.signatureHeaders.length > 0,
    computesHmac: hmacCalls.length > 0 || hmacArgs.length > 0,
    compares,
    hmacInputs,
    jsonParsers,
    environmentChecks,
    dedupChecks,
  };
  return { handler, environmentChecks, dedupChecks, paramInputs: unresolved, bodyArgs };
}

/**
 * Is the parsed body itself (not one of its fields) part of this value: `req.body`,
 * `String(req.body)`, `typeof req.body === 'string' ? req.body : …`? `req.body.orderId` is a field.
 */
function usesWholeBody(c: Ctx, n: Node | undefined, fns: readonly Node[], depth = 0): boolean {
  const u = unwrap(n);
  if (!u || depth > 4) return false;
  if (isRequestBody(u, c.b, fns, u.start, 3, c.sites.bodyParams)) return true;
  const rec = (x: Node | undefined): boolean => usesWholeBody(c, x, fns, depth + 1);
  switch (u.type) {
    case 'Identifier': {
      const init = c.b.lookup(u.name as string, fns, u.start);
      return init ? rec(init) : false;
    }
    case 'ConditionalExpression':
      return rec(u.consequent) || rec(u.alternate);
    case 'LogicalExpression':
    case 'BinaryExpression':
      return rec(u.left) || rec(u.right);
    case 'TemplateLiteral':
      return (u.expressions as Node[]).some(rec);
    case 'CallExpression':
    case 'NewExpression':
      return (u.arguments as Node[]).some(rec) || (unwrap(u.callee)?.type === 'MemberExpression' && rec(unwrap(u.callee)!.object as Node));
    default:
      return false;
  }
}

function isTrivialUndefined(n: Node | undefined): boolean {
  const u = unwrap(n);
  return !u || (u.type === 'Identifier' && u.name === 'undefined') || (u.type === 'Literal' && u.value === null);
}

/**
 * `app.use(express.json())` (or `bodyParser.json()`) with no `verify` hook, mounted before the
 * webhook route, or on the route itself: the HMAC can no longer see the raw bytes.
 */
function findJsonParsers(c: Ctx): WebhookHandler['jsonParsers'] {
  const { sites, source } = c;
  const out: WebhookHandler['jsonParsers'] = [];
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
    out.push({ ...loc(c, parser), text: source.slice(parser.start, parser.end) });
  }
  return out;
}
