// Online verification of a sign-off: re-reads every object it names at MintCash with the
// merchant's own keys and checks what MintCash can know, never what the document says about
// itself. The charge: its externalId is this rehearsal's (or the own-checkout payment the operator
// confirmed), its amount within the cap, its MintCash creation time the one recorded and inside the
// rehearsal. The refund: the payment is refunded in full, and the refund MintCash holds under the
// rehearsal's refund externalId is the one named and belongs to that payment. The renewal:
// MintCash's own subscription fields show a period that began an interval after creation. A key
// pair MintCash refuses is reported as exactly that, not as a false claim.
//
// Reads only, with one exception that cannot move money: the refund is read by re-sending the
// rehearsal's refund request (MintCash documents no refund lookup, API-FACTS §4.8; the same
// externalId replays the original, §6), and only when MintCash has just shown the payment fully
// refunded, with nothing left that a refund could take.
import { formatMinor } from '../mintcash/amounts.js';
import type { MintcashClient } from '../mintcash/client.js';
import { isApiError, type ApiError } from '../mintcash/errors.js';
import { describeError } from '../errors.js';
import type { SignOff, SignOffStep } from './signoff.js';
import { customerExternalIdFor, externalIdFor, refundBody, renewedAfter, renewedPerMintcash } from './types.js';
import type { Payment, Subscription } from '../mintcash/schemas.js';

export interface OnlineFinding {
  /** What was compared: charge, refund, subscription, renewal, cancel, or keys. */
  what: string;
  ok: boolean;
  detail: string;
  /** `auth`: MintCash refused the keys; `unreachable`: it could not be asked. Neither is evidence either way. */
  kind?: 'auth' | 'unreachable';
}

const step = (doc: SignOff, id: string): SignOffStep | undefined => doc.steps.find((s) => s.id === id);
const done = (s: SignOffStep | undefined) => s?.status === 'done';
/** Clocks and recording are not to the millisecond: times compared within this. */
const SLACK_MS = 5 * 60_000;
/** An own-checkout payment may precede the rehearsal's start by this much (it is made, then named). */
const OWN_PAYMENT_LEAD_MS = 24 * 3_600_000;

class Unverifiable extends Error {
  constructor(readonly finding: OnlineFinding) {
    super(finding.detail);
  }
}

function cannotAsk(e: ApiError | unknown, label: string): OnlineFinding {
  if (isApiError(e) && (e.status === 401 || e.status === 403)) {
    return {
      what: 'keys',
      ok: false,
      kind: 'auth',
      detail: `MintCash refused the key pair (${e.status} ${e.code}${e.reason ? `, ${e.reason}` : ''}${e.requestId ? `, requestId ${e.requestId}` : ''}) while reading ${label}: export this merchant's active pair of the sign-off's environment; nothing was verified`,
    };
  }
  return { what: 'keys', ok: false, kind: 'unreachable', detail: `MintCash could not be asked about ${label}: ${describeError(e)}; nothing was verified` };
}

async function read<T>(label: string, env: string, call: () => Promise<T>): Promise<{ value?: T; problem?: string }> {
  try {
    return { value: await call() };
  } catch (e) {
    if (isApiError(e) && e.status === 404) return { problem: `${label} does not exist in this merchant's ${env} environment` };
    throw new Unverifiable(cannotAsk(e, label));
  }
}

/** Local (this machine's) time of a MintCash time, using the skew recorded when the charge was seen. */
function skewOf(doc: SignOff): number {
  return doc.binding?.charge?.clockSkewMs ?? 0;
}

function chargeProblems(doc: SignOff, p: Payment, charge: SignOffStep | undefined): string[] {
  const id = doc.rehearsal.id;
  const s = doc.rehearsal.settings;
  const own = charge?.answers['charge.mode'] === 'existing';
  const recorded = charge?.mintcash?.payment;
  const problems: string[] = [];
  if (!['succeeded', 'refunded', 'partially_refunded'].includes(p.status)) problems.push(`it is ${p.status}, never paid`);
  const amount = typeof charge?.facts.amount === 'number' ? charge.facts.amount : s.amount;
  const currency = typeof charge?.facts.currency === 'string' ? charge.facts.currency : s.currency;
  if (p.amount !== amount || p.currency.toUpperCase() !== currency.toUpperCase()) problems.push(`it is ${formatMinor(p.amount, p.currency)}, the sign-off says ${formatMinor(amount, currency)}`);
  if (p.amount > s.amountCap) problems.push(`${formatMinor(p.amount, p.currency)} is over the rehearsal cap of ${formatMinor(s.amountCap, s.currency)}`);
  if (own) {
    if ((recorded?.externalId ?? null) !== (p.externalId ?? null)) problems.push(`its externalId is ${p.externalId ?? 'none'}, not the ${recorded?.externalId ?? '?'} the operator confirmed as their own`);
  } else {
    if (p.externalId !== externalIdFor(id, 'charge')) problems.push(`its externalId is ${p.externalId ?? 'none'}, not this rehearsal's ${externalIdFor(id, 'charge')}`);
    if (p.customer && p.customer.externalId !== customerExternalIdFor(id)) problems.push(`its customer is ${p.customer.externalId ?? 'unnamed'}, not this rehearsal's ${customerExternalIdFor(id)}`);
  }
  const created = p.createdAt ? Date.parse(p.createdAt) : Number.NaN;
  if (!Number.isFinite(created)) problems.push('MintCash gives no creation time');
  else {
    if (recorded?.createdAt && Date.parse(recorded.createdAt) !== created) problems.push(`MintCash created it ${p.createdAt}, the sign-off says ${recorded.createdAt}`);
    const local = created - skewOf(doc);
    const from = Date.parse(doc.rehearsal.createdAt) - (own ? OWN_PAYMENT_LEAD_MS : 0) - SLACK_MS;
    const to = Date.parse(charge?.completedAt ?? doc.generatedAt) + SLACK_MS;
    if (!(local >= from && local <= to)) problems.push(`it was created ${p.createdAt}, outside this rehearsal (${doc.rehearsal.createdAt} to ${charge?.completedAt ?? doc.generatedAt})`);
  }
  return problems;
}

async function refundProblems(doc: SignOff, p: Payment, refund: SignOffStep | undefined, client: MintcashClient): Promise<string[]> {
  if (p.status !== 'refunded' || p.amountRefunded !== p.amount) return [`MintCash shows ${p.status}, ${formatMinor(p.amountRefunded, p.currency)} of ${formatMinor(p.amount, p.currency)} refunded`];
  // Fully refunded (just read): nothing is left to refund, so re-sending the rehearsal's refund
  // request can only replay the original or be refused.
  if (p.amountRefundable !== 0) return [`MintCash still shows ${formatMinor(p.amountRefundable, p.currency)} refundable`];
  let r;
  try {
    r = await client.refundPayment(p.id, refundBody(doc.rehearsal.id));
  } catch (e) {
    if (isApiError(e) && (e.status === 401 || e.status === 403 || e.isTransport || e.status >= 500)) throw new Unverifiable(cannotAsk(e, `the refund of ${p.id}`));
    return [`MintCash holds no refund ${externalIdFor(doc.rehearsal.id, 'refund')} on payment ${p.id} (${isApiError(e) ? `${e.status} ${e.code}` : describeError(e)}): it was refunded some other way`];
  }
  const named = refund?.ids.refundId;
  const problems: string[] = [];
  if (named && r.id !== named) problems.push(`MintCash's refund ${externalIdFor(doc.rehearsal.id, 'refund')} is ${r.id}, the sign-off names ${named}`);
  if (r.paymentId && r.paymentId !== p.id) problems.push(`refund ${r.id} belongs to payment ${r.paymentId}, not ${p.id}`);
  if (r.status !== 'succeeded') problems.push(`refund ${r.id} is ${r.status}`);
  return problems;
}

function subscriptionProblems(doc: SignOff, s: Subscription, sub: SignOffStep | undefined): string[] {
  const id = doc.rehearsal.id;
  const { subscriptionAmount, currency, billingIntervalDays } = doc.rehearsal.settings;
  const problems: string[] = [];
  if (s.amount !== subscriptionAmount || s.currency.toUpperCase() !== currency.toUpperCase()) problems.push(`it is ${formatMinor(s.amount, s.currency)}, the sign-off says ${formatMinor(subscriptionAmount, currency)}`);
  if (s.billingIntervalDays !== billingIntervalDays) problems.push(`it bills every ${s.billingIntervalDays} days, the sign-off says ${billingIntervalDays}`);
  if (s.externalId !== externalIdFor(id, 'subscription')) problems.push(`its externalId is ${s.externalId ?? 'none'}, not this rehearsal's ${externalIdFor(id, 'subscription')}`);
  if (s.status === 'created' || s.status === 'pending' || s.status === 'failed') problems.push(`it is ${s.status}: its first charge never succeeded`);
  const recorded = sub?.mintcash?.subscription?.createdAt;
  if (recorded && s.createdAt && Date.parse(recorded) !== Date.parse(s.createdAt)) problems.push(`MintCash created it ${s.createdAt}, the sign-off says ${recorded}`);
  return problems;
}

export async function verifyOnline(doc: SignOff, client: MintcashClient): Promise<OnlineFinding[]> {
  const out: OnlineFinding[] = [];
  try {
    await checks(doc, client, (what, problems, okDetail) => out.push({ what, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : okDetail }));
  } catch (e) {
    if (e instanceof Unverifiable) return [...out, e.finding];
    throw e;
  }
  return out;
}

async function checks(doc: SignOff, client: MintcashClient, push: (what: string, problems: string[], okDetail: string) => void): Promise<void> {
  const env = doc.rehearsal.target.keyEnvironment;
  const charge = step(doc, 'charge');
  const refund = step(doc, 'refund');
  const paymentId = charge?.ids.paymentId;
  if (done(charge) || done(refund) || done(step(doc, 'settlement'))) {
    if (!paymentId) push('charge', ['the sign-off claims a charge but names no payment id'], '');
    else {
      const { value: p, problem } = await read(`payment ${paymentId}`, env, () => client.getPayment(paymentId));
      if (!p) push('charge', [problem ?? 'unreadable'], '');
      else {
        push('charge', chargeProblems(doc, p, charge), `payment ${paymentId} is ${p.status}, ${formatMinor(p.amount, p.currency)}, externalId ${p.externalId ?? '-'}, created at MintCash ${p.createdAt}`);
        if (done(refund)) push('refund', await refundProblems(doc, p, refund, client), `payment ${paymentId} is refunded in full (${formatMinor(p.amountRefunded, p.currency)}) by refund ${refund?.ids.refundId ?? '?'} (${externalIdFor(doc.rehearsal.id, 'refund')})`);
      }
    }
  }
  const sub = step(doc, 'subscription');
  const renewal = step(doc, 'renewal');
  const cancel = step(doc, 'cancel');
  const subId = sub?.ids.subscriptionId;
  if (done(sub) || done(renewal) || done(cancel)) {
    if (!subId) {
      push('subscription', ['the sign-off claims a subscription but names no subscription id'], '');
      return;
    }
    const { value: s, problem } = await read(`subscription ${subId}`, env, () => client.getSubscription(subId));
    if (!s) {
      push('subscription', [problem ?? 'unreadable'], '');
      return;
    }
    push('subscription', subscriptionProblems(doc, s, sub), `subscription ${subId} is ${s.status}, ${formatMinor(s.amount, s.currency)} every ${s.billingIntervalDays} days, created at MintCash ${s.createdAt}`);
    if (done(renewal)) {
      // MintCash's own fields decide; the recorded first period must agree (an edited one cannot help).
      const firstStart = sub?.mintcash?.subscription?.currentPeriodStart ?? String(sub?.facts.currentPeriodStart ?? '');
      const firstEnd = String(renewal?.facts.firstPeriodEnd ?? sub?.facts.currentPeriodEnd ?? '');
      const byFields = renewedPerMintcash(s);
      const consistent = !firstEnd || renewedAfter(s.currentPeriodStart, firstEnd);
      const problems = byFields && consistent ? [] : [`MintCash shows no charge after the first period: the current period began ${s.currentPeriodStart ?? 'never'}, and a renewal begins at least ${s.billingIntervalDays} days after the subscription was created (${s.createdAt})${firstStart ? `; the first period began ${firstStart}` : ''}`];
      push('renewal', problems, `the current period began ${s.currentPeriodStart}, at least ${s.billingIntervalDays} days after MintCash created the subscription (${s.createdAt})`);
    }
    if (done(cancel)) push('cancel', s.status === 'cancelled' ? [] : [`subscription ${subId} is ${s.status}, not cancelled`], `subscription ${subId} is cancelled`);
  }
}
