// credentials.test-webhook-retired: the old test-mode URL is gone or only acknowledges.
import { describe, expect, it } from 'vitest';
import { credentialsTestWebhookRetired } from '../../checks/credentials-test-webhook-retired.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import { collect, judge, refusedPort, type Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('testurl'));

async function run(behaviour: Behaviour) {
  const s = await bench.start({ behaviour, environment: 'test' });
  return judge(credentialsTestWebhookRetired, await collect({ testUrl: s.url, ca: [bench.pki.ca.cert], secret: bench.secret }));
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

  it('is pending when no testUrl is configured (skipped in a scoped run), skipped offline', async () => {
    const none = await judge(credentialsTestWebhookRetired, await collect({}));
    expect(none.verdict).toBe('pending');
    expect(none.summary).toContain('webhook.testUrl');
    const got = await collect({});
    const scoped = await judge(credentialsTestWebhookRetired, { ...got, options: { ...got.options, scoped: true } });
    expect(scoped.verdict).toBe('skip');
    const off = await judge(credentialsTestWebhookRetired, await collect({ testUrl: 'https://old.example.com/x', offline: true }));
    expect(off.verdict).toBe('skip');
  });
});
