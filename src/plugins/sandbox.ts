// Runs a plugin check in a worker thread, so even a synchronous infinite loop cannot hold the run:
// at the time limit the worker is terminated and the check becomes status `error`. The evidence
// crosses by structured clone, so the plugin sees a copy of what it declared and nothing else.
import { Worker } from 'node:worker_threads';
import type { CheckContext, CheckOutcome, EvidenceKey } from '../engine/types.js';

/** Plugin checks get a tighter default limit than built-ins: a hung plugin must not hold the gate. */
export const PLUGIN_TIMEOUT_MS = 30_000;

export interface SandboxTarget {
  spec: string;
  baseDir: string;
  id: string;
  timeoutMs: number;
}

export function runInWorker(target: SandboxTarget, ctx: CheckContext<EvidenceKey>): Promise<CheckOutcome> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./sandbox-worker.js', import.meta.url), {
        workerData: { spec: target.spec, baseDir: target.baseDir, id: target.id, evidence: ctx.evidence, config: ctx.config, options: ctx.options },
        stdout: false,
        stderr: false,
      });
    } catch (e) {
      reject(new Error(`could not start the plugin sandbox: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`timed out after ${target.timeoutMs} ms (the plugin check was stopped)`));
    }, target.timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    worker.once('message', (m: { ok: true; value: unknown } | { ok: false; error: string }) =>
      done(() => (m.ok ? resolve(m.value as CheckOutcome) : reject(new Error(m.error)))),
    );
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`the plugin sandbox exited (code ${code}) without a result`))));
  });
}
