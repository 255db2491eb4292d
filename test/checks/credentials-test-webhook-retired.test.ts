// credentials.test-webhook-retired: the old test-mode URL is gone or only acknowledges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsTestWebhookRetired } from '../../checks/credentials-test-webhook-retired.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { collect, judge, refusedPort, startWebhookServer, type Behaviour, type RunningServer } from '../helpers/webhook-servers.js';

let pki: TestPki;
const servers: RunningServer[] = [];
const secret = fakeWebhookSecret('testurl');

beforeAll(() => {
  pki = makePki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function run(behaviour: Behaviour) {
  const s = await startWebhookServer({ behaviour, pem: pki.valid, secret, environment: 'test' });
  servers.push(s);
  return judge(credentialsTestWebhookRetired, await collect({ testUrl: s.url, ca: [pki.ca.cert], secret }));
}

describe('credentials.test-webhook-retired', () => {
  it.each<[Behaviour, string, string[]]>([
    ['gone', 'pass', []],
    ['accepts-everything', 'pass', []], // a do-nothing handler that only acknowledges
    ['correct', 'warn', ['test-handler-active']], // still verifying signatures: a live handler
    ['crash-short-signature', 'warn', ['test-handler-active']],
    ['redirect', 'warn', ['test-url-misbehaves']],
  ])('%s -> %s', async (behaviour, verdict, ids) => {
    const out = await run(behaviour);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('passes when the old URL is unreachable', async () => {
    const port = await refusedPort();
    const refused = await judge(credentialsTestWebhookRetired, await collect({ testUrl: `https://127.0.0.1:${port}/old` }));
    expect(refused.verdict).toBe('pass');
    expect(refused.summary).toContain('unreachable');
    const dns = await judge(credentialsTestWebhookRetired, await collect({ testUrl: 'https://old-hooks.invalid/x' }));
    expect(dns.verdict).toBe('pass');
    expect(dns.summary).toContain('does not resolve');
  });

  it('skips when no testUrl is configured, or offline', async () => {
    const none = await judge(credentialsTestWebhookRetired, await collect({}));
    expect(none.verdict).toBe('skip');
    expect(none.summary).toContain('webhook.testUrl');
    const off = await judge(credentialsTestWebhookRetired, await collect({ testUrl: 'https://old.example.com/x', offline: true }));
    expect(off.verdict).toBe('skip');
  });
});
