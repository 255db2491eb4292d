// What a JS/TS MintCash call does with an error answer, for firstweek.request-id-logged: does the
// enclosing function (and a helper it hands the response to, one level deep) log or throw
// MintCash's details.requestId, keep the whole error body in what it throws or logs, drop it (an error
// log or a new Error without it), or never look at the status at all. Facts only; the check judges.
import { isFunction, lastSegment, pathOf, unwrap, walk, type Node } from './js-ast.js';
import type { LineMap } from './shared.js';
import type { CodeLocation, ErrorHandlingFact } from './types.js';

const LOG_METHODS = new Set(['error', 'warn', 'fatal', 'crit', 'critical']);
const LOGGERS = /^(console|log|logger|pino|winston|bunyan|logging|sentry|Sentry)$|log(ger)?$/i;
/** Accessing MintCash's details (or requestId) on something: `.details`, `.requestId`, `['details']`. */
const MENTIONS_ID = /\.\s*(details|requestId)\b|\[\s*['"](details|requestId)['"]\s*\]|\bdetails\s*[,}]|\{\s*details\b/;

interface Scan {
  logs: Array<{ node: Node; text: string }>;
  throws: Array<{ node: Node; text: string }>;
  statusChecked: boolean;
  handoffs: Array<{ fn: string; arg: number }>;
}

function scanFunction(fn: Node, source: string, responseNames: Set<string>): Scan {
  const out: Scan = { logs: [], throws: [], statusChecked: false, handoffs: [] };
  const body = fn.body ?? fn;
  walk(body as Node, (n) => {
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      const p = pathOf(callee);
      if (callee?.type === 'MemberExpression' && LOG_METHODS.has(lastSegment(p))) {
        const owner = lastSegment(pathOf(callee.object) ?? '');
        if (LOGGERS.test(owner) || /(^|\.)log$/.test(pathOf(callee.object) ?? '')) out.logs.push({ node: n, text: source.slice(n.start, n.end) });
      }
      // The response handed to a helper: `return answer(res)`, `check(response)`.
      if (callee?.type === 'Identifier') {
        (n.arguments as Node[]).forEach((a, i) => {
          const u = unwrap(a);
          if (u?.type === 'Identifier' && responseNames.has(u.name as string)) out.handoffs.push({ fn: callee.name as string, arg: i });
        });
      }
    } else if (n.type === 'ThrowStatement') {
      out.throws.push({ node: n, text: source.slice(n.start, n.end) });
    } else if (n.type === 'MemberExpression' && !n.computed && /^(ok|status|statusCode)$/.test(String(n.property?.name))) {
      out.statusChecked = true;
    }
  });
  return out;
}

/** Names the response lives under: `const res = await fetch(...)`, and what its JSON is read into. */
function responseNames(call: Node, parent: Node | undefined, fn: Node, source: string): Set<string> {
  const names = new Set<string>();
  if (parent?.type === 'VariableDeclarator' && parent.id?.type === 'Identifier') names.add(parent.id.name as string);
  if (parent?.type === 'AwaitExpression') {
    // handled by the walk below: `const res = await fetch()` has the await as the init
  }
  walk((fn.body ?? fn) as Node, (n) => {
    if (n.type !== 'VariableDeclarator' || n.id?.type !== 'Identifier' || !n.init) return;
    const init = unwrap(n.init as Node);
    if (init === call || (init && init.start <= call.start && init.end >= call.end && init.type === 'CallExpression' && unwrap(init.callee) === unwrap(call.callee))) names.add(n.id.name as string);
    // `const body = await res.json()`, `res.data`, `res.body`: the error body itself.
    const text = init ? source.slice(init.start, init.end) : '';
    for (const r of [...names]) if (new RegExp(`^${r}\\s*\\.\\s*(json\\(\\)|data|body)`).test(text)) names.add(n.id.name as string);
  });
  return names;
}

/** The whole object (`body`, not `body.message` or `res.status`) goes into what is thrown. */
const mentionsName = (text: string, names: Set<string>) => [...names].some((n) => new RegExp(`(^|[^.\\w$])${n.replace(/\$/g, '\\$')}([^\\w$.]|$)`).test(text.replace(/^throw\s+/, '')));

/**
 * The fact for one call. `program` is the file's AST root: a helper the response is handed to is
 * looked up among its function declarations and `const f = (…) => …` bindings.
 */
export function errorHandlingOf(call: Node, parent: Node | undefined, fns: readonly Node[], program: Node, source: string, lines: LineMap, file: string): ErrorHandlingFact {
  const fn = fns.at(-1) ?? program;
  const names = responseNames(call, parent, fn, source);
  const scans = [scanFunction(fn, source, names)];
  for (const h of scans[0]!.handoffs) {
    const helper = findFunction(program, h.fn);
    const param = helper?.params?.[h.arg];
    if (helper && param?.type === 'Identifier') {
      const inner = new Set([param.name as string]);
      walk(helper.body as Node, (n) => {
        if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && n.init && new RegExp(`^(await\\s+)?${param.name as string}\\s*\\.\\s*(json\\(\\)|data|body)`).test(source.slice(n.init.start, n.init.end))) inner.add(n.id.name as string);
      });
      scans.push(scanFunction(helper, source, inner));
      for (const n of inner) names.add(n);
    }
  }
  const at = (n: Node): CodeLocation => ({ file, ...lines.at(n.start) });
  const logs = scans.flatMap((s) => s.logs);
  const throws = scans.flatMap((s) => s.throws);
  const keeping = [...logs, ...throws].find((x) => MENTIONS_ID.test(x.text));
  if (keeping) return { kind: 'logs-request-id', ...at(keeping.node), text: keeping.text.slice(0, 160) };
  // The whole body thrown or logged carries details.requestId with it.
  const keepsBody = [...throws, ...logs].find((x) => mentionsName(x.text, names));
  if (keepsBody) return { kind: 'keeps-body', ...at(keepsBody.node), text: keepsBody.text.slice(0, 160) };
  const dropped = logs[0] ?? throws[0];
  if (dropped) return { kind: 'drops-request-id', ...at(dropped.node), text: dropped.text.slice(0, 160) };
  if (!scans.some((s) => s.statusChecked) && /^(fetch|\?\.fetch|.*\.fetch)$/.test(pathOf(call.callee) ?? '')) return { kind: 'unchecked' };
  return { kind: 'propagates' };
}

function findFunction(program: Node, name: string): Node | undefined {
  let found: Node | undefined;
  walk(program, (n) => {
    if (found) return;
    if (n.type === 'FunctionDeclaration' && n.id?.name === name) found = n;
    else if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && n.id.name === name && isFunction(unwrap(n.init as Node))) found = unwrap(n.init as Node);
  });
  return found;
}
