// Global setup: every golive the tests run (the built CLI, the tester in this process) keeps its
// cache (src/plugins/cache.ts) in one temp folder of this test run, never in the user's cache
// folder, and the folder goes when the run ends. cleanEnv() passes GOLIVE_CACHE_DIR on.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'golive-test-cache-'));
  process.env.GOLIVE_CACHE_DIR = dir;
  return () => rm(dir, { recursive: true, force: true });
}
