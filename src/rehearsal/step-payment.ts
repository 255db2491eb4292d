// The money steps on a one-time payment: the live charge (or a payment the operator made through
// their own checkout), settlement confirmation and the full refund. Every create call carries the
// rehearsal's deterministic externalId, so a resumed run replays instead of charging twice.
import { formatMinor } from '../mintcash/amounts.js';
import { moneyLine } from './screen.js';
import type { Payment } from '../mintcash/schemas.js';
import { Deferred, Failed, Stopped, apiFailure, type StepContext } from './context.js';
import { externalIdFor } from './types.js';

const WEBHOOK_ADVICE =
  'Check that your live webhook URL is registered, that the endpoint answers 2xx within 10 s and verifies signatures over the raw body (`golive check --only webhook`); MintCash retries for 24 h. Resume with `golive rehearse` to answer again.';

/** What golive reads at MintCash before an answer about an object is accepted. */
export interface Observation {
  what: string;
  read: () => Promise<{ status: string }>;
  supports: readonly string[];
}

export function paymentSeen(ctx: StepContext, id: string, supports: readonly string[]): Observation {
  return { what: `GET /payments/${id}`, read: () => ctx.deps.client.getPayment(id), supports };
}

async function observed(ctx: StepContext, o: Observation, claim: string) {
  return ctx.observeThen(o.what, o.read, (x) => x.status, (st) => o.supports.includes(st), claim);
}

async function webhookArrived(ctx: StepContext, qid: string, event: string, objectId: string, o: Observation): Promise<void> {
  const seen = await observed(ctx, o, `${event} received`);
  const ok = await ctx.attest(qid, `MintCash shows ${objectId} as ${seen?.status}. Did your system receive ${event} for it? (check your webhook handler's logs)`, seen);
  if (!ok) throw new Failed({ code: 'webhook-not-received', message: `the operator did not see ${event} for ${objectId}`, advice: WEBHOOK_ADVICE });
}

export function chargeBody(ctx: StepContext) {
  const s = ctx.state.settings;
  return {
    amount: s.amount,
    currency: s.currency,
    externalId: externalIdFor(ctx.state.id, 'charge'),
    // A stable customer per rehearsal: MintCash keeps the same customer across retries.
    customer: { externalId: `golive-rehearsal-${ctx.state.id}`, name: ctx.state.operator.name },
    returnUrl: s.returnUrl,
    description: `golive dress rehearsal ${ctx.state.id}`,
  };
}

export async function runCharge(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const s = ctx.state.settings;
  if (!rec.phase || rec.phase === 'start') {
    const mode = await ctx.deps.ask.select('charge.mode', {
      message: 'How do you want to make the live charge?',
      choices: [
        { value: 'create', name: `golive creates a ${formatMinor(s.amount, s.currency)} payment and you pay it on MintCash's hosted page` },
        { value: 'existing', name: 'I made a payment through my own checkout; I will give its payment id' },
      ],
      default: 'create',
    });
    ctx.answered('charge.mode', mode);
    if (mode === 'existing') {
      const id = await ctx.deps.ask.input('charge.paymentId', { message: 'Payment id of the payment you made:', validate: (v) => (v.trim() ? true : 'enter the payment id') });
      rec.ids.paymentId = id.trim();
      ctx.answered('charge.paymentId', id.trim());
      await ctx.phase('created');
    } else {
      await ctx.typed('charge.confirm', `golive will create a ${ctx.moneyKind} payment of ${formatMinor(s.amount, s.currency)} (externalId ${externalIdFor(ctx.state.id, 'charge')}).`, formatMinor(s.amount, s.currency));
      await ctx.phase('confirmed');
    }
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
    if (!p) throw new Stopped(`payment ${id} is not paid yet`, 'Pay on the hosted page, then run `golive rehearse` to continue; the same payment is reused.');
    rec.facts.amount = p.amount;
    rec.facts.currency = p.currency;
    if (p.card?.last4) rec.facts.card = `${p.card.brand ?? 'card'} ····${p.card.last4}`;
    if (p.status === 'failed') {
      throw new Failed({
        code: 'payment-failed',
        message: `payment ${id} failed${p.failureCode ? ` (${p.failureCode})` : ''}`,
        advice: 'The card was declined or the provider failed: try another card in a new rehearsal (`golive rehearse --new`), and check your decline handling showed the customer a clear message.',
      });
    }
    if (p.status !== 'succeeded') {
      throw new Failed({ code: 'payment-unexpected-status', message: `payment ${id} is ${p.status}, not succeeded`, advice: 'Use a fresh, unrefunded payment.' });
    }
    if (p.amount > s.amountCap) {
      throw new Failed({ code: 'over-cap', message: `payment ${id} is ${formatMinor(p.amount, p.currency)}, above the cap of ${formatMinor(s.amountCap, s.currency)}`, advice: 'Use a smaller payment, or raise the cap with --amount-cap if you really mean to refund this much.' });
    }
    rec.facts.paidAt = ctx.iso();
    ctx.out(`  ✔ Payment succeeded: ${moneyLine(p.amount, p.currency, p.card, 'payment', id)}${ctx.practice ? ' (PRACTICE)' : ''}`);
    await ctx.phase('paid');
  }
  if (rec.phase === 'paid') {
    const id = rec.ids.paymentId as string;
    await webhookArrived(ctx, 'charge.webhookReceived', 'payment.succeeded', id, paymentSeen(ctx, id, ['succeeded', 'partially_refunded', 'refunded']));
  }
}

export async function runSettlement(ctx: StepContext): Promise<void> {
  const charge = ctx.state.steps.charge;
  const id = charge.ids.paymentId as string;
  const seen = await observed(ctx, paymentSeen(ctx, id, ['succeeded', 'partially_refunded', 'refunded']), 'funds settled');
  const answer = await ctx.deps.ask.typedChoice('settlement.confirmed', {
    message: `MintCash shows payment ${id} as ${seen?.status}. Have its funds reached your settlement account?`,
    choices: [
      { value: 'yes', name: 'yes, I can see them in the settlement account' },
      { value: 'later', name: 'not yet: ask me again next time (settlement can take days)' },
    ],
  });
  ctx.answered('settlement.confirmed', answer, seen);
  if (answer !== 'yes') throw new Deferred('the operator to confirm the funds reached the settlement account');
  ctx.rec.facts.settledConfirmedAt = ctx.iso();
}

export async function runRefund(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const paymentId = ctx.state.steps.charge.ids.paymentId as string;
  const body = { externalId: externalIdFor(ctx.state.id, 'refund'), reason: 'customer_request' };
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
        throw apiFailure(e, 'refund-refused', 'MintCash refused the refund: check the payment is succeeded and not already refunded, then start a new rehearsal if needed.');
      }
    };
    if (rec.phase === 'confirmed') {
      const r = await read();
      ctx.deps.afterSend?.('refund:sent');
      ctx.recordRequestId('refundRequestId');
      rec.ids.refundId = r.id;
      ctx.observe('POST /payments/{id}/refund', r.status);
      await ctx.phase('requested');
    }
    const r = await ctx.pollUntil(`refund of ${paymentId}`, read, (x) => x.status, (x) => x.status !== 'pending' && x.status !== 'created');
    if (!r) throw new Stopped(`the refund of ${paymentId} is still in flight`, 'Run `golive rehearse` later to check again; the same refund is reused.');
    if (r.status === 'failed') {
      throw new Failed({ code: 'refund-failed', message: `refund ${r.id} failed${r.failureCode ? ` (${r.failureCode})` : ''}`, advice: 'The provider refused the refund: contact MintCash support with the refund id; refund the customer another way if needed.' });
    }
    const p = await ctx.api(() => client.getPayment(paymentId));
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
  if (rec.phase === 'refunded') {
    await webhookArrived(ctx, 'refund.webhookReceived', 'payment.refunded', paymentId, paymentSeen(ctx, paymentId, ['refunded']));
    await ctx.phase('webhook-confirmed');
  }
  const seen = await observed(ctx, paymentSeen(ctx, paymentId, ['refunded']), 'refunded money returned');
  const back = await ctx.deps.ask.typedChoice('refund.moneyReturned', {
    message: `MintCash shows payment ${paymentId} as ${seen?.status}. Has the refunded money reached your card account?`,
    choices: [
      { value: 'yes', name: 'yes, the refund shows on my card account' },
      { value: 'later', name: 'not yet: ask me again next time (refunds can take days to show)' },
    ],
  });
  ctx.answered('refund.moneyReturned', back, seen);
  if (back !== 'yes') throw new Deferred('the operator to confirm the refunded money reached the card account');
}

export { webhookArrived, WEBHOOK_ADVICE };
