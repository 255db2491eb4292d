// The emulator as a reference you can trust: `golive emulate` in a child process, killed with
// SIGKILL right after a 200, restarted on the same state file. Nothing acknowledged is lost, the
// same externalId replays instead of charging twice, and webhook retries that were due (and the
// delivery log) carry on after the restart. Test and live are two base URLs with their own keys
// and their own webhook URLs.
import type { ResultPromise } from 'execa';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { call, receiver, spawnEmulatorIn, until } from './helpers.js';

const dirs: string[] = [];
const children: ResultPromise[] = [];
let emu: Emulator | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await emu?.close();
  emu = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const spawnEmulator = (dir: string, extra: string[] = [], env: Record<string, string> = {}, fresh = true) => spawnEmulatorIn(children, dir, extra, env, fresh);

const hosted = (externalId: string) => ({ amount: 100, currency: 'USD', externalId, customer: { externalId: 'c1' }, returnUrl: 'https://shop.example/' });

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'golive-emu-durable-'));
  dirs.push(d);
  return d;
}

describe('emulator durability', () => {
  it('kill -9 right after a 200 loses nothing, and a replayed externalId does not charge twice', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const a = await spawnEmulator(dir);
    // Twenty writes in flight at once (one group commit or several), then one more, then SIGKILL at once.
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => call(a.url, 'POST', '/payments', a.test, hosted(`order_${i}`))));
    expect(created.map((r) => r.status)).toEqual(Array(20).fill(200));
    const last = await call(a.url, 'POST', '/payments', a.test, hosted('order_last'));
    expect(last.status).toBe(200);
    await a.kill9();
    expect((await stat(join(dir, 'emu.json.wal'))).mode & 0o777).toBe(0o600);

    const b = await spawnEmulator(dir);
    expect(b.test).toEqual(a.test);
    for (const [i, r] of [...created, last].entries()) {
      const got = await call(b.url, 'GET', `/payments/${r.json.id}`, b.test);
      expect(got.status, `payment ${i}`).toBe(200);
      expect(got.json.status).toBe('created');
    }
    const replay = await call(b.url, 'POST', '/payments', b.test, hosted('order_last'));
    expect(replay.status).toBe(200);
    expect(replay.json.id).toBe(last.json.id);
    // A state change (paid on the hosted page) survives a second kill too.
    const paid = await call(b.url, 'POST', `/__emulator/payments/${last.json.id}/complete`, undefined, { card: '4242424242424242' });
    expect(paid.json.status).toBe('succeeded');
    await b.kill9();
    const c = await spawnEmulator(dir);
    expect((await call(c.url, 'GET', `/payments/${last.json.id}`, c.test)).json.status).toBe('succeeded');
    // Changes outside the records (the clock, a revoked key) are just as durable.
    expect((await call(c.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 3 })).status).toBe(200);
    const rotated = await call(c.url, 'POST', '/__emulator/keys', undefined, { environment: 'live' });
    expect((await call(c.url, 'POST', '/__emulator/keys/revoke', undefined, { publicKey: c.live.publicKey })).status).toBe(200);
    await c.kill9();
    const d = await spawnEmulator(dir);
    expect((await call(d.url, 'GET', '/__emulator/clock')).json.offsetMs).toBe(3 * 86_400_000);
    expect((await call(d.liveUrl, 'GET', '/merchant/api-keys', c.live)).status).toBe(401);
    expect(d.live.publicKey).toBe(rotated.json.publicKey);
    expect((await call(d.liveUrl, 'GET', '/merchant/api-keys', d.live)).status).toBe(200);
    // Every live key revoked: the emulator still starts, and says how to get one.
    expect((await call(d.url, 'POST', '/__emulator/keys/revoke', undefined, { publicKey: d.live.publicKey })).status).toBe(200);
    await d.kill9();
    const e = await spawnEmulator(dir, [], {}, false);
    expect(e.output()).toContain('live  no active key (all revoked)');
    await e.kill9();
  });

  it('webhook retries that were due, and the delivery log, survive a kill -9 and restart', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const secret = `whsec_${Date.now()}durable`;
    // The merchant's endpoint fails the first attempt, then works.
    const rx = await receiver(secret, [500, 200]);
    // Attempt 2 is due 1.5 s after the first: after the kill, before or just after the restart.
    const args = ['--retry-scale', '0.05', '--webhook-url', rx.url, '--webhook-secret-env', 'EMU_SECRET'];
    try {
      const a = await spawnEmulator(dir, args, { EMU_SECRET: secret });
      await call(a.url, 'POST', '/payments', a.test, hosted('o1'));
      // Read back through the API: its reply waits until the failed attempt is on disk.
      let log = (await call(a.url, 'GET', '/__emulator/deliveries')).json;
      for (let i = 0; i < 500 && log.deliveries.length === 0; i++) log = (await call(a.url, 'GET', '/__emulator/deliveries')).json;
      expect(log.deliveries.map((d: { status: number }) => d.status)).toEqual([500]);
      await a.kill9();
      expect(rx.got).toHaveLength(1);

      const b = await spawnEmulator(dir, args, { EMU_SECRET: secret });
      await until(() => rx.got.length === 2, 'the retry after the restart', 15_000);
      expect(rx.got[1]?.raw).toBe(rx.got[0]?.raw);
      expect(rx.got[1]?.valid).toBe(true);
      let after = (await call(b.url, 'GET', '/__emulator/deliveries')).json;
      for (let i = 0; i < 500 && after.deliveries.length < 2; i++) after = (await call(b.url, 'GET', '/__emulator/deliveries')).json;
      expect(after.deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      expect(after.pending).toBe(0);
      await b.kill9();
    } finally {
      await rx.close();
    }
  });
});

describe('test and live are separate', () => {
  it('a live key on the sandbox base URL is 401, a test key on the live one too; each works on its own', async () => {
    emu = await startEmulator();
    const test = emu.credentials('test');
    const live = emu.credentials('live');
    expect((await call(emu.url, 'GET', '/merchant/api-keys', live)).status).toBe(401);
    expect((await call(emu.liveUrl, 'GET', '/merchant/api-keys', test)).status).toBe(401);
    const wrong = await call(emu.url, 'POST', '/payments', live, hosted('x'));
    expect([wrong.status, wrong.json.code]).toEqual([401, 'unauthenticated']);
    expect(Object.keys(emu.core.state.payments)).toHaveLength(0);
    expect((await call(emu.url, 'GET', '/merchant/api-keys', test)).status).toBe(200);
    const p = await call(emu.liveUrl, 'POST', '/payments', live, hosted('x'));
    expect([p.status, p.json.id ? 'id' : 'none']).toEqual([200, 'id']);
    expect(emu.core.state.payments[p.json.id]?.environment).toBe('live');
  });

  it('test events go only to the test webhook URL, live events only to the live one', async () => {
    const secret = 'whsec_' + 'separate-urls-0001';
    const rxTest = await receiver(secret);
    const rxLive = await receiver(secret);
    try {
      emu = await startEmulator({ webhookSecret: secret, webhookUrl: rxTest.url, liveWebhookUrl: rxLive.url });
      const body = { amount: 100, currency: 'USD', externalId: 'e1', customer: {}, cardToken: 'tok_emulator_visa' };
      await call(emu.url, 'POST', '/payments', emu.credentials('test'), body);
      await call(emu.liveUrl, 'POST', '/payments', emu.credentials('live'), body);
      await until(() => rxTest.got.length === 3 && rxLive.got.length === 3, 'three events each');
      expect(new Set(rxTest.got.map((g) => g.body.environment))).toEqual(new Set(['test']));
      expect(new Set(rxLive.got.map((g) => g.body.environment))).toEqual(new Set(['live']));
    } finally {
      await rxTest.close();
      await rxLive.close();
    }
  });
});
