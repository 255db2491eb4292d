// Navigation over a token list: bracket matching, member chains (`a.b`, `$a->b`, `A::B`), simple
// assignments, and value shapes. The token-level rules of every non-JS language are built on this.
import type { ValueShape } from './shared.js';
import type { Token } from './tokenize.js';

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const LINK = new Set(['.', '->', '::', '?.', '&.']);

export class Tokens {
  readonly match: Int32Array;
  constructor(readonly t: Token[]) {
    this.match = new Int32Array(t.length).fill(-1);
    const stack: number[] = [];
    t.forEach((tok, i) => {
      if (tok.kind !== 'op') return;
      if (OPEN[tok.text]) stack.push(i);
      else if (CLOSE[tok.text]) {
        // Skip over unbalanced openers so one stray bracket does not poison the whole file.
        while (stack.length > 0 && this.t[stack.at(-1)!]!.text !== CLOSE[tok.text]) stack.pop();
        const j = stack.pop();
        if (j !== undefined) {
          this.match[i] = j;
          this.match[j] = i;
        }
      }
    });
  }

  is(i: number, text: string): boolean {
    const tok = this.t[i];
    return !!tok && tok.kind === 'op' && tok.text === text;
  }

  /** Index of the opener of the innermost bracket group that contains token i, or -1. */
  enclosing(i: number, open = '('): number {
    for (let k = i - 1; k >= 0; k--) {
      const tok = this.t[k]!;
      if (tok.kind !== 'op') continue;
      if (CLOSE[tok.text] && this.match[k]! >= 0) {
        k = this.match[k]!;
        continue;
      }
      if (OPEN[tok.text]) {
        if (tok.text === open) return k;
        if (open === '(' && tok.text !== '(') continue;
      }
    }
    return -1;
  }

  /** Start index of the postfix chain ending at token `end` (ids, links, calls, indexes). */
  chainStart(end: number): number {
    let k = end;
    for (;;) {
      const tok = this.t[k];
      if (!tok) return k + 1;
      if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']') && this.match[k]! >= 0) {
        const open = this.match[k]!;
        const before = this.t[open - 1];
        if (before && (before.kind === 'id' || (before.kind === 'op' && (before.text === ')' || before.text === ']')))) {
          k = open - 1;
          continue;
        }
        return tok.text === ')' ? open : k + 1;
      }
      if (tok.kind === 'id' || tok.kind === 'str' || tok.kind === 'num') {
        const prev = this.t[k - 1];
        if (prev && prev.kind === 'op' && LINK.has(prev.text) && tok.kind === 'id') {
          k -= 2;
          continue;
        }
        return k;
      }
      return k + 1;
    }
  }

  /** End index (inclusive) of the postfix chain starting at token `start`. */
  chainEnd(start: number): number {
    let k = start;
    const first = this.t[k];
    if (!first) return start - 1;
    if (first.kind === 'op' && OPEN[first.text]) k = this.match[k]! >= 0 ? this.match[k]! : k;
    for (;;) {
      const next = this.t[k + 1];
      if (!next || next.kind !== 'op') return k;
      if ((next.text === '(' || next.text === '[') && this.match[k + 1]! >= 0 && next.line === this.t[k]!.line) {
        k = this.match[k + 1]!;
        continue;
      }
      if (LINK.has(next.text) && this.t[k + 2]?.kind === 'id') {
        k += 2;
        continue;
      }
      return k;
    }
  }

  text(src: string, from: number, to: number): string {
    const a = this.t[from];
    const b = this.t[to];
    if (!a || !b || to < from) return '';
    return src.slice(a.start, b.start + (b.kind === 'str' ? src.slice(b.start).search(/['"`]\s*$|$/) || b.text.length : b.text.length)).trim();
  }

  /** The dotted path of an id chain starting at i (`self.client.post` / `$this->http->post`). */
  path(i: number): { path: string; end: number } {
    let k = i;
    let path = this.t[k]?.text ?? '';
    while (this.t[k + 1]?.kind === 'op' && LINK.has(this.t[k + 1]!.text) && this.t[k + 2]?.kind === 'id') {
      path += (this.t[k + 1]!.text === '::' ? '::' : '.') + this.t[k + 2]!.text;
      k += 2;
    }
    return { path, end: k };
  }

  /** Split the tokens between brackets [open+1, close-1] at depth-0 commas. */
  args(open: number): [number, number][] {
    const close = this.match[open]!;
    const out: [number, number][] = [];
    let from = open + 1;
    for (let k = open + 1; k < close; k++) {
      const tok = this.t[k]!;
      if (tok.kind === 'op' && OPEN[tok.text] && this.match[k]! > k) {
        k = this.match[k]!;
        continue;
      }
      if (tok.kind === 'op' && tok.text === ',') {
        if (k > from) out.push([from, k - 1]);
        from = k + 1;
      }
    }
    if (close > from) out.push([from, close - 1]);
    return out;
  }
}

/**
 * Latest simple assignment to `name` before token `before`: `name = …`, `name := …`,
 * `name, err := …`, `Type name = …`. Returns the token range of the right-hand side.
 */
export function findAssignment(tk: Tokens, name: string, before: number): [number, number] | undefined {
  const t = tk.t;
  for (let k = Math.min(before, t.length) - 1; k >= 0; k--) {
    const tok = t[k]!;
    if (tok.kind !== 'id' || tok.text !== name) continue;
    if (t[k - 1]?.kind === 'op' && (t[k - 1]!.text === '.' || t[k - 1]!.text === '->')) continue;
    let j = k + 1;
    if (tk.is(j, ',') && t[j + 1]?.kind === 'id') j += 2; // Go: v, err :=
    if (!(tk.is(j, '=') || tk.is(j, ':='))) continue;
    const from = j + 1;
    let to = from;
    const line = t[from]?.line;
    // The right-hand side runs to the end of its line, or its bracket group.
    while (to + 1 < t.length) {
      const cur = t[to]!;
      if (cur.kind === 'op' && (cur.text === '(' || cur.text === '[' || cur.text === '{') && tk.match[to]! > to) {
        to = tk.match[to]!;
        continue;
      }
      const next = t[to + 1]!;
      if (next.kind === 'op' && (next.text === ';' || next.text === ',' || next.text === ')' || next.text === '}' || next.text === ']')) break;
      if (next.line !== line && next.line !== t[to]!.line) break;
      if (next.line !== t[to]!.line && !(next.kind === 'op' && ['+', '.', '->', '?.', '&.'].includes(next.text)) && !(t[to]!.kind === 'op' && ['+', '.', '(', ','].includes(t[to]!.text))) break;
      to++;
    }
    return [from, to];
  }
  return undefined;
}

const IDENT = /[$@]?[A-Za-z_]\w*(?:(?:\.|->|::)[A-Za-z_]\w*)*/g;

/** What a token range is made of; identifiers are followed through assignments a few levels deep. */
export function tokenShape(tk: Tokens, from: number, to: number, depth = 0): ValueShape {
  const shape: ValueShape = { literalOnly: true, refs: [], calls: [] };
  const addText = (s: string): void => {
    for (const m of s.matchAll(IDENT)) {
      const after = s.slice(m.index + m[0].length).trimStart();
      shape.literalOnly = false;
      if (after.startsWith('(')) shape.calls.push(m[0]);
      else shape.refs.push(m[0]);
    }
  };
  for (let k = from; k <= to; k++) {
    const tok = tk.t[k]!;
    if (tok.kind === 'str') {
      for (const e of tok.interp ?? []) addText(e);
      continue;
    }
    if (tok.kind !== 'id') continue;
    const { path, end } = tk.path(k);
    if (/^(None|nil|null|NULL|true|false|True|False|new|str|String|int|string|strval|to_s|fmt\.Sprintf|sprintf|String\.format|format|f|await|this|self)$/.test(path)) continue;
    const isCall = tk.is(end + 1, '(');
    const getter = /\.get([A-Z])(\w*)$/.exec(path);
    if (isCall && getter && tk.is(end + 2, ')')) {
      // Java getters read a field: `customer.getId()` is the ref `customer.id`.
      shape.literalOnly = false;
      shape.refs.push(path.slice(0, getter.index) + '.' + getter[1]!.toLowerCase() + getter[2]!);
      k = end + 2;
      continue;
    }
    if (isCall) {
      shape.calls.push(path);
      shape.literalOnly = false;
    } else if (!path.includes('.') && !path.includes('::') && depth < 3) {
      const rhs = findAssignment(tk, path, from);
      if (rhs) {
        const inner = tokenShape(tk, rhs[0], rhs[1], depth + 1);
        shape.literalOnly &&= inner.literalOnly;
        shape.refs.push(...inner.refs);
        shape.calls.push(...inner.calls);
      } else {
        shape.literalOnly = false;
        shape.refs.push(path);
      }
    } else {
      shape.literalOnly = false;
      shape.refs.push(path);
    }
    k = end;
  }
  return shape;
}
