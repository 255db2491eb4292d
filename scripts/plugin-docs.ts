// Generates docs/plugins.md: how plugins run, then a reference of every piece of evidence a check
// can declare, read from the evidence types themselves (their fields and doc comments), so the
// page cannot drift from the code. test/docs/plugins.test.ts keeps the file in step
// (`npx vitest run test/docs -u` regenerates it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['src/evidence/types.ts', 'src/evidence/probe-types.ts', 'src/evidence/code/types.ts', 'src/engine/types.ts'];

interface Decl {
  name: string;
  doc: string;
  /** Interface fields, or undefined for a type alias. */
  fields?: { name: string; type: string; optional: boolean; doc: string }[];
  alias?: string;
  extends?: string[];
}

function docOf(node: ts.Node, sf: ts.SourceFile): string {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [];
  const jsdoc = ranges.map((r) => sf.text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**')).at(-1);
  if (!jsdoc) return '';
  return jsdoc
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

function readDecls(): Map<string, Decl> {
  const out = new Map<string, Decl>();
  for (const rel of FILES) {
    const sf = ts.createSourceFile(rel, readFileSync(path.join(ROOT, rel), 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st)) {
        out.set(st.name.text, {
          name: st.name.text,
          doc: docOf(st, sf),
          extends: st.heritageClauses?.flatMap((h) => h.types.map((t) => t.getText(sf))) ?? [],
          fields: st.members.filter(ts.isPropertySignature).map((m) => ({
            name: m.name.getText(sf),
            type: flat(m.type?.getText(sf) ?? 'unknown'),
            optional: Boolean(m.questionToken),
            doc: docOf(m, sf),
          })),
        });
      } else if (ts.isTypeAliasDeclaration(st)) {
        out.set(st.name.text, { name: st.name.text, doc: docOf(st, sf), alias: flat(st.type.getText(sf)) });
      }
    }
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderPluginDocs(): string {
  const decls = readDecls();
  const map = decls.get('EvidenceMap')!;
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (name: string) => {
    if (seen.has(name) || !decls.has(name) || name === 'EvidenceMap' || name === 'CollectContext') return;
    seen.add(name);
    order.push(name);
    const d = decls.get(name)!;
    const text = [d.alias ?? '', ...(d.extends ?? []), ...(d.fields ?? []).map((f) => f.type)].join(' ');
    for (const id of text.match(/[A-Z][A-Za-z]+/g) ?? []) visit(id);
  };
  const lines: string[] = [
    '# Writing golive plugins',
    '',
    'Generated from the evidence types by `scripts/plugin-docs.ts`; `npx vitest run test/docs -u` regenerates it.',
    '',
    'A plugin is a local file (JavaScript or TypeScript, ES module or CommonJS) or an npm package that',
    'exports `definePlugin({ apiVersion, namespace, checks, preset })`. See the README, "Writing a check".',
    '',
    '## How a plugin runs',
    '',
    '- golive never runs plugin code in its own process. Each plugin is compiled with esbuild and imported',
    '  in its own child process, started once and shared by all of that plugin\'s checks.',
    '- The child has an empty environment (no `MINTCASH_*`, no CI tokens) and runs under Node\'s permission',
    '  model: it may read the repository and its own files, and may not write files, start processes or',
    '  workers. Node 20 cannot restrict the network, so a plugin can still open connections: it just has',
    '  nothing secret to send.',
    '- Evidence reaches a check as a copy with every secret masked (`sk_live_…Ab12`): a check learns that',
    '  a key is there and where, never the key itself. `fingerprintOf` may use the masked value.',
    '- Import must finish within 10 s; a plugin that exits, loops or never settles at import is a plugin',
    '  error (exit 2). A check has 30 s (or its own `timeoutMs`, at most 600000); one that overruns, throws,',
    '  exits or returns a malformed result is status `error` for that check, with the field and value named.',
    '- A `kind: "network"` check is skipped under `--offline` without being run.',
    '- `--only <namespace>` runs every check of one plugin; `-v` shows a failing check\'s stack (masked).',
    '- Namespaces: local plugins must declare one; packages default to their name (`golive-plugin-acme` →',
    '  `acme`). The built-in section names and `golive`, `builtin`, `local` are reserved.',
    '- `mintcash-golive/testing` runs a plugin check the same way (own process, same limits), so a looping',
    '  check fails its test instead of hanging the test runner.',
    '',
    '## Evidence reference',
    '',
    'A check lists the evidence it needs in `requires` and receives exactly those keys.',
    '',
  ];
  for (const f of map.fields ?? []) {
    lines.push(`- \`${f.name}\`: [\`${f.type}\`](#${f.type.toLowerCase()})`);
  }
  lines.push('');
  for (const f of map.fields ?? []) visit(f.type);
  for (const name of order) {
    const d = decls.get(name)!;
    lines.push(`### ${name}`, '');
    if (d.doc) lines.push(d.doc, '');
    if (d.alias !== undefined) {
      lines.push(`\`${cell(d.alias)}\``, '');
      continue;
    }
    if (d.extends?.length) lines.push(`Also has every field of ${d.extends.map((e) => `\`${e}\``).join(', ')}.`, '');
    lines.push('| Field | Type | Meaning |', '|---|---|---|');
    for (const f of d.fields ?? []) lines.push(`| \`${f.name}${f.optional ? '?' : ''}\` | \`${cell(f.type)}\` | ${cell(f.doc)} |`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
