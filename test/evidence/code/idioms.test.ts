// Issue 12: every real-world idiom the code index missed, one whole-file fixture per idiom and
// language (test/fixtures/idioms, written for golive), each with a correct twin (`-ok`) that must
// raise nothing. Also provider attribution: other providers' handlers get the generic crypto checks
// only, and only calls that reach MintCash are judged for externalId.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webhookCodeEnvironmentGuard } from '../../../checks/webhook-code-environment-guard.js';
import { webhookCodeRawBody } from '../../../checks/webhook-code-raw-body.js';
import { webhookTimingSafeCompare } from '../../../checks/webhook-timing-safe-compare.js';
import { CODE_CHECKS, indexDir, judgeCode } from '../../helpers/code.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/idioms');

const CHECKS = CODE_CHECKS;

/** Findings expected per check ("file:line messageId"); checks not named must raise nothing. */
type Expect = Partial<Record<keyof typeof CHECKS, string[]>>;

const ng: [string, Expect][] = [
  // Comparisons against an interpolated string.
  ['py-fstring-compare', { timing: ['webhook.py:16 non-constant-time-compare'] }],
  ['rb-interp-compare', { timing: ['app.rb:12 non-constant-time-compare'] }],
  ['php-interp-compare', { timing: ['webhook.php:6 non-constant-time-compare'] }],
  // Comparisons where neither operand's name looks like a signature.
  ['py-unnamed-compare', { timing: ['shopify_hooks.py:15 non-constant-time-compare'] }],
  ['js-unnamed-compare', { timing: ['src/shopify.js:11 non-constant-time-compare'] }],
  ['go-unnamed-compare', { timing: ['hooks.go:20 non-constant-time-compare'] }],
  ['rb-unnamed-compare', { timing: ['app/controllers/github_hooks_controller.rb:8 non-constant-time-compare'] }],
  ['php-unnamed-compare', { timing: ['shopify-webhook.php:7 non-constant-time-compare'] }],
  ['java-unnamed-compare', { timing: ['src/main/java/shop/GithubHooks.java:17 non-constant-time-compare'] }],
  // HMACs computed inside string interpolation, or after PHP's `.` concatenation.
  ['py-hmac-in-fstring', { timing: ['hooks.py:16 non-constant-time-compare'], raw: ['hooks.py:16 hmac-over-reserialized-json'] }],
  ['rb-hmac-in-interp', { timing: ['hooks.rb:9 non-constant-time-compare'], raw: ['hooks.rb:9 hmac-over-reserialized-json'] }],
  ['php-hmac-concat', { timing: ['github.php:5 non-constant-time-compare'] }],
  // Re-serialised JSON through a serialiser of any name (Jackson's `objectMapper`), or Ruby's to_json assigned first.
  ['java-jackson-reserialized', { raw: ['src/main/java/shop/MintCashWebhookController.java:28 hmac-over-reserialized-json'] }],
  ['rb-to-json-reserialized', { raw: ['app/controllers/mintcash_webhooks_controller.rb:7 hmac-over-reserialized-json'] }],
  // Web Crypto.
  ['ts-webcrypto', { timing: ['src/worker.ts:14 non-constant-time-compare'], raw: ['src/worker.ts:13 hmac-over-reserialized-json'] }],
  // Request bodies through destructuring, and HMAC input wrapped in Buffer.from / new Buffer.
  ['js-destructured-body', { raw: ['src/webhook.js:8 json-parser-before-webhook', 'src/webhook.js:11 hmac-over-reserialized-json'] }],
  ['js-buffer-stringified', { raw: ['src/webhook.js:8 json-parser-before-webhook', 'src/webhook.js:10 hmac-over-reserialized-json'] }],
  ['js-new-buffer-stringified', { raw: ['src/webhook.js:8 json-parser-before-webhook', 'src/webhook.js:10 hmac-over-reserialized-json'] }],
  // timingSafeEqual in a try whose catch passes the error on.
  ['js-try-next-err', { timing: ['src/webhook.js:12 timing-safe-equal-without-length-guard'] }],
  ['js-try-rethrow', { timing: ['src/webhook.js:12 timing-safe-equal-without-length-guard'] }],
  // An Express JSON parser mounted in another file than the webhook router.
  ['js-express-cross-file', { raw: ['src/app.js:7 json-parser-before-webhook'] }],
  // Next.js pages router without `bodyParser: false`.
  ['ts-next-pages-router', { raw: ['pages/api/webhooks/mintcash.ts:7 json-parser-before-webhook'] }],
  // Idempotency: a MintCash client built with its base URL; another PSP's /payments is not judged.
  ['js-mintcash-client-call', { ext: ['src/billing.js:7 missing-external-id'] }],
  // A client built with MintCash's host in another module and imported where the call is made.
  ['js-client-from-module', { ext: ['src/checkout.ts:5 missing-external-id'] }],
];

const ok = [
  'py-fstring-compare-ok', 'rb-interp-compare-ok', 'php-interp-compare-ok',
  'py-unnamed-compare-ok', 'js-unnamed-compare-ok', 'go-unnamed-compare-ok', 'rb-unnamed-compare-ok', 'php-unnamed-compare-ok', 'java-unnamed-compare-ok',
  'py-hmac-in-fstring-ok', 'rb-hmac-in-interp-ok', 'php-hmac-concat-ok', 'ts-webcrypto-ok',
  // The raw body HMAC'd; the serialiser only for a log line and the reply.
  'java-jackson-reserialized-ok', 'rb-to-json-reserialized-ok',
  'js-destructured-body-ok', 'js-buffer-stringified-ok', 'js-try-next-err-ok', 'js-express-cross-file-ok', 'ts-next-pages-router-ok',
  // Other providers' correct handlers: no MintCash-only finding (environment, eventId) at all.
  'js-github-handler', 'py-lemonsqueezy-handler',
  // A platform SDK posting to its own /admin/payments/{id}/refund is no MintCash create call.
  'ts-sdk-not-mintcash',
  // The same call through a client built for the merchant's own order service.
  'js-client-from-module-other',
];

async function where(dir: string): Promise<Record<string, string[]>> {
  const code = await indexDir(path.join(FIXTURES, dir));
  expect(code.notes).toEqual([]);
  const out: Record<string, string[]> = {};
  for (const [key, check] of Object.entries(CHECKS)) out[key] = [...(await judgeCode(check, code)).where].sort();
  return out;
}

describe('real-world idioms, one fixture per idiom and language', () => {
  it.each(ng)('%s: found, at the right line, nothing else', async (dir, expected) => {
    const all = Object.fromEntries((Object.keys(CHECKS) as (keyof typeof CHECKS)[]).map((k) => [k, [...(expected[k] ?? [])].sort()]));
    expect(await where(dir)).toEqual(all);
  });

  it.each(ok)('%s: the correct twin raises nothing', async (dir) => {
    expect(await where(dir)).toEqual(Object.fromEntries((Object.keys(CHECKS) as (keyof typeof CHECKS)[]).map((k) => [k, []])));
  });
});

describe('provider attribution', () => {
  it('records whose handler it is and why', async () => {
    const gh = await indexDir(path.join(FIXTURES, 'js-github-handler'));
    expect(gh.handlers[0]?.attribution).toMatchObject({ provider: 'github', label: 'GitHub', header: 'x-hub-signature-256' });
    const ls = await indexDir(path.join(FIXTURES, 'py-lemonsqueezy-handler'));
    expect(ls.handlers[0]?.attribution).toMatchObject({ provider: 'lemonsqueezy', header: 'x-signature' });
    expect(ls.handlers[0]?.attribution?.reasons.join(' ')).toMatch(/Lemon Squeezy.*x-signature, which other providers use too/);
    const mc = await indexDir(path.join(FIXTURES, 'js-try-next-err'));
    expect(mc.handlers[0]?.attribution).toMatchObject({ provider: 'mintcash', header: 'x-signature' });
  });

  it('words generic findings for the provider, and leaves MintCash-only checks out', async () => {
    const code = await indexDir(path.join(FIXTURES, 'js-unnamed-compare'));
    const timing = await judgeCode(webhookTimingSafeCompare, code);
    expect(timing.findings?.[0]?.message).toMatch(/^The Shopify signature is compared/);
    const env = await judgeCode(webhookCodeEnvironmentGuard, code);
    expect(env.findings).toEqual([]);
    expect(env.summary).toMatch(/No MintCash webhook handler.*src\/shopify\.js \(Shopify/);
    const raw = await judgeCode(webhookCodeRawBody, await indexDir(path.join(FIXTURES, 'ts-webcrypto')));
    expect(raw.findings?.[0]?.message).toContain("never matches GitHub's bytes");
  });

  it('counts a create-shaped call to another API without judging it', async () => {
    const code = await indexDir(path.join(FIXTURES, 'js-mintcash-client-call'));
    expect(code.calls.map((c) => c.file)).toEqual(['src/billing.js']);
    expect(code.calls[0]?.via).toBe('the file reads MINTCASH_SECRET_KEY');
    expect(code.otherCalls.map((c) => c.file)).toEqual(['src/other-psp.js']);
    const imported = await indexDir(path.join(FIXTURES, 'js-client-from-module'));
    expect(imported.calls[0]?.via).toBe('the client comes from src/lib/api.ts, which uses the MintCash host api.mintcash.me');
  });
});
