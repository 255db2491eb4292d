// Is a JS/TS expression provably a string? The constant-time compare fix replaces `a === b` by a
// helper that answers false for anything but two strings, which is the same answer `===` gives
// only when the values are strings (or absent): so it needs proof, not a guess.
import { pathOf, unwrap, walk, type Node } from '../evidence/code/js-ast.js';
import type { Parsed } from './js.js';

/** `string`: always a string; `maybe`: a string or absent (a request header); `unknown`: anything else. */
export type Stringness = 'string' | 'maybe' | 'unknown';

const STRING_METHODS = /^(toString|trim|trimStart|trimEnd|toLowerCase|toUpperCase|replace|replaceAll|padStart|padEnd|normalize|substring|substr|join|toFixed|text)$/;
/** Encodings `digest()` returns a string for. */
const DIGEST_ENCODING = /^(hex|base64|base64url|latin1|binary|utf8|utf-8)$/;
/** Header reads: Node, Express, Fastify and Lambda give a string or nothing for a custom header; fetch's Headers a string or null. */
const HEADER_CALL = /(^|\.)(get|header|getHeader)$/;

interface Decl {
  name: string;
  init: Node | undefined;
  start: number;
  fn: Node | undefined;
  kind: string;
}

const declCache = new WeakMap<Parsed, { decls: Decl[]; assigned: Set<string>; params: Map<string, Node[]> }>();

function declarations(p: Parsed) {
  let d = declCache.get(p);
  if (d) return d;
  const decls: Decl[] = [];
  const assigned = new Set<string>();
  const params = new Map<string, Node[]>();
  walk(p.program, (n, parent, fns) => {
    if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') decls.push({ name: n.id.name as string, init: n.init as Node | undefined, start: n.start, fn: fns.at(-1), kind: parent?.kind ?? 'var' });
    if (n.type === 'AssignmentExpression' && n.left?.type === 'Identifier') assigned.add(n.left.name as string);
    if (n.type === 'UpdateExpression' && n.argument?.type === 'Identifier') assigned.add(n.argument.name as string);
    if (/Function/.test(n.type)) for (const q of (n.params ?? []) as Node[]) if (q.type === 'Identifier') params.set(q.name as string, [...(params.get(q.name as string) ?? []), q]);
  });
  d = { decls, assigned, params };
  declCache.set(p, d);
  return d;
}

/** The one declaration `name` refers to at `at` inside the functions `fns` (innermost last), if it is never reassigned. */
function bindingOf(p: Parsed, name: string, at: number, fns: readonly Node[]): Decl | 'param' | undefined {
  const { decls, assigned } = declarations(p);
  if (assigned.has(name)) return undefined;
  const visible = decls.filter((d) => d.name === name && d.start < at && (d.fn === undefined || fns.includes(d.fn)));
  const inner = visible.at(-1);
  const ownParam = fns.findLast((f) => ((f.params ?? []) as Node[]).some((q) => q.type === 'Identifier' && q.name === name));
  if (ownParam && (!inner || !inner.fn || fns.indexOf(ownParam) > fns.indexOf(inner.fn))) return 'param';
  return inner;
}

/** The functions enclosing `at`, outermost first. */
export function functionsAt(p: Parsed, at: number): Node[] {
  const out: Node[] = [];
  walk(p.program, (n) => {
    if (/Function/.test(n.type) && n.start <= at && at < n.end) out.push(n);
  });
  return out;
}

export function stringness(p: Parsed, n: Node | undefined, fns: readonly Node[], depth = 0): Stringness {
  if (!n || depth > 6) return 'unknown';
  const rec = (x: Node | undefined) => stringness(p, x, fns, depth + 1);
  switch (n.type) {
    case 'ParenthesizedExpression':
    case 'TSNonNullExpression':
      return rec(n.expression);
    case 'AwaitExpression':
      // `await request.text()` is a string; other awaited values are not known.
      return rec(n.argument) === 'string' ? 'string' : 'unknown';
    case 'TSAsExpression':
    case 'TSTypeAssertion':
      return n.typeAnnotation?.type === 'TSStringKeyword' ? 'string' : rec(n.expression);
    case 'Literal':
      return typeof n.value === 'string' ? 'string' : 'unknown';
    case 'TemplateLiteral':
      return 'string';
    case 'BinaryExpression':
      return n.operator === '+' && (rec(n.left) === 'string' || rec(n.right) === 'string') ? 'string' : 'unknown';
    case 'LogicalExpression': {
      if (n.operator === '&&') return 'unknown';
      const [l, r] = [rec(n.left), rec(n.right)];
      if (r === 'string' && l !== 'unknown') return 'string';
      return l !== 'unknown' && r !== 'unknown' ? 'maybe' : 'unknown';
    }
    case 'ConditionalExpression': {
      const [a, b] = [rec(n.consequent), rec(n.alternate)];
      return a === 'string' && b === 'string' ? 'string' : a !== 'unknown' && b !== 'unknown' ? 'maybe' : 'unknown';
    }
    case 'CallExpression': {
      const callee = unwrap(n.callee);
      const p0 = pathOf(callee) ?? '';
      if (p0 === 'String') return 'string';
      if (callee?.type !== 'MemberExpression' || callee.computed) return 'unknown';
      const method = callee.property?.name as string | undefined;
      const arg0 = unwrap(n.arguments?.[0]);
      if (method === 'digest') return arg0?.type === 'Literal' && DIGEST_ENCODING.test(String(arg0.value)) ? 'string' : 'unknown';
      if (method && STRING_METHODS.test(method)) return 'string';
      if (method === 'slice') return rec(callee.object) === 'string' ? 'string' : 'unknown';
      if (HEADER_CALL.test(`.${method}`) && arg0?.type === 'Literal' && typeof arg0.value === 'string' && /^[\w-]+$/.test(arg0.value) && /(^|\.)(req|request|headers|ctx|c\.req|event)$/i.test(pathOf(callee.object) ?? '')) return 'maybe';
      return 'unknown';
    }
    case 'MemberExpression': {
      // `req.headers['x-signature']`, `event.headers.signature`.
      const obj = pathOf(unwrap(n.object)) ?? '';
      return /(^|\.)headers$/i.test(obj) && !/set-cookie/i.test(String(n.property?.value ?? n.property?.name)) ? 'maybe' : 'unknown';
    }
    case 'Identifier': {
      const b = bindingOf(p, n.name as string, n.start, fns);
      if (b === 'param') {
        const q = fns.findLast((f) => ((f.params ?? []) as Node[]).some((x) => x.type === 'Identifier' && x.name === n.name));
        const param = ((q?.params ?? []) as Node[]).find((x) => x.type === 'Identifier' && x.name === n.name);
        return param?.typeAnnotation?.typeAnnotation?.type === 'TSStringKeyword' ? 'string' : 'unknown';
      }
      if (!b || !b.init) return 'unknown';
      return stringness(p, b.init, b.fn ? fns.slice(0, fns.indexOf(b.fn) + 1) : [], depth + 1);
    }
    default:
      return 'unknown';
  }
}
