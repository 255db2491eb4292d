// A secret-scan worker thread: claims batches of the file list through a shared counter (so the
// threads share the work however uneven the files are) and posts back only what it found.
import { parentPort, workerData } from 'node:worker_threads';
import { FileScanner, scanNextBatch, type ScanTally } from './scan-file.js';

export interface ScanWorkerData {
  root: string;
  files: string[];
  /** Int32Array over a SharedArrayBuffer: [next batch to claim, files done]. */
  counter: SharedArrayBuffer;
  batch: number;
  /** When set, one byte per file: its code cue (code/cues.ts), written here for source files. */
  cues?: SharedArrayBuffer;
}

/** Per file index, only files with something to say (a hit, a gap, an encoding, a skip). */
export type ScanWorkerReply = ScanTally;

const data = workerData as ScanWorkerData;
const counter = new Int32Array(data.counter);
const scanner = new FileScanner(data.root, data.cues !== undefined);
const cues = data.cues ? new Uint8Array(data.cues) : undefined;
const reply: ScanWorkerReply = { results: [], files: 0, bytes: 0 };
for (let n; (n = scanNextBatch(scanner, data.files, counter, data.batch, reply, cues)) > 0; ) {
  Atomics.add(counter, 1, n);
  parentPort?.postMessage({ progress: n }); // for the progress line of a long run
}
parentPort?.postMessage(reply);
