// Runs the built CLI (bin/golive.js) as a child process, as a user or CI would.
import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/golive.js');

/** A clean environment: no MintCash variables or CI markers leak in from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // GOLIVE_CACHE_DIR stays: the test run's own cache folder (test/helpers/cache-dir.ts).
    if (v === undefined || (/^(MINTCASH_|GITHUB_|GOLIVE_|FORCE_COLOR|NO_COLOR|CI$)/.test(k) && k !== 'GOLIVE_CACHE_DIR')) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function golive(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await execa('node', [BIN, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    timeout: 60_000,
    encoding: 'utf8',
    stripFinalNewline: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
