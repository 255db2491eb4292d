// Request validation with MintCash's error taxonomy (API-FACTS §5.2): every failure is a 400
// `invalid_argument` with the documented reason label in `details.reason`.
import { BILLING_FIELDS, type BillingAddressRec, type CustomerRec } from './model.js';
import { randomUUID } from 'node:crypto';

/** An error the emulator answers with the documented envelope. */
export class EmuError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, reason?: string) => new EmuError(400, 'invalid_argument', message, reason);

/** The real list is not published (API-FACTS §3); these are the common ISO 4217 codes. */
const SUPPORTED_CURRENCIES = new Set([
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'BGN',
  'JPY', 'SGD', 'HKD', 'MXN', 'BRL', 'ZAR', 'AED', 'ILS', 'TRY', 'INR', 'KWD', 'BHD',
]);

export type Body = Record<string, unknown>;

export function asBody(v: unknown): Body {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid('request body must be a JSON object');
  return v as Body;
}

export function amountOf(v: unknown, field = 'amount'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 99_999_999_999) {
    throw invalid(`${field} must be a positive integer in cents`, 'invalidAmount');
  }
  return v;
}

export function currencyOf(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v) || !SUPPORTED_CURRENCIES.has(v)) {
    throw invalid('currency must be a supported ISO 4217 code, e.g. USD', 'invalidCurrency');
  }
  return v;
}

export function externalIdOf(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > 255) {
    throw invalid('externalId is required: a string of 1 to 255 characters', 'missingExternalId');
  }
  return v;
}

export function optString(body: Body, field: string, max = 2048): string | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw invalid(`${field} must be a string`);
  return v;
}

export function optUrl(body: Body, field: string): string | null {
  const v = optString(body, field);
  if (v === null) return null;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw invalid(`${field} must be an http(s) URL`);
  }
  return v;
}

export function customerOf(v: unknown, required: boolean): CustomerRec | null {
  if (v === undefined || v === null) {
    if (required) throw invalid('customer is required');
    return null;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('customer must be an object');
  const c = v as Body;
  const s = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : null);
  return { id: randomUUID(), externalId: s('externalId'), email: s('email'), name: s('name'), phone: s('phone') };
}

export function intervalDaysOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 3650) {
    throw invalid('billingIntervalDays must be an integer from 1 to 3650', 'invalidBillingInterval');
  }
  return v;
}

/**
 * The payment's billing address. The request field is `billing` (API-FACTS §4.2; its sub-fields
 * are not shown), the record field `billingAddress` with `country`, `postalCode`, `name`, `line1`,
 * `line2`, `city`, `state` (§12.2). Tolerant: either name is read, unknown sub-fields are ignored.
 * Precise: a known sub-field must be a string or null, and every record carries all seven.
 */
export function billingOf(body: Body): BillingAddressRec {
  const raw = body.billing ?? body.billingAddress;
  const out = Object.fromEntries(BILLING_FIELDS.map((k) => [k, null])) as unknown as BillingAddressRec;
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('billing must be an object', 'invalidBilling');
  const b = raw as Body;
  for (const k of BILLING_FIELDS) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length > 200) throw invalid(`billing.${k} must be a string of at most 200 characters`, 'invalidBilling');
    out[k] = v;
  }
  return out;
}

export const EMPTY_BILLING: BillingAddressRec = Object.freeze(Object.fromEntries(BILLING_FIELDS.map((k) => [k, null]))) as unknown as BillingAddressRec;
