// Live money a rehearsal can leave behind: a charge that was never refunded, a subscription that
// was never cancelled (a past_due one keeps retrying the operator's card). Found from the saved
// rehearsals and confirmed at MintCash; `golive rehearse --cleanup` refunds and cancels it with
// the rehearsal's own refund externalId, so a later resume of that rehearsal replays, never repeats.
import { formatMinor } from '../mintcash/amounts.js';
import type { MintcashClient } from '../mintcash/client.js';
import { isApiError } from '../mintcash/errors.js';
import { describeError } from '../errors.js';
import type { Payment, Subscription } from '../mintcash/schemas.js';
import { refundBody, type RehearsalState } from './types.js';

export interface OpenItem {
  rehearsal: RehearsalState;
  kind: 'payment' | 'subscription';
  id: string;
  /** One line for the operator, e.g. "payment 3f… 1.00 USD succeeded, not refunded". */
  text: string;
}

export interface OpenMoney {
  items: OpenItem[];
  /** Rehearsals that may hold money but cannot be read with these keys (another API or key pair). */
  unreadable: string[];
}

/** Whether the state was made with this API and key pair (only then can this client read its objects). */
export type SameTarget = (s: RehearsalState) => boolean;

export async function findOpenMoney(states: readonly RehearsalState[], client: MintcashClient, sameTarget: SameTarget): Promise<OpenMoney> {
  const out: OpenMoney = { items: [], unreadable: [] };
  for (const st of states) {
    if (st.status === 'completed' || st.closed) continue;
    const paymentId = st.steps.charge.ids.paymentId;
    const subscriptionId = st.steps.subscription.ids.subscriptionId;
    const mayHoldPayment = !!paymentId && st.steps.refund.status !== 'done';
    const mayHoldSubscription = !!subscriptionId && st.steps.cancel.status !== 'done';
    if (!mayHoldPayment && !mayHoldSubscription) continue;
    if (!sameTarget(st)) {
      out.unreadable.push(`rehearsal ${st.id} ran against ${st.target.baseUrl} with key ${st.target.publicKey}: export that pair (and pass that --api-base-url) to check or clean it up`);
      continue;
    }
    if (mayHoldPayment) {
      const p = await readOr(() => client.getPayment(paymentId));
      if (typeof p === 'string') out.unreadable.push(`rehearsal ${st.id}: payment ${paymentId} could not be read (${p})`);
      else if (isOpenPayment(p)) out.items.push({ rehearsal: st, kind: 'payment', id: p.id, text: `payment ${p.id}: ${formatMinor(p.amountRefundable, p.currency)} ${p.status}, not refunded` });
    }
    if (mayHoldSubscription) {
      const s = await readOr(() => client.getSubscription(subscriptionId));
      if (typeof s === 'string') out.unreadable.push(`rehearsal ${st.id}: subscription ${subscriptionId} could not be read (${s})`);
      else if (isOpenSubscription(s)) {
        const retry = s.status === 'past_due' ? ': it keeps retrying the card' : `, renews ${s.currentPeriodEnd ?? 'at the end of its period'}`;
        out.items.push({ rehearsal: st, kind: 'subscription', id: s.id, text: `subscription ${s.id}: ${formatMinor(s.amount, s.currency)} every ${s.billingIntervalDays} days, ${s.status}${retry}` });
      }
    }
  }
  return out;
}

const isOpenPayment = (p: Payment) => (p.status === 'succeeded' || p.status === 'partially_refunded') && p.amountRefundable > 0;
const isOpenSubscription = (s: Subscription) => s.status === 'active' || s.status === 'past_due';

async function readOr<T>(read: () => Promise<T>): Promise<T | string> {
  try {
    return await read();
  } catch (e) {
    return isApiError(e) ? `${e.status || e.code} ${e.code}` : describeError(e);
  }
}

export interface CleanupResult {
  item: OpenItem;
  ok: boolean;
  text: string;
}

/**
 * Refunds each open payment in full (with its rehearsal's refund externalId, so MintCash replays
 * rather than refunding twice) and cancels each open subscription (looked up first: a cancel is
 * not idempotent). Waits up to `settleMs` for a refund in flight.
 */
export async function cleanUp(item: OpenItem, client: MintcashClient, opts: { sleep: (ms: number) => Promise<void>; pollMs: number; polls: number }): Promise<CleanupResult> {
  try {
    if (item.kind === 'payment') {
      let r = await client.refundPayment(item.id, refundBody(item.rehearsal.id));
      for (let i = 0; r.status === 'pending' && i < opts.polls; i++) {
        await opts.sleep(opts.pollMs);
        r = await client.refundPayment(item.id, refundBody(item.rehearsal.id));
      }
      const ok = r.status === 'succeeded';
      return { item, ok, text: `payment ${item.id}: refund ${r.id} ${r.status}${ok ? '' : r.status === 'pending' ? ' (still in flight: run --cleanup again later)' : ''}` };
    }
    const before = await client.getSubscription(item.id);
    const after = before.status === 'active' || before.status === 'past_due' ? await client.cancelSubscription(item.id) : before;
    return { item, ok: after.status === 'cancelled', text: `subscription ${item.id}: ${after.status}` };
  } catch (e) {
    return { item, ok: false, text: `${item.kind} ${item.id}: ${isApiError(e) ? `MintCash refused: ${e.status || ''} ${e.code}${e.requestId ? ` (requestId ${e.requestId})` : ''}` : describeError(e)}` };
  }
}
