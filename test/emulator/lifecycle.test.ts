// The emulator's behaviour as the docs describe it: error envelopes, externalId idempotency under
// concurrency, refund arithmetic and in-flight rule, subscription renewals and dunning on the
// emulator clock, and the state file.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { call } from './helpers.js';

let emu: Emulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const pay = (externalId: string, extra: Record<string, unknown> = {}) => ({ amount: 4999, currency: 'USD', externalId, customer: { externalId: 'c1' }, cardToken: 'tok_emulator_visa', ...extra });
const events = (e: Emulator) => e.core.events.map((x) => x.event);

describe('envelopes', () => {
  it.each([
    ['unknown route', 'GET', '/nope', false, 404, 'not_found'],
    ['wrong method', 'PUT', '/payments', true, 404, 'not_found'],
    ['no credentials', 'GET', '/merchant/api-keys', false, 401, 'unauthenticated'],
  ])('%s gets the documented envelope with a requestId', async (_n, method, path, auth, status, code) => {
    emu = await startEmulator();
    const r = await call(emu.url, method as string, path as string, auth ? emu.credentials('test') : undefined);
    expect(r.status).toBe(status);
    expect(r.json.code).toBe(code);
    expect(typeof r.json.message).toBe('string');
    expect(r.json.details.requestId).toMatch(/^req_[A-Za-z0-9]{26}$/);
  });

  it('400 for a body that is not JSON, and for malformed Basic auth', async () => {
    emu = await startEmulator();
    const bad = await fetch(`${emu.url}/payments`, { method: 'POST', body: '{nope', headers: { authorization: 'Basic x' } });
    expect(bad.status).toBe(400);
    const r = await fetch(`${emu.url}/merchant/api-keys`, { headers: { authorization: 'Bearer abc' } });
    expect(r.status).toBe(401);
  });

  it('401 once a key is revoked', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    expect((await call(emu.url, 'GET', '/merchant/api-keys', auth)).status).toBe(200);
    await call(emu.url, 'POST', '/__emulator/keys/revoke', undefined, { publicKey: auth.publicKey });
    expect((await call(emu.url, 'GET', '/merchant/api-keys', auth)).status).toBe(401);
  });
});

describe('externalId idempotency', () => {
  it('100 concurrent identical creates make exactly one payment and one charge', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const results = await Promise.all(Array.from({ length: 100 }, () => call(emu!.url, 'POST', '/payments', auth, pay('same'))));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(Object.keys(emu.core.state.payments)).toHaveLength(1);
    expect(events(emu).filter((e) => e === 'payment.succeeded')).toHaveLength(1);
  });

  it('key order does not matter; any payload change is 409 and creates nothing', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const a = await call(emu.url, 'POST', '/payments', auth, pay('k'));
    const reordered = Object.fromEntries(Object.entries(pay('k')).reverse());
    expect((await call(emu.url, 'POST', '/payments', auth, reordered)).json.id).toBe(a.json.id);
    for (const patch of [{ amount: 5000 }, { currency: 'EUR' }, { customer: { externalId: 'c2' } }, { description: 'x' }]) {
      const r = await call(emu.url, 'POST', '/payments', auth, pay('k', patch));
      expect([r.status, r.json.code]).toEqual([409, 'already_exists']);
    }
    expect(Object.keys(emu.core.state.payments)).toHaveLength(1);
  });
});

describe('billingAddress on payments', () => {
  it('is echoed from the request\'s billing (API and webhook data), all-null without one, and validated', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const billing = { name: 'Ada Operator', line1: '1 Mint St', line2: null, city: 'Lisbon', postalCode: '1100-001', country: 'PT', state: null, extra: 'ignored' };
    const created = (await call(emu.url, 'POST', '/payments', auth, pay('b1', { billing }))).json;
    const expected = { name: 'Ada Operator', line1: '1 Mint St', line2: null, city: 'Lisbon', postalCode: '1100-001', country: 'PT', state: null };
    expect(created.billingAddress).toEqual(expected);
    expect((await call(emu.url, 'GET', `/payments/${created.id}`, auth)).json.billingAddress).toEqual(expected);
    const succeeded = emu.core.events.find((e) => e.event === 'payment.succeeded' && (e.data as { id: string }).id === created.id);
    expect((succeeded?.data as { billingAddress: unknown }).billingAddress).toEqual(expected);
    const none = (await call(emu.url, 'POST', '/payments', auth, pay('b2'))).json;
    expect(none.billingAddress).toEqual({ country: null, postalCode: null, name: null, line1: null, line2: null, city: null, state: null });
    const bad = await call(emu.url, 'POST', '/payments', auth, pay('b3', { billing: { city: 42 } }));
    expect([bad.status, bad.json.code, bad.json.details.reason]).toEqual([400, 'invalid_argument', 'invalidBilling']);
    expect((await call(emu.url, 'POST', '/payments', auth, pay('b4', { billing: 'Lisbon' }))).status).toBe(400);
  });
});

describe('refunds', () => {
  it('one refund in flight at a time, events on settling, arithmetic up to the original amount', async () => {
    emu = await startEmulator({ refundSettleMs: 60_000 });
    const auth = emu.credentials('test');
    const p = (await call(emu.url, 'POST', '/payments', auth, pay('r'))).json;
    const r1 = await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'a', amount: 1500 });
    expect([r1.status, r1.json.status]).toEqual([200, 'pending']);
    const busy = await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'b', amount: 100 });
    expect(busy.status).toBe(409);
    // Replaying the in-flight refund is not a conflict.
    expect((await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'a', amount: 1500 })).json.id).toBe(r1.json.id);
    await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceMs: 60_000 });
    expect(events(emu)).toContain('payment.partially_refunded');
    const ev = emu.core.events.find((e) => e.event === 'payment.partially_refunded')!;
    expect(ev.type).toBe('payment');
    expect(ev.data).toMatchObject({ amountRefunded: 15, amountRefundable: 34.99, refund: { id: r1.json.id, status: 'succeeded' } });
    const conflict = await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'a', amount: 100 });
    expect([conflict.status, conflict.json.code]).toEqual([409, 'already_exists']);
    const tooBig = await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'c', amount: 3500 });
    expect(tooBig.status).toBe(422);
    const rest = await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'd', amount: null });
    expect(rest.json.amount).toBe(34.99);
    await call(emu.url, 'POST', `/__emulator/refunds/${rest.json.id}/settle`, undefined, { outcome: 'succeed' });
    const after = (await call(emu.url, 'GET', `/payments/${p.id}`, auth)).json;
    expect([after.status, after.amountRefunded, after.amountRefundable]).toEqual(['refunded', 49.99, 0]);
    expect(events(emu)).toContain('payment.refunded');
  });

  it('a failed refund leaves the payment untouched; refunds on failed or unpaid payments are 409', async () => {
    emu = await startEmulator({ refundSettleMs: 60_000 });
    const auth = emu.credentials('test');
    const p = (await call(emu.url, 'POST', '/payments', auth, pay('f'))).json;
    const r = (await call(emu.url, 'POST', `/payments/${p.id}/refund`, auth, { externalId: 'a' })).json;
    await call(emu.url, 'POST', `/__emulator/refunds/${r.id}/settle`, undefined, { outcome: 'decline' });
    expect(events(emu)).toContain('payment.refund_failed');
    expect((await call(emu.url, 'GET', `/payments/${p.id}`, auth)).json.status).toBe('succeeded');
    const failed = (await call(emu.url, 'POST', '/payments', auth, pay('f2', { cardToken: 'tok_emulator_declined' }))).json;
    expect((await call(emu.url, 'POST', `/payments/${failed.id}/refund`, auth, { externalId: 'x' })).status).toBe(409);
    const hosted = (await call(emu.url, 'POST', '/payments', auth, pay('f3', { cardToken: undefined, returnUrl: 'https://x.example' }))).json;
    expect((await call(emu.url, 'POST', `/payments/${hosted.id}/refund`, auth, { externalId: 'x' })).status).toBe(409);
  });
});

describe('subscriptions on the emulator clock', () => {
  const DAY = 86_400_000;

  it('renews every interval with subscription.succeeded', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const s = (await call(emu.url, 'POST', '/subscriptions', auth, { amount: 500, currency: 'USD', billingIntervalDays: 7, externalId: 's', returnUrl: 'https://x.example' })).json;
    await call(emu.url, 'POST', `/__emulator/subscriptions/${s.id}/complete`, undefined, {});
    const first = (await call(emu.url, 'GET', `/subscriptions/${s.id}`, auth)).json;
    expect(first.status).toBe('active');
    await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 22 });
    expect(events(emu).filter((e) => e === 'subscription.succeeded')).toHaveLength(4);
    const now = (await call(emu.url, 'GET', `/subscriptions/${s.id}`, auth)).json;
    expect(Date.parse(now.currentPeriodStart) - Date.parse(first.currentPeriodStart)).toBe(21 * DAY);
  });

  it('failed renewals go past_due on the dunning schedule, then cancelled', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const s = (await call(emu.url, 'POST', '/subscriptions', auth, { amount: 500, currency: 'USD', billingIntervalDays: 30, externalId: 's', cardToken: 'tok_emulator_visa' })).json;
    await call(emu.url, 'POST', `/__emulator/subscriptions/${s.id}/renewal-outcome`, undefined, { outcome: 'decline' });
    const advance = (days: number) => call(emu!.url, 'POST', '/__emulator/clock', undefined, { advanceDays: days });
    const status = async () => (await call(emu!.url, 'GET', `/subscriptions/${s.id}`, auth)).json.status;
    const failures = () => events(emu!).filter((e) => e === 'subscription.failed').length;
    await advance(30);
    expect([await status(), failures()]).toEqual(['past_due', 1]);
    // Attempts 2..5 on days 1, 4, 9 and 16 after the due date.
    for (const [day, n] of [[1, 2], [3, 3], [5, 4]] as const) {
      await advance(day - 0.01);
      expect(failures()).toBe(n - 1);
      await advance(0.01);
      expect([await status(), failures()]).toEqual(['past_due', n]);
    }
    await advance(7);
    expect(await status()).toBe('cancelled');
    expect(events(emu).at(-1)).toBe('subscription.cancelled');
    expect((await call(emu.url, 'DELETE', `/subscriptions/${s.id}`, auth)).status).toBe(409);
  });

  it('a dunning retry that succeeds makes it active again', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const s = (await call(emu.url, 'POST', '/subscriptions', auth, { amount: 500, currency: 'USD', billingIntervalDays: 30, externalId: 's', cardToken: 'tok_emulator_visa' })).json;
    await call(emu.url, 'POST', `/__emulator/subscriptions/${s.id}/renewal-outcome`, undefined, { outcome: 'decline' });
    await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 30 });
    await call(emu.url, 'POST', `/__emulator/subscriptions/${s.id}/renewal-outcome`, undefined, { outcome: 'succeed' });
    await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 1 });
    expect((await call(emu.url, 'GET', `/subscriptions/${s.id}`, auth)).json.status).toBe('active');
    expect((await call(emu.url, 'DELETE', `/subscriptions/${s.id}`, auth)).json.status).toBe('cancelled');
  });

  it('a declined hosted first charge fails the subscription', async () => {
    emu = await startEmulator();
    const auth = emu.credentials('test');
    const s = (await call(emu.url, 'POST', '/subscriptions', auth, { amount: 500, currency: 'USD', billingIntervalDays: 7, externalId: 's', returnUrl: 'https://x.example' })).json;
    const r = await fetch(`${emu.url}/__emulator/pay/${s.id}`, { method: 'POST', body: new URLSearchParams({ action: 'decline' }), redirect: 'manual' });
    expect(r.headers.get('location')).toContain(`subscriptionId=${s.id}`);
    expect((await call(emu.url, 'GET', `/subscriptions/${s.id}`, auth)).json.status).toBe('failed');
    expect(events(emu)).toEqual(['subscription.failed']);
  });
});

describe('state file', () => {
  it('survives a restart (keys, payments, idempotency, clock) and is written 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'golive-emu-'));
    dirs.push(dir);
    const statePath = join(dir, 'state.json');
    emu = await startEmulator({ statePath });
    const auth = emu.credentials('test');
    const p = (await call(emu.url, 'POST', '/payments', auth, pay('persist'))).json;
    await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 2 });
    await emu.close();
    expect((await stat(statePath)).mode & 0o777).toBe(0o600);
    emu = await startEmulator({ statePath });
    expect(emu.credentials('test')).toEqual(auth);
    expect((await call(emu.url, 'GET', `/payments/${p.id}`, auth)).json.status).toBe('succeeded');
    expect((await call(emu.url, 'POST', '/payments', auth, pay('persist'))).json.id).toBe(p.id);
    expect(emu.core.clock.offsetMs).toBe(2 * 86_400_000);
  });

  it('refuses a file that is not an emulator state with a typed error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'golive-emu-'));
    dirs.push(dir);
    const statePath = join(dir, 'state.json');
    await (await import('node:fs/promises')).writeFile(statePath, '{"hello": 1}');
    await expect(startEmulator({ statePath })).rejects.toMatchObject({ name: 'GoliveError', code: 'USAGE' });
  });
});
