// The worker side of the plugin sandbox: load the plugin again (unsandboxed, inside this thread),
// run the one check asked for, and post its outcome or its error back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadPlugins } from './load.js';

interface Job {
  spec: string;
  baseDir: string;
  id: string;
  evidence: never;
  config: never;
  options: never;
}

const job = workerData as Job;
try {
  const { plugins, problems } = await loadPlugins([job.spec], job.baseDir, { sandbox: false });
  const check = plugins.flatMap((p) => p.checks).find((c) => c.id === job.id);
  if (!check) throw new Error(problems[0] ?? `check ${job.id} not found in ${job.spec}`);
  const value: unknown = await check.run({ evidence: job.evidence, config: job.config, options: job.options });
  try {
    parentPort!.postMessage({ ok: true, value });
  } catch {
    parentPort!.postMessage({ ok: false, error: 'the check returned something that is not a result' });
  }
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
