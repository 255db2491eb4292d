// What the emulator sends back: MintCash's documented response shapes, with amounts in major-unit
// decimals as every documented example shows (API-FACTS §3), and the flat create shape of the API
// reference (§19.2; the client also accepts the wrapped one).
import { toMajor } from '../mintcash/amounts.js';
import type { ApiKeyRec, PaymentRec, RefundRec, SubscriptionRec } from './model.js';
import { EMPTY_BILLING } from './validate.js';

export function paymentView(p: PaymentRec) {
  return {
    id: p.id,
    externalId: p.externalId,
    status: p.status,
    amount: toMajor(p.amount, p.currency),
    currency: p.currency,
    // Observed: amountRefundable equals amount even on failed payments (API-FACTS §18); we follow that.
    amountRefunded: toMajor(p.amountRefunded, p.currency),
    amountRefundable: toMajor(p.amount - p.amountRefunded, p.currency),
    redirectUrl: p.redirectUrl,
    providerTransactionId: p.providerTransactionId,
    cardToken: p.cardToken,
    card: p.card,
    customer: p.customer,
    billingAddress: { ...(p.billingAddress ?? EMPTY_BILLING) },
    failureCode: p.failureCode,
    failureMessage: p.failureMessage,
    description: p.description,
    metadata: p.metadata ?? null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function refundView(r: RefundRec, p: PaymentRec) {
  return {
    id: r.id,
    paymentId: r.paymentId,
    externalId: r.externalId,
    status: r.status,
    amount: toMajor(r.amount, r.currency),
    currency: r.currency,
    reason: r.reason,
    providerRefundId: r.providerRefundId,
    failureCode: r.failureCode,
    failureMessage: r.failureMessage,
    paymentAmountRefunded: toMajor(p.amountRefunded, p.currency),
    paymentAmountRefundable: toMajor(p.amount - p.amountRefunded, p.currency),
    createdAt: r.createdAt,
  };
}

export function subscriptionView(s: SubscriptionRec) {
  return {
    id: s.id,
    externalId: s.externalId,
    status: s.status,
    amount: toMajor(s.amount, s.currency),
    currency: s.currency,
    billingIntervalDays: s.billingIntervalDays,
    currentPeriodStart: s.currentPeriodStart,
    currentPeriodEnd: s.currentPeriodEnd,
    redirectUrl: s.redirectUrl,
    customer: s.customer,
    description: s.description,
    metadata: s.metadata ?? null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** Secret keys are never included (API-FACTS §4.9). */
export function apiKeyView(k: ApiKeyRec) {
  return {
    id: k.id,
    publicKey: k.publicKey,
    environment: k.environment,
    isActive: k.isActive,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}
