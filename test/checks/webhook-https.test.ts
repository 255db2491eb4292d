// webhook.https against real certificates made at test time, plus synthetic facts for cases a
// loopback server cannot show (TLS 1.0, plain http).
import { describe, expect, it } from 'vitest';
import { webhookHttps } from '../../checks/webhook-https.js';
import type { WebhookEvidence } from '../../src/evidence/types.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import type { Pem, TestPki } from '../helpers/tls.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import { collect, judge, probeConfig, refusedPort, type Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('https'));

async function run(pem: (p: TestPki) => Pem, behaviour: Behaviour = 'correct', trustCa = true) {
  return (await bench.probe(webhookHttps, behaviour, { pem: pem(bench.pki), trustCa })).out;
}

describe('webhook.https', () => {
  it.each<[string, (p: TestPki) => Pem, string, string[]]>([
    ['valid certificate', (p) => p.valid, 'pass', []],
    ['expired certificate', (p) => p.expired, 'fail', ['cert-expired']],
    ['wrong host', (p) => p.wrongHost, 'fail', ['hostname-mismatch']],
    ['untrusted CA', (p) => p.untrusted, 'fail', ['untrusted-chain']],
    // Inside certExpiryFailDays (7) a launch would outlive the certificate: that blocks.
    ['expiring in 5 days', (p) => p.expiringSoon, 'fail', ['cert-expiring-soon']],
    ['expiring tomorrow', (p) => p.expiresTomorrow, 'fail', ['cert-expiring-soon']],
    ['expiring in 14 days', (p) => p.expiresInTwoWeeks, 'warn', ['cert-expiring']],
  ])('%s -> %s', async (_name, pem, verdict, ids) => {
    const out = await run(pem);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('a private CA is untrusted until it is trusted explicitly', async () => {
    const out = await run((p) => p.valid, 'correct', false);
    expect(out.ids).toEqual(['untrusted-chain']);
    expect(out.findings?.[0]?.message).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('fails a redirect, since senders do not follow it', async () => {
    const out = await run((p) => p.valid, 'redirect');
    expect(out.ids).toEqual(['redirect']);
    expect(out.findings?.[0]?.message).toContain('https://127.0.0.1/elsewhere');
  });

  it('shows the certificate facts as evidence', async () => {
    const out = await run((p) => p.valid);
    expect(out.evidence).toMatchObject({
      scheme: 'https',
      tls: { trusted: true, hostnameMatch: true },
      certificate: { subjectAltNames: expect.arrayContaining(['IP Address:127.0.0.1', 'DNS:localhost']), issuer: expect.stringContaining('golive test CA') },
    });
    expect((out.evidence as { certificate: { daysLeft: number } }).certificate.daysLeft).toBeGreaterThan(80);
  });

  it('fails a refused port and an unresolvable host as unreachable', async () => {
    const port = await refusedPort();
    const refused = await judge(webhookHttps, await collect({ url: `https://127.0.0.1:${port}/h`, secret: bench.secret }));
    expect(refused.ids).toEqual(['unreachable']);
    const dns = await judge(webhookHttps, await collect({ url: 'https://nowhere.invalid/h', secret: bench.secret }));
    expect(dns.ids).toEqual(['unreachable']);
  });

  it.each<[string, Partial<WebhookEvidence>, string[]]>([
    ['plain http', { scheme: 'http', url: 'http://shop.example.com/hook' }, ['not-https']],
    [
      'TLS 1.0',
      { tls: { protocol: 'TLSv1', authorized: true, hostnameMatch: true, chain: [], ms: 3 } },
      ['old-tls'],
    ],
    ['TLS 1.3', { tls: { protocol: 'TLSv1.3', authorized: true, hostnameMatch: true, chain: [], ms: 3 } }, []],
  ])('synthetic: %s', async (_n, patch, ids) => {
    const evidence: WebhookEvidence = {
      state: 'probed', url: 'https://shop.example.com/hook', scheme: 'https', host: 'shop.example.com', port: 443,
      secretVar: 'MINTCASH_WEBHOOK_SECRET', secretAvailable: true, probes: {}, latency: [], durationMs: 1, notes: [], ...patch,
    };
    const out = await judge(webhookHttps, { evidence, config: probeConfig({}), options: { offline: false, history: false, requireRehearsal: false } });
    expect(out.ids).toEqual(ids);
  });

  it('is pending when nothing is configured (skipped in a scoped run), skipped offline', async () => {
    const none = await judge(webhookHttps, await collect({}));
    expect(none.verdict).toBe('pending');
    const got = await collect({});
    expect((await judge(webhookHttps, { ...got, options: { ...got.options, scoped: true } })).verdict).toBe('skip');
    expect(none.summary).toMatch(/webhook\.url.*--webhook-url/);
    const off = await judge(webhookHttps, await collect({ url: 'https://shop.example.com/h', offline: true }));
    expect(off.verdict).toBe('skip');
    expect(off.summary).toContain('Offline');
  });
});
