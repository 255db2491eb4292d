// The code index collector: reads every source file of the repo inventory once, routes it to the
// JS/TS parser or a token-level scanner, and gathers MintCash calls and webhook-handler facts that
// every code check shares. It never judges; unreadable or unparsable files become notes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { RunNote } from '../../engine/types.js';
import type { Collector, RepoFile } from '../types.js';
import { scanJs } from './parser-js.js';
import { scanTokens } from './scan-tokens.js';
import type { CodeFile, CodeIndex, CodeLanguage, FileFacts, ScanContext } from './types.js';

export type { CodeIndex } from './types.js';

const EXTENSIONS: Record<string, CodeLanguage> = {
  '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'js',
  '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'ts',
  '.py': 'python', '.go': 'go', '.rb': 'ruby', '.php': 'php', '.java': 'java',
};

/** Source files above this are generated or bundled code, not a merchant's handler. */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
/** Minified bundles and generated declarations say nothing about the merchant's own code. */
const SKIP = /(^|\/)(node_modules|vendor|dist|build|\.next|out|coverage|target|__pycache__)\/|\.min\.[cm]?js$|\.d\.[cm]?ts$/;
/** Files read between two yields to the event loop (keeps spinners and timers alive). */
const BATCH = 64;
/**
 * Phase 1 reads every source file but parses only those that can hold a MintCash call or a webhook
 * handler. Payment code says "payment", "refund" and "environment" everywhere, so these need the
 * URL path or the signature machinery itself, not the words.
 */
// A refund's path is /payments/{id}/refund, so "/refund" alone (e.g. `require('./refund')`) is no cue.
const CALL_OR_HANDLER = /\/(?:payments|subscriptions)\b|x[-_]signature|hmac/i;
/** Phase 2 (only when a handler's own file lacks them): environment and eventId facts elsewhere. */
const GUARD_FACTS = /environment|event_?id/i;

export function languageOf(file: string): CodeLanguage | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

export function scanSource(ctx: ScanContext, source: string): FileFacts {
  return ctx.language === 'js' || ctx.language === 'ts' ? scanJs(ctx, source) : scanTokens(ctx, source);
}

/** Indexes a list of repo files under root; exported for tests and the benchmark. */
export async function indexFiles(root: string, files: readonly RepoFile[], testGlobs: readonly string[]): Promise<CodeIndex> {
  const isTest = picomatch(testGlobs as string[], { dot: true });
  const index: CodeIndex = { files: [], calls: [], handlers: [], environmentChecks: [], dedupChecks: [], filesIndexed: 0, bytesIndexed: 0, notes: [] };
  const todo = files.filter((f) => languageOf(f.path) && !SKIP.test(f.path));
  const note = (message: string, file: string): RunNote => ({ source: 'code', message, file });

  const read = (f: RepoFile, entry: CodeFile): string | undefined => {
    if (f.size > MAX_SOURCE_BYTES) {
      entry.parsed = false;
      entry.error = 'too large to index';
      index.notes.push(note(`not indexed: larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB`, f.path));
      return undefined;
    }
    try {
      // Synchronous reads in batches: several times cheaper than promise-based reads of many small files.
      const buf = readFileSync(path.join(root, f.path));
      if (buf.includes(0)) {
        entry.parsed = false;
        entry.error = 'binary content';
        return undefined;
      }
      return buf.toString('utf8');
    } catch (e) {
      entry.parsed = false;
      entry.error = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      index.notes.push(note(`could not read the file (${entry.error})`, f.path));
      return undefined;
    }
  };
  const scan = (f: RepoFile, ctx: ScanContext, entry: CodeFile, source: string): void => {
    index.filesIndexed++;
    index.bytesIndexed += source.length;
    const facts = scanSource(ctx, source);
    if (facts.error) {
      entry.parsed = false;
      entry.error = facts.error;
      index.notes.push(note(`could not parse the file, so code checks did not read it: ${facts.error.split('\n')[0]}`, f.path));
      return;
    }
    index.calls.push(...facts.calls);
    if (facts.handler) index.handlers.push(facts.handler);
    if (!ctx.isTest) {
      index.environmentChecks.push(...facts.environmentChecks);
      index.dedupChecks.push(...facts.dedupChecks);
    }
  };

  const deferred: { f: RepoFile; ctx: ScanContext; entry: CodeFile }[] = [];
  for (let i = 0; i < todo.length; i++) {
    if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r));
    const f = todo[i]!;
    const language = languageOf(f.path)!;
    const ctx: ScanContext = { file: f.path, language, isTest: isTest(f.path) };
    const entry: CodeFile = { path: f.path, language, isTest: ctx.isTest, parsed: true };
    index.files.push(entry);
    const source = read(f, entry);
    if (source === undefined) continue;
    if (CALL_OR_HANDLER.test(source)) scan(f, ctx, entry, source);
    else if (GUARD_FACTS.test(source) && !ctx.isTest) deferred.push({ f, ctx, entry });
  }

  // Environment and dedup facts from other files matter only for a handler whose own file lacks
  // them (the checks accept a guard anywhere in non-test code); otherwise skip the second pass.
  const inFile = (facts: { file: string }[], file: string) => facts.some((x) => x.file === file);
  const needGuards = index.handlers.some((h) => !h.isTest && (!inFile(index.environmentChecks, h.file) || !inFile(index.dedupChecks, h.file)));
  if (needGuards) {
    for (const [i, d] of deferred.entries()) {
      if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r));
      const source = read(d.f, d.entry);
      if (source !== undefined) scan(d.f, d.ctx, d.entry, source);
    }
  }

  // Deterministic order whatever the read order was.
  const byLoc = (a: { file: string; line: number; column: number }, b: { file: string; line: number; column: number }): number =>
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  index.files.sort((a, b) => a.path.localeCompare(b.path));
  index.calls.sort(byLoc);
  index.handlers.sort(byLoc);
  index.environmentChecks.sort(byLoc);
  index.dedupChecks.sort(byLoc);
  index.notes.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
  return index;
}

export const collectCode: Collector<'code'> = async (ctx) => {
  const repo = await ctx.get('repo');
  return indexFiles(repo.root, repo.files, ctx.config.testFiles);
};
