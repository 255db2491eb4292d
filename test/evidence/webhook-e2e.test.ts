// End to end: the built CLI probes real loopback endpoints, trusting the test CA only through
// NODE_EXTRA_CA_CERTS in the child process, and never prints the webhook secret or a signature.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { startWebhookServer, type Behaviour, type RunningServer } from '../helpers/webhook-servers.js';

let pki: TestPki;
let dir: string;
const servers: RunningServer[] = [];
const secret = fakeWebhookSecret('e2e');

beforeAll(() => {
  pki = makePki();
  dir = mkdtempSync(path.join(tmpdir(), 'golive-webhook-e2e-'));
  writeFileSync(path.join(dir, 'ca.pem'), pki.ca.cert);
  writeFileSync(
    path.join(dir, 'golive.config.json'),
    JSON.stringify({ webhook: { allowPrivateNetwork: true, probes: { timeoutMs: 3000, count: 2 } } }),
  );
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function check(behaviour: Behaviour, env: Record<string, string>) {
  const s = await startWebhookServer({ behaviour, pem: pki.valid, secret });
  servers.push(s);
  const r = await golive(['check', dir, '--only', 'webhook', '--webhook-url', s.url, '--format', 'json'], { env: cleanEnv(env) });
  return { ...r, server: s, report: JSON.parse(r.stdout) as { summary: { gate: string }; checks: Array<{ id: string; status: string; findings: Array<{ messageId: string }> }> } };
}

const statuses = (report: { checks: Array<{ id: string; status: string }> }) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

describe('golive check --only webhook (built CLI)', () => {
  it('a correct endpoint passes every webhook check, trusted through NODE_EXTRA_CA_CERTS', async () => {
    const { exitCode, report, stdout, stderr, server } = await check('correct', {
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      MINTCASH_WEBHOOK_SECRET: secret,
    });
    // The static webhook checks skip here: the temp repo holds no handler code.
    expect(statuses(report)).toMatchObject({
      'webhook.https': 'pass',
      'webhook.public': 'pass',
      'webhook.latency': 'pass',
      'webhook.signature': 'pass',
      'webhook.raw-body': 'pass',
      'webhook.environment': 'pass',
      'webhook.dedup': 'pass',
    });
    expect(exitCode).toBe(0);
    const out = stdout + stderr;
    expect(out).not.toContain(secret);
    for (const r of server.requests) {
      const sig = r.headers['x-signature'];
      if (typeof sig === 'string' && sig.length > 8) expect(out).not.toContain(sig);
    }
  });

  it('without the CA the chain is untrusted and the probes are not sent: the items they prove are errors, not skips', async () => {
    const { exitCode, report, server } = await check('correct', { MINTCASH_WEBHOOK_SECRET: secret });
    expect(report.checks.find((c) => c.id === 'webhook.https')?.findings.map((f) => f.messageId)).toEqual(['untrusted-chain']);
    expect(statuses(report)['webhook.signature']).toBe('error');
    expect(server.requests).toHaveLength(0);
    expect(exitCode).toBe(1);
  });

  it('an endpoint that accepts everything fails the gate', async () => {
    const { exitCode, report } = await check('accepts-everything', {
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      MINTCASH_WEBHOOK_SECRET: secret,
    });
    expect(statuses(report)).toMatchObject({ 'webhook.signature': 'fail', 'webhook.environment': 'fail', 'webhook.https': 'pass' });
    expect(exitCode).toBe(1);
  });
});
