// The working-tree secret scan: reads every inventory file (text, UTF-16, binary, any size; see
// scan-file.ts) and finds MintCash keys and sandbox URL mentions. Big repositories are read by
// worker threads that claim batches of files from a shared counter, so both cores read and match
// while the main thread is free for the other collectors; small ones are read inline, where a
// worker's start-up would cost more than it saves. A file it could not read is listed in `unread`.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeError } from '../errors.js';
import type { RunNote } from '../engine/types.js';
import { findKeyHits, findSandboxHits, positionHits, type RawHit } from './keymatch.js';
import { FileScanner, type FileScanResult } from './scan-file.js';
import type { ScanWorkerData, ScanWorkerReply } from './scan-worker.js';
import { trackedFiles } from './repo.js';
import type { Collector, KeyMatch, SandboxUrlMatch, SecretScan, UnreadFile } from './types.js';

export { findKeysInText } from './keymatch.js';

/** Below this many files the scan runs inline (a worker costs ~30 ms to start). */
const INLINE_MAX_FILES = 1500;
/** Files per claimed batch: small enough to balance the threads, big enough to be cheap to claim. */
const WORKER_BATCH = 64;
// Inline scans yield to the event loop between batches so probes and timers keep running.
const INLINE_BATCH = 256;

/** Scans one file's bytes as UTF-8 text; pure, so the benchmark and tests can drive it directly. */
export function scanBuffer(file: string, data: Buffer): { keys: KeyMatch[]; sandboxUrls: SandboxUrlMatch[] } {
  const hits: RawHit[] = [];
  findKeyHits(data, hits);
  findSandboxHits(data, hits);
  const keys: KeyMatch[] = [];
  const sandboxUrls: SandboxUrlMatch[] = [];
  for (const h of hits.length ? positionHits(data, hits) : []) {
    if (h.kind && h.env) keys.push({ file, line: h.line, column: h.column, kind: h.kind, env: h.env, value: data.toString('latin1', h.start, h.end), lineText: h.lineText });
    else sandboxUrls.push({ file, line: h.line, column: h.column, lineText: h.lineText });
  }
  return { keys, sandboxUrls };
}

/** How many worker threads to use for `files` files (0: scan inline). GOLIVE_SCAN_WORKERS overrides. */
function workerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.GOLIVE_SCAN_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 16);
  // Running from TypeScript sources (tests) there is no compiled worker to start.
  if (import.meta.url.endsWith('.ts') || files < INLINE_MAX_FILES) return 0;
  return Math.max(2, Math.min(4, availableParallelism()));
}

interface Scanned {
  /** Per index into the file list, only files with something to say. */
  results: Array<FileScanResult | undefined>;
  files: number;
  bytes: number;
  notes: RunNote[];
}

/** Work counter for the progress line (issue 14.5); absent when nobody listens. */
export type Progress = ((kind: 'files' | 'commits', n?: number) => void) | undefined;
export const progressOf = (ctx: object): Progress => (ctx as { progress?: Progress }).progress;

async function scanInline(root: string, files: readonly string[], progress: Progress): Promise<Scanned> {
  const out: Scanned = { results: new Array(files.length), files: 0, bytes: 0, notes: [] };
  const scanner = new FileScanner(root);
  for (let i = 0; i < files.length; i++) {
    const r = scanner.scan(files[i] as string);
    if (r.keys.length || r.sandboxUrls.length || r.unread || r.skipped || r.encoding) out.results[i] = r;
    if (!r.unread && !r.skipped) {
      out.files++;
      out.bytes += r.bytes;
    }
    if (i % INLINE_BATCH === INLINE_BATCH - 1) {
      progress?.('files', INLINE_BATCH);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress?.('files', files.length % INLINE_BATCH);
  return out;
}

function runWorker(data: ScanWorkerData, progress: Progress): Promise<ScanWorkerReply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: data, stdout: false, stderr: false });
    let reply: ScanWorkerReply | undefined;
    w.on('message', (m: ScanWorkerReply | { progress: number }) => {
      if ('progress' in m) progress?.('files', m.progress);
      else reply = m;
    });
    w.once('error', reject);
    w.once('exit', (code) => (reply ? resolve(reply) : reject(new Error(`scan worker exited with code ${code} and no result`))));
  });
}

/** Scans files with worker threads when there are enough of them to pay for the threads. */
async function scanFiles(root: string, files: string[], env: NodeJS.ProcessEnv, progress: Progress): Promise<Scanned> {
  const n = workerCount(files.length, env);
  if (n === 0) return scanInline(root, files, progress);
  try {
    const counter = new SharedArrayBuffer(8);
    const replies = await Promise.all(Array.from({ length: n }, () => runWorker({ root, files, counter, batch: WORKER_BATCH }, progress)));
    const out: Scanned = { results: new Array(files.length), files: 0, bytes: 0, notes: [] };
    for (const r of replies) {
      out.files += r.files;
      out.bytes += r.bytes;
      for (const [i, res] of r.results) out.results[i] = res;
    }
    return out;
  } catch (e) {
    // A worker that cannot start or dies loses its part: read everything again on this thread.
    const out = await scanInline(root, files, undefined);
    out.notes.push({ source: 'secrets', message: `scan threads failed (${describeError(e)}); scanned on one thread instead` });
    return out;
  }
}

function byPosition<T extends { file: string; line: number; column: number; offset?: number }>(a: T, b: T): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.offset ?? 0) - (b.offset ?? 0);
}

const byFile = (a: { file?: string }, b: { file?: string }): number => ((a.file ?? '') < (b.file ?? '') ? -1 : (a.file ?? '') > (b.file ?? '') ? 1 : 0);

export const collectSecrets: Collector<'secrets'> = async (ctx) => {
  const repoP = ctx.get('repo');
  // Tracked files are known from the index long before git's untracked walk ends: start on them.
  const early = (await trackedFiles(ctx))?.files.map((f) => f.path) ?? [];
  const progress = progressOf(ctx);
  const first = scanFiles(path.resolve(ctx.root), early, ctx.env, progress);
  first.catch(() => undefined); // awaited below; an early repo failure must not leave it unhandled
  const repo = await repoP;
  const inRepo = new Set(repo.files.map((f) => f.path));
  const seen = new Set(early);
  const rest = repo.files.map((f) => f.path).filter((p) => !seen.has(p));
  const parts: Array<[string[], Scanned]> = [[early, await first]];
  parts.push([rest, await scanFiles(repo.root, rest, ctx.env, progress)]);

  const notes: RunNote[] = [];
  const unread: UnreadFile[] = [...(repo.unread ?? [])];
  const out: SecretScan = { keys: [], sandboxUrls: [], filesScanned: 0, bytesScanned: 0, unread, notes };
  for (const [files, scanned] of parts) {
    out.filesScanned += scanned.files;
    out.bytesScanned += scanned.bytes;
    notes.push(...scanned.notes);
    for (let i = 0; i < files.length; i++) {
      const r = scanned.results[i];
      const file = files[i] as string;
      // A tracked file deleted from the work tree is in the repo's notes, not a gap in the scan.
      if (!r || !inRepo.has(file)) continue;
      if (r.unread) unread.push({ file, reason: r.unread });
      if (r.skipped) notes.push({ source: 'secrets', message: r.skipped, file });
      if (r.encoding && r.encoding !== 'binary' && !r.unread) notes.push({ source: 'secrets', message: `${r.encoding.toUpperCase()} text, decoded and scanned`, file });
      for (const k of r.keys) out.keys.push(k);
      for (const u of r.sandboxUrls) out.sandboxUrls.push(u);
    }
  }
  out.keys.sort(byPosition);
  out.sandboxUrls.sort(byPosition);
  unread.sort(byFile);
  notes.sort(byFile);
  return out;
};
