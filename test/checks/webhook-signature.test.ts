// webhook.signature against real handlers: each forged probe must get 4xx, a valid one 2xx.
import { describe, expect, it } from 'vitest';
import { webhookSignature } from '../../checks/webhook-signature.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import { collect, judge, type Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('signature'));

async function run(behaviour: Behaviour, withSecret = true) {
  return (await bench.probe(webhookSignature, behaviour, { withSecret })).out;
}

describe('webhook.signature', () => {
  it.each<[Behaviour, string, string[]]>([
    ['correct', 'pass', []],
    // Verifies nothing: every forged probe is acknowledged.
    ['accepts-everything', 'fail', ['accepts-missing-signature', 'accepts-tampered-body', 'accepts-wrong-length', 'accepts-wrong-secret']],
    // timingSafeEqual without a length guard: only the short signature crashes; the missing one is a 401.
    ['crash-short-signature', 'fail', ['crash-wrong-length']],
    // A correct verifier that refuses event types it does not handle: the valid probe is refused too.
    ['refuses-unknown', 'fail', ['inconclusive']],
    ['refuses-everything', 'fail', ['inconclusive']],
    ['crash-duplicate', 'pass', []],
    ['redirect', 'fail', ['unexpected-answer', 'unexpected-answer', 'unexpected-answer', 'unexpected-answer', 'valid-not-acknowledged']],
  ])('%s -> %s %j', async (behaviour, verdict, ids) => {
    const out = await run(behaviour);
    expect(out.verdict).toBe(verdict);
    expect([...out.ids].sort()).toEqual(ids);
  });

  it('diagnoses the missing length guard in the message', async () => {
    const out = await run('crash-short-signature');
    expect(out.findings?.[0]?.message).toContain('timingSafeEqual');
  });

  it('says why an all-4xx endpoint is inconclusive instead of passing', async () => {
    const out = await run('refuses-everything');
    expect(out.findings?.[0]?.message).toMatch(/cannot tell.*acknowledge events you do not handle/);
    const unknown = await run('refuses-unknown');
    expect(unknown.findings?.[0]?.message).toContain('acknowledge event types you do not handle with 2xx');
  });

  it('without the secret: a well-behaved endpoint is pending, one that accepts forgeries still fails', async () => {
    const ok = await run('correct', false);
    expect(ok.verdict).toBe('pending');
    expect(ok.summary).toContain('MINTCASH_WEBHOOK_SECRET');
    const bad = await run('accepts-everything', false);
    expect(bad.verdict).toBe('fail');
    expect(bad.ids).toContain('accepts-missing-signature');
  });

  it('shows at most 8 hex characters of a signature in its evidence', async () => {
    const out = await run('correct');
    const probes = (out.evidence as { probes: Record<string, { signature?: string; status?: number }> }).probes;
    expect(probes.valid?.status).toBe(200);
    expect(probes.valid?.signature).toMatch(/^[0-9a-f]{8}…$/);
    expect(probes['missing-signature']?.signature).toBeUndefined();
  });

  it('is an error, never a skip, with the reason when the certificate blocked probing', async () => {
    const s = await bench.start({ behaviour: 'correct', pem: bench.pki.expired });
    const out = await judge(webhookSignature, await collect({ url: s.url, ca: [bench.pki.ca.cert], secret: bench.secret }));
    expect(out.verdict).toBe('error');
    expect(out.summary).toContain('webhook.https');
  });
});
