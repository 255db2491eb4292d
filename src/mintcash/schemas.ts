// Zod schemas for MintCash responses. Tolerant in what we accept (API-FACTS §19): create responses
// may be flat or wrapped in `{ payment | subscription, redirectUrl }`, numbers may arrive as numeric
// strings, card expiry may be an int or a two-character string, most fields may be missing or null.
// Amounts arrive in major units and leave these schemas in integer minor units (see amounts.ts).
import { z } from 'zod';
import { toMinor } from './amounts.js';

const str = z.string();
const optStr = z.string().nullish().transform((v) => v ?? null);
/** A number, or a numeric string (some gateways stringify decimals). */
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const optNum = num.nullish().transform((v) => v ?? null);
const intish = z.union([z.number(), z.string()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v)));

const cardSchema = z
  .looseObject({
    brand: optStr,
    last4: optStr,
    first6: optStr,
    // Documented as ints (12, 2030), observed as "03"/"31": keep them as strings.
    expMonth: intish,
    expYear: intish,
  })
  .nullish()
  .transform((v) => v ?? null);

const customerSchema = z
  .looseObject({ id: optStr, externalId: optStr, email: optStr, name: optStr, phone: optStr })
  .nullish()
  .transform((v) => v ?? null);

/** Unwraps `{ payment: {...}, redirectUrl }` (the guides) into the flat shape (the reference). */
function unwrap(key: 'payment' | 'subscription') {
  return (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const inner = o[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner) && !('id' in o)) {
        const flat = { ...(inner as Record<string, unknown>) };
        if (flat.redirectUrl === undefined && o.redirectUrl !== undefined) flat.redirectUrl = o.redirectUrl;
        return flat;
      }
    }
    return v;
  };
}

const rawPayment = z.looseObject({
  id: str,
  externalId: optStr,
  status: str,
  amount: num,
  currency: str,
  amountRefunded: optNum,
  amountRefundable: optNum,
  redirectUrl: optStr,
  providerTransactionId: optStr,
  cardToken: optStr,
  card: cardSchema,
  customer: customerSchema,
  failureCode: optStr,
  failureMessage: optStr,
  createdAt: optStr,
  updatedAt: optStr,
});

export const paymentSchema = z.preprocess(
  unwrap('payment'),
  rawPayment.transform((p) => ({
    ...p,
    amount: toMinor(p.amount, p.currency),
    amountRefunded: p.amountRefunded === null ? 0 : toMinor(p.amountRefunded, p.currency),
    // Missing amountRefundable: nothing has been refunded we know of, so the whole amount.
    amountRefundable:
      p.amountRefundable === null ? toMinor(p.amount, p.currency) : toMinor(p.amountRefundable, p.currency),
  })),
);
export type Payment = z.output<typeof paymentSchema>;

const rawSubscription = z.looseObject({
  id: str,
  externalId: optStr,
  status: str,
  amount: num,
  currency: str,
  billingIntervalDays: num,
  currentPeriodStart: optStr,
  currentPeriodEnd: optStr,
  redirectUrl: optStr,
  createdAt: optStr,
});

export const subscriptionSchema = z.preprocess(
  unwrap('subscription'),
  rawSubscription.transform((s) => ({ ...s, amount: toMinor(s.amount, s.currency) })),
);
export type Subscription = z.output<typeof subscriptionSchema>;

const rawRefund = z.looseObject({
  id: str,
  paymentId: optStr,
  externalId: optStr,
  status: str,
  amount: num,
  currency: str,
  paymentAmountRefunded: optNum,
  paymentAmountRefundable: optNum,
  providerRefundId: optStr,
  failureCode: optStr,
  failureMessage: optStr,
  createdAt: optStr,
});

export const refundSchema = z.preprocess(
  (v: unknown) => {
    // Tolerate `{ refund: {...} }` like the other creates, should MintCash wrap this one too.
    if (v && typeof v === 'object' && 'refund' in v && !('id' in v)) return (v as { refund: unknown }).refund;
    return v;
  },
  rawRefund.transform((r) => ({
    ...r,
    amount: toMinor(r.amount, r.currency),
    paymentAmountRefunded: r.paymentAmountRefunded === null ? null : toMinor(r.paymentAmountRefunded, r.currency),
    paymentAmountRefundable: r.paymentAmountRefundable === null ? null : toMinor(r.paymentAmountRefundable, r.currency),
  })),
);
export type Refund = z.output<typeof refundSchema>;

export const apiKeySchema = z.looseObject({
  id: optStr,
  publicKey: str,
  // Values are undocumented (API-FACTS §20 q16): keep whatever string arrives.
  environment: optStr,
  isActive: z.boolean().nullish().transform((v) => v ?? false),
  revokedAt: optStr,
  createdAt: optStr,
});
export type ApiKeyRecord = z.output<typeof apiKeySchema>;

export const apiKeysResponseSchema = z.looseObject({ apiKeys: z.array(apiKeySchema) });

/** The error envelope (§5.1). `details.requestId` is documented as always present; we still tolerate its absence. */
export const errorEnvelopeSchema = z.looseObject({
  code: z.string(),
  message: z.string().nullish(),
  details: z
    .looseObject({ requestId: z.string().nullish(), reason: z.string().nullish() })
    .nullish(),
});
export type ErrorEnvelope = z.output<typeof errorEnvelopeSchema>;
