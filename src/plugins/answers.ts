// Answers of a plugin's sandbox that depend on nothing but what goes in, kept in golive's cache
// (cache.ts) under the hash of those inputs, so a run whose plugins have not changed need not
// start the sandbox before its checks run:
// - a plugin's description (its metadata, preset and options schema), by its compiled code;
// - an options check, by the validator (its code), the schema and the options: compiling the
//   validator in QuickJS cost 50-80 ms of CPU per plugin per run.
// Only answers are kept, never errors (a plugin that failed to load is loaded again), and what
// comes from the cache is judged exactly as a fresh answer would be (load.ts, options.ts).
// A description that varies from run to run (one built from the date) is read once per code.
import { readFileSync } from 'node:fs';
import { VERSION } from '../version.js';
import { sha256, type PluginCache } from './cache.js';
import { VALIDATOR, type PluginSandbox } from './sandbox.js';

/** Bumped when what the sandbox answers changes for the same inputs (the driver, the limits). */
const FORMAT = 1;

async function cached(cache: PluginCache | undefined, kind: string, parts: Record<string, unknown>, ask: () => Promise<string>): Promise<string> {
  if (!cache) return ask();
  const key = sha256(JSON.stringify({ format: FORMAT, golive: VERSION, ...parts }));
  const hit = await cache.read<{ answer: unknown }>(kind, key);
  if (typeof hit?.answer === 'string') return hit.answer;
  const answer = await ask();
  await cache.write(kind, key, { answer });
  return answer;
}

/** The plugin's description (JSON text from vm-driver.ts describe()). */
export async function described(sandbox: PluginSandbox, cache?: PluginCache): Promise<string> {
  const { code } = await sandbox.code();
  return cached(cache, 'descriptions', { code: sha256(code) }, () => sandbox.describe());
}

let validatorHash: string | undefined;

/** The options check of golive's validator (JSON text from vm-validate.ts). */
export async function validated(sandbox: PluginSandbox, schema: string, options: string, cache?: PluginCache): Promise<string> {
  if (!cache) return sandbox.validate(schema, options);
  try {
    validatorHash ??= sha256(readFileSync(VALIDATOR));
  } catch {
    return sandbox.validate(schema, options);
  }
  return cached(cache, 'options', { validator: validatorHash, schema, options }, () => sandbox.validate(schema, options));
}
