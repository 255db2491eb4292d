// Probe envelopes: harmless, marked, and signed exactly as MintCash signs.
import { describe, expect, it } from 'vitest';
import { NEEDS_SECRET, PROBE_KINDS, buildProbe, nonCanonicalJson, probeEnvelope } from '../../src/mintcash/probe-events.js';
import { signBody, verifySignature } from '../../src/mintcash/signature.js';
import { fakeWebhookSecret } from '../helpers/keys.js';

const secret = fakeWebhookSecret('probe-events');

describe('probe events', () => {
  it('are payment.created for a made-up payment, with the documented marker', () => {
    const env = probeEnvelope({ environment: 'live' });
    expect(env).toMatchObject({ event: 'payment.created', type: 'payment', apiVersion: '2026-05-01', environment: 'live' });
    expect(env.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.data).toMatchObject({ id: expect.stringMatching(/^golive_probe_[0-9a-f]{16}$/), metadata: { goliveProbe: true } });
  });

  it.each(PROBE_KINDS)('%s never claims success or refund, and carries the probe header', (kind) => {
    const p = buildProbe(kind, secret, 'live');
    expect(p.body).not.toMatch(/succeeded|refund"|\.refunded/);
    expect(p.headers['x-golive-probe']).toBe('1');
    expect(JSON.parse(p.body).event).toBe('payment.created');
  });

  it.each<[string, boolean]>([
    ['valid', true],
    ['duplicate', true],
    ['wrong-environment', true],
    ['non-canonical', true],
    ['missing-signature', false],
    ['wrong-secret', false],
    ['wrong-length', false],
    ['tampered-body', false],
  ])('%s verifies with the real secret: %s', (kind, ok) => {
    const p = buildProbe(kind as (typeof PROBE_KINDS)[number], secret, 'live');
    expect(verifySignature(secret, p.body, p.headers['x-signature'])).toBe(ok);
  });

  it('sends lowercase hex of the raw body, and reports only 8 characters of it', () => {
    const p = buildProbe('valid', secret, 'live');
    expect(p.headers['x-signature']).toBe(signBody(secret, p.body));
    expect(p.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(p.signaturePrefix).toBe(p.headers['x-signature']!.slice(0, 8));
  });

  it('wrong-length is the right signature cut short; tampered is valid for another body', () => {
    const short = buildProbe('wrong-length', secret, 'live');
    expect(short.headers['x-signature']).toBe(signBody(secret, short.body).slice(0, 32));
    const t = buildProbe('tampered-body', secret, 'live');
    expect(JSON.parse(t.body).data.amount).toBe(1000);
  });

  it('non-canonical JSON parses to the same value but differs from JSON.stringify', () => {
    const env = probeEnvelope({ environment: 'live' });
    const odd = nonCanonicalJson(env);
    expect(JSON.parse(odd)).toEqual(env);
    expect(odd).not.toBe(JSON.stringify(env));
    expect(JSON.stringify(JSON.parse(odd))).not.toBe(odd);
  });

  it('the wrong-environment probe uses the other environment', () => {
    expect(buildProbe('wrong-environment', secret, 'live').environment).toBe('test');
    expect(buildProbe('wrong-environment', secret, 'test').environment).toBe('live');
  });

  it('refuses to build a secret-needing probe without the secret', () => {
    for (const kind of NEEDS_SECRET) expect(() => buildProbe(kind, undefined, 'live')).toThrow(/secret/);
    expect(buildProbe('missing-signature', undefined, 'live').headers['x-signature']).toBeUndefined();
    expect(buildProbe('wrong-length', undefined, 'live').headers['x-signature']).toHaveLength(32);
  });
});
