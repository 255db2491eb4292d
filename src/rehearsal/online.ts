// `golive report <sign-off> --verify --online`: re-reads every object the sign-off names at MintCash
// with the merchant's own keys (GET only; nothing is ever created, refunded or cancelled here) and
// compares status, amount, currency and environment with what the sign-off claims. Forging a
// sign-off that survives this needs the merchant's secret key AND the money to have moved.
import { formatMinor } from '../mintcash/amounts.js';
import type { MintcashClient } from '../mintcash/client.js';
import { isApiError } from '../mintcash/errors.js';
import { describeError } from '../errors.js';
import type { SignOff, SignOffStep } from './signoff.js';
import { renewedAfter } from './types.js';

export interface OnlineFinding {
  /** What was compared, e.g. "refund: payment 3f… is refunded". */
  what: string;
  ok: boolean;
  detail: string;
}

const step = (doc: SignOff, id: string): SignOffStep | undefined => doc.steps.find((s) => s.id === id);
const done = (s: SignOffStep | undefined) => s?.status === 'done';

async function read<T>(label: string, env: string, call: () => Promise<T>): Promise<{ value?: T; problem?: string }> {
  try {
    return { value: await call() };
  } catch (e) {
    if (isApiError(e) && e.status === 404) return { problem: `${label} does not exist in this merchant's ${env} environment` };
    return { problem: `${label} could not be read: ${describeError(e)}` };
  }
}

export async function verifyOnline(doc: SignOff, client: MintcashClient): Promise<OnlineFinding[]> {
  const out: OnlineFinding[] = [];
  const env = doc.rehearsal.target.keyEnvironment;
  const push = (what: string, ok: boolean, detail: string) => out.push({ what, ok, detail });
  const charge = step(doc, 'charge');
  const refund = step(doc, 'refund');
  const paymentId = charge?.ids.paymentId;
  if (done(charge) || done(refund)) {
    if (!paymentId) {
      push('charge', false, 'the sign-off claims a charge but names no payment id');
    } else {
      const { value: p, problem } = await read(`payment ${paymentId}`, env, () => client.getPayment(paymentId));
      if (!p) push('charge', false, problem ?? 'unreadable');
      else {
        const amount = typeof charge?.facts.amount === 'number' ? charge.facts.amount : doc.rehearsal.settings.amount;
        const currency = typeof charge?.facts.currency === 'string' ? charge.facts.currency : doc.rehearsal.settings.currency;
        const sameMoney = p.amount === amount && p.currency.toUpperCase() === currency.toUpperCase();
        push('charge', sameMoney && (p.status === 'succeeded' || p.status === 'refunded' || p.status === 'partially_refunded'), `payment ${paymentId} is ${p.status}, ${formatMinor(p.amount, p.currency)} (sign-off: succeeded, ${formatMinor(amount, currency)})`);
        if (done(refund)) {
          const full = p.status === 'refunded' && p.amountRefunded === p.amount;
          push('refund', full, `payment ${paymentId} is ${p.status}, ${formatMinor(p.amountRefunded, p.currency)} refunded (sign-off: refunded in full${refund?.ids.refundId ? `, refund ${refund.ids.refundId}` : ''})`);
        }
      }
    }
  }
  const sub = step(doc, 'subscription');
  const renewal = step(doc, 'renewal');
  const cancel = step(doc, 'cancel');
  const subId = sub?.ids.subscriptionId;
  if (done(sub) || done(renewal) || done(cancel)) {
    if (!subId) {
      push('subscription', false, 'the sign-off claims a subscription but names no subscription id');
    } else {
      const { value: s, problem } = await read(`subscription ${subId}`, env, () => client.getSubscription(subId));
      if (!s) push('subscription', false, problem ?? 'unreadable');
      else {
        const { subscriptionAmount, currency } = doc.rehearsal.settings;
        const sameMoney = s.amount === subscriptionAmount && s.currency.toUpperCase() === currency.toUpperCase();
        push('subscription', sameMoney && s.status !== 'created' && s.status !== 'pending' && s.status !== 'failed', `subscription ${subId} is ${s.status}, ${formatMinor(s.amount, s.currency)} (sign-off: ${formatMinor(subscriptionAmount, currency)})`);
        if (done(renewal)) {
          const firstEnd = String(renewal?.facts.firstPeriodEnd ?? sub?.facts.currentPeriodEnd ?? '');
          const renewed = renewedAfter(s.currentPeriodStart, firstEnd);
          push('renewal', renewed, `current period started ${s.currentPeriodStart ?? 'never'} (sign-off: renewed after ${firstEnd || '?'})`);
        }
        if (done(cancel)) push('cancel', s.status === 'cancelled', `subscription ${subId} is ${s.status} (sign-off: cancelled)`);
      }
    }
  }
  return out;
}
