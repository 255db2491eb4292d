// The verdict through the built CLI: only what was proven is claimed. Each case is a run a new user
// or a CI job really makes, asserted on exit code, the verdict words and the JSON summary.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { refusedPort, startWebhookServer, type RunningServer } from '../helpers/webhook-servers.js';

interface Summary {
  gate: string;
  verdict: string;
  proven: number;
  inScope: number;
  blocking: string[];
  off: string[];
}
interface Report {
  summary: Summary;
  checks: Array<{ id: string; status: string; summary: string }>;
}

const repos: TempRepo[] = [];
const servers: RunningServer[] = [];
let pki: TestPki;

beforeAll(() => {
  pki = makePki();
});
afterAll(async () => {
  await Promise.all([...repos.map((r) => r.cleanup()), ...servers.map((s) => s.close())]);
});

async function repo(files: Record<string, string> = {}): Promise<TempRepo> {
  const r = await tempRepo('golive-verdict-');
  repos.push(r);
  await r.write({ 'README.md': '# a shop\n', ...files });
  await r.commit('initial');
  return r;
}

/** Runs golive twice: pretty (what a person reads) and json (what CI parses). */
async function run(dir: string, args: string[], env: Record<string, string> = {}) {
  const pretty = await golive(['check', dir, ...args], { env: cleanEnv(env) });
  const json = await golive(['check', dir, ...args, '--format', 'json'], { env: cleanEnv(env) });
  expect(json.exitCode).toBe(pretty.exitCode);
  const report = JSON.parse(json.stdout) as Report;
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  return { exitCode: pretty.exitCode, text: pretty.stdout, report, status };
}

describe('golive check verdicts (built CLI)', () => {
  it('an empty repository with no config, keys or URL is not ready, and says what to set', async () => {
    const r = await repo();
    const { exitCode, text, report, status } = await run(r.dir, []);
    expect(exitCode).toBe(1);
    expect(text).toMatch(/✖ Not ready: \d+ checks block the gate/);
    expect(text).not.toMatch(/ready to go live/i);
    expect(report.summary).toMatchObject({ gate: 'fail', verdict: 'not-ready' });
    expect(status['credentials.live-keys']).toBe('pending');
    expect(status['webhook.https']).toBe('pending');
    expect(status['webhook.timing-safe-compare']).toBe('pending');
    expect(report.checks.find((c) => c.id === 'webhook.https')!.summary).toContain('webhook.url');
    // The rehearsal is listed but does not block without --require-rehearsal.
    expect(status['rehearsal.charge']).toBe('pending');
    expect(report.summary.blocking).not.toContain('rehearsal.charge');
  });

  it('a scoped offline run of a clean repository passes with "no blockers", never "ready to go live"', async () => {
    const r = await repo({ 'src/app.js': 'export const port = 3000;\n' });
    const { exitCode, text, report } = await run(r.dir, ['--offline']);
    expect(exitCode).toBe(0);
    expect(text).toMatch(/✔ No blockers in the \d+ checks that ran; not a go-live verdict/);
    expect(text).toContain('Not checked (Offline)');
    expect(text).not.toMatch(/ready to go live/i);
    expect(report.summary.verdict).toBe('no-blockers');
    expect(report.summary.proven).toBeGreaterThan(0);
  });

  it('every check turned off over a committed live key proves nothing: exit 1', async () => {
    const ids = JSON.parse((await golive(['list', '--format', 'json'])).stdout) as Array<{ id: string }>;
    const checks = Object.fromEntries(ids.map((c) => [c.id, 'off']));
    const r = await repo({
      'golive.config.json': JSON.stringify({ checks }),
      'config/app.js': `export const key = '${fakeKey('sk', 'live', 'verdict')}';\n`,
    });
    const { exitCode, text, report } = await run(r.dir, []);
    expect(exitCode).toBe(1);
    expect(text).toContain('✖ Not ready: nothing was proven');
    expect(report.summary).toMatchObject({ verdict: 'not-ready', proven: 0 });
    expect(report.summary.off).toContain('credentials.no-secrets-in-source');
  });

  it('skipping every section but the rehearsal ("no checks ran") is not a pass', async () => {
    const r = await repo();
    const { exitCode, text, report } = await run(r.dir, ['--skip', 'credentials,webhook,idempotency']);
    expect(exitCode).toBe(1);
    expect(text).toContain('Not ready: nothing was proven');
    expect(report.summary.verdict).toBe('not-ready');
  });

  it('--only webhook.latency against an endpoint that refuses connections fails, never skips', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ webhook: { allowPrivateNetwork: true } }) });
    const port = await refusedPort();
    const { exitCode, report, status } = await run(r.dir, ['--only', 'webhook.latency', '--webhook-url', `https://127.0.0.1:${port}/hooks`], {
      MINTCASH_WEBHOOK_SECRET: fakeWebhookSecret('refused'),
    });
    expect(exitCode).toBe(1);
    expect(['fail', 'error']).toContain(status['webhook.latency']);
    expect(report.summary.verdict).toBe('not-ready');
    // The whole section: the dependent checks are errors pointing at webhook.https, not skips.
    const all = await run(r.dir, ['--only', 'webhook', '--webhook-url', `https://127.0.0.1:${port}/hooks`], {
      MINTCASH_WEBHOOK_SECRET: fakeWebhookSecret('refused'),
    });
    expect(all.status['webhook.https']).toBe('fail');
    for (const id of ['webhook.signature', 'webhook.raw-body', 'webhook.environment', 'webhook.dedup']) {
      expect(all.status[id]).toBe('error');
    }
    // Only the code checks skip: this scoped run's repository holds no handler code to judge.
    expect(Object.entries(all.status).filter(([, st]) => st === 'skip').map(([id]) => id).sort()).toEqual([
      'webhook.code-dedup', 'webhook.code-environment-guard', 'webhook.code-raw-body', 'webhook.timing-safe-compare',
    ]);
  });

  it('without the webhook secret the signed probes are pending, and the run is not ready', async () => {
    const s = await startWebhookServer({ behaviour: 'correct', pem: pki.valid, secret: fakeWebhookSecret('nosecret') });
    servers.push(s);
    const r = await repo({ 'golive.config.json': JSON.stringify({ webhook: { allowPrivateNetwork: true, probes: { count: 2 } } }) });
    writeFileSync(path.join(r.dir, '..', `${path.basename(r.dir)}-ca.pem`), pki.ca.cert);
    const ca = path.join(r.dir, '..', `${path.basename(r.dir)}-ca.pem`);
    const { exitCode, report, status } = await run(r.dir, ['--only', 'webhook', '--webhook-url', s.url], { NODE_EXTRA_CA_CERTS: ca });
    expect(exitCode).toBe(1);
    expect(status['webhook.https']).toBe('pass');
    for (const id of ['webhook.latency', 'webhook.signature', 'webhook.raw-body', 'webhook.environment', 'webhook.dedup']) {
      expect(status[id]).toBe('pending');
    }
    expect(report.checks.find((c) => c.id === 'webhook.signature')!.summary).toContain('MINTCASH_WEBHOOK_SECRET');
  });

  it('a certificate that expires tomorrow blocks the launch', async () => {
    const secret = fakeWebhookSecret('tomorrow');
    const s = await startWebhookServer({ behaviour: 'correct', pem: pki.expiresTomorrow, secret });
    servers.push(s);
    const r = await repo({ 'golive.config.json': JSON.stringify({ webhook: { allowPrivateNetwork: true, probes: { count: 2 } } }) });
    const ca = path.join(r.dir, '..', `${path.basename(r.dir)}-ca.pem`);
    writeFileSync(ca, pki.ca.cert);
    const { exitCode, text, status } = await run(r.dir, ['--only', 'webhook.https', '--webhook-url', s.url], { NODE_EXTRA_CA_CERTS: ca, MINTCASH_WEBHOOK_SECRET: secret });
    expect(status['webhook.https']).toBe('fail');
    expect(exitCode).toBe(1);
    expect(text).toMatch(/expires in [01] days?/);
  });
});
