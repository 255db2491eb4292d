// What an operand or an argument in JS/TS webhook code holds: a signature or digest (by name, by
// call, by the header it reads, or by what its variable was assigned), the parsed request body, the
// raw bytes under a Buffer/encoder wrapper; and whether a catch block passes an error on.
import { Bindings, isFunction, lastSegment, pathOf, someNode, unwrap, type Node } from './js-ast.js';
import type { Site } from './parser-js.js';
import { LOGGING_CALLEE, SIGNATURE_NAME } from './shared.js';

export const LENGTH = /(^|\.)(length|byteLength|size)$/;
const REQUEST_BODY = /^(req|request|ctx\.request|ctx|c\.req|event|context\.request)\.body$|^(req|request)\.(json|body)\(\)$/;

/** Calls whose result is a number or a boolean, never a signature: `sig.lastIndexOf('.')`, `Number(t)`. */
const NUMERIC_CALL = /(^|\.)(indexOf|lastIndexOf|search|findIndex|findLastIndex|charCodeAt|codePointAt|localeCompare|compare|parseInt|parseFloat|Number|now|getTime|valueOf|startsWith|endsWith|test|has|isBuffer|isArray)$/;

export function isTrivial(n: Node | undefined): boolean {
  const u = unwrap(n);
  if (!u) return true;
  if (u.type === 'Literal') return true;
  if (u.type === 'Identifier' && (u.name === 'undefined' || u.name === 'NaN')) return true;
  if (u.type === 'UnaryExpression') return true;
  if (u.type === 'TemplateLiteral' && u.expressions.length === 0) return true;
  if (u.type === 'MemberExpression' && LENGTH.test(pathOf(u) ?? lastSegment(pathOf(u.property)))) return true;
  // Arithmetic and numeric results: an index, a count, a timestamp.
  if (u.type === 'BinaryExpression' && ['-', '*', '/', '%', '**', '<<', '>>', '&', '|'].includes(u.operator as string)) return true;
  if (u.type === 'CallExpression' && NUMERIC_CALL.test(pathOf(u.callee) ?? lastSegment(pathOf(unwrap(u.callee)?.property)))) return true;
  return false;
}

/** `SIGNATURE_VERSION`, `SignatureType.Hmac`, `Algorithms.SHA256`: constants and enum members are no signature. */
export function isConstant(n: Node | undefined): boolean {
  const u = unwrap(n);
  if (u?.type === 'Identifier') return /^[A-Z][A-Z0-9_]*$/.test(u.name as string) && /[A-Z]{2}|_/.test(u.name as string);
  if (u?.type === 'MemberExpression' && !u.computed) {
    const obj = unwrap(u.object);
    return obj?.type === 'Identifier' && /^[A-Z]/.test(obj.name as string) && /^[A-Z]/.test(String(u.property?.name ?? ''));
  }
  return false;
}

/** A header whose name says it carries a signature: `x-hub-signature-256`, `X-Shopify-Hmac-Sha256`. */
const SIGNATURE_HEADER = /signature|hmac|verif-hash|-sig$/i;
const DIGESTING = /\.digest\(|createHmac|x-signature|subtle\.sign|\bhmac\s*\(|Hmac(?:SHA|MD5)\w*\(/i;

export interface Scope {
  b: Bindings;
  fns: readonly Node[];
}

/**
 * Does this operand hold a signature or a digest? By name, by what it calls, by the header it reads,
 * or (for a variable named `hash` or `a`) by what it was assigned: `const hash = createHmac(...)`.
 */
export function isSignatureish(n: Node | undefined, source: string, scope?: Scope, depth = 0): boolean {
  const u = unwrap(n);
  if (!u || depth > 3 || isConstant(u) || isTrivial(u)) return false;
  const rec = (x: Node | undefined): boolean => isSignatureish(x, source, scope, depth + 1);
  const p = pathOf(u);
  if (p && SIGNATURE_NAME.test(lastSegment(p))) return true;
  if (p && /x-signature/i.test(p)) return true;
  if (p && /(^|\.)headers\.[^.]+$/i.test(p) && SIGNATURE_HEADER.test(lastSegment(p))) return true;
  if (u.type === 'Identifier' && scope) {
    const init = scope.b.lookup(u.name as string, scope.fns, u.start);
    if (init && !isFunction(unwrap(init)) && rec(init)) return true;
  }
  if (u.type === 'CallExpression' || u.type === 'NewExpression' || u.type === 'TemplateLiteral' || u.type === 'BinaryExpression') {
    const text = source.slice(u.start, u.end);
    if (u.type === 'BinaryExpression') return u.operator === '+' && (rec(u.left) || rec(u.right));
    if (u.type !== 'TemplateLiteral') {
      // `Buffer.from(signature)` wraps the signature; `req.get('X-Hub-Signature')` reads one.
      const args = u.arguments as Node[];
      if (args.some((a) => rec(a))) return true;
      if (args.some((a) => typeof unwrap(a)?.value === 'string' && SIGNATURE_HEADER.test(String(unwrap(a)!.value))) && /(get|header|getHeader)$/i.test(pathOf(u.callee) ?? '')) return true;
      const callee = unwrap(u.callee);
      if (callee?.type === 'MemberExpression' && rec(callee.object)) return true;
    }
    return DIGESTING.test(text) || (u.type === 'TemplateLiteral' && (u.expressions as Node[]).some((x) => rec(x)));
  }
  return false;
}

/**
 * Is this expression (or the variable it names) the parsed request body? `bodyParams` holds the
 * parameters a framework fills with it (NestJS `@Body() payload`), per function.
 */
export function isRequestBody(n: Node | undefined, b: Bindings, fns: readonly Node[], pos: number, depth = 0, bodyParams?: ReadonlyMap<Node, ReadonlySet<string>>): boolean {
  const u = unwrap(n);
  if (!u || depth > 3) return false;
  const p = pathOf(u);
  if (p && REQUEST_BODY.test(p)) return true;
  if (u.type === 'CallExpression') {
    const cp = pathOf(u.callee) ?? '';
    if (/^(req|request|c\.req|ctx\.req|context\.req)\.json$/.test(cp)) return true;
    // The request's own bytes parsed: `JSON.parse(rawBody)`, `JSON.parse(await req.text())`.
    if (cp === 'JSON.parse') return true;
  }
  if (u.type === 'Identifier') {
    if (fns.some((f) => bodyParams?.get(f)?.has(u.name as string))) return true;
    return isRequestBody(b.lookup(u.name as string, fns, pos), b, fns, pos, depth + 1, bodyParams);
  }
  return false;
}

/** `Buffer.from(x)`, `new Buffer(x)`, `encoder.encode(x)`, `x.toString()` carry x's bytes unchanged. */
export function unwrapBytes(n: Node | undefined, b: Bindings, site: Site, depth = 0): Node | undefined {
  let u = unwrap(n);
  if (u?.type === 'Identifier' && depth < 3) {
    const init = unwrap(b.lookup(u.name as string, site.fns, u.start));
    if (init && (init.type === 'CallExpression' || init.type === 'NewExpression')) {
      const inner = unwrapBytes(init, b, site, depth + 1);
      if (inner !== init) return inner;
    }
  }
  for (let i = 0; i < 4 && (u?.type === 'CallExpression' || u?.type === 'NewExpression'); i++) {
    const cp = pathOf(u.callee) ?? (unwrap(u.callee)?.type === 'MemberExpression' ? `?.${lastSegment(pathOf(unwrap(u.callee)!.property))}` : '');
    if (/^(Buffer\.from|Buffer|Uint8Array\.from)$|(^|\.)encode$/.test(cp) && u.arguments.length > 0) u = unwrap(u.arguments[0]);
    else break;
  }
  return u;
}

const is5xx = (x: Node | undefined): boolean => {
  const u = unwrap(x);
  return u?.type === 'Literal' && typeof u.value === 'number' && u.value >= 500 && u.value < 600;
};

/**
 * A catch that rethrows, hands the error on (`next(err)`, `reject(e)`) or answers a 5xx itself
 * (`res.status(500)`, `{ status: 500 }`) still turns a short signature into a 5xx.
 */
export function passesErrorOn(handler: Node | undefined): boolean {
  if (!handler) return true; // try/finally: the error escapes
  const param = handler.param?.type === 'Identifier' ? (handler.param.name as string) : undefined;
  return someNode(handler.body as Node, (x) => {
    if (x.type === 'ThrowStatement') return true;
    if (x.type === 'CallExpression' && /(^|\.)(status|sendStatus|writeHead|code)$/.test(pathOf(x.callee) ?? lastSegment(pathOf(unwrap(x.callee)?.property))) && is5xx(x.arguments[0])) return true;
    if (x.type === 'Property' && /^(status|statusCode)$/.test(String(x.key?.name ?? x.key?.value)) && is5xx(x.value)) return true;
    if (x.type === 'AssignmentExpression' && /(^|\.)statusCode$/.test(pathOf(x.left) ?? '') && is5xx(x.right)) return true;
    if (!param || x.type !== 'CallExpression') return false;
    const cp = pathOf(x.callee) ?? '';
    if (LOGGING_CALLEE.test(cp)) return false;
    return (x.arguments as Node[]).some((a) => unwrap(a)?.type === 'Identifier' && unwrap(a)!.name === param);
  });
}
