// How golive starts the plugins' sandbox thread (sandbox-worker.ts, built as sandbox-thread.cjs):
// used by the sandbox itself (sandbox.ts) and by the early start (early.ts), which may start the
// thread before golive's CLI has loaded and leaves it here for the sandbox to adopt.
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { distFile } from '../paths.js';
import type { WorkerLimits } from './sandbox-protocol.js';

const WORKER = distFile('plugins', 'sandbox-thread.cjs');

/**
 * V8 flag that keeps QuickJS on V8's baseline WebAssembly compiler (Liftoff): only the function
 * with this index may tier up to TurboFan, and no module has that many functions.
 */
const NO_WASM_TIER_UP = '--wasm-tier-up-filter=2147483647';

let flagsSet = false;

/**
 * QuickJS's WebAssembly is compiled by the sandbox thread itself (so golive's own thread goes on
 * meanwhile), and never tiered up from Liftoff to TurboFan: QuickJS's interpreter loop is one huge
 * function that TurboFan recompiles in the background on every run, 80-150 ms of CPU for work that
 * lasts milliseconds (measured on Node 26 with the example plugins: describing 3 plugins took
 * 120-150 ms of CPU with tier-up, 40-45 without; checking the example's options 160-190 and
 * 60-70). The flag is the process's, so it is set here, before the thread starts. `--liftoff-only`
 * did this on Node 22 but is not honoured once Node 24 or later has started (measured); the
 * tier-up filter is read whenever a function would tier up, on 22, 24 and 26 alike
 * (test/plugins/sandbox-flags.test.ts). golive uses no other WebAssembly of its own; Node's
 * (fetch's HTTP parser) then stays on Liftoff too, for small responses.
 */
function liftoffOnly(): void {
  if (flagsSet) return;
  flagsSet = true;
  v8.setFlagsFromString(NO_WASM_TIER_UP);
}

/** A new sandbox thread; it holds no event loop open (pending calls do, through their timers). */
export function spawnSandboxThread(limits: WorkerLimits): Worker {
  liftoffOnly();
  const worker = new Worker(WORKER, {
    workerData: { wasmFile: createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm'), limits },
    // The thread's own heap holds only text going in and out; QuickJS's memory is its own limit.
    resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
    env: {},
  });
  worker.unref();
  return worker;
}

/** Where an early thread waits: the CLI bundle and early.ts are separate module graphs. */
const EARLY = Symbol.for('golive.sandbox.early-thread');

interface Early {
  worker: Worker;
  gone: boolean;
}

type WithEarly = typeof globalThis & { [EARLY]?: Early };

/** Starts the sandbox thread now, for the sandbox to adopt later (early.ts). */
export function startEarlyThread(limits: WorkerLimits): void {
  const g = globalThis as WithEarly;
  if (g[EARLY]) return;
  const early: Early = { worker: spawnSandboxThread(limits), gone: false };
  // Until adopted, a thread that fails is only not adopted (the sandbox then starts its own).
  early.worker.on('error', () => (early.gone = true));
  early.worker.once('exit', () => (early.gone = true));
  g[EARLY] = early;
}

/** The thread started early, once, if it is still running. */
export function adoptEarlyThread(): Worker | undefined {
  const g = globalThis as WithEarly;
  const early = g[EARLY];
  g[EARLY] = undefined;
  return early && !early.gone ? early.worker : undefined;
}
