// The code index collector: reads every source file of the repo inventory once, routes it to the
// JS/TS parser or a token-level scanner, and gathers MintCash calls and webhook-handler facts that
// every code check shares. It never judges; unreadable or unparsable files become notes.
import { readFile } from 'node:fs/promises';
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
const READ_CONCURRENCY = 32;

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

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const f = todo[next++]!;
      const language = languageOf(f.path)!;
      const ctx: ScanContext = { file: f.path, language, isTest: isTest(f.path) };
      const entry: CodeFile = { path: f.path, language, isTest: ctx.isTest, parsed: true };
      index.files.push(entry);
      if (f.size > MAX_SOURCE_BYTES) {
        entry.parsed = false;
        entry.error = 'too large to index';
        index.notes.push(note(`not indexed: larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB`, f.path));
        continue;
      }
      let source: string;
      try {
        const buf = await readFile(path.join(root, f.path));
        if (buf.includes(0)) {
          entry.parsed = false;
          entry.error = 'binary content';
          continue;
        }
        source = buf.toString('utf8');
      } catch (e) {
        entry.parsed = false;
        entry.error = (e as NodeJS.ErrnoException).code ?? 'unreadable';
        index.notes.push(note(`could not read the file (${entry.error})`, f.path));
        continue;
      }
      index.filesIndexed++;
      index.bytesIndexed += source.length;
      const facts = scanSource(ctx, source);
      if (facts.error) {
        entry.parsed = false;
        entry.error = facts.error;
        index.notes.push(note(`could not parse the file, so code checks did not read it: ${facts.error.split('\n')[0]}`, f.path));
        continue;
      }
      index.calls.push(...facts.calls);
      if (facts.handler) index.handlers.push(facts.handler);
      if (!ctx.isTest) {
        index.environmentChecks.push(...facts.environmentChecks);
        index.dedupChecks.push(...facts.dedupChecks);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, todo.length) }, worker));

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
