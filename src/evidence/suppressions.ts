// Inline suppressions: `golive-ignore <id-or-section>[, <id>…]: <reason>` in a comment of any
// common syntax. This module only finds the directives; the runner applies each one to findings
// on its own line or the line after, and the report shows the reason.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Suppression } from '../engine/runner.js';
import { mapLimit, MAX_FILE_BYTES } from './repo.js';

const DIRECTIVE = 'golive-ignore';
export const NO_REASON = '(no reason given)';

// The directive must open a comment: after `//`, `#`, `/*`, `<!--`, `--` (SQL, Lua, Haskell), or
// a leading `*` inside a block comment. Text that merely mentions it (a string) does not count.
const DIRECTIVE_RE = /(?:\/\/|#|\/\*+|<!--|--|^\s*\*)\s*golive-ignore(?=[\s:]|$)([^:\n]*)(?::(.*))?$/;

/** Parses one line; undefined when it holds no directive. */
export function parseDirective(line: string): { ids: string[]; reason: string } | undefined {
  const m = DIRECTIVE_RE.exec(line);
  if (!m) return undefined;
  const ids = (m[1] ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
  // Drop a comment closer that ends the line: `/* … */`, `<!-- … -->`.
  const reason = (m[2] ?? '').replace(/\s*(?:\*\/|-->)\s*$/, '').trim();
  if (ids.length === 0) return undefined; // `golive-ignore` alone names nothing to ignore
  return { ids: ids.map((id) => id.replace(/(?:\*\/|-->)$/, '')).filter((id) => id.length > 0), reason: reason || NO_REASON };
}

/** Every directive in a text, with 1-based line numbers. */
export function findSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  let line = 1;
  let counted = 0; // newlines are counted in text[0, counted)
  let from = text.indexOf(DIRECTIVE);
  while (from !== -1) {
    const start = text.lastIndexOf('\n', from) + 1;
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    const d = parseDirective(text.slice(start, end).replace(/\r$/, ''));
    if (d && d.ids.length > 0) {
      for (let i = text.indexOf('\n', counted); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
      counted = start;
      out.push({ line, ids: d.ids, reason: d.reason });
    }
    from = text.indexOf(DIRECTIVE, end);
  }
  return out;
}

/**
 * Directives in the given files (paths relative to root). A file that cannot be read, or is over
 * the scan cap, simply has none: a missing suppression shows a finding, it never hides one.
 */
export async function loadSuppressions(root: string, files: string[]): Promise<Map<string, Suppression[]>> {
  const out = new Map<string, Suppression[]>();
  await mapLimit([...new Set(files)], 16, async (file) => {
    try {
      const abs = path.join(root, file);
      if ((await stat(abs)).size > MAX_FILE_BYTES) return;
      const buf = await readFile(abs);
      if (buf.indexOf(DIRECTIVE) === -1) return;
      const found = findSuppressions(buf.toString('utf8'));
      if (found.length > 0) out.set(file, found);
    } catch (_e) {
      // unreadable or gone: no directives
    }
  });
  return out;
}
