// Progress off a terminal (issue 14 part 5): a run longer than 5 s prints one line every 5 s on
// stderr with the work done so far; a quick run prints nothing; --quiet silences it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('golive-progress-');
  await tmp.write({
    'README.md': '# shop\n',
    'src/a.js': 'export const a = 1;\n',
    'src/pay.js': "export const pay = () => fetch('https://api.mintcash.me/payments', { method: 'POST' });\n",
    // A plugin check that takes 6.5 s (busy: its sandbox has no timers), in its own thread: the run
    // is long enough for exactly one progress line.
    'p.mjs': `export default { apiVersion: 1, namespace: 'slow', checks: [{ id: 'sleeps', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: ['secrets', 'code'], run: () => { const end = Date.now() + 6500; while (Date.now() < end) {} return {}; } }] };`,
    'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }),
  });
});
afterAll(() => tmp.cleanup());

describe('progress off a terminal', () => {
  it('a run longer than 5 s prints a progress line saying what it is doing, with the files scanned and parsed', async () => {
    const r = await golive(['check', tmp.dir, '--offline', '--only', 'slow,credentials.no-secrets-in-source', '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('golive: still working'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    // The work that moved last leads (the source parsed after the scan), then the rest so far.
    expect(lines[0]).toMatch(/^golive: still working \(\d+ s\), reading source code: 1 file parsed: \d+ files scanned, \d\/2 checks done$/);
    // stdout stays the report alone.
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
  }, 40_000);

  it('--quiet silences it', async () => {
    const r = await golive(['check', tmp.dir, '--offline', '--only', 'slow', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  }, 40_000);

  it('a quick run prints nothing', async () => {
    const r = await golive(['check', tmp.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });
});
