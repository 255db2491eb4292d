// Express app wiring in one JS/TS file: JSON body parsers mounted app-wide (no raw copy kept) and
// routers mounted from other modules. The collector links the two across files (express-mounts.ts).
import { pathOf, propOf, unwrap, type Node } from './js-ast.js';
import type { JsSites } from './js-webhook.js';
import type { LineMap } from './shared.js';
import type { ExpressFacts, ScanContext } from './types.js';

/** `express.json()` / `bodyParser.json()` / `json()` without a `verify` hook that keeps the raw bytes. */
export function isJsonParser(x: Node | undefined): boolean {
  const u = unwrap(x);
  if (u?.type !== 'CallExpression') return false;
  const cp = pathOf(u.callee) ?? '';
  if (!/^(express\.json|bodyParser\.json|json)$/.test(cp)) return false;
  return !propOf(unwrap(u.arguments[0]), 'verify');
}

export function findExpressFacts(ctx: ScanContext, source: string, lines: LineMap, sites: JsSites): ExpressFacts | undefined {
  const facts: ExpressFacts = { parsers: [], mounts: [] };
  for (const s of sites.calls) {
    if (!/\.use$/.test(pathOf(s.node.callee) ?? '')) continue;
    const args = s.node.arguments as Node[];
    const first = unwrap(args[0]);
    const scope = first?.type === 'Literal' && typeof first.value === 'string' ? first.value : undefined;
    for (const a of args) {
      const u = unwrap(a);
      if (isJsonParser(u)) {
        facts.parsers.push({ file: ctx.file, ...lines.at(u!.start), at: s.node.start, text: source.slice(u!.start, u!.end), ...(scope ? { scope } : {}) });
        continue;
      }
      let spec: string | undefined;
      if (u?.type === 'CallExpression' && pathOf(u.callee) === 'require' && typeof u.arguments[0]?.value === 'string') spec = u.arguments[0].value as string;
      else {
        const root = (pathOf(u) ?? '').split('.')[0] ?? '';
        spec = sites.imports.get(root);
      }
      if (spec) facts.mounts.push({ at: s.node.start, spec, ...(scope ? { path: scope } : {}) });
    }
  }
  return facts.parsers.length > 0 || facts.mounts.length > 0 ? facts : undefined;
}
