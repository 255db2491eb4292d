// Webhook delivery from the emulator: the real envelope, signatures checked by an independent HMAC,
// the documented retry schedule (time-scaled), and the delivery log.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { call, receiver, until } from './helpers.js';

const SECRET = 'whsec_' + 'independent-test-secret';
let emu: Emulator | undefined;
let rx: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await emu?.close();
  await rx?.close();
  emu = rx = undefined;
});

describe('webhook delivery', () => {
  it('delivers signed envelopes for a hosted payment that a person pays', async () => {
    rx = await receiver(SECRET);
    emu = await startEmulator({ webhookUrl: rx.url, webhookSecret: SECRET });
    const auth = emu.credentials('test');
    const created = await call(emu.url, 'POST', '/payments', auth, { amount: 125, currency: 'USD', externalId: 'o1', customer: {}, returnUrl: 'https://shop.example/back' });
    // The hosted page, submitted as a browser would.
    const page = await fetch(created.json.redirectUrl);
    expect(await page.text()).toContain('Pay 1.25 USD');
    const done = await fetch(created.json.redirectUrl, { method: 'POST', body: new URLSearchParams({ card: '4242424242424242', action: 'pay' }), redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`https://shop.example/back?paymentId=${created.json.id}`);
    await until(() => rx!.got.length === 3, 'three events');
    const events = rx.got.map((g) => g.body.event).sort();
    expect(events).toEqual(['payment.created', 'payment.pending', 'payment.succeeded']);
    for (const g of rx.got) {
      expect(g.valid).toBe(true);
      expect(g.body).toMatchObject({ type: 'payment', apiVersion: '2026-05-01', environment: 'test' });
      expect(g.body.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(g.body.data.id).toBe(created.json.id);
    }
    const succeeded = rx.got.find((g) => g.body.event === 'payment.succeeded')!;
    expect(succeeded.body.data).toMatchObject({ status: 'succeeded', amount: 1.25, card: { last4: '4242', expMonth: '12' } });
    expect(String(succeeded.body.data.cardToken)).toMatch(/^tok_/);
    await until(() => emu!.deliverer.log.length === 3, 'log');
    expect(emu.deliverer.log.every((a) => a.ok && a.status === 200 && a.attempt === 1)).toBe(true);
  });

  it('a tampered body fails the independent check (the receiver is not fooled)', async () => {
    rx = await receiver('whsec_' + 'some-other-secret');
    emu = await startEmulator({ webhookUrl: rx.url, webhookSecret: SECRET });
    await call(emu.url, 'POST', '/payments', emu.credentials('test'), { amount: 100, currency: 'USD', externalId: 'o', customer: {}, returnUrl: 'https://x.example' });
    await until(() => rx!.got.length === 1, 'event');
    expect(rx.got[0]?.valid).toBe(false);
  });

  it('retries along the documented schedule and gives up after the sixth attempt', async () => {
    rx = await receiver(SECRET, [500]);
    emu = await startEmulator({ webhookUrl: rx.url, webhookSecret: SECRET, retryScale: 0.00002 });
    await call(emu.url, 'POST', '/payments', emu.credentials('test'), { amount: 100, currency: 'USD', externalId: 'o', customer: {}, returnUrl: 'https://x.example' });
    await until(() => emu!.deliverer.log.length === 6, 'six attempts', 10_000);
    const log = emu.deliverer.log;
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log.map((a) => a.scheduledAfterMs)).toEqual([0, 30_000, 120_000, 600_000, 3_600_000, 21_600_000]);
    expect(log.map((a) => a.gaveUp)).toEqual([false, false, false, false, false, true]);
    expect(new Set(log.map((a) => a.eventId)).size).toBe(1);
    expect(new Set(rx.got.map((g) => g.raw)).size).toBe(1);
    const viaHttp = await call(emu.url, 'GET', '/__emulator/deliveries');
    expect(viaHttp.json.deliveries).toHaveLength(6);
    expect(viaHttp.json.deliveries[0]).toMatchObject({ status: 500, ok: false });
    expect(typeof viaHttp.json.deliveries[0].latencyMs).toBe('number');
  });

  it('stops retrying once the endpoint answers 2xx; a redirect is not success', async () => {
    rx = await receiver(SECRET, [503, 302, 204]);
    emu = await startEmulator({ webhookUrl: rx.url, webhookSecret: SECRET, retryScale: 0.0001 });
    await call(emu.url, 'POST', '/payments', emu.credentials('test'), { amount: 100, currency: 'USD', externalId: 'o', customer: {}, returnUrl: 'https://x.example' });
    await until(() => emu!.deliverer.log.some((a) => a.ok), 'success', 10_000);
    expect(emu.deliverer.log.map((a) => a.status)).toEqual([503, 302, 204]);
  });

  it('logs an unreachable endpoint as a failed attempt with an error', async () => {
    const dead = await receiver(SECRET);
    await dead.close();
    emu = await startEmulator({ webhookUrl: dead.url, webhookSecret: SECRET, retryScale: 0.000001 });
    await call(emu.url, 'POST', '/payments', emu.credentials('test'), { amount: 100, currency: 'USD', externalId: 'o', customer: {}, returnUrl: 'https://x.example' });
    await until(() => emu!.deliverer.log.length === 6, 'six attempts', 10_000);
    expect(emu.deliverer.log[0]).toMatchObject({ status: null, ok: false });
    expect(emu.deliverer.log[0]?.error).toBeTruthy();
  });
});
