// Subscriptions (API-FACTS §4.4–4.6, §8): hosted or token first charge, renewals on the emulator
// clock, the dunning schedule for failed renewals (past_due, then cancelled), and cancel.
import type { SubscriptionRec } from './model.js';
import type { Caller, Core } from './core.js';
import { cardRecord, lookupCard } from './cards.js';
import { cardOrReturnUrl, chargeableToken, newOrder, ownedBy, saveCard } from './orders.js';
import { subscriptionView } from './views.js';
import { EmuError, amountOf, asBody, currencyOf, customerOf, externalIdOf, intervalDaysOf } from './validate.js';
import type { EventName } from '../mintcash/events.js';

const DAY_MS = 86_400_000;
/** Days from one failed attempt to the next: attempts on day 0, 1, 4, 9, 16 (§8). */
export const DUNNING_GAPS_DAYS = [1, 3, 5, 7] as const;

function emitSub(core: Core, s: SubscriptionRec, event: EventName): void {
  s.updatedAt = core.nowIso();
  core.emit(event, 'subscription', s.environment, subscriptionView(s));
}

/** A successful charge at `at` starts a new period; renewal is due one interval later. */
function startPeriod(s: SubscriptionRec, at: number): void {
  s.currentPeriodStart = new Date(at).toISOString();
  s.currentPeriodEnd = new Date(at + s.billingIntervalDays * DAY_MS).toISOString();
  s.nextChargeAt = at + s.billingIntervalDays * DAY_MS;
  s.failedAttempts = 0;
}

function firstCharge(core: Core, s: SubscriptionRec, ok: boolean, token: string | null): void {
  if (ok) {
    s.cardToken = token;
    s.status = 'active';
    startPeriod(s, core.clock.now());
    emitSub(core, s, 'subscription.succeeded');
    core.waker.poke();
  } else {
    // A failed first charge ends the subscription (created -> failed, §8); §20 q14 leaves it open.
    s.status = 'failed';
    s.nextChargeAt = null;
    emitSub(core, s, 'subscription.failed');
  }
}

export function createSubscription(core: Core, c: Caller, raw: unknown) {
  const body = asBody(raw);
  const externalId = externalIdOf(body.externalId);
  const amount = amountOf(body.amount);
  const currency = currencyOf(body.currency);
  const billingIntervalDays = intervalDaysOf(body.billingIntervalDays);
  const customer = customerOf(body.customer, false);
  const { cardToken, returnUrl } = cardOrReturnUrl(body, 'a hosted first charge');
  const index = `s:${c.merchant.id}:${c.environment}:${externalId}`;
  const { existing, hash } = core.idempotent(index, body, (id) => core.state.subscriptions[id]);
  if (existing) return subscriptionView(existing);
  const token = chargeableToken(core, c, cardToken);

  const s: SubscriptionRec = {
    ...newOrder(core, c, body, { externalId, requestHash: hash, amount, currency, customer, returnUrl, hosted: !token }),
    billingIntervalDays,
    currentPeriodStart: null,
    currentPeriodEnd: null,
    nextChargeAt: null,
    failedAttempts: 0,
    renewalOutcome: 'succeed',
  };
  core.state.subscriptions[s.id] = s;
  core.state.idempotency[index] = s.id;
  if (token) firstCharge(core, s, token.outcome === 'succeed', token.token);
  core.changed();
  return subscriptionView(s);
}

export function getSubscription(core: Core, c: Caller, id: string): SubscriptionRec {
  const s = ownedBy(core.state.subscriptions[id], c);
  if (!s) throw new EmuError(404, 'not_found', 'subscription not found');
  return s;
}

export function completeHostedSubscription(core: Core, s: SubscriptionRec, cardNumber: string): void {
  if (s.status !== 'created' || s.cardToken) throw new EmuError(409, 'failed_precondition', 'subscription is not waiting for the hosted page');
  const ok = lookupCard(cardNumber).outcome === 'succeed';
  const token = ok ? saveCard(core, s, cardRecord(cardNumber)) : null;
  firstCharge(core, s, ok, token);
  core.changed();
}

/** Cancel is immediate and final, allowed only from `active` or `past_due` (§4.6). */
export function cancelSubscription(core: Core, c: Caller, id: string) {
  const s = getSubscription(core, c, id);
  if (s.status !== 'active' && s.status !== 'past_due') {
    // The docs give no code for this case (§20 q8); 409 matches "not in a state that allows it".
    throw new EmuError(409, 'failed_precondition', `subscription is ${s.status} and cannot be cancelled`, 'notCancellable');
  }
  s.status = 'cancelled';
  s.nextChargeAt = null;
  emitSub(core, s, 'subscription.cancelled');
  core.changed();
  return subscriptionView(s);
}

export function nextRenewalDue(core: Core): number | null {
  let min: number | null = null;
  for (const s of Object.values(core.state.subscriptions)) {
    if (s.nextChargeAt !== null && (s.status === 'active' || s.status === 'past_due') && (min === null || s.nextChargeAt < min)) min = s.nextChargeAt;
  }
  return min;
}

/**
 * Runs every renewal and dunning attempt due by `now`, in order, each at its own due time, so
 * advancing the clock by 30 days on a weekly plan fires four renewals.
 */
export function runDueRenewals(core: Core, now: number): void {
  for (const s of Object.values(core.state.subscriptions)) {
    while (s.nextChargeAt !== null && s.nextChargeAt <= now && (s.status === 'active' || s.status === 'past_due')) {
      const at = s.nextChargeAt;
      if (s.renewalOutcome === 'succeed') {
        s.status = 'active';
        startPeriod(s, at);
        emitSub(core, s, 'subscription.succeeded');
      } else {
        s.failedAttempts += 1;
        const gap = DUNNING_GAPS_DAYS[s.failedAttempts - 1];
        if (gap === undefined) {
          // Every attempt failed: cancelled (§8).
          s.status = 'cancelled';
          s.nextChargeAt = null;
          emitSub(core, s, 'subscription.failed');
          emitSub(core, s, 'subscription.cancelled');
        } else {
          s.status = 'past_due';
          s.nextChargeAt = at + gap * DAY_MS;
          emitSub(core, s, 'subscription.failed');
        }
      }
      core.changed();
    }
  }
}
