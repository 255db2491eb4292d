// The money steps in the order money moves, against the emulator: a payment from the operator's
// own checkout is shown in full (amount, customer, externalId, age) and refused when it is a
// customer's, refunded, or too old; settlement comes before the refund, deferred on purpose with a
// blocking reminder, and confirmed later with payout reference, date and amount (after a refund it
// says the two can net to zero); a new rehearsal lists what earlier ones left open, and
// `--cleanup` refunds and cancels it after a typed confirmation, with the rehearsals' own externalIds.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates } from '../../src/rehearsal/store.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { call } from '../emulator/helpers.js';
import { HAPPY_ANSWERS, advanceDays, ledger, rehearse, world, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const latest = async (dir: string) => (await listStates(dir)).states[0];
const own = (id: string, ok = true) => ({ ...HAPPY_ANSWERS, 'charge.mode': 'existing', 'charge.paymentId': id, 'charge.ownPayment': ok, 'settlement.confirmed': 'later' });

async function pay(w: World, externalId: string, customer: Record<string, string>) {
  const r = await call(w.emu.url, 'POST', '/payments', w.emu.credentials('test'), { amount: 100, currency: 'USD', externalId, customer, cardToken: 'tok_emulator_visa' });
  expect(r.json.status).toBe('succeeded');
  return r.json.id as string;
}

describe('a payment from the operator\'s own checkout', () => {
  it('is shown in full and refused when it is a refunded customer order, too old, or not confirmed as theirs', async () => {
    w = await world();
    const order = await pay(w, 'order-1001', { externalId: 'cust-77', name: 'Carol Customer', email: 'carol@example.com' });
    await call(w.emu.url, 'POST', `/payments/${order}/refund`, w.emu.credentials('test'), { externalId: 'return-1001' });
    await new Promise((r) => setTimeout(r, 100));
    const refunded = await rehearse(w, own(order));
    expect(refunded.code).toBe(1);
    expect(refunded.stdout).toContain(`MintCash payment ${order}:`);
    expect(refunded.stdout).toMatch(/amount {6}1\.00 USD \(refunded, 1\.00 USD refunded\)/);
    expect(refunded.stdout).toContain('customer    Carol Customer, carol@example.com, customer externalId cust-77');
    expect(refunded.stdout).toContain('externalId  order-1001');
    expect(refunded.stdout).toMatch(/created {5}emulator clock: .*, \d+ minutes? ago/);
    expect((await latest(w.dir))?.steps.charge.failure?.code).toBe('payment-not-usable');

    const old = await pay(w, 'my-old', { name: 'Ada Operator' });
    await advanceDays(w.emu, 2);
    const stale = await rehearse(w, own(old), { new: true });
    expect(stale.code).toBe(1);
    expect((await latest(w.dir))?.steps.charge.failure).toMatchObject({ code: 'payment-too-old', message: expect.stringContaining('was created 2 days ago') });

    const notMine = await pay(w, 'maybe-mine', { name: 'Ada Operator' });
    const no = await rehearse(w, own(notMine, false), { new: true });
    expect(no.code).toBe(1);
    expect((await latest(w.dir))?.steps.charge.failure?.code).toBe('not-own-payment');
    expect(ledger(w.emu).refunds).toBe(0);
  });

  it('confirmed as their own, it is the rehearsal charge, and --verify --online checks its externalId', async () => {
    w = await world();
    const mine = await pay(w, 'my-own-1', { name: 'Ada Operator' });
    const r = await rehearse(w, own(mine));
    expect(r.code, r.stdout).toBe(0);
    const st = await latest(w.dir);
    expect(st?.steps.charge).toMatchObject({ status: 'done', ids: { paymentId: mine }, answers: { 'charge.ownPayment': true } });
    expect(st?.steps.charge.mintcash?.payment).toMatchObject({ externalId: 'my-own-1', createdAt: expect.any(String) });
    expect((await golive(['rehearse', w.dir, '--report'], { env: cleanEnv(w.env) })).exitCode).toBe(0);
    const file = path.join(w.dir, 'golive-rehearsal', `golive-rehearsal-${st?.id}.json`);
    const online = await golive(['report', '--verify', '--online', file], { cwd: w.dir, env: cleanEnv(w.env) });
    expect(online.stdout).toMatch(new RegExp(`✔ charge: payment ${mine} is refunded, 1\\.00 USD, externalId my-own-1`));
    expect(online.exitCode, online.stdout).toBe(0);
  });
});

describe('settlement, before the refund', () => {
  it('deferred on purpose: the refund goes ahead, every run reminds, and a later confirmation after the refund records the payout', async () => {
    w = await world();
    const first = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' });
    expect(first.code).toBe(0);
    expect(first.stdout.indexOf('▸ Settlement')).toBeLessThan(first.stdout.indexOf('▸ Refund'));
    expect(first.stdout).toMatch(/Reminder: the settlement of payment \S+ is deferred since \d{4}-\d\d-\d\d\. The sign-off stays blocked/);
    let st = await latest(w.dir);
    expect([st?.steps.settlement.status, st?.steps.refund.status]).toEqual(['waiting', 'done']);
    expect(st?.steps.settlement.facts.deferredAt).toEqual(expect.any(String));

    const second = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.amount': '0.00 USD' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Reminder: the settlement of payment');
    st = await latest(w.dir);
    expect(st?.steps.settlement.status).toBe('done');
    expect(st?.steps.settlement.facts.payout).toEqual({ reference: 'PO-2026-000042', date: new Date().toISOString().slice(0, 10), amount: 0, currency: 'USD' });
    expect(st?.steps.settlement.provenance?.['settlement.confirmed']?.observed).toMatchObject({ status: 'refunded', since: { what: expect.stringMatching(/succeeded$/) }, elapsedMs: expect.any(Number) });
  });

  it('a payout date or amount that cannot be right is refused up front, before anything is sent', async () => {
    w = await world();
    const r = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.date': '2026-02-30', 'settlement.amount': '5.00 USD' });
    expect((r.error as { details?: string[] }).details).toEqual(
      expect.arrayContaining(['"settlement.date" enter the payout date as YYYY-MM-DD (got "2026-02-30")', '"settlement.amount" more than the payment itself (1.00 USD) (got "5.00 USD")']),
    );
    expect(Object.keys(w.emu.core.state.payments)).toHaveLength(0);
  });
});

describe('money left behind', () => {
  it('a new rehearsal lists it; --cleanup refunds and cancels it after a typed CLEANUP, once', async () => {
    w = await world();
    // Rehearsal A: its renewal fails, and the past_due subscription keeps retrying the card.
    expect((await rehearse(w, HAPPY_ANSWERS)).code).toBe(0);
    const a = (await latest(w.dir))!;
    await call(w.emu.url, 'POST', `/__emulator/subscriptions/${a.steps.subscription.ids.subscriptionId}/renewal-outcome`, undefined, { outcome: 'decline' });
    await advanceDays(w.emu, 8);
    const failed = await rehearse(w, HAPPY_ANSWERS);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/cancel it with `golive rehearse \S+ --answers \S+ --cleanup`/);
    // Rehearsal B: started anew, stopped before its refund.
    const b = await rehearse(w, { ...HAPPY_ANSWERS, 'refund.confirm': 'not yet' }, { new: true }, {}, { unchecked: true });
    expect(b.stdout).toContain('Open money from earlier rehearsals (a new rehearsal does not touch it):');
    expect(b.stdout).toMatch(new RegExp(`rehearsal ${a.id}: subscription \\S+: 1\\.00 USD every 7 days, past_due: it keeps retrying the card`));
    expect(b.stdout).toMatch(/Refund and cancel it with: golive rehearse \S+ --cleanup/);
    const bState = (await listStates(w.dir)).states.find((s) => s.id !== a.id)!;

    const nope = await rehearse(w, { 'cleanup.confirm': 'nope' }, { cleanup: true });
    expect(nope.code).toBe(1);
    expect(nope.stdout).toContain('nothing was sent');
    expect(w.emu.core.state.payments[bState.steps.charge.ids.paymentId!]?.status).toBe('succeeded');

    const done = await rehearse(w, { 'cleanup.confirm': 'CLEANUP' }, { cleanup: true });
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toMatch(/golive will refund 1 payment in full and cancel 1 subscription \(immediate and final\)/);
    expect(done.stdout).toMatch(/✔ payment \S+: refund \S+ succeeded/);
    expect(done.stdout).toMatch(/✔ subscription \S+: cancelled/);
    const payment = w.emu.core.state.payments[bState.steps.charge.ids.paymentId!]!;
    expect(payment.status).toBe('refunded');
    // Refunded under B's own refund externalId: a later resume of B would replay it, not refund twice.
    expect(Object.values(w.emu.core.state.refunds).filter((r) => r.paymentId === payment.id).map((r) => r.externalId)).toEqual([`golive-rehearsal-${bState.id}-refund`]);
    expect(w.emu.core.state.subscriptions[a.steps.subscription.ids.subscriptionId!]?.status).toBe('cancelled');
    const states = (await listStates(w.dir)).states;
    expect(states.every((s) => s.closed?.reason.startsWith('golive rehearse --cleanup'))).toBe(true);
    const again = await rehearse(w, { 'cleanup.confirm': 'CLEANUP' }, { cleanup: true });
    expect(again.stdout).toContain('Nothing to clean up');
    expect(again.code).toBe(0);
  });
});
