// Small scope questions the JS/TS suggestions ask: what a name was last set to before a point,
// which function holds a node, the parameters and names in scope, and where a statement sits.
import { pathOf, unwrap, walk, type Node } from '../evidence/code/js-ast.js';
import type { Parsed } from './js.js';

/** The value `name` was last given (declaration or assignment) before `at`, inside `fn` or at the top level. */
export function lastValueOf(p: Parsed, name: string, at: number, fn: Node | undefined): { value: Node; decl?: Node } | undefined {
  let best: { value: Node; decl?: Node; start: number } | undefined;
  walk(p.program, (n, parent, fns) => {
    const inScope = fn ? fns.includes(fn) || n === fn : true;
    if (!inScope || n.start >= at) return;
    if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && n.id.name === name && n.init) {
      if (!best || n.start > best.start) best = { value: n.init as Node, decl: parent, start: n.start };
    }
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left?.type === 'Identifier' && n.left.name === name) {
      if (!best || n.start > best.start) best = { value: n.right as Node, start: n.start };
    }
  });
  return best ? { value: best.value, ...(best.decl ? { decl: best.decl } : {}) } : undefined;
}

/** The innermost function holding [start, end). */
export function functionAround(p: Parsed, start: number, end = start): Node | undefined {
  let best: Node | undefined;
  walk(p.program, (n) => {
    if (/Function/.test(n.type) && n.start <= start && end <= n.end && (!best || n.start >= best.start)) best = n;
  });
  return best;
}

/** Parameter names of a function (plain identifiers and their decorators' names). */
export function paramsOf(fn: Node | undefined): { name: string; node: Node; decorators: string[] }[] {
  return ((fn?.params ?? []) as Node[]).flatMap((q) => {
    const id = q.type === 'TSParameterProperty' ? q.parameter : q.type === 'AssignmentPattern' ? q.left : q;
    if (id?.type !== 'Identifier') return [];
    const decorators = ((q.decorators ?? id.decorators ?? []) as Node[]).map((d) => pathOf(unwrap(d.expression)?.callee ?? d.expression) ?? '');
    return [{ name: id.name as string, node: q, decorators }];
  });
}

/** The statement directly in `fn`'s body that contains [start, end). */
export function topStatementIn(fn: Node, start: number, end = start): Node | undefined {
  const body = fn.body?.type === 'BlockStatement' ? (fn.body.body as Node[]) : [];
  return body.find((s) => s.start <= start && end <= s.end);
}

/** Identifiers declared or used as values anywhere inside `root` (names "in scope" for a suggestion). */
export function identifiersIn(root: Node): Set<string> {
  const out = new Set<string>();
  walk(root, (n) => {
    if (n.type === 'Identifier' && typeof n.name === 'string') out.add(n.name);
  });
  return out;
}

/** Member paths used inside `root`, e.g. `order.id`, `req.body.orderId`. */
export function memberPathsIn(root: Node): Set<string> {
  const out = new Set<string>();
  walk(root, (n) => {
    if (n.type === 'MemberExpression') {
      const p = pathOf(n);
      if (p) out.add(p);
    }
  });
  return out;
}

/** UTF-16 offset of a 1-based line and column. */
export function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl === -1) return text.length;
    at = nl + 1;
  }
  return at + column - 1;
}

/** The call whose callee starts at `at` (a code index location), if any. */
export function callAt(p: Parsed, at: number): Node | undefined {
  let hit: Node | undefined;
  walk(p.program, (n) => {
    if (!hit && (n.type === 'CallExpression' || n.type === 'NewExpression') && n.start === at) hit = n;
  });
  return hit;
}
