// Finds MintCash create calls in JS/TS: fetch, axios, got, ky, undici, node:http(s), superagent
// and thin wrappers (`client.post('/payments', body)`), then resolves the body and its externalId.
import { Bindings, isFunction, keysOf, lastSegment, pathOf, propOf, stringValue, unwrap, type Node } from './js-ast.js';
import type { Site } from './parser-js.js';
import { errorHandlingOf } from './js-errors.js';
import { ByteOffsets, classifyValue, endpointOf, LineMap, type ValueShape } from './shared.js';
import type { BodyFact, Endpoint, ExternalIdFact, MintCashCall, ScanContext } from './types.js';

const WRITE_METHODS = new Set(['post', 'put', 'patch']);
const READ_METHODS = new Set(['get', 'delete', 'head', 'options']);
/** Receivers that register routes rather than send requests: `app.post('/payments', handler)`. */
const ROUTERS = /^(app|router|server|fastify|route|routes|r|api\.route|hono|koa|express|instance)$/;
/** Keys of a request-options object, as opposed to a request body. */
const OPTION_KEYS = new Set(['json', 'body', 'data', 'headers', 'searchParams', 'timeout', 'retry', 'auth', 'method', 'url', 'hooks', 'responseType', 'signal', 'params', 'throwHttpErrors', 'prefixUrl', 'baseURL', 'baseUrl']);

interface Ctx {
  source: string;
  bindings: Bindings;
  fns: readonly Node[];
  pos: number;
}

/** The static shape of a URL expression; dynamic parts become `{}`. */
function urlShape(n: Node | undefined, c: Ctx, depth = 0): string {
  const u = unwrap(n);
  if (!u || depth > 4) return '{}';
  const s = stringValue(u);
  if (s !== undefined) return s;
  if (u.type === 'TemplateLiteral') {
    return (u.quasis as Node[]).map((q, i) => (i > 0 ? urlShape(u.expressions[i - 1], c, depth + 1) : '') + String(q.value?.cooked ?? '')).join('');
  }
  if (u.type === 'BinaryExpression' && u.operator === '+') return urlShape(u.left, c, depth + 1) + urlShape(u.right, c, depth + 1);
  if (u.type === 'Identifier') {
    const init = c.bindings.lookup(u.name, c.fns, c.pos);
    return init ? urlShape(init, c, depth + 1) : '{}';
  }
  if (u.type === 'NewExpression' && pathOf(u.callee) === 'URL') {
    return urlShape(u.arguments[1], c, depth + 1).replace(/\/$/, '') + urlShape(u.arguments[0], c, depth + 1);
  }
  if (u.type === 'CallExpression' && lastSegment(pathOf(u.callee)) === 'toString' && u.callee.type === 'MemberExpression') {
    return urlShape(u.callee.object, c, depth + 1);
  }
  return '{}';
}

function resolveObject(n: Node | undefined, c: Ctx, depth = 0): Node | undefined {
  const u = unwrap(n);
  if (!u || depth > 4) return undefined;
  if (u.type === 'ObjectExpression') return u;
  if (u.type === 'CallExpression' && pathOf(u.callee) === 'JSON.stringify') return resolveObject(u.arguments[0], c, depth + 1);
  if (u.type === 'Identifier') return resolveObject(c.bindings.lookup(u.name, c.fns, c.pos), c, depth + 1);
  return undefined;
}

/** What an expression is made of, looking through same-function variables. */
export function shapeOf(n: Node | undefined, c: Ctx): ValueShape {
  const shape: ValueShape = { literalOnly: true, refs: [], calls: [] };
  const rec = (x: Node | undefined, depth: number): void => {
    const u = unwrap(x);
    if (!u) return;
    switch (u.type) {
      case 'Literal':
      case 'TemplateElement':
        return;
      case 'TemplateLiteral':
        for (const e of u.expressions as Node[]) rec(e, depth);
        return;
      case 'Identifier': {
        if (u.name === 'undefined') return;
        const init = depth < 4 ? c.bindings.lookup(u.name, c.fns, c.pos) : undefined;
        if (init && !isFunction(init)) rec(init, depth + 1);
        else {
          shape.literalOnly = false;
          shape.refs.push(u.name);
        }
        return;
      }
      case 'MemberExpression': {
        const p = pathOf(u);
        if (p) {
          shape.literalOnly = false;
          shape.refs.push(p.replace(/\[\]/g, ''));
          return;
        }
        rec(u.object, depth);
        return;
      }
      case 'CallExpression':
      case 'NewExpression': {
        shape.literalOnly = false;
        const callee = unwrap(u.callee);
        const p = pathOf(callee);
        if (p) shape.calls.push(p);
        else if (callee?.type === 'MemberExpression') {
          shape.calls.push(lastSegment(pathOf(callee.property) ?? ''));
          rec(callee.object, depth);
        }
        for (const a of u.arguments as Node[]) rec(a, depth);
        return;
      }
      default:
        for (const key of ['left', 'right', 'test', 'consequent', 'alternate', 'argument', 'expressions']) {
          const v = u[key];
          if (Array.isArray(v)) for (const e of v as Node[]) rec(e, depth);
          else if (v && typeof v === 'object') rec(v as Node, depth);
        }
    }
  };
  rec(n, 0);
  return shape;
}

function bodyFact(bodyNode: Node | undefined, endpoint: Endpoint, c: Ctx, lines: LineMap, file: string, urlRefs: string[]): BodyFact {
  if (!bodyNode) return { resolved: false, why: 'no request body is visible at the call' };
  const obj = resolveObject(bodyNode, c);
  const root = unwrap(bodyNode);
  if (!obj) {
    const inner = root?.type === 'CallExpression' && pathOf(root.callee) === 'JSON.stringify' ? unwrap(root.arguments[0]) : root;
    const what = inner?.type === 'Identifier' ? `\`${inner.name as string}\` is not assigned in this function (a parameter or built elsewhere)` : 'the body is built by an expression golive does not follow';
    return { resolved: false, why: what };
  }
  const { keys, spread } = keysOf(obj);
  let valueNode = propOf(obj, 'externalId');
  // `body.externalId = ...` after the literal counts as part of the body.
  const name = root?.type === 'Identifier' ? (root.name as string) : root?.type === 'CallExpression' ? pathOf(unwrap(root.arguments[0])) : undefined;
  if (name) {
    for (const w of c.bindings.memberWrites(name, c.pos)) {
      if (!keys.includes(w.key)) keys.push(w.key);
      if (w.key === 'externalId') valueNode = w.value;
    }
  }
  if (!valueNode && spread) return { resolved: false, why: 'an object spread may add externalId' };
  let externalId: ExternalIdFact | undefined;
  if (valueNode) {
    const at = lines.at(valueNode.start);
    const shape = shapeOf(valueNode, c);
    let kind = classifyValue(shape, endpoint);
    // A refund keyed by the very id in its URL path: a second partial refund would replay the first.
    if (endpoint === 'refund' && shape.refs.length > 0 && shape.calls.length === 0 && shape.refs.every((r) => urlRefs.includes(r))) kind = 'payment-id';
    externalId = { file, ...at, kind, text: c.source.slice(valueNode.start, valueNode.end).slice(0, 160) };
  }
  return { resolved: true, keys, ...(externalId ? { externalId } : {}) };
}

/** `const req = https.request(...)`: the body goes out through `req.write(x)` or `req.end(x)`. */
function writtenBody(site: Site, calls: Site[]): Node | undefined {
  const decl = site.parent;
  if (decl?.type !== 'VariableDeclarator' || decl.id?.type !== 'Identifier') return undefined;
  const name = decl.id.name as string;
  for (const s of calls) {
    const p = pathOf(s.node.callee);
    if ((p === `${name}.write` || p === `${name}.end`) && s.node.arguments.length > 0) return s.node.arguments[0] as Node;
  }
  return undefined;
}

export function findJsCalls(ctx: ScanContext, source: string, lines: LineMap, calls: Site[], bindings: Bindings, program?: Node): MintCashCall[] {
  const out: MintCashCall[] = [];
  const bytes = new ByteOffsets(source);
  // superagent style: `request.post(url).send(body)`.
  const chained = new Map<Node, Node>();
  for (const s of calls) {
    const callee = unwrap(s.node.callee);
    if (callee?.type === 'MemberExpression' && ['send', 'json'].includes(callee.property?.name) && unwrap(callee.object)?.type === 'CallExpression') {
      chained.set(unwrap(callee.object)!, s.node.arguments[0] as Node);
    }
  }
  for (const site of calls) {
    const n = site.node;
    const args = n.arguments as Node[];
    if (args.length === 0) continue;
    const calleePath = pathOf(n.callee) ?? (unwrap(n.callee)?.type === 'MemberExpression' ? `?.${lastSegment(pathOf(unwrap(n.callee)!.property))}` : '');
    const verb = lastSegment(calleePath).toLowerCase();
    if (READ_METHODS.has(verb)) continue;
    const root = calleePath.split('.')[0] ?? '';
    if (args.some((a) => isFunction(unwrap(a)))) continue;
    if (WRITE_METHODS.has(verb) && ROUTERS.test(root)) continue;
    const c: Ctx = { source, bindings, fns: site.fns, pos: n.start };

    const first = unwrap(args[0]);
    const config = first?.type === 'ObjectExpression' ? first : undefined;
    const urlNode = config ? (propOf(config, 'url') ?? propOf(config, 'path') ?? propOf(config, 'uri')) : first;
    if (!urlNode) continue;
    const url = urlShape(urlNode, c);
    const endpoint = endpointOf(url);
    if (!endpoint) continue;
    // A plain string mentioning /payments that is not sent anywhere (a log line, a constant table).
    if (/^(console|logger|log)\b/.test(calleePath) || /(^|\.)(includes|startsWith|endsWith|test|match|replace|push|set|get|has)$/.test(calleePath)) continue;

    const opts = resolveObject(config ? first : args[1], c);
    const methodNode = propOf(opts, 'method') ?? propOf(config, 'method');
    let method = WRITE_METHODS.has(verb) ? verb.toUpperCase() : stringValue(methodNode)?.toUpperCase();
    if (method && READ_METHODS.has(method.toLowerCase())) continue;

    let bodyNode: Node | undefined;
    if (config) bodyNode = propOf(config, 'data') ?? propOf(config, 'body') ?? propOf(config, 'json');
    else if (WRITE_METHODS.has(verb)) {
      const second = args[1];
      const secondObj = resolveObject(second, c);
      const optionsLike = secondObj && keysOf(secondObj).keys.length > 0 && keysOf(secondObj).keys.every((k) => OPTION_KEYS.has(k));
      bodyNode = optionsLike ? (propOf(secondObj, 'json') ?? propOf(secondObj, 'body') ?? propOf(secondObj, 'data')) : second;
    } else bodyNode = propOf(opts, 'body') ?? propOf(opts, 'json') ?? propOf(opts, 'data');
    bodyNode ??= chained.get(n) ?? writtenBody(site, calls);
    if (!method && !bodyNode) continue;
    method ??= 'POST';

    const at = lines.at(n.start);
    out.push({
      file: ctx.file,
      ...at,
      ...bytes.span(n.start, n.end),
      language: ctx.language,
      isTest: ctx.isTest,
      endpoint,
      client: calleePath,
      method,
      url,
      body: bodyFact(bodyNode, endpoint, c, lines, ctx.file, shapeOf(urlNode, c).refs),
      ...(program ? { errorHandling: errorHandlingOf(n, site.parent, site.fns, program, source, lines, ctx.file) } : {}),
    });
  }
  return out;
}
