// Canonical JSON and the sign-off digest. The rule, documented in the report and the README:
// objects with keys sorted by UTF-16 code units (JavaScript's default sort), arrays in order, no
// whitespace, strings and numbers exactly as JSON.stringify writes them, `undefined` members
// dropped; the digest is lowercase hex SHA-256 of the UTF-8 bytes of that text, computed over the
// whole sign-off document with its `digest` and `signature` members removed. The Ed25519 signature
// (signing.ts) is over that same canonical text, so a recomputed digest cannot hide an edit.
import { createHash } from 'node:crypto';

export const CANONICAL_RULE =
  'SHA-256 (lowercase hex) of the UTF-8 bytes of the canonical JSON of this document without its "digest" and "signature" members: object keys sorted by UTF-16 code units, arrays in order, no whitespace, strings and numbers as JSON.stringify writes them. The Ed25519 signature (base64) is over the same canonical text, by the key in "signer".';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form: callers drop them as members.
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The canonical text that is hashed and signed: the document without `digest` and `signature`. */
export function signedText(document: Record<string, unknown>): string {
  const { digest: _digest, signature: _signature, ...content } = document;
  return canonicalJson(content);
}

export function digestOf(document: Record<string, unknown>): string {
  return sha256Hex(signedText(document));
}
