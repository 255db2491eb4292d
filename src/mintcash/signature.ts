// MintCash webhook signatures, exactly as documented (API-FACTS §11):
// x-signature = lowercase_hex(HMAC_SHA256(key = secret's UTF-8 bytes, msg = raw body bytes)).
// Shared by the webhook probes, the emulator and the rehearsal.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';

/** What MintCash sends: bare lowercase hex, no `sha256=` prefix, no timestamp. */
export function signBody(secret: string, rawBody: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest('hex');
}

/**
 * Constant-time verification. We are tolerant in what we accept: the docs imply lowercase hex but
 * never say so (API-FACTS §20 q3), so uppercase hex is accepted too. A missing, non-string or
 * wrong-length value is rejected before any comparison.
 */
export function verifySignature(secret: string, rawBody: string | Uint8Array, header: unknown): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = Buffer.from(signBody(secret, rawBody), 'hex');
  const given = Buffer.from(header.toLowerCase(), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
