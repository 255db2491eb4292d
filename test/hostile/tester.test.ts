// The plugin tester runs a plugin's check exactly as the CLI does: compiled the same way, in its own
// sandbox, with the same limits, masked evidence and result validation (issues 13, 16 and 22).
import { describe, expect, it } from 'vitest';
import { runCheck } from 'mintcash-golive/testing';
import { bogus, peeks, spins } from './fixtures/sneaky-checks.js';
import { reaches } from './fixtures/reaching-check.js';
import { fakeKey } from '../helpers/keys.js';

describe('runCheck on a plugin check', () => {
  it('stops a synchronous infinite loop at the time limit instead of hanging the test runner', async () => {
    const r = await runCheck(spins, { evidence: { repo: { root: '/r', isGit: false, files: [], notes: [] } } });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/timed out after 500 ms/);
  });

  it('refuses a check that imports a Node built-in, naming the import, as the CLI does', async () => {
    await expect(runCheck(reaches, {})).rejects.toThrow(/reaching-check\.ts:2:\d+: import "node:fs" is a Node built-in/);
  });

  it('gives the check no process, require, network or workers, and only masked secrets', async () => {
    const secret = fakeKey('sk', 'live');
    const r = await runCheck(peeks, {
      evidence: { keys: { environment: 'live', items: [{ source: 'env', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', value: secret }], productionFiles: [], notes: [] } },
      env: { MINTCASH_SECRET_KEY: secret },
    });
    const said = r.findings.map((f) => f.message);
    expect(said).toEqual(expect.arrayContaining(['process:undefined', 'require:undefined', 'fetch:undefined', 'Worker:undefined']));
    expect(said.join('\n')).not.toContain(secret);
    expect(said.find((m) => m.startsWith('key:'))).toMatch(/^key:sk_live_…[A-Za-z0-9]{4}$/);
  });

  it('turns a result with an unknown status into an error naming the field and value', async () => {
    const r = await runCheck(bogus, {});
    expect(r.status).toBe('error');
    expect(r.summary).toContain('status = "bogus"');
  });
});
