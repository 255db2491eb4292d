// Safe fixes for webhook.timing-safe-compare in JS/TS, planned from the code index's byte spans:
// - `a === b` / `a !== b` (also `==`, `!=`) on operands proven to be strings → a constant-time
//   helper (type guard, byte-length check, crypto.timingSafeEqual), importing node:crypto if needed;
// - crypto.timingSafeEqual with no length guard → the guard, so a signature of another length gets
//   the handler's own rejection (a 4xx or `false`) instead of a thrown RangeError (a 5xx).
import { unwrap, type Node } from '../evidence/code/js-ast.js';
import type { SignatureCompare } from '../evidence/code/types.js';
import { indexOfByte } from './edits.js';
import { eolOf, freeName, indentAt, isTypeScript, namesIn, pathTo, statementOf, timingSafeEqualRef, topInsertAt, type Parsed } from './js.js';
import { functionsAt, stringness } from './js-strings.js';
import type { Edit } from './types.js';

export interface PlannedEdits {
  edits: Edit[];
  title: string;
  notes?: string[];
}

const HELPER_MARK = 'Constant-time string compare (added by golive fix)';

function spanOf(p: Parsed, c: Pick<SignatureCompare, 'start' | 'end'>): { start: number; end: number } | undefined {
  if (c.start === undefined || c.end === undefined) return undefined;
  return { start: indexOfByte(p.text, c.start), end: indexOfByte(p.text, c.end) };
}

/** The helper's name when an earlier `golive fix` added it (running twice adds nothing twice). */
function existingHelper(text: string): string | undefined {
  return new RegExp(`${HELPER_MARK.replace(/[()]/g, '\\$&')}[^\\n]*\\r?\\n(?:export )?function (\\w+)`).exec(text)?.[1];
}

function helperText(name: string, tse: string, ts: boolean, eol: string, unit: string): string {
  const t = (s: string) => (ts ? s : '');
  return [
    `/** ${HELPER_MARK}: false unless both are strings of the same byte length. */`,
    `function ${name}(a${t(': unknown')}, b${t(': unknown')})${t(': boolean')} {`,
    `${unit}if (typeof a !== 'string' || typeof b !== 'string') return false;`,
    `${unit}const x = Buffer.from(a, 'utf8');`,
    `${unit}const y = Buffer.from(b, 'utf8');`,
    `${unit}return x.length === y.length && ${tse}(x, y);`,
    `}`,
  ].join(eol);
}

/** `signature !== expected` → `!safeCompare(signature, expected)`, when both are provably strings. */
export function planConstantTimeCompare(p: Parsed, c: SignatureCompare): PlannedEdits | undefined {
  if (!['===', '==', '!==', '!='].includes(c.operator)) return undefined;
  const span = spanOf(p, c);
  if (!span) return undefined;
  const path = pathTo(p, span.start, span.end, 'BinaryExpression');
  const node = path?.at(-1);
  if (!node) return undefined;
  const fns = functionsAt(p, node.start);
  const kinds = [stringness(p, node.left as Node, fns), stringness(p, node.right as Node, fns)];
  // The helper answers exactly what the operator answers only for strings (or a missing header).
  if (kinds.includes('unknown') || !kinds.includes('string')) return undefined;
  const names = namesIn(p);
  const eol = eolOf(p.text);
  const edits: Edit[] = [];
  let helper = existingHelper(p.text);
  if (!helper) {
    const tse = timingSafeEqualRef(p, names);
    if (!tse) return undefined;
    helper = freeName(names, 'safeCompare');
    edits.push(...tse.edits);
    const top = topInsertAt(p);
    const text = helperText(helper, tse.ref, isTypeScript(p.file), eol, '  ');
    edits.push({ start: top.at, end: top.at, text: top.after ? `${eol}${eol}${text}${top.gap}` : `${text}${eol}${eol}`, key: `helper:${helper}` });
  }
  const [a, b] = [node.left as Node, node.right as Node].map((x) => p.text.slice(x.start, x.end));
  const negate = c.operator.startsWith('!');
  edits.push({ start: node.start, end: node.end, text: `${negate ? '!' : ''}${helper}(${a}, ${b})` });
  return { edits, title: `compare in constant time: \`${negate ? '!' : ''}${helper}(${a}, ${b})\` instead of \`${c.operator}\`` };
}

/** Expressions that can be evaluated twice with the same result and no effect (a variable, a field, Buffer.from of one). */
function pure(n: Node | undefined, depth = 0): boolean {
  const u = n?.type === 'ParenthesizedExpression' ? n.expression : n;
  if (!u || depth > 4) return false;
  switch (u.type) {
    case 'Identifier':
    case 'Literal':
      return true;
    case 'MemberExpression':
      return (!u.computed || u.property?.type === 'Literal') && pure(u.object, depth + 1);
    case 'TSAsExpression':
    case 'TSNonNullExpression':
      return pure(u.expression, depth + 1);
    case 'LogicalExpression':
      return pure(u.left, depth + 1) && pure(u.right, depth + 1);
    case 'ConditionalExpression':
      return pure(u.test, depth + 1) && pure(u.consequent, depth + 1) && pure(u.alternate, depth + 1);
    case 'CallExpression': {
      const callee = unwrap(u.callee);
      const args = u.arguments as Node[];
      const name = callee?.type === 'MemberExpression' ? `${callee.object?.name}.${callee.property?.name}` : '';
      if (name === 'Buffer.from') return args.length <= 2 && args.every((a, i) => (i === 0 ? pure(a, depth + 1) : a.type === 'Literal'));
      // Reading a request header again gives the same value: `req.get('x-signature')`, `request.headers.get(…)`.
      const header = callee?.type === 'MemberExpression' && !callee.computed && /^(get|header|getHeader)$/.test(String(callee.property?.name));
      return header && args.length === 1 && args[0]!.type === 'Literal' && pure(callee.object, depth + 1);
    }
    default:
      return false;
  }
}

/** Throwing these gives a 4xx in the frameworks that define them (NestJS, http-errors, Boom). */
const HTTP_4XX_THROW = /new\s+(Unauthorized|BadRequest|Forbidden)Exception\b|new\s+HttpException\([^)]*(\b4\d\d\b|HttpStatus\.(UNAUTHORIZED|BAD_REQUEST|FORBIDDEN))|createError\(\s*4\d\d|Boom\.(unauthorized|badRequest|forbidden)\(/;
const REJECTS_4XX = /\b4\d\d\b|HttpStatus\.(BAD_REQUEST|UNAUTHORIZED|FORBIDDEN)|\b(Unauthorized|BadRequest|Forbidden)\w*\b|sendStatus\(\s*4/;

/** Ends the handler: a return or a throw at its top level (or is one). */
function terminates(n: Node): boolean {
  if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement') return true;
  return n.type === 'BlockStatement' && (n.body as Node[]).some((s) => s.type === 'ReturnStatement' || s.type === 'ThrowStatement');
}

/** Is this branch the handler's own rejection: a 4xx (or `false`), never a plain throw or a 5xx? */
function isRejection(p: Parsed, n: Node): boolean {
  const text = p.text.slice(n.start, n.end);
  if (!terminates(n) || /\b5\d\d\b/.test(text)) return false;
  if (/\bthrow\b/.test(text) && !HTTP_4XX_THROW.test(text)) return false;
  return REJECTS_4XX.test(text) || /\breturn\s+(false|null)\b/.test(text);
}

type Mismatch = { kind: 'return' } | { kind: 'if'; ifStmt: Node; branch: Node };

/**
 * Where control goes when the compare is false: walks up from the call through `!`, parentheses,
 * `&&`/`||` while the outcome is still decided by the call, to an `if` (its consequent or
 * alternate), a `return` of a boolean function, or a variable checked by a later `if`.
 */
function mismatchOf(p: Parsed, path: readonly Node[], depth = 0): Mismatch | undefined {
  let value: boolean | undefined = false;
  for (let i = path.length - 2; i >= 0; i--) {
    const n = path[i]!;
    const child = path[i + 1]!;
    if (n.type === 'ParenthesizedExpression') continue;
    if (n.type === 'UnaryExpression' && n.operator === '!') {
      value = value === undefined ? undefined : !value;
      continue;
    }
    if (n.type === 'LogicalExpression') {
      if (value === undefined) return undefined;
      if ((n.operator === '||' && value) || (n.operator === '&&' && !value)) continue;
      return undefined;
    }
    if (n.type === 'IfStatement' && n.test === child) {
      if (value === undefined) return undefined;
      const branch = value ? (n.consequent as Node) : (n.alternate as Node | null);
      return branch ? { kind: 'if', ifStmt: n, branch } : undefined;
    }
    if ((n.type === 'ReturnStatement' || n.type === 'ArrowFunctionExpression') && value === false) return { kind: 'return' };
    if (n.type === 'VariableDeclarator' && n.init === child && n.id?.type === 'Identifier' && depth === 0 && value === false) {
      // `const valid = timingSafeEqual(...)`, then `if (!valid) …` in the same block.
      const name = n.id.name as string;
      const stmt = statementOf(path.slice(0, i + 1));
      if (!stmt) return undefined;
      const siblings = (stmt.parent.body ?? stmt.parent.consequent) as Node[];
      for (const s of siblings.slice(siblings.indexOf(stmt.stmt) + 1)) {
        if (s.type !== 'IfStatement') continue;
        const use = findIdentifier(s.test as Node, name);
        if (!use) continue;
        const inner = pathTo(p, use.start, use.end, 'Identifier');
        return inner ? mismatchOf(p, inner, 1) : undefined;
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

function findIdentifier(root: Node, name: string): Node | undefined {
  let hit: Node | undefined;
  const rec = (n: Node): void => {
    if (hit || !n || typeof n !== 'object') return;
    if (n.type === 'Identifier' && n.name === name) {
      hit = n;
      return;
    }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach((x) => x && typeof x.type === 'string' && rec(x));
      else if (v && typeof v === 'object' && typeof v.type === 'string') rec(v);
    }
  };
  rec(root);
  return hit;
}

/** The length check in front of an unguarded crypto.timingSafeEqual, answered by the handler's own rejection. */
export function planLengthGuard(p: Parsed, c: SignatureCompare): PlannedEdits | undefined {
  const span = spanOf(p, c);
  if (!span) return undefined;
  const path = pathTo(p, span.start, span.end, 'CallExpression');
  const call = path?.at(-1);
  if (!path || !call) return undefined;
  const [a, b] = call.arguments as Node[];
  if (!a || !b || !pure(a) || !pure(b)) return undefined;
  const mismatch = mismatchOf(p, path);
  if (!mismatch) return undefined;
  if (mismatch.kind === 'if' && !isRejection(p, mismatch.branch)) return undefined;
  const [la, lb] = [a, b].map((x) => `${p.text.slice(x.start, x.end)}.length`);
  const callText = p.text.slice(call.start, call.end);
  // `if (!timingSafeEqual(a, b)) <reject>` → the same rejection for a length mismatch, one line above.
  const parentOfCall = path.at(-2);
  if (mismatch.kind === 'if' && mismatch.branch === mismatch.ifStmt.consequent && parentOfCall?.type === 'UnaryExpression' && path.at(-3) === mismatch.ifStmt) {
    const stmt = mismatch.ifStmt;
    const eol = eolOf(p.text);
    const indent = indentAt(p.text, stmt.start);
    const branch = p.text.slice(mismatch.branch.start, mismatch.branch.end);
    const edits: Edit[] = [{ start: stmt.start, end: stmt.start, text: `if (${la} !== ${lb}) ${branch}${eol}${indent}` }];
    return { edits, title: `guard the length first: \`if (${la} !== ${lb})\` gets the same rejection as a wrong signature` };
  }
  const needsParens = !(parentOfCall?.type === 'ReturnStatement' || parentOfCall?.type === 'VariableDeclarator' || (parentOfCall?.type === 'IfStatement' && parentOfCall.test === call) || (parentOfCall?.type === 'LogicalExpression' && parentOfCall.operator === '&&'));
  const guarded = `${la} === ${lb} && ${callText}`;
  const edits: Edit[] = [{ start: call.start, end: call.end, text: needsParens ? `(${guarded})` : guarded }];
  const where = mismatch.kind === 'return' ? 'returns false' : 'takes the handler\'s rejection';
  return { edits, title: `guard the length first: a signature of another length ${where} instead of throwing` };
}
