// The webhook collector against real HTTPS servers on loopback: facts first, probes bounded,
// failures recorded as data, nothing secret in the evidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type TestPki } from '../helpers/tls.js';
import { collect, refusedPort, startWebhookServer, type Behaviour, type RunningServer } from '../helpers/webhook-servers.js';
import { fakeWebhookSecret } from '../helpers/keys.js';

let pki: TestPki;
const servers: RunningServer[] = [];
const secret = fakeWebhookSecret('collector');

async function serve(behaviour: Behaviour, pem = pki.valid, delayMs?: number) {
  const s = await startWebhookServer({ behaviour, pem, secret, ...(delayMs ? { delayMs } : {}) });
  servers.push(s);
  return s;
}

beforeAll(() => {
  pki = makePki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('collectWebhook', () => {
  it('records not-configured and offline without sending anything', async () => {
    const none = await collect({});
    expect(none.evidence.state).toBe('not-configured');
    const s = await serve('correct');
    const off = await collect({ url: s.url, offline: true, secret });
    expect(off.evidence.state).toBe('offline');
    expect(s.requests).toHaveLength(0);
  });

  it('prefers --webhook-url over webhook.url and hides the query string', async () => {
    const s = await serve('correct');
    const got = await collect({ url: 'https://example.invalid/x', webhookUrl: `${s.url}?token=abc123`, ca: [pki.ca.cert], secret });
    expect(got.evidence.source).toBe('--webhook-url');
    expect(got.evidence.url).toBe(s.url);
    expect(JSON.stringify(got.evidence)).not.toContain('abc123');
  });

  it('gathers DNS, TLS and every probe against a correct handler', async () => {
    const s = await serve('correct');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret, probes: { count: 4 } });
    expect(evidence.state).toBe('probed');
    expect(evidence.dns).toMatchObject({ literal: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(evidence.tls).toMatchObject({ authorized: true, hostnameMatch: true });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(evidence.tls?.protocol);
    expect(evidence.tls?.chain[0]?.subjectAltNames).toContain('IP Address:127.0.0.1');
    expect(evidence.tls?.chain[0]?.daysLeft).toBeGreaterThan(80);
    const status = Object.fromEntries(Object.entries(evidence.probes).map(([k, v]) => [k, v?.result?.status]));
    expect(status).toEqual({
      valid: 200,
      'missing-signature': 401,
      'wrong-secret': 401,
      'wrong-length': 401,
      'tampered-body': 401,
      'non-canonical': 200,
      'wrong-environment': 400,
      'duplicate-first': 200,
      'duplicate-second': 200,
    });
    expect(evidence.latency).toHaveLength(4);
    const t = evidence.probes.valid!.result!.timings;
    expect(t.connectMs).toBeGreaterThanOrEqual(0);
    expect(t.tlsMs).toBeGreaterThan(0);
    expect(t.firstByteMs).toBeLessThanOrEqual(t.totalMs);
    // 9 verdict probes + 3 more latency samples, every one marked as a probe.
    expect(s.requests).toHaveLength(12);
    for (const r of s.requests) {
      expect(r.headers['x-golive-probe']).toBe('1');
      expect(JSON.parse(r.body)).toMatchObject({ event: 'payment.created', data: { metadata: { goliveProbe: true } } });
    }
    const dup = s.requests.filter((r) => JSON.parse(r.body).eventId === evidence.probes['duplicate-first']!.eventId);
    expect(dup).toHaveLength(2);
    expect(dup[0]!.body).toBe(dup[1]!.body);
  });

  it('never puts the secret or a full signature in the evidence', async () => {
    const s = await serve('correct');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret });
    const text = JSON.stringify(evidence);
    expect(text).not.toContain(secret);
    for (const r of s.requests) {
      const sig = r.headers['x-signature'];
      if (typeof sig === 'string' && sig.length > 8) expect(text).not.toContain(sig);
    }
    expect(evidence.probes.valid?.signaturePrefix).toMatch(/^[0-9a-f]{8}$/);
  });

  it('without the secret sends only the probes that need none', async () => {
    const s = await serve('correct');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert] });
    expect(evidence.secretAvailable).toBe(false);
    expect(evidence.probes.valid).toMatchObject({ ran: false });
    expect(evidence.probes.valid?.reason).toContain('MINTCASH_WEBHOOK_SECRET');
    expect(evidence.probes['missing-signature']?.result?.status).toBe(401);
    expect(evidence.probes['wrong-length']?.result?.status).toBe(401);
    expect(s.requests).toHaveLength(3);
  });

  it.each([
    ['expired', 'CERT_HAS_EXPIRED'],
    ['wrongHost', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ] as const)('describes a %s certificate and sends no probe', async (which, code) => {
    const s = await serve('correct', pki[which]);
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret });
    expect(evidence.tls?.authorized).toBe(false);
    expect(evidence.tls?.authorizationError).toBe(code);
    expect(evidence.blocked).toContain(code);
    expect(s.requests).toHaveLength(0);
    expect(evidence.probes.valid?.reason).toContain('not trusted');
  });

  it('records a refused port as data', async () => {
    const port = await refusedPort();
    const { evidence } = await collect({ url: `https://127.0.0.1:${port}/hook`, secret });
    expect(evidence.tls?.error?.kind).toBe('refused');
    expect(evidence.blocked).toContain('ECONNREFUSED');
  });

  it('records an unresolvable host as a DNS failure', async () => {
    const { evidence } = await collect({ url: 'https://golive-probe.invalid/hook', secret });
    expect(evidence.dns?.error?.kind).toBe('dns');
    expect(evidence.tls).toBeUndefined();
    expect(evidence.probes.valid?.ran).toBe(false);
  });

  it('stops after a timeout instead of waiting once per probe', async () => {
    const s = await serve('never-answers');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret, probes: { timeoutMs: 1000 } });
    expect(evidence.probes.valid?.result?.error?.kind).toBe('timeout');
    expect(evidence.probes['missing-signature']).toMatchObject({ ran: false });
    expect(evidence.probes['missing-signature']?.reason).toContain('no answer');
    expect(s.requests).toHaveLength(1);
  });

  it('cuts a server that trickles headers forever', async () => {
    const s = await serve('trickle-headers');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret, probes: { timeoutMs: 1000 } });
    expect(evidence.probes.valid?.result?.error?.kind).toBe('timeout');
  });

  it('records a reset mid-response with the status that came first', async () => {
    const s = await serve('reset');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret });
    const r = evidence.probes.valid?.result;
    expect(r?.status).toBe(200);
    expect(r?.error?.kind).toBe('reset');
  });

  it('reads at most 64 KiB of a 50 MB body', async () => {
    const s = await serve('huge-body');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret, probes: { count: 1 } });
    const r = evidence.probes.valid?.result;
    expect(r?.status).toBe(200);
    expect(r?.truncated).toBe(true);
    expect(r?.bodyBytes).toBe(64 * 1024);
    expect(r?.bodyExcerpt.length).toBeLessThanOrEqual(300);
  });

  it('does not follow a redirect', async () => {
    const s = await serve('redirect');
    const { evidence } = await collect({ url: s.url, ca: [pki.ca.cert], secret, probes: { count: 1 } });
    expect(evidence.probes.valid?.result).toMatchObject({ status: 301, location: 'https://127.0.0.1/elsewhere' });
  });

  it('probes the test-mode URL even without a live URL', async () => {
    const s = await serve('gone');
    const { evidence } = await collect({ testUrl: s.url, ca: [pki.ca.cert] });
    expect(evidence.state).toBe('not-configured');
    expect(evidence.testUrl?.probe.result?.status).toBe(404);
    expect(s.requests[0]?.headers['x-signature']).toBeUndefined();
    expect(JSON.parse(s.requests[0]!.body).environment).toBe('test');
  });
});
