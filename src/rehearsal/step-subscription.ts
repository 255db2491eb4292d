// The subscription steps: create one for the operator (first charge on the hosted page), verify a
// renewal fired after `currentPeriodEnd` (deferred until it has), then cancel it. Renewal is judged
// from MintCash's own timestamps, never this machine's clock, so the emulator's clock can stand in.
import { formatMinor } from '../mintcash/amounts.js';
import { moneyLine, when } from './screen.js';
import type { Subscription } from '../mintcash/schemas.js';
import { Deferred, Failed, Stopped, apiFailure, type StepContext } from './context.js';
import { webhookArrived, type Observation } from './step-payment.js';
import { customerExternalIdFor, externalIdFor, renewedAfter, renewedPerMintcash } from './types.js';

function subscriptionSeen(ctx: StepContext, id: string, supports: readonly string[], since?: Observation['since']): Observation {
  return { what: `GET /subscriptions/${id}`, read: () => ctx.deps.client.getSubscription(id), supports, ...(since ? { since } : {}) };
}

function recordSubscription(ctx: StepContext, sub: Subscription): void {
  ctx.record('subscription', {
    object: 'subscription',
    id: sub.id,
    status: sub.status,
    amount: sub.amount,
    currency: sub.currency,
    externalId: sub.externalId,
    createdAt: sub.createdAt,
    billingIntervalDays: sub.billingIntervalDays,
    currentPeriodStart: sub.currentPeriodStart,
    currentPeriodEnd: sub.currentPeriodEnd,
  });
}

export function subscriptionBody(ctx: StepContext) {
  const s = ctx.state.settings;
  return {
    amount: s.subscriptionAmount,
    currency: s.currency,
    billingIntervalDays: s.billingIntervalDays,
    externalId: externalIdFor(ctx.state.id, 'subscription'),
    customer: { externalId: customerExternalIdFor(ctx.state.id), name: ctx.state.operator.name },
    returnUrl: s.returnUrl,
    description: `golive dress rehearsal ${ctx.state.id}`,
  };
}

function recordPeriod(ctx: StepContext, sub: Subscription): void {
  ctx.rec.facts.currentPeriodStart = sub.currentPeriodStart;
  ctx.rec.facts.currentPeriodEnd = sub.currentPeriodEnd;
}

export async function runSubscription(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const s = ctx.state.settings;
  if (!rec.phase || rec.phase === 'start') {
    await ctx.typed(
      'subscription.confirm',
      `golive will create a ${ctx.moneyKind} subscription of ${formatMinor(s.subscriptionAmount, s.currency)} every ${s.billingIntervalDays} days (externalId ${externalIdFor(ctx.state.id, 'subscription')}); it is cancelled at the end of the rehearsal.`,
      'SUBSCRIBE',
    );
    await ctx.phase('confirmed');
  }
  if (rec.phase === 'confirmed') {
    const body = subscriptionBody(ctx);
    rec.ids.externalId = body.externalId;
    let sub: Subscription;
    try {
      sub = await ctx.api(() => client.createSubscription(body));
    } catch (e) {
      if (e instanceof Stopped) throw e;
      throw apiFailure(e, 'subscription-refused', 'MintCash refused to create the subscription: check amount, currency and interval, or configure rehearsal.subscriptionPlan.');
    }
    ctx.deps.afterSend?.('subscription:sent');
    ctx.recordRequestId('createRequestId');
    rec.ids.subscriptionId = sub.id;
    recordSubscription(ctx, sub);
    if (sub.redirectUrl) rec.facts.hostedPageUrl = sub.redirectUrl;
    ctx.observe('POST /subscriptions', sub.status);
    await ctx.phase('created');
  }
  if (rec.phase === 'created') {
    const id = rec.ids.subscriptionId as string;
    if (rec.facts.hostedPageUrl) ctx.out(`  Pay the first charge with your own card on the hosted page:\n    ${String(rec.facts.hostedPageUrl)}`);
    const sub = await ctx.pollUntil(`subscription ${id}`, () => client.getSubscription(id), (x) => x.status, (x) => x.status !== 'created' && x.status !== 'pending');
    if (!sub) throw new Stopped(`subscription ${id} has not started yet`, `Pay the first charge on the hosted page, then run \`${ctx.resume}\` to continue.`);
    recordSubscription(ctx, sub);
    if (sub.status !== 'active') {
      throw new Failed({ code: 'subscription-failed', message: `subscription ${id} is ${sub.status} after the first charge`, advice: `The first charge was declined: start a new rehearsal (\`${ctx.resume} --new\`) with another card.` });
    }
    recordPeriod(ctx, sub);
    ctx.rec.facts.amount = sub.amount;
    ctx.rec.facts.currency = sub.currency;
    ctx.out(`  ✔ Subscription active: ${moneyLine(sub.amount, sub.currency, undefined, 'subscription', id)} every ${sub.billingIntervalDays ?? s.billingIntervalDays} days${ctx.practice ? ' (PRACTICE)' : ''}`);
    ctx.out(`    first period ends ${when(sub.currentPeriodEnd ?? undefined, { clock: ctx.apiClock })}`);
    rec.facts.activeAt = ctx.iso();
    await ctx.phase('active');
  }
  if (rec.phase === 'active') {
    const id = rec.ids.subscriptionId as string;
    const since = { what: `subscription ${id} active`, at: String(rec.facts.activeAt ?? ctx.iso()) };
    await webhookArrived(ctx, 'subscription.webhookReceived', 'subscription.succeeded', id, subscriptionSeen(ctx, id, ['active', 'past_due', 'cancelled'], since));
  }
}

export async function runRenewal(ctx: StepContext): Promise<void> {
  const first = ctx.state.steps.subscription;
  const id = first.ids.subscriptionId as string;
  const firstEnd = String(first.facts.currentPeriodEnd ?? '');
  ctx.rec.ids.subscriptionId = id;
  ctx.rec.facts.firstPeriodEnd = firstEnd;
  if (ctx.rec.phase !== 'renewed') {
    const sub = await ctx.api(() => ctx.deps.client.getSubscription(id));
    recordSubscription(ctx, sub);
    ctx.observe(`GET /subscriptions/${id}`, sub.status, `currentPeriodStart ${sub.currentPeriodStart ?? '?'}`);
    if (sub.status === 'past_due' || sub.status === 'cancelled' || sub.status === 'failed') {
      throw new Failed({
        code: 'renewal-failed',
        message: `subscription ${id} is ${sub.status}: the renewal charge did not succeed`,
        advice:
          sub.status === 'past_due'
            ? `Your system should have received subscription.failed; check the card on file and your dunning handling (past_due → cancelled). A past_due subscription keeps retrying your card: cancel it with \`${ctx.resume} --cleanup\`, then start a new rehearsal (\`${ctx.resume} --new\`).`
            : `Your system should have received subscription.failed; check the card on file and your dunning handling (past_due → cancelled), then start a new rehearsal (\`${ctx.resume} --new\`).`,
      });
    }
    // MintCash's own fields decide (the period began an interval after creation); the recorded
    // first period end must agree, so neither a clock nor an edited record can fake it.
    const renewed = renewedPerMintcash(sub) && renewedAfter(sub.currentPeriodStart, firstEnd);
    if (!renewed) {
      ctx.out(`  The renewal is due ${firstEnd ? when(firstEnd, { clock: ctx.apiClock }) : 'at the end of the first period'}; run \`${ctx.resume}\` after that to verify it.`);
      throw new Deferred(`the renewal due at ${firstEnd || 'currentPeriodEnd'}`);
    }
    ctx.rec.facts.renewedPeriodStart = sub.currentPeriodStart;
    ctx.rec.facts.renewedPeriodEnd = sub.currentPeriodEnd;
    ctx.out(`  ✔ Renewed: subscription ${id} began a new period ${when(sub.currentPeriodStart ?? undefined, { clock: ctx.apiClock })}`);
    ctx.rec.facts.renewedSeenAt = ctx.iso();
    await ctx.phase('renewed');
  }
  const since = { what: `subscription ${id} renewed`, at: String(ctx.rec.facts.renewedSeenAt ?? ctx.iso()) };
  await webhookArrived(ctx, 'renewal.webhookReceived', 'the renewal’s subscription.succeeded', id, subscriptionSeen(ctx, id, ['active', 'cancelled'], since));
}

export async function runCancel(ctx: StepContext): Promise<void> {
  const rec = ctx.rec;
  const { client } = ctx.deps;
  const id = ctx.state.steps.subscription.ids.subscriptionId as string;
  rec.ids.subscriptionId = id;
  if (!rec.phase || rec.phase === 'start') {
    await ctx.typed('cancel.confirm', `golive will cancel subscription ${id} now (immediate and final).`, 'CANCEL');
    await ctx.phase('confirmed');
  }
  if (rec.phase === 'confirmed') {
    // A resume after a crash may find it already cancelled: DELETE is not idempotent (409), so look first.
    const before = await ctx.api(() => client.getSubscription(id));
    if (before.status !== 'cancelled') {
      try {
        const after = await ctx.api(() => client.cancelSubscription(id));
        ctx.observe(`DELETE /subscriptions/${id}`, after.status);
        ctx.recordRequestId('cancelRequestId');
      } catch (e) {
        if (e instanceof Stopped) throw e;
        throw apiFailure(e, 'cancel-refused', 'MintCash refused the cancel: the subscription may already be failed or cancelled; check it with your account manager.');
      }
      ctx.deps.afterSend?.('cancel:sent');
    }
    const sub = await ctx.api(() => client.getSubscription(id));
    recordSubscription(ctx, sub);
    ctx.observe(`GET /subscriptions/${id}`, sub.status);
    if (sub.status !== 'cancelled') throw new Failed({ code: 'cancel-not-effective', message: `subscription ${id} is ${sub.status} after the cancel`, advice: 'Contact MintCash support with the subscription id.' });
    rec.facts.cancelledAt = ctx.iso();
    ctx.out(`  ✔ Subscription ${id} is cancelled at MintCash${ctx.practice ? ' (PRACTICE)' : ''}`);
    await ctx.phase('cancelled');
  }
  const since = { what: `subscription ${id} cancelled`, at: String(rec.facts.cancelledAt ?? ctx.iso()) };
  await webhookArrived(ctx, 'cancel.webhookReceived', 'subscription.cancelled', id, subscriptionSeen(ctx, id, ['cancelled'], since));
}
