// Which fixes `golive fix` has for each check, in words: `golive explain` and docs list them.
import type { FixTier } from './types.js';

export interface FixEntry {
  tier: FixTier;
  what: string;
}

export const FIX_CATALOGUE: Record<string, FixEntry[]> = {
  'credentials.no-secrets-in-source': [
    { tier: 'safe', what: 'a committed production env file (.env, .env.production, …) is added to .gitignore and untracked (kept on disk); the key must still be rotated' },
    { tier: 'suggestion', what: 'a secret-key literal in JS/TS becomes process.env.MINTCASH_SECRET_KEY (text with the exact line for Python, Go, Ruby, PHP, Java and Kotlin, where a `const val` becomes a `val`)' },
  ],
  'webhook.timing-safe-compare': [
    { tier: 'safe', what: 'JS/TS: `===`/`==`/`!==`/`!=` on provably-string operands becomes a constant-time helper (type guard, byte-length check, crypto.timingSafeEqual), importing node:crypto when needed' },
    { tier: 'safe', what: "JS/TS: crypto.timingSafeEqual gets its length check, answered by the handler's own rejection (a 4xx or false, never a plain throw)" },
    { tier: 'suggestion', what: 'Python, Go, Ruby, PHP, Java: the line with hmac.compare_digest, hmac.Equal, Rack::Utils.secure_compare, hash_equals or MessageDigest.isEqual, a header that may be missing made a string so it is still rejected' },
  ],
  'webhook.code-raw-body': [
    { tier: 'suggestion', what: "the HMAC over the raw body, per framework: the text JSON.parse reads (Node), express.json's verify hook, request.text() (Next.js), bodyParser: false (Next.js pages), a buffer content parser (Fastify), rawBody: true (NestJS); the exact line for other languages" },
  ],
  'webhook.code-environment-guard': [
    { tier: 'suggestion', what: "`if (event.environment !== 'live')` answering 400 as MintCash's reference handler does, in the handler's own style (the line to add for other languages)" },
  ],
  'webhook.code-dedup': [
    { tier: 'template', what: 'an eventId dedup snippet for the detected framework and database client, with a migration outline; never applied' },
  ],
  'idempotency.external-id': [
    { tier: 'suggestion', what: 'externalId from a per-intent id in scope (order, invoice, refund request), never a random value; none is offered without one' },
  ],
  'idempotency.external-id-quality': [
    { tier: 'suggestion', what: 'a random, customer or constant externalId replaced by a per-intent id in scope; none is offered without one' },
  ],
};

/** Lines for `golive explain`: the fixes of one check, or none. */
export function fixLines(id: string): string[] {
  const entries = FIX_CATALOGUE[id];
  if (!entries) return [];
  return ['Fixes (`golive fix`; every fix is re-checked before it is shown or written)', ...entries.map((e) => `  ${e.tier.padEnd(10)} ${e.what}`), ''];
}
