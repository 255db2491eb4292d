// Provider attribution from the merchant's config and the source text: MintCash cues (its name,
// hosts, configured api.baseUrl, env names, webhook path, x-signature, its event envelope) against
// other providers' headers and names; and which create calls reach MintCash.
import { describe, expect, it } from 'vitest';
import { attributeHandler, callReachesMintCash, DEFAULT_HINTS, hintsFrom } from '../../../src/evidence/code/provider.js';
import { indexSources } from '../../helpers/code.js';

const configured = hintsFrom({ api: { baseUrl: 'https://payments-proxy.shop.example' }, env: { webhookSecret: 'PAY_HOOK_KEY' }, webhook: { url: 'https://shop.example/hooks/pay/' } });

describe('attributeHandler', () => {
  it.each([
    // A header name many providers share is no MintCash evidence (issue 24).
    ['x-signature alone', "const s = req.headers['x-signature'];", 'unknown', /x-signature, a header several providers use/],
    ['x-signature with MintCash\'s env name', "const s = req.headers['x-signature'];\nconst k = process.env.MINTCASH_WEBHOOK_SECRET;", 'mintcash', /reads MINTCASH_WEBHOOK_SECRET/],
    ['the MintCash name wins over a shared header', "import { MintCash } from '@mintcash/node';\nconst s = req.headers['x-hub-signature'];", 'mintcash', /names MintCash/],
    ['the envelope', 'if (evt.apiVersion !== "2026-05-01" || seen(evt.eventId)) return;\nconst mac = createHmac("sha256", k);', 'mintcash', /envelope/],
    ['MintCash event names with the eventId', "if (seen(evt.eventId)) return;\nif (evt.event === 'payment.partially_refunded') refund(evt);\nconst mac = createHmac('sha256', k);", 'mintcash', /payment\.partially_refunded/],
    ['eventId and environment alone are any provider\'s words', 'if (evt.environment !== "live" || seen(evt.eventId)) return;\nconst mac = createHmac("sha256", k);', 'unknown', /no provider named/],
    ['a Go module path names no provider', 'import "github.com/acme/billing/razorpay"\nfunc v(sig string) { mac := hmac.New(sha256.New, k); _ = sig != hex.EncodeToString(mac.Sum(nil)) } // razorpay', 'razorpay', /names Razorpay/],
    ['a configured env name', 'key = os.environ["PAY_HOOK_KEY"]\nmac = hmac.new(key, raw, "sha256")', 'mintcash', /PAY_HOOK_KEY/],
    ['the configured webhook path', "router.post('/hooks/pay', (req) => createHmac('sha256', k));", 'mintcash', /webhook path/],
    ['GitHub header', "const s = req.get('X-Hub-Signature-256');", 'github', /X-Hub-Signature/],
    ['Shopify header in PHP spelling', "$h = $_SERVER['HTTP_X_SHOPIFY_HMAC_SHA256'];", 'shopify', /Shopify/],
    ['Intercom shares GitHub\'s header', "// Intercom\nconst s = req.get('X-Hub-Signature');", 'intercom', /names Intercom/],
    ['Lemon Squeezy uses x-signature too', "const s = req.headers['x-signature']; const k = process.env.LEMONSQUEEZY_WEBHOOK_SECRET;", 'lemonsqueezy', /other providers use too/],
    ['x-signature with a Slack notifier is not Slack\'s', "import { notifySlack } from './slack';\nconst s = req.headers['x-signature'];", 'unknown', /x-signature/],
    ['nothing named', 'const mac = createHmac("sha256", k).update(raw);', 'unknown', /only as an HMAC/],
  ])('%s', (_name, source, provider, why) => {
    const a = attributeHandler(source, configured);
    expect(a.provider).toBe(provider);
    expect(a.reasons.join(' ')).toMatch(why);
  });

  it('keeps an unknown sender\'s header for messages', () => {
    expect(attributeHandler('const s = req.headers.get("Dub-Signature"); createHmac("sha256", k);', DEFAULT_HINTS)).toMatchObject({ provider: 'unknown', header: 'dub-signature' });
  });
});

describe('callReachesMintCash', () => {
  it.each([
    ['a MintCash host', 'https://api.mintcash.me/payments', 'fetch', '', DEFAULT_HINTS, /calls api\.mintcash\.me/],
    ['the sandbox', 'https://sandbox.mintcash.me/payments', 'fetch', '', DEFAULT_HINTS, /sandbox/],
    ['the configured api.baseUrl', 'https://payments-proxy.shop.example/payments', 'requests.post', '', configured, /payments-proxy/],
    ['a MintCash client', '/payments', 'mintcash.post', '', DEFAULT_HINTS, /MintCash client/],
    ['a file built on MintCash env', '{}/payments', 'fetch', 'const BASE = process.env.MINTCASH_SECRET_KEY;', DEFAULT_HINTS, /the file reads MINTCASH_SECRET_KEY/],
    ['the emulator on loopback in a MintCash file', 'http://localhost:4010/payments', 'fetch', '// MintCash emulator', DEFAULT_HINTS, /names MintCash/],
  ])('reaches MintCash: %s', (_n, url, client, source, hints, why) => {
    expect(callReachesMintCash(url, client, source, hints)).toMatch(why);
  });

  it.each([
    ['another PSP, even in a MintCash file', 'https://api.other-psp.example/v1/payments', 'fetch', '// MintCash too'],
    ['the platform SDK\'s own /admin/payments', '/admin/payments/{}/refund', 'this.client.fetch', 'export class Payment {}'],
    ['loopback without MintCash', 'http://localhost:9000/payments', 'fetch', ''],
    ['a configured host only counts when configured', 'https://payments-proxy.shop.example/payments', 'fetch', ''],
  ])('does not: %s', (_n, url, client, source) => {
    expect(callReachesMintCash(url, client, source, DEFAULT_HINTS)).toBeUndefined();
  });

  it('judges a call to the configured api.baseUrl through the collector', async () => {
    const files = { 'pay.py': 'import requests\nrequests.post("https://payments-proxy.shop.example/payments", json={"amount": 1})\n' };
    expect((await indexSources(files)).calls).toEqual([]);
    const code = await indexSources(files, undefined, { hints: configured });
    expect(code.calls.map((c) => [c.file, c.line, c.via])).toEqual([['pay.py', 2, 'calls payments-proxy.shop.example']]);
  });
});
