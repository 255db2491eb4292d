// JS/TS suggestions beyond the raw body: the environment guard (answered as MintCash's reference
// handler answers: 400), externalId on a create call only when a per-intent id is in scope (an
// order, invoice or refund request: never a fresh random value), and a key literal replaced by
// its environment variable. Shown as diffs; applied only when a person picks them.
import { pathOf, unwrap, walk, type Node } from '../evidence/code/js-ast.js';
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex, Endpoint } from '../evidence/code/types.js';
import type { KeyMatch } from '../evidence/types.js';
import { ROTATE } from '../../checks/credentials-no-secrets-in-source.js';
import { hintsFrom, mintcashCue } from '../evidence/code/provider.js';
import { indexOfByte } from './edits.js';
import { eolOf, indentAt, parseJs, pathTo, type Parsed } from './js.js';
import { functionAround, offsetOf, paramsOf, topStatementIn } from './js-scope.js';
import { targetOf } from './plan.js';
import type { Session } from './session.js';
import type { Edit, Fix } from './types.js';

function suggestion(check: CheckResult, f: Finding, kind: string, title: string, p: Parsed, edits: Edit[], notes?: string[]): Fix {
  return { id: `${check.id}:${kind}:${f.file}:${f.line ?? 0}`, kind, tier: 'suggestion', title, target: targetOf(check, f), files: [{ file: p.file, original: p.text, edits }], ...(notes ? { notes } : {}) };
}

export async function parsedAt(s: Session, file: string | undefined): Promise<Parsed | undefined> {
  if (!file || !/\.[cm]?[jt]sx?$/.test(file)) return undefined;
  const text = await s.read(file);
  return text === undefined ? undefined : parseJs(file, text);
}

/** A NestJS `@Body() body` parameter: the parsed event, available from the method's first line. */
function bodyParameter(fn: Node): { name: string; after: number } | undefined {
  const q = paramsOf(fn).find((x) => x.decorators.some((d) => /(^|\.)Body$/.test(d)));
  return q && fn.body?.type === 'BlockStatement' ? { name: q.name, after: fn.body.start + 1 } : undefined;
}

/** Where the parsed event lives in a handler function: `event = JSON.parse(raw)`, `await req.json()`, `req.body`, `@Body() body`. */
function eventBinding(fn: Node): { name: string; after: number } | undefined {
  const param = bodyParameter(fn);
  if (param) return param;
  let hit: { name: string; after: number } | undefined;
  walk(fn, (n, _parent, fns) => {
    if (hit || fns.at(-1) !== fn) return;
    const bind = (name: string, value: Node | undefined, at: Node) => {
      const v = unwrap(value);
      const cp = v?.type === 'CallExpression' ? (pathOf(v.callee) ?? '') : '';
      const isEvent = cp === 'JSON.parse' || /^(req|request)\.json$/.test(cp) || /^(req|request)\.body$/.test(pathOf(v) ?? '');
      const stmt = topStatementIn(fn, at.start, at.end);
      if (isEvent && stmt) hit = { name, after: stmt.end };
    };
    if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') bind(n.id.name as string, n.init as Node, n);
    if (n.type === 'AssignmentExpression' && n.left?.type === 'Identifier') bind(n.left.name as string, n.right as Node, n);
  });
  return hit;
}

/** The 400 a handler in this framework answers, in the file's own style (MintCash's reference handler: 400). */
function rejection(p: Parsed, fn: Node, eol: string, indent: string): string | undefined {
  const body = p.text.slice(fn.start, fn.end);
  const res = paramsOf(fn)[1]?.name;
  if (bodyParameter(fn) || /\bthrow new \w+Exception\(/.test(body)) return /\bBadRequestException\b/.test(p.text) ? `throw new BadRequestException('wrong environment');` : undefined;
  if (res && new RegExp(`\\b${res}\\.writeHead\\(`).test(body)) return `{${eol}${indent}  ${res}.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"wrong_environment"}');${eol}${indent}  return;${eol}${indent}}`;
  if (res && new RegExp(`\\b${res}\\.(code|status)\\(`).test(body) && /reply/.test(res)) return `return ${res}.code(400).send({ code: 'wrong_environment' });`;
  if (res && new RegExp(`\\b${res}\\.(status|sendStatus)\\(`).test(body)) return `return ${res}.status(400).json({ code: 'wrong_environment' });`;
  if (/\bNextResponse\b/.test(p.text)) return `return NextResponse.json({ code: 'wrong_environment' }, { status: 400 });`;
  if (/\bnew Response\(|Response\.json\(/.test(body)) return `return Response.json({ code: 'wrong_environment' }, { status: 400 });`;
  return undefined;
}

/** `if (event.environment !== 'live') <400>` right after the event is parsed and verified. */
export async function planEnvironmentGuard(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const p = await parsedAt(s, f.file);
  if (!p || !f.line || !f.column) return [];
  const at = offsetOf(p.text, f.line, f.column);
  // The handler's own function, else the one function of the file that parses an event.
  const candidates: Node[] = [];
  walk(p.program, (n) => {
    if (/Function/.test(n.type) && eventBinding(n)) candidates.push(n);
  });
  const around = functionAround(p, at);
  const fn = around && eventBinding(around) ? around : candidates.length === 1 ? candidates[0] : undefined;
  if (!fn) return [];
  const event = eventBinding(fn)!;
  // After the signature check too, when it comes later in the same function.
  const code = s.evidence.code as CodeIndex;
  const compares = code.handlers.filter((h) => h.file === f.file).flatMap((h) => h.compares);
  let after = event.after;
  for (const c of compares) {
    const start = c.start === undefined ? undefined : indexOfByte(p.text, c.start);
    const stmt = start === undefined ? undefined : topStatementIn(fn, start);
    if (stmt && stmt.end > after) after = stmt.end;
  }
  const eol = eolOf(p.text);
  const next = topStatementIn(fn, after + 1) ?? (fn.body.body as Node[]).find((st) => st.start >= after);
  const indent = next ? indentAt(p.text, next.start) : indentAt(p.text, after);
  const reject = rejection(p, fn, eol, indent);
  if (!reject) return [];
  const env = s.config.environment;
  const guard = `${eol}${indent}if (${event.name}.environment !== '${env}') ${reject}`;
  return [suggestion(check, f, 'environment-guard', `refuse events of the other environment: \`if (${event.name}.environment !== '${env}')\` answers 400, as MintCash's reference handler does`, p, [{ start: after, end: after, text: guard }], [
    `'${env}' is this deployment's environment in golive's config; read it from your own setting if this code also serves the ${env === 'live' ? 'sandbox' : 'live environment'}.`,
  ])];
}

/** Names of per-intent ids, by endpoint: golive never suggests a customer, plan or payment id, nor a random value. */
const INTENT: Record<Endpoint, RegExp> = {
  payment: /^(order|invoice|cart|checkout|purchase|basket|booking|reservation)(Id|ID|_id)?$/,
  subscription: /^(order|signup|enrollment|enrolment|subscriptionRequest|checkout)(Id|ID|_id)?$/,
  refund: /^(refund|refundRequest|refundBatch|return|rma)(Id|ID|_id)?$/,
};

/** A per-intent id in scope of `fn`: `orderId`, or `order.id` (the field the code itself reads, if any). */
function intentId(p: Parsed, fn: Node, endpoint: Endpoint): { expr: string; prefix: string } | undefined {
  const names = new Set<string>();
  for (const q of paramsOf(fn)) names.add(q.name);
  walk(fn, (n) => {
    if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') names.add(n.id.name as string);
  });
  const members = new Set<string>();
  walk(fn, (n) => {
    if (n.type === 'MemberExpression') members.add(pathOf(n) ?? '');
  });
  for (const name of [...names].sort()) {
    if (!INTENT[endpoint].test(name)) continue;
    const prefix = name.replace(/(Id|ID|_id)$/, '');
    if (/(Id|ID|_id)$/.test(name)) return { expr: name, prefix };
    const field = ['id', `${prefix}Id`, 'number', 'uuid', 'reference'].find((k) => members.has(`${name}.${k}`)) ?? 'id';
    return { expr: `${name}.${field}`, prefix };
  }
  return undefined;
}

/** The object literal a create call sends as its body. */
function bodyObject(call: Node): Node | undefined {
  let hit: Node | undefined;
  walk(call, (n) => {
    if (hit) return;
    if (n.type === 'CallExpression' && pathOf(n.callee) === 'JSON.stringify' && unwrap(n.arguments[0])?.type === 'ObjectExpression') hit = unwrap(n.arguments[0]);
    if (n.type === 'Property' && /^(json|data|body)$/.test(String(n.key?.name ?? n.key?.value)) && unwrap(n.value)?.type === 'ObjectExpression') hit = unwrap(n.value);
  });
  if (hit) return hit;
  const args = (call.arguments ?? []) as Node[];
  return args.map((a) => unwrap(a)).find((a) => a?.type === 'ObjectExpression' && (a.properties as Node[]).some((x) => /^(amount|currency|plan|customer)$/.test(String(x.key?.name ?? x.key?.value))));
}

/** `, externalId: …` after the last property, in the object's own layout. */
function addProperty(p: Parsed, obj: Node, text: string): Edit | undefined {
  const props = obj.properties as Node[];
  const last = props.at(-1);
  if (!last) return { start: obj.start + 1, end: obj.start + 1, text: ` ${text} ` };
  const between = p.text.slice(last.end, obj.end - 1);
  const multiline = p.text.slice(obj.start, obj.end).includes('\n');
  if (!multiline) return { start: last.end, end: last.end, text: `, ${text}` };
  const indent = indentAt(p.text, last.start);
  const comma = between.trimStart().startsWith(',');
  const eol = eolOf(p.text);
  return comma ? { start: last.end + between.indexOf(',') + 1, end: last.end + between.indexOf(',') + 1, text: `${eol}${indent}${text},` } : { start: last.end, end: last.end, text: `,${eol}${indent}${text}` };
}

/** externalId on a create call (or a better one instead of a random, customer or constant value). */
export async function planExternalId(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const p = await parsedAt(s, f.file);
  const code = s.evidence.code as CodeIndex;
  const call = code.calls.find((c) => c.file === f.file && (check.id === 'idempotency.external-id' ? c.line === f.line && c.column === f.column : c.body.resolved && c.body.externalId?.line === f.line && c.body.externalId?.column === f.column));
  if (!p || !call || call.start === undefined || call.end === undefined) return [];
  const node = pathTo(p, indexOfByte(p.text, call.start), indexOfByte(p.text, call.end))?.at(-1);
  const fn = node ? functionAround(p, node.start) : undefined;
  if (!node || !fn) return [];
  const id = intentId(p, fn, call.endpoint);
  if (!id) return [];
  const value = `\`${id.prefix}-\${${id.expr}}\``;
  const obj = bodyObject(node);
  if (!obj) return [];
  if (check.id === 'idempotency.external-id') {
    if (f.messageId !== 'missing-external-id') return [];
    const edit = addProperty(p, obj, `externalId: ${value}`);
    return edit ? [suggestion(check, f, 'external-id', `send externalId ${value}, one per ${id.prefix} (a retry then replays instead of ${call.endpoint === 'refund' ? 'refunding' : 'charging'} twice)`, p, [edit], [`Check that ${id.expr} is the ${id.prefix}'s own stable id.`])] : [];
  }
  const prop = (obj.properties as Node[]).find((x) => String(x.key?.name ?? x.key?.value) === 'externalId' && !x.shorthand);
  if (!prop) return [];
  return [suggestion(check, f, 'external-id', `make externalId one per ${id.prefix}: ${value} instead of ${p.text.slice(prop.value.start, prop.value.end)}`, p, [{ start: prop.value.start, end: prop.value.end, text: value }], [`Check that ${id.expr} is the ${id.prefix}'s own stable id.`])];
}

/** Other providers' keys share MintCash's `sk_live_`/`sk_test_` shape: their names on the line or in the object rule a suggestion out. */
export const OTHER_PROVIDER = /stripe|paystack|razorpay|flutterwave|lemon|paddle|braintree|square|adyen|mollie|checkout\.com/i;

/**
 * A MintCash secret key written as a string literal in JS/TS → its environment variable; a
 * committed fallback (`process.env.X || 'sk_…'`) → the variable alone, so a missing one fails.
 * Only in MintCash's code: the same key shape is Stripe's or Paystack's elsewhere.
 */
export async function planKeyLiteral(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const p = await parsedAt(s, f.file);
  if (!p || !f.line || !/^(live|test)-secret-in-source$/.test(f.messageId)) return [];
  const key = ((s.evidence.secrets?.keys ?? []) as KeyMatch[]).find((k) => k.file === f.file && k.line === f.line && k.column === f.column);
  if (!key || key.kind !== 'sk' || !mintcashCue(p.text, hintsFrom(s.config))) return [];
  let path: Node[] | undefined;
  walk(p.program, (n) => {
    if (!path && n.type === 'Literal' && n.value === key.value) path = pathTo(p, n.start, n.end, 'Literal');
  });
  const literal = path?.at(-1);
  if (!path || !literal) return [];
  const line = p.text.slice(p.text.lastIndexOf('\n', literal.start) + 1, p.text.indexOf('\n', literal.end) === -1 ? p.text.length : p.text.indexOf('\n', literal.end));
  const holder = path.findLast((n) => n.type === 'ObjectExpression' || n.type === 'VariableDeclarator');
  const context = holder ? p.text.slice(holder.start, holder.end) : line;
  if (OTHER_PROVIDER.test(line) || OTHER_PROVIDER.test(context.slice(0, 2000))) return [];
  const rotate = `The key is still in git history: ${ROTATE}.`;
  const parent = path.at(-2);
  if (parent?.type === 'LogicalExpression' && parent.right === literal && /^(process\.env|import\.meta\.env)\./.test(pathOf(unwrap(parent.left)) ?? '')) {
    const variable = p.text.slice(parent.left.start, parent.left.end);
    return [suggestion(check, f, 'key-to-env', `drop the committed fallback key: \`${variable}\` alone, so a missing variable fails at startup`, p, [{ start: parent.start, end: parent.end, text: variable }], [rotate])];
  }
  const name = s.config.env.secretKey;
  return [suggestion(check, f, 'key-to-env', `read the secret key from \`process.env.${name}\` instead of the source`, p, [{ start: literal.start, end: literal.end, text: `process.env.${name}` }], [
    `Set ${name} in every deployment's environment (from your secrets manager).`,
    rotate,
  ])];
}
