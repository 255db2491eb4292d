// The plugin tester runs a plugin's check exactly as the CLI does: in its own sandboxed process,
// with the same time limit, masked evidence and result validation (issue 16 part 6, issue 13 part 3).
import { describe, expect, it } from 'vitest';
import { runCheck } from 'mintcash-golive/testing';
import { bogus, peeks, spins } from './fixtures/sneaky-checks.js';
import { fakeKey } from '../helpers/keys.js';

describe('runCheck on a plugin check', () => {
  it('stops a synchronous infinite loop at the time limit instead of hanging the test runner', async () => {
    const r = await runCheck(spins, { evidence: { repo: { root: '/r', isGit: false, files: [], notes: [] } } });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/timed out after 500 ms/);
  });

  it('gives the check no environment, no writes, no child processes, and only masked secrets', async () => {
    const secret = fakeKey('sk', 'live');
    const r = await runCheck(peeks, {
      evidence: { keys: { environment: 'live', items: [{ source: 'env', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', value: secret }], productionFiles: [], notes: [] } },
      env: { MINTCASH_SECRET_KEY: secret },
    });
    const said = r.findings.map((f) => f.message);
    expect(said).toContain('env:0');
    expect(said).toContain('write:ERR_ACCESS_DENIED');
    expect(said).toContain('spawn:ERR_ACCESS_DENIED');
    expect(said.join('\n')).not.toContain(secret);
    expect(said.find((m) => m.startsWith('key:'))).toMatch(/^key:sk_live_…[A-Za-z0-9]{4}$/);
  });

  it('turns a result with an unknown status into an error naming the field and value', async () => {
    const r = await runCheck(bogus, {});
    expect(r.status).toBe('error');
    expect(r.summary).toContain('status = "bogus"');
  });
});
