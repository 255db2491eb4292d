// The working-tree secret scan: reads every inventory file (text, UTF-16, binary, any size; see
// scan-file.ts) and finds MintCash keys and sandbox URL mentions. In a big repository the main
// thread and one worker thread per other core claim batches of files from a shared counter: the
// main thread starts at once while the workers boot (~50 ms), and whichever thread is free takes
// the next batch, so a main thread busy with another collector simply takes fewer. Small
// repositories are read on the main thread alone, where a worker would cost more than it saves.
// A file it could not read is listed in `unread`.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeError } from '../errors.js';
import type { RunNote } from '../engine/types.js';
import { findKeyHits, findSandboxHits, positionHits, type RawHit } from './keymatch.js';
import { FileScanner, scanNextBatch, type FileScanResult, type ScanTally } from './scan-file.js';
import type { ScanWorkerData, ScanWorkerReply } from './scan-worker.js';
import { trackedFiles } from './repo.js';
import { distFile, FROM_SOURCE } from '../paths.js';
import type { CollectContext, Collector, KeyMatch, SandboxUrlMatch, SecretScan, UnreadFile } from './types.js';
import type { Cue } from './code/cues.js';
import { compareText } from '../engine/order.js';

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

/** How many worker threads to add to the main thread for `files` files. GOLIVE_SCAN_WORKERS overrides. */
function workerCount(files: number, env: NodeJS.ProcessEnv): number {
  const forced = env.GOLIVE_SCAN_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 16);
  // Running from TypeScript sources (tests) there is no compiled worker to start.
  if (FROM_SOURCE || files < INLINE_MAX_FILES) return 0;
  return Math.max(1, Math.min(3, availableParallelism() - 1));
}

interface Scanned {
  /** Per index into the file list, only files with something to say. */
  results: Array<FileScanResult | undefined>;
  files: number;
  bytes: number;
  notes: RunNote[];
  /** Per index into the file list, the code cue of a source file (0: not looked at); when asked. */
  cues?: Uint8Array;
}

/** Work counter for the progress line (issue 14.5); absent when nobody listens. */
export type Progress = CollectContext['progress'];

/** The threads' tallies as one result per file index. */
function merged(n: number, tallies: readonly ScanTally[], cues?: Uint8Array): Scanned {
  const out: Scanned = { results: new Array(n), files: 0, bytes: 0, notes: [], ...(cues ? { cues } : {}) };
  for (const t of tallies) {
    out.files += t.files;
    out.bytes += t.bytes;
    for (const [i, r] of t.results) out.results[i] = r;
  }
  return out;
}

/**
 * This thread's share: claims batches from counter[0] (shared with the workers, if any) until none
 * are left, yielding to the event loop between batches so probes, timers and the other collectors
 * keep running.
 */
async function scanShare(root: string, files: readonly string[], counter: Int32Array, batch: number, progress: Progress, cues?: Uint8Array): Promise<ScanTally> {
  const tally: ScanTally = { results: [], files: 0, bytes: 0 };
  const scanner = new FileScanner(root, cues !== undefined);
  for (let n; (n = scanNextBatch(scanner, files, counter, batch, tally, cues)) > 0; ) {
    progress?.('files', n);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return tally;
}

function runWorker(data: ScanWorkerData, progress: Progress): Promise<ScanWorkerReply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(distFile('evidence', 'scan-worker.js'), { workerData: data, stdout: false, stderr: false });
    let reply: ScanWorkerReply | undefined;
    w.on('message', (m: ScanWorkerReply | { progress: number }) => {
      if ('progress' in m) progress?.('files', m.progress);
      else reply = m;
    });
    w.once('error', reject);
    w.once('exit', (code) => (reply ? resolve(reply) : reject(new Error(`scan worker exited with code ${code} and no result`))));
  });
}

/**
 * Scans files on this thread, joined by worker threads when there are enough files to pay for
 * them. With `cues`, source files also get their code cue (every thread writes into one shared
 * byte array, a byte per file).
 */
async function scanFiles(root: string, files: string[], env: NodeJS.ProcessEnv, progress: Progress, cues: boolean): Promise<Scanned> {
  const n = workerCount(files.length, env);
  const shared = new SharedArrayBuffer(8);
  const counter = new Int32Array(shared);
  const cueBuffer = cues ? new SharedArrayBuffer(files.length) : undefined;
  const cueBytes = cueBuffer ? new Uint8Array(cueBuffer) : undefined;
  if (n === 0) return merged(files.length, [await scanShare(root, files, counter, INLINE_BATCH, progress, cueBytes)], cueBytes);
  const data: ScanWorkerData = { root, files, counter: shared, batch: WORKER_BATCH, ...(cueBuffer ? { cues: cueBuffer } : {}) };
  const workers = Array.from({ length: n }, () => runWorker(data, progress));
  workers.forEach((w) => w.catch(() => undefined)); // awaited below, after this thread's share
  // GOLIVE_SCAN_MAIN=0 leaves every batch to the workers (tests and benchmarks compare the two).
  const mine = env.GOLIVE_SCAN_MAIN === '0' ? [] : [await scanShare(root, files, counter, WORKER_BATCH, progress, cueBytes)];
  try {
    const theirs = await Promise.all(workers);
    Atomics.load(counter, 1); // the workers' cue bytes, written before their last Atomics.add, are visible
    return merged(files.length, [...mine, ...theirs], cueBytes);
  } catch (e) {
    // A worker that cannot start or dies loses the batches it claimed: read everything again here.
    const again = merged(files.length, [await scanShare(root, files, new Int32Array(new SharedArrayBuffer(8)), INLINE_BATCH, undefined, cueBytes?.fill(0))], cueBytes);
    again.notes.push({ source: 'secrets', message: `a scan thread failed (${describeError(e)}); scanned again on one thread` });
    return again;
  }
}

const cuesByRun = new WeakMap<object, ReadonlyMap<string, Cue>>();

/**
 * The code cue of each source file the secret scan read in this run (see code/cues.ts), once the
 * scan is done; undefined when the run's checks need no secret scan, and the code index reads
 * the files itself.
 */
export async function scannedCues(ctx: CollectContext): Promise<ReadonlyMap<string, Cue> | undefined> {
  if (!ctx.needs?.has('secrets') || !ctx.needs.has('code')) return undefined;
  try {
    await ctx.get('secrets');
  } catch {
    return undefined; // the secret check reports its own failure; the code index reads for itself
  }
  return cuesByRun.get(ctx);
}

function byPosition<T extends { file: string; line: number; column: number; offset?: number }>(a: T, b: T): number {
  if (a.file !== b.file) return compareText(a.file, b.file);
  return a.line - b.line || a.column - b.column || (a.offset ?? 0) - (b.offset ?? 0);
}

const byFile = (a: { file?: string }, b: { file?: string }): number => compareText(a.file ?? '', b.file ?? '');

export const collectSecrets: Collector<'secrets'> = async (ctx) => {
  const repoP = ctx.get('repo');
  // Tracked files are known from the index long before git's untracked walk ends: start on them.
  const early = (await trackedFiles(ctx))?.files.map((f) => f.path) ?? [];
  const progress = ctx.progress;
  const cues = ctx.needs?.has('code') === true;
  const first = scanFiles(path.resolve(ctx.root), early, ctx.env, progress, cues);
  first.catch(() => undefined); // awaited below; an early repo failure must not leave it unhandled
  const repo = await repoP;
  const inRepo = new Set(repo.files.map((f) => f.path));
  const seen = new Set(early);
  const rest = repo.files.map((f) => f.path).filter((p) => !seen.has(p));
  const parts: Array<[string[], Scanned]> = [[early, await first]];
  parts.push([rest, await scanFiles(repo.root, rest, ctx.env, progress, cues)]);
  if (cues) {
    const byFile = new Map<string, Cue>();
    for (const [files, scanned] of parts) {
      files.forEach((file, i) => {
        const c = scanned.cues?.[i];
        if (c && inRepo.has(file)) byFile.set(file, c as Cue);
      });
    }
    cuesByRun.set(ctx, byFile);
  }

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
