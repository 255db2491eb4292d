// Payments and refunds (API-FACTS §4.2–4.3, §4.7, §7, §9): hosted-page and token flows, the payment
// lifecycle with its webhooks, and refund arithmetic (partial and multiple refunds up to the original
// amount, one in flight at a time).
import { randomAlnum, type PaymentRec, type RefundRec } from './model.js';
import type { Caller, Core } from './core.js';
import { cardRecord, lookupCard } from './cards.js';
import { cardOrReturnUrl, chargeableToken, newOrder, ownedBy, saveCard } from './orders.js';
import { paymentView, refundView } from './views.js';
import { EmuError, amountOf, asBody, billingOf, currencyOf, customerOf, externalIdOf, optString } from './validate.js';
import type { EventName } from '../mintcash/events.js';

export const payIndex = (c: Caller, externalId: string) => `p:${c.merchant.id}:${c.environment}:${externalId}`;

function transition(core: Core, p: PaymentRec, status: string, event: EventName, data?: unknown): void {
  p.status = status;
  p.updatedAt = core.nowIso();
  core.emit(event, 'payment', p.environment, data ?? paymentView(p));
}

export function createPayment(core: Core, c: Caller, raw: unknown) {
  const body = asBody(raw);
  const externalId = externalIdOf(body.externalId);
  const amount = amountOf(body.amount);
  const currency = currencyOf(body.currency);
  const customer = customerOf(body.customer, true);
  const { cardToken, returnUrl } = cardOrReturnUrl(body, 'a hosted-page payment');
  const billingAddress = billingOf(body);
  const index = payIndex(c, externalId);
  const { existing, hash } = core.idempotent(index, body, (id) => core.state.payments[id]);
  if (existing) return paymentView(existing);
  const token = chargeableToken(core, c, cardToken);

  const p: PaymentRec = {
    ...newOrder(core, c, body, { externalId, requestHash: hash, amount, currency, customer, returnUrl, hosted: !token }),
    billingAddress,
    amountRefunded: 0,
    card: null,
    providerTransactionId: null,
    failureCode: null,
    failureMessage: null,
  };
  core.state.payments[p.id] = p;
  core.state.idempotency[index] = p.id;
  core.emit('payment.created', 'payment', p.environment, paymentView(p));
  // Token flow: no redirect, the charge runs now (§4.2).
  if (token) charge(core, p, token.outcome, token.card, token.token);
  core.changed();
  return paymentView(p);
}

function charge(core: Core, p: PaymentRec, outcome: 'succeed' | 'decline', card: PaymentRec['card'], token: string | null, failure?: { code?: string; message?: string | null }): void {
  p.card = card;
  p.providerTransactionId = `cpi_${randomAlnum(20)}`;
  if (core.providerFault) {
    outcome = 'decline';
    failure = { code: core.providerFault.failureCode, message: core.providerFault.failureMessage };
  }
  if (outcome === 'succeed') {
    p.cardToken = token;
    transition(core, p, 'pending', 'payment.pending');
    transition(core, p, 'succeeded', 'payment.succeeded');
  } else {
    p.failureCode = failure?.code ?? 'card_declined';
    p.failureMessage = failure?.message ?? null;
    transition(core, p, 'failed', 'payment.failed');
  }
}

export function getPayment(core: Core, c: Caller, id: string): PaymentRec {
  // Another merchant's or the other environment's payment is indistinguishable from a missing one.
  const p = ownedBy(core.state.payments[id], c);
  if (!p) throw new EmuError(404, 'not_found', 'payment not found');
  return p;
}

/** The hosted page's outcome (or a test's): pay with a test card, or decline. */
export function completeHostedPayment(core: Core, p: PaymentRec, cardNumber: string): void {
  if (p.status !== 'created' || p.cardToken) throw new EmuError(409, 'failed_precondition', 'payment is not waiting for the hosted page');
  const card = lookupCard(cardNumber);
  const rec = cardRecord(cardNumber);
  const token = card.outcome === 'succeed' ? saveCard(core, p, rec) : null;
  charge(core, p, card.outcome, rec, token, { code: card.failureCode, message: card.failureMessage });
  core.changed();
}

export function createRefund(core: Core, c: Caller, paymentId: string, raw: unknown) {
  const body = asBody(raw);
  const externalId = externalIdOf(body.externalId);
  const p = getPayment(core, c, paymentId);
  // Scoped per payment (§6): two refunds on one payment cannot share an externalId.
  const index = `r:${p.id}:${externalId}`;
  const { existing, hash } = core.idempotent(index, body, (id) => core.state.refunds[id]);
  if (existing) return refundView(existing, p);
  const requested = body.amount === undefined || body.amount === null ? null : amountOf(body.amount);
  const reason = optString(body, 'reason', 200);
  if (p.status !== 'succeeded' && p.status !== 'partially_refunded') {
    throw new EmuError(409, 'failed_precondition', `payment is ${p.status} and cannot be refunded`, 'notRefundable');
  }
  const inFlight = Object.values(core.state.refunds).some((r) => r.paymentId === p.id && r.status === 'pending');
  if (inFlight) throw new EmuError(409, 'failed_precondition', 'another refund on this payment has not finished', 'refundInFlight');
  const remaining = p.amount - p.amountRefunded;
  const amount = requested ?? remaining;
  // 422's code string is not documented (API-FACTS §5.2); `out_of_range` fits the taxonomy.
  if (amount > remaining) throw new EmuError(422, 'out_of_range', `amount exceeds the refundable balance of ${remaining}`, 'amountTooLarge');

  const r: RefundRec = {
    id: core.newId(),
    paymentId: p.id,
    externalId,
    requestHash: hash,
    status: 'pending',
    amount,
    currency: p.currency,
    reason,
    providerRefundId: null,
    failureCode: null,
    failureMessage: null,
    createdAt: core.nowIso(),
    settleAt: core.clock.now() + core.opts.refundSettleMs,
  };
  core.state.refunds[r.id] = r;
  core.state.idempotency[index] = r.id;
  if (core.opts.refundSettleMs <= 0) settleRefund(core, r, 'succeed');
  else core.waker.poke();
  core.changed();
  return refundView(r, p);
}

/**
 * Settles one refund. Refund events carry `type: "payment"` (the event-types page) and `data` holds
 * the parent payment plus the refund under `refund` (the refund guide); the docs disagree (§19.3),
 * this satisfies both readings a handler is likely to use.
 */
export function settleRefund(core: Core, r: RefundRec, outcome: 'succeed' | 'decline'): void {
  if (r.status !== 'pending') throw new EmuError(409, 'failed_precondition', `refund is already ${r.status}`);
  const p = core.state.payments[r.paymentId];
  if (!p) return;
  if (outcome === 'succeed') {
    r.status = 'succeeded';
    r.providerRefundId = `cre_${randomAlnum(20)}`;
    p.amountRefunded += r.amount;
    const full = p.amountRefunded >= p.amount;
    p.status = full ? 'refunded' : 'partially_refunded';
    p.updatedAt = core.nowIso();
    core.emit(full ? 'payment.refunded' : 'payment.partially_refunded', 'payment', p.environment, { ...paymentView(p), refund: refundView(r, p) });
  } else {
    r.status = 'failed';
    r.failureCode = 'refund_failed';
    r.failureMessage = 'The provider refused the refund.';
    // The payment is left untouched (§9).
    core.emit('payment.refund_failed', 'payment', p.environment, { ...paymentView(p), refund: refundView(r, p) });
  }
  core.changed();
}

export function nextRefundDue(core: Core): number | null {
  let min: number | null = null;
  for (const r of Object.values(core.state.refunds)) if (r.status === 'pending' && (min === null || r.settleAt < min)) min = r.settleAt;
  return min;
}

export function settleDueRefunds(core: Core, now: number): void {
  for (const r of Object.values(core.state.refunds)) if (r.status === 'pending' && r.settleAt <= now) settleRefund(core, r, 'succeed');
}
