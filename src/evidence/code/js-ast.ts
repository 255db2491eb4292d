// Small helpers over oxc's ESTree-shaped AST: a generic walk with function scopes, member paths,
// and same-function variable bindings. Shared by the JS call finder and the JS webhook finder.
import { oxcParser } from './oxc.js';

// The oxc AST is typed, but the finders read it generically by node type; one loose shape keeps
// them short. Fields are read defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { type: string; start: number; end: number; [key: string]: any };

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

export function isFunction(n: Node | null | undefined): boolean {
  return !!n && FUNCTION_TYPES.has(n.type);
}

function isNode(v: unknown): v is Node {
  return !!v && typeof v === 'object' && typeof (v as Node).type === 'string';
}

/**
 * Depth-first walk over oxc's visitor keys. `fns` is the stack of enclosing functions (innermost
 * last); it is a fresh array per function, never mutated, so a visitor may keep a reference.
 */
export function walk(root: Node, visit: (n: Node, parent: Node | undefined, fns: readonly Node[]) => void): void {
  const visitorKeys = oxcParser().visitorKeys;
  const rec = (n: Node, parent: Node | undefined, fns: readonly Node[]): void => {
    visit(n, parent, fns);
    const inner = isFunction(n) ? [...fns, n] : fns;
    const keys = visitorKeys[n.type];
    if (!keys) return;
    for (const key of keys) {
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c) rec(c as Node, n, inner);
      } else if (isNode(v)) rec(v, n, inner);
    }
  };
  rec(root, undefined, []);
}

/** Children-only walk of one subtree, stopping at nested functions when asked. */
export function someNode(root: Node, pred: (n: Node) => boolean, opts: { intoFunctions?: boolean } = {}): boolean {
  let found = false;
  const rec = (n: Node): void => {
    if (found) return;
    if (pred(n)) {
      found = true;
      return;
    }
    if (n !== root && !opts.intoFunctions && isFunction(n)) return;
    for (const key in n) {
      if (key === 'parent' || key === 'start' || key === 'end' || key === 'type') continue;
      const v = n[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) rec(c);
      } else if (isNode(v)) rec(v);
    }
  };
  rec(root);
  return found;
}

/** Strips wrappers that do not change the value: await, parens, TS casts, optional chains. */
export function unwrap(n: Node | null | undefined): Node | undefined {
  let cur = n ?? undefined;
  while (cur) {
    switch (cur.type) {
      case 'AwaitExpression':
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
        cur = (cur.expression ?? cur.argument) as Node | undefined;
        continue;
      default:
        return cur;
    }
  }
  return cur;
}

/** `req.headers['x-signature']` -> "req.headers.x-signature"; undefined for anything else. */
export function pathOf(n: Node | null | undefined): string | undefined {
  const u = unwrap(n);
  if (!u) return undefined;
  if (u.type === 'Identifier') return u.name as string;
  if (u.type === 'ThisExpression') return 'this';
  if (u.type === 'Super') return 'super';
  if (u.type === 'MemberExpression') {
    const obj = pathOf(u.object) ?? (unwrap(u.object)?.type === 'CallExpression' ? `${pathOf(unwrap(u.object)!.callee) ?? '?'}()` : undefined);
    if (obj === undefined) return undefined;
    if (!u.computed) return `${obj}.${u.property.name as string}`;
    const p = unwrap(u.property);
    if (p?.type === 'Literal') return `${obj}.${String(p.value)}`;
    return `${obj}[]`;
  }
  return undefined;
}

export function lastSegment(path: string | undefined): string {
  if (!path) return '';
  const i = path.lastIndexOf('.');
  return i === -1 ? path : path.slice(i + 1);
}

export function stringValue(n: Node | null | undefined): string | undefined {
  const u = unwrap(n);
  if (u?.type === 'Literal' && typeof u.value === 'string') return u.value;
  if (u?.type === 'TemplateLiteral' && u.expressions.length === 0) return u.quasis[0]?.value?.cooked ?? '';
  return undefined;
}

/** Property of an object literal by static key name. */
export function propOf(obj: Node | undefined, name: string): Node | undefined {
  if (obj?.type !== 'ObjectExpression') return undefined;
  for (const p of obj.properties as Node[]) {
    if (p.type !== 'Property' || p.computed) continue;
    const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
    if (key === name) return p.value as Node;
  }
  return undefined;
}

export function keysOf(obj: Node): { keys: string[]; spread: boolean } {
  const keys: string[] = [];
  let spread = false;
  for (const p of obj.properties as Node[]) {
    if (p.type === 'SpreadElement') spread = true;
    else if (p.type === 'Property' && !p.computed) keys.push(String(p.key.type === 'Identifier' ? p.key.name : p.key.value));
  }
  return { keys, spread };
}

/**
 * Bindings visible in a function: `const x = init`, `let x; x = init`, plus member writes such as
 * `body.externalId = v`. The latest write before `pos` wins, as a reader of the code would expect.
 */
export class Bindings {
  private readonly byFn = new Map<Node | undefined, Map<string, { init: Node; at: number }[]>>();
  private readonly members = new Map<string, { key: string; value: Node; at: number }[]>();
  readonly params = new Set<string>();

  add(fn: Node | undefined, name: string, init: Node, at: number): void {
    let m = this.byFn.get(fn);
    if (!m) this.byFn.set(fn, (m = new Map()));
    const list = m.get(name) ?? [];
    list.push({ init, at });
    m.set(name, list);
  }

  addMember(name: string, key: string, value: Node, at: number): void {
    const list = this.members.get(name) ?? [];
    list.push({ key, value, at });
    this.members.set(name, list);
  }

  /** Innermost function first, then outer ones, then module scope. */
  lookup(name: string, fns: readonly Node[], pos: number): Node | undefined {
    for (let i = fns.length; i >= 0; i--) {
      const list = this.byFn.get(i === 0 ? undefined : fns[i - 1])?.get(name);
      if (!list) continue;
      const before = list.filter((b) => b.at < pos);
      const pick = (before.length > 0 ? before : list).at(-1);
      if (pick) return pick.init;
    }
    return undefined;
  }

  memberWrites(name: string, pos: number): { key: string; value: Node }[] {
    return (this.members.get(name) ?? []).filter((m) => m.at < pos);
  }
}
