// The money steps on a one-time payment, in the order money moves: the live charge (or a payment
// the operator made through their own checkout, shown in full and confirmed as theirs), then its
// settlement (confirmed with payout reference, date and amount, or explicitly deferred, which
// blocks the sign-off), then the full refund. Every create call carries the rehearsal's
// deterministic externalId, so a resumed run replays instead of charging twice.
import { formatMinor } from '../mintcash/amounts.js';
import { moneyLine, when } from './screen.js';
import type { Payment, Refund } from '../mintcash/schemas.js';
import { Deferred, Failed, Stopped, apiFailure, type StepContext } from './context.js';
import { customerExternalIdFor, externalIdFor, refundBody } from './types.js';
import { parseMoney, parsePayoutDate } from './answers-format.js';

const webhookAdvice = (ctx: StepContext) =>
  `Check that your live webhook URL is registered, that the endpoint answers 2xx within 10 s and verifies signatures over the raw body (\`golive check --only webhook\`); MintCash retries for 24 h. Resume with \`${ctx.resume}\` to answer again.`;

/** An own-checkout payment older than this is not this rehearsal's: more likely a customer's order. */
export const OWN_PAYMENT_MAX_AGE_MS = 24 * 3_600_000;

/** What golive reads at MintCash before an answer about an object is accepted. */
export interface Observation {
  what: string;
  read: () => Promise<{ status: string }>;
  supports: readonly string[];
  /** The moment the answer is about (the payment succeeding…): the answer records how long after it came. */
  since?: { what: string; at: string };
}

export function paymentSeen(ctx: StepContext, id: string, supports: readonly string[], since?: Observation['since']): Observation {
  return { what: `GET /payments/${id}`, read: () => ctx.deps.client.getPayment(id), supports, ...(since ? { since } : {}) };
}

async function observed(ctx: StepContext, o: Observation, claim: string) {
  return ctx.observeThen(o.what, o.read, (x) => x.status, (st) => o.supports.includes(st), claim, o.since);
}

async function webhookArrived(ctx: StepContext, qid: string, event: string, objectId: string, o: Observation): Promise<void> {
  const seen = await observed(ctx, o, `${event} received`);
  const ok = await ctx.attest(qid, `MintCash shows ${objectId} as ${seen.status}. Did your system receive ${event} for it? (check your webhook handler's logs)`, seen);
  if (!ok) throw new Failed({ code: 'webhook-not-received', message: `the operator did not see ${event} for ${objectId}`, advice: webhookAdvice(ctx) });
}

export function recordPayment(ctx: StepContext, p: Payment): void {
  ctx.record('payment', {
    object: 'payment',
    id: p.id,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    externalId: p.externalId,
    createdAt: p.createdAt,
    customer: p.customer ? { externalId: p.customer.externalId, name: p.customer.name, email: p.customer.email } : null,
    amountRefunded: p.amountRefunded,
  });
}

export function chargeBody(ctx: StepContext) {
  const s = ctx.state.settings;
  return {
    amount: s.amount,
    currency: s.currency,
    externalId: externalIdFor(ctx.state.id, 'charge'),
    // A stable customer per rehearsal: MintCash keeps the same customer across retries.
    customer: { externalId: customerExternalIdFor(ctx.state.id), name: ctx.state.operator.name },
    returnUrl: s.returnUrl,
    description: `golive dress rehearsal ${ctx.state.id}`,
  };
}

/** MintCash's clock comes from its Date header, whole seconds: a payment made a moment ago can look a second ahead. */
const CLOCK_SLACK_MS = 5 * 60_000;

function age(ms: number): string {
  if (ms < -CLOCK_SLACK_MS) return 'in the future';
  const min = Math.round(Math.max(0, ms) / 60_000);
  if (min < 90) return `${min} minute${min === 1 ? '' : 's'} ago`;
  const h = Math.round(ms / 3_600_000);
  return h < 48 ? `${h} hours ago` : `${Math.round(ms / 86_400_000)} days ago`;
}

/** A payment the operator says they made through their own checkout: shown in full, confirmed as theirs. */
async function identifyOwnPayment(ctx: StepContext, id: string): Promise<void> {
  const s = ctx.state.settings;
  let p: Payment;
  try {
    p = await ctx.api(() => ctx.deps.client.getPayment(id));
  } catch (e) {
    if (e instanceof Stopped) throw e;
    throw apiFailure(e, 'payment-unknown', `MintCash does not show payment ${id} to these keys: check the id (it is MintCash's payment id, not your order number), or let golive create the charge (\`${ctx.resume} --new\`).`);
  }
  recordPayment(ctx, p);
  ctx.observe(`GET /payments/${id}`, p.status);
  const now = ctx.deps.mintcashNow?.() ?? ctx.deps.now().getTime();
  const ageMs = p.createdAt ? now - Date.parse(p.createdAt) : Number.NaN;
  const c = p.customer;
  const who = c ? [c.name, c.email, c.externalId ? `customer externalId ${c.externalId}` : undefined].filter(Boolean).join(', ') || 'no details' : 'none';
  ctx.out(`  MintCash payment ${id}:`);
  ctx.out(`    amount      ${formatMinor(p.amount, p.currency)} (${p.status}${p.amountRefunded ? `, ${formatMinor(p.amountRefunded, p.currency)} refunded` : ''})`);
  ctx.out(`    customer    ${who}`);
  ctx.out(`    externalId  ${p.externalId ?? '(none)'}`);
  ctx.out(`    created     ${when(p.createdAt ?? undefined, { clock: ctx.apiClock })}, ${Number.isFinite(ageMs) ? age(ageMs) : 'at an unknown time'}`);
  const refuse = (code: string, message: string, advice: string) => new Failed({ code, message, advice });
  const useOwn = `Make a fresh payment of at most ${formatMinor(s.amountCap, s.currency)} with your own card, or let golive create one: \`${ctx.resume} --new\`.`;
  if (p.status === 'created' || p.status === 'pending' || p.status === 'authorized') throw new Stopped(`payment ${id} is ${p.status}, not paid yet`, `Finish paying it, then run \`${ctx.resume}\`.`);
  if (p.status !== 'succeeded' || p.amountRefunded > 0) throw refuse('payment-not-usable', `payment ${id} is ${p.status}${p.amountRefunded ? ', partly or wholly refunded' : ''}; the rehearsal needs a succeeded, unrefunded payment`, useOwn);
  if (p.amount > s.amountCap) throw refuse('over-cap', `payment ${id} is ${formatMinor(p.amount, p.currency)}, above the cap of ${formatMinor(s.amountCap, s.currency)}`, 'Use a smaller payment, or raise the cap with --amount-cap if you really mean to refund this much.');
  if (!Number.isFinite(ageMs) || ageMs > OWN_PAYMENT_MAX_AGE_MS) {
    throw refuse('payment-too-old', `payment ${id} was created ${Number.isFinite(ageMs) ? age(ageMs) : 'at an unknown time'}; a rehearsal charge is made for the rehearsal, within the last 24 hours`, useOwn);
  }
  if (ageMs < -CLOCK_SLACK_MS && !ctx.practice) throw refuse('payment-in-future', `payment ${id} is dated ${when(p.createdAt ?? undefined)}, in the future by MintCash's own clock`, useOwn);
  const mine = await ctx.attest('charge.ownPayment', `Is this YOUR OWN payment, made with your own card for this rehearsal (not a customer's order)? It will be refunded in full.`);
  if (!mine) throw refuse('not-own-payment', `the operator did not confirm payment ${id} as their own`, useOwn);
  ctx.rec.facts.ownCheckout = true;
}

export async function runCharge(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const s = ctx.state.settings;
  if (!rec.phase || rec.phase === 'start') {
    const mode = await ctx.deps.ask.select('charge.mode', {
      message: `How do you want to make the ${ctx.practice ? 'practice' : 'live'} charge?`,
      choices: [
        { value: 'create', name: `golive creates a ${formatMinor(s.amount, s.currency)} payment and you pay it on MintCash's hosted page` },
        { value: 'existing', name: 'I made a payment through my own checkout in the last 24 hours; I will give its MintCash payment id' },
      ],
      default: 'create',
    });
    ctx.answered('charge.mode', mode);
    if (mode === 'existing') {
      const id = await ctx.deps.ask.input('charge.paymentId', { message: 'MintCash payment id of the payment you made:', validate: (v) => (v.trim() ? true : 'enter the payment id') });
      rec.ids.paymentId = id.trim();
      ctx.answered('charge.paymentId', id.trim());
      await ctx.phase('identify');
    } else {
      await ctx.typed('charge.confirm', `golive will create a ${ctx.moneyKind} payment of ${formatMinor(s.amount, s.currency)} (externalId ${externalIdFor(ctx.state.id, 'charge')}).`, formatMinor(s.amount, s.currency));
      await ctx.phase('confirmed');
    }
  }
  if (rec.phase === 'identify') {
    await identifyOwnPayment(ctx, rec.ids.paymentId as string);
    await ctx.phase('created');
  }
  if (rec.phase === 'confirmed') {
    const body = chargeBody(ctx);
    rec.ids.externalId = body.externalId;
    let p: Payment;
    try {
      p = await ctx.api(() => client.createPayment(body));
    } catch (e) {
      if (e instanceof Stopped) throw e;
      throw apiFailure(e, 'charge-refused', 'MintCash refused to create the payment: check the currency and amount are enabled for your account.');
    }
    ctx.deps.afterSend?.('charge:sent');
    ctx.recordRequestId('createRequestId');
    rec.ids.paymentId = p.id;
    recordPayment(ctx, p);
    if (p.redirectUrl) rec.facts.hostedPageUrl = p.redirectUrl;
    ctx.observe('POST /payments', p.status);
    await ctx.phase('created');
  }
  if (rec.phase === 'created') {
    const id = rec.ids.paymentId as string;
    if (rec.facts.hostedPageUrl && rec.answers['charge.mode'] !== 'existing') {
      ctx.out(`  Pay with your own card on MintCash's hosted page (golive never sees the card):\n    ${String(rec.facts.hostedPageUrl)}`);
    }
    const p = await ctx.pollUntil(`payment ${id}`, () => client.getPayment(id), (x) => x.status, (x) => x.status !== 'created' && x.status !== 'pending' && x.status !== 'authorized');
    if (!p) throw new Stopped(`payment ${id} is not paid yet`, `Pay on the hosted page, then run \`${ctx.resume}\` to continue; the same payment is reused.`);
    recordPayment(ctx, p);
    rec.facts.amount = p.amount;
    rec.facts.currency = p.currency;
    if (p.card?.last4) rec.facts.card = `${p.card.brand ?? 'card'} ····${p.card.last4}`;
    if (p.status === 'failed') {
      throw new Failed({
        code: 'payment-failed',
        message: `payment ${id} failed${p.failureCode ? ` (${p.failureCode})` : ''}`,
        advice: `The card was declined or the provider failed: try another card in a new rehearsal (\`${ctx.resume} --new\`), and check your decline handling showed the customer a clear message.`,
      });
    }
    if (p.status !== 'succeeded') {
      throw new Failed({ code: 'payment-unexpected-status', message: `payment ${id} is ${p.status}, not succeeded`, advice: `Use a fresh, unrefunded payment: \`${ctx.resume} --new\`.` });
    }
    if (p.amount > s.amountCap) {
      throw new Failed({ code: 'over-cap', message: `payment ${id} is ${formatMinor(p.amount, p.currency)}, above the cap of ${formatMinor(s.amountCap, s.currency)}`, advice: 'Use a smaller payment, or raise the cap with --amount-cap if you really mean to refund this much.' });
    }
    rec.facts.paidAt = ctx.iso();
    const skew = ctx.clockSkewMs();
    if (skew !== undefined) rec.facts.clockSkewMs = skew;
    ctx.out(`  ✔ Payment succeeded: ${moneyLine(p.amount, p.currency, p.card, 'payment', id)}${ctx.practice ? ' (PRACTICE)' : ''}`);
    await ctx.phase('paid');
  }
  if (rec.phase === 'paid') {
    const id = rec.ids.paymentId as string;
    const since = { what: `payment ${id} succeeded`, at: String(rec.facts.paidAt ?? ctx.iso()) };
    await webhookArrived(ctx, 'charge.webhookReceived', 'payment.succeeded', id, paymentSeen(ctx, id, ['succeeded', 'partially_refunded', 'refunded'], since));
  }
}

/**
 * Settlement comes before the refund: the operator confirms the charge reached a payout (with its
 * reference, date and amount) or defers it on purpose, which lets the refund go ahead but keeps
 * the sign-off blocked until confirmed. Asked after a refund, it says that a charge and its
 * refund can net to zero in one payout.
 */
export async function runSettlement(ctx: StepContext): Promise<void> {
  const charge = ctx.state.steps.charge;
  const id = charge.ids.paymentId as string;
  const paid = charge.mintcash?.payment;
  const since = { what: `payment ${id} succeeded`, at: String(charge.facts.paidAt ?? charge.completedAt ?? ctx.iso()) };
  const seen = await observed(ctx, paymentSeen(ctx, id, ['succeeded', 'partially_refunded', 'refunded'], since), 'funds settled');
  const amount = typeof charge.facts.amount === 'number' && typeof charge.facts.currency === 'string' ? formatMinor(charge.facts.amount, charge.facts.currency) : 'the charge';
  const refunded = seen.status !== 'succeeded';
  const deferredAt = typeof ctx.rec.facts.deferredAt === 'string' ? ctx.rec.facts.deferredAt : undefined;
  const lines = [
    `MintCash shows payment ${id} (${amount}, created ${when(paid?.createdAt ?? undefined, { clock: ctx.apiClock })}) as ${seen.status}.`,
    ...(deferredAt ? [`  You deferred this on ${when(deferredAt)}; the sign-off stays blocked until you confirm it.`] : []),
    ...(refunded ? ['  It has been refunded since: a charge and its refund can net to zero in one payout, so look for the payout that lists this payment, even if its total is 0.00.'] : []),
    `  Has this charge reached your settlement account (a MintCash payout that lists payment ${id})?`,
  ];
  const answer = await ctx.deps.ask.typedChoice('settlement.confirmed', {
    message: lines.join('\n'),
    choices: [
      { value: 'yes', name: 'I can see it in a payout (you will give its reference, date and amount)' },
      { value: 'later', name: refunded ? 'defer it again: the sign-off stays blocked until you confirm, and every run reminds you' : 'defer it: the refund goes ahead; the sign-off stays blocked until you confirm, and every run reminds you' },
    ],
  });
  ctx.answered('settlement.confirmed', answer, seen);
  if (answer !== 'yes') {
    ctx.rec.facts.deferredAt ??= ctx.iso();
    throw new Deferred(`the operator to confirm payment ${id} reached a payout (deferred ${String(ctx.rec.facts.deferredAt).slice(0, 10)})`);
  }
  const currency = typeof charge.facts.currency === 'string' ? charge.facts.currency : ctx.state.settings.currency;
  const max = typeof charge.facts.amount === 'number' ? charge.facts.amount : ctx.state.settings.amount;
  const reference = (await ctx.deps.ask.input('settlement.payoutReference', { message: 'Payout (settlement) reference, as your MintCash payout report or bank statement shows it:', validate: (v) => (v.trim() ? true : 'enter the payout reference') })).trim();
  ctx.answered('settlement.payoutReference', reference);
  const created = paid?.createdAt ?? undefined;
  const date = (await ctx.deps.ask.input('settlement.date', { message: 'Payout date (YYYY-MM-DD):', validate: (v) => parsePayoutDate(v, created, ctx.deps.now()).problem ?? true })).trim();
  ctx.answered('settlement.date', date);
  const money = (
    await ctx.deps.ask.input('settlement.amount', {
      message: `Amount of this payment in that payout (e.g. ${formatMinor(max, currency)}; 0.00 ${currency} if it netted with its refund):`,
      validate: (v) => parseMoney(v, currency, max).problem ?? true,
    })
  ).trim();
  ctx.answered('settlement.amount', money);
  const parsed = parseMoney(money, currency, max);
  ctx.rec.facts.payout = { reference, date, amount: parsed.minor, currency };
  ctx.rec.facts.settledConfirmedAt = ctx.iso();
}

function recordRefund(ctx: StepContext, r: Refund): void {
  ctx.record('refund', { object: 'refund', id: r.id, status: r.status, amount: r.amount, currency: r.currency, externalId: r.externalId, createdAt: r.createdAt, paymentId: r.paymentId });
}

export async function runRefund(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const paymentId = ctx.state.steps.charge.ids.paymentId as string;
  const body = refundBody(ctx.state.id);
  if (!rec.phase || rec.phase === 'start') {
    const c = ctx.state.steps.charge.facts;
    const amount = typeof c.amount === 'number' && typeof c.currency === 'string' ? formatMinor(c.amount, c.currency) : 'the whole amount';
    await ctx.typed('refund.confirm', `golive will refund payment ${paymentId} in full (${amount}).`, 'REFUND');
    await ctx.phase('confirmed');
  }
  if (rec.phase === 'confirmed' || rec.phase === 'requested') {
    rec.ids.externalId = body.externalId;
    // No refund lookup path is documented (API-FACTS §4.8): resending the same externalId returns the
    // original refund (§6), which is how its status is read without ever refunding twice.
    const read = async () => {
      try {
        return await ctx.api(() => client.refundPayment(paymentId, body));
      } catch (e) {
        if (e instanceof Stopped) throw e;
        throw apiFailure(e, 'refund-refused', `MintCash refused the refund: check the payment is succeeded and not already refunded, then start a new rehearsal if needed (\`${ctx.resume} --new\`).`);
      }
    };
    if (rec.phase === 'confirmed') {
      const r = await read();
      ctx.deps.afterSend?.('refund:sent');
      ctx.recordRequestId('refundRequestId');
      rec.ids.refundId = r.id;
      recordRefund(ctx, r);
      ctx.observe('POST /payments/{id}/refund', r.status);
      await ctx.phase('requested');
    }
    const r = await ctx.pollUntil(`refund of ${paymentId}`, read, (x) => x.status, (x) => x.status !== 'pending' && x.status !== 'created');
    if (!r) throw new Stopped(`the refund of ${paymentId} is still in flight`, `Run \`${ctx.resume}\` later to check again; the same refund is reused.`);
    recordRefund(ctx, r);
    if (r.status === 'failed') {
      throw new Failed({ code: 'refund-failed', message: `refund ${r.id} failed${r.failureCode ? ` (${r.failureCode})` : ''}`, advice: 'The provider refused the refund: contact MintCash support with the refund id; refund the customer another way if needed.' });
    }
    const p = await ctx.api(() => client.getPayment(paymentId));
    recordPayment(ctx, p);
    ctx.observe(`GET /payments/${paymentId}`, p.status);
    if (p.status !== 'refunded') {
      throw new Failed({ code: 'refund-incomplete', message: `payment ${paymentId} is ${p.status} after the refund, not refunded`, advice: 'Contact MintCash support with the payment and refund ids.' });
    }
    rec.facts.refundedAt = ctx.iso();
    rec.facts.amountRefunded = p.amountRefunded;
    rec.facts.currency = p.currency;
    ctx.out(`  ✔ Refund ${rec.ids.refundId ?? r.id} succeeded: ${moneyLine(p.amountRefunded, p.currency, p.card, 'payment', paymentId)} is now ${p.status}${ctx.practice ? ' (PRACTICE)' : ''}`);
    await ctx.phase('refunded');
  }
  const since = { what: `payment ${paymentId} refunded`, at: String(rec.facts.refundedAt ?? ctx.iso()) };
  if (rec.phase === 'refunded') {
    await webhookArrived(ctx, 'refund.webhookReceived', 'payment.refunded', paymentId, paymentSeen(ctx, paymentId, ['refunded'], since));
    await ctx.phase('webhook-confirmed');
  }
  const seen = await observed(ctx, paymentSeen(ctx, paymentId, ['refunded'], since), 'refunded money returned');
  const back = await ctx.deps.ask.typedChoice('refund.moneyReturned', {
    message: `MintCash shows payment ${paymentId} as ${seen.status}. Has the refunded money reached your card account?`,
    choices: [
      { value: 'yes', name: 'the refund shows on my card account' },
      { value: 'later', name: 'not yet, ask me again next time (refunds can take days to show)' },
    ],
  });
  ctx.answered('refund.moneyReturned', back, seen);
  if (back !== 'yes') throw new Deferred('the operator to confirm the refunded money reached the card account');
}

export { webhookArrived, webhookAdvice };
