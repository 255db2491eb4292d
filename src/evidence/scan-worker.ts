// A secret-scan worker thread: claims batches of the file list through a shared counter (so the
// threads share the work however uneven the files are) and posts back only what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { FileScanner, type FileScanResult } from './scan-file.js';

export interface ScanWorkerData {
  root: string;
  files: string[];
  /** Int32Array over a SharedArrayBuffer: [next batch to claim, files done]. */
  counter: SharedArrayBuffer;
  batch: number;
  /** When set, one byte per file: its code cue (code/cues.ts), written here for source files. */
  cues?: SharedArrayBuffer;
}

export interface ScanWorkerReply {
  /** Per file index, only files with something to say (a hit, a gap, an encoding, a skip). */
  results: Array<[number, FileScanResult]>;
  files: number;
  bytes: number;
}

const data = workerData as ScanWorkerData;
const counter = new Int32Array(data.counter);
const scanner = new FileScanner(data.root, data.cues !== undefined);
const cues = data.cues ? new Uint8Array(data.cues) : undefined;
const reply: ScanWorkerReply = { results: [], files: 0, bytes: 0 };
for (;;) {
  const start = Atomics.add(counter, 0, 1) * data.batch;
  if (start >= data.files.length) break;
  const end = Math.min(start + data.batch, data.files.length);
  for (let i = start; i < end; i++) {
    const r = scanner.scan(data.files[i] as string);
    if (cues && r.cue) cues[i] = r.cue;
    if (r.keys.length || r.sandboxUrls.length || r.unread || r.skipped || r.encoding) reply.results.push([i, r]);
    if (!r.unread && !r.skipped) {
      reply.files++;
      reply.bytes += r.bytes;
    }
  }
  Atomics.add(counter, 1, end - start);
  parentPort?.postMessage({ progress: end - start }); // for the progress line of a long run
}
parentPort?.postMessage(reply);
