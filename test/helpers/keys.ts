// Fake MintCash keys built at run time, so no key-shaped string is ever committed (GUIDE §6).
import { createHash } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic 24-char alphanumeric body derived from the seed (random when no seed). */
function body(seed: string | undefined, length = 24): string {
  const bytes = createHash('sha256').update(seed ?? `${Math.random()}:${Date.now()}`).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[(bytes[i % bytes.length] as number) % ALNUM.length];
  return out;
}

/** e.g. fakeKey('sk', 'live', 'a') → 'sk_' + 'live_' + 24 alphanumerics. */
export function fakeKey(kind: 'pk' | 'sk', env: 'live' | 'test', seed?: string): string {
  return `${kind}_` + `${env}_` + body(seed === undefined ? undefined : `${kind}:${env}:${seed}`);
}

/** A webhook signing secret; MintCash documents no format, so any opaque string will do. */
export function fakeWebhookSecret(seed?: string): string {
  return `whsec_${body(seed === undefined ? undefined : `wh:${seed}`, 32)}`;
}
