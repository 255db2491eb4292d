// `npm run demo` (its script, after the build): runs to completion, teaches, writes the reports,
// and leaves no process behind, also when interrupted.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from './cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(REPO, 'node_modules/.bin/tsx');
let out: string;

/** Processes whose command line mentions the demo's temp dir (the shops run from there). */
async function leftovers(workDir: string): Promise<string> {
  const r = await execa('pgrep', ['-af', workDir], { reject: false });
  return String(r.stdout).trim();
}

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'golive-demo-test-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('the demo', () => {
  it('shows shop passing and leaky-shop failing, writes reports, and cleans up', async () => {
    const r = await execa(TSX, ['scripts/demo.ts'], { cwd: REPO, env: cleanEnv({ GOLIVE_DEMO_REPORT_DIR: out }), extendEnv: false, reject: false, timeout: 120_000 });
    const stdout = String(r.stdout);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(stdout).toContain('shop        exit 0  gate passed');
    expect(stdout).toContain('leaky-shop  exit 1  gate failed');
    expect(stdout).toContain('golive explain');
    for (const shop of ['shop', 'leaky-shop']) {
      expect((await readdir(path.join(out, shop))).sort()).toEqual(['golive-report.html', 'golive-report.json', 'golive-report.md', 'golive-report.sarif', 'golive-report.xml']);
    }
    const leaky = JSON.parse(await readFile(path.join(out, 'leaky-shop/golive-report.json'), 'utf8'));
    const failed = leaky.checks.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id);
    expect(failed).toEqual(expect.arrayContaining(['credentials.no-secrets-in-source', 'webhook.raw-body', 'webhook.environment', 'webhook.dedup', 'webhook.timing-safe-compare', 'idempotency.external-id']));
    const workDir = /temporary copies\s+(\S+)/.exec(stdout)?.[1];
    expect(workDir).toBeTruthy();
    expect(await leftovers(workDir!)).toBe('');
  }, 150_000);

  it('stops everything on Ctrl-C with exit 130', async () => {
    const child = execa(TSX, ['scripts/demo.ts'], { cwd: REPO, env: cleanEnv({ GOLIVE_DEMO_REPORT_DIR: out }), extendEnv: false, reject: false });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (c) => {
        seen += String(c);
        if (/leaky-shop\s+https:/.test(seen)) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const workDir = /temporary copies\s+(\S+)/.exec(String(r.stdout))?.[1];
    expect(workDir).toBeTruthy();
    expect(await leftovers(workDir!)).toBe('');
  }, 120_000);
});
