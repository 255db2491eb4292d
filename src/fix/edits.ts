// Byte-exact, minimal edits: every change is a span replacement made with magic-string on the
// file's own text, so nothing outside the edited spans moves (formatting, line endings, comments).
// Also the unified diff (jsdiff) golive prints and reports carry, and the SARIF replacements.
import MagicString from 'magic-string';
import { createTwoFilesPatch } from 'diff';
import type { Edit, FileEdits, ReportFileChange } from './types.js';
import { LineMap } from '../evidence/code/shared.js';

/** UTF-8 byte offset → UTF-16 index in `text` (the code index keeps byte spans; strings index by code unit). */
export function indexOfByte(text: string, byte: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byte) return i;
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return text.length;
}

/** Edits with a key are made once; the rest in order. Overlapping edits are a planning error. */
export function dedupe(edits: readonly Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((e) => (e.key === undefined ? true : seen.has(e.key) ? false : (seen.add(e.key), true)));
}

/** Applies edits planned on `text`; throws when two replace overlapping spans. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const s = new MagicString(text);
  const sorted = dedupe(edits).map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.i - b.i);
  let lastEnd = -1;
  for (const { e } of sorted) {
    if (e.start < lastEnd && e.end > e.start) throw new Error(`overlapping edits at ${e.start}`);
    if (e.start === e.end) s.appendLeft(e.start, e.text);
    else s.update(e.start, e.end, e.text);
    lastEnd = Math.max(lastEnd, e.end);
  }
  return s.toString();
}

/** Several fixes' edits of one file, combined (shared keys once). */
export function combine(changes: readonly FileEdits[]): Map<string, FileEdits> {
  const out = new Map<string, FileEdits>();
  for (const c of changes) {
    const prev = out.get(c.file);
    if (prev) prev.edits = [...prev.edits, ...c.edits];
    else out.set(c.file, { ...c, edits: [...c.edits] });
  }
  return out;
}

/** The unified diff of one file's change, `a/` and `b/` paths relative to the target (git apply -p1). */
export function unifiedDiff(file: string, before: string, after: string, created = false): string {
  const patch = createTwoFilesPatch(created ? '/dev/null' : `a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with an "Index:"-less header: drop its "===" line so the patch reads like git's.
  return patch.split('\n').filter((l) => !/^={10,}$/.test(l)).join('\n').replace(/\n+$/, '\n');
}

/** A fix's files as diffs. */
export function diffOf(files: readonly FileEdits[]): string {
  return [...combine(files).values()].map((f) => unifiedDiff(f.file, f.original, applyEdits(f.original, f.edits), f.created)).join('');
}

/** SARIF-style replacements: 1-based lines and UTF-16 columns of the original text. */
export function replacementsOf(f: FileEdits): ReportFileChange {
  const lines = new LineMap(f.original);
  const pos = (i: number) => lines.at(i);
  return {
    file: f.file,
    replacements: dedupe(f.edits)
      .sort((a, b) => a.start - b.start)
      .map((e) => {
        const s = pos(e.start);
        const t = pos(e.end);
        return { startLine: s.line, startColumn: s.column, endLine: t.line, endColumn: t.column, text: e.text };
      }),
  };
}
