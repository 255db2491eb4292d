// Every failure path of the rehearsal against the emulator: declined card, refund refused by the
// provider, renewal failing, a webhook the merchant never received, the API going down mid-step,
// a typed confirmation that does not match, and the safety refusals that happen before any call.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates } from '../../src/rehearsal/store.js';
import { createOutput } from '../../src/output/boundary.js';
import { GoliveError } from '../../src/errors.js';
import { fakeKey } from '../helpers/keys.js';
import { HAPPY_ANSWERS, advanceDays, ledger, rehearse, world, type World } from './helpers.js';

let w: World | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  proxy = undefined;
  await w?.close();
  w = undefined;
});

const latest = async (dir: string) => (await listStates(dir)).states[0];

/** A real HTTP proxy in front of the emulator that can play "MintCash is down" (503, no envelope). */
async function flakyProxy(target: string) {
  const state = { down: false };
  const t = new URL(target);
  proxy = createServer((req, res) => {
    if (state.down) {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<h1>Service Unavailable</h1>');
      return;
    }
    const up = request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`, state };
}

describe('rehearsal failure paths', () => {
  it('records a declined card as a failed charge with advice, and moves no further', async () => {
    w = await world();
    w.cards.payment = '4000000000000002';
    const r = await rehearse(w, HAPPY_ANSWERS);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Practice charge (no real money) failed');
    const s = await latest(w.dir);
    expect(s?.status).toBe('failed');
    expect(s?.steps.charge.failure).toMatchObject({ code: 'payment-failed' });
    expect(s?.steps.charge.failure?.message).toContain('card_declined');
    expect(s?.steps.charge.failure?.advice).toMatch(/--new/);
    expect(s?.steps.subscription.status).toBe('not_started');
    expect(ledger(w.emu).refunds).toBe(0);
  });

  it('records a refund the provider refused', async () => {
    w = await world({ refundSettleMs: 3_600_000 });
    const settleDeclined = setInterval(() => {
      for (const rf of Object.values(w!.emu.core.state.refunds)) {
        if (rf.status === 'pending') void fetch(`${w!.emu.url}/__emulator/refunds/${rf.id}/settle`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"outcome":"decline"}' }).catch(() => undefined);
      }
    }, 10);
    try {
      const r = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' });
      expect(r.code).toBe(1);
      const s = await latest(w.dir);
      expect(s?.steps.refund.status).toBe('failed');
      expect(s?.steps.refund.failure?.code).toBe('refund-failed');
      expect(ledger(w.emu).refunds).toBe(1);
    } finally {
      clearInterval(settleDeclined);
    }
  });

  it('records a refund MintCash refuses outright (payment already refunded elsewhere)', async () => {
    w = await world({ refundSettleMs: 0 });
    // Someone refunds the rehearsal charge by other means before the refund step.
    // An unchecked asker (no up-front validation) plays an operator who types something else.
    const first = await rehearse(w, { ...HAPPY_ANSWERS, 'refund.confirm': 'no' }, {}, {}, { unchecked: true });
    expect(first.stdout).toContain('confirmation did not match');
    const s0 = await latest(w.dir);
    const c = w.emu.credentials('test');
    const auth = `Basic ${Buffer.from(`${c.publicKey}:${c.secretKey}`).toString('base64')}`;
    await fetch(`${w.emu.url}/payments/${s0?.steps.charge.ids.paymentId}/refund`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ externalId: 'elsewhere' }) });
    const r = await rehearse(w, HAPPY_ANSWERS);
    expect(r.code).toBe(1);
    const s = await latest(w.dir);
    expect(s?.steps.refund.failure?.code).toBe('refund-refused');
    expect(s?.steps.refund.failure?.message).toMatch(/409/);
    expect(s?.steps.refund.failure?.requestId).toMatch(/^req_/);
  });

  it('records a failing renewal (past_due) after the period ends', async () => {
    w = await world();
    const r1 = await rehearse(w, HAPPY_ANSWERS);
    expect(r1.code).toBe(0);
    const s1 = await latest(w.dir);
    const subId = s1?.steps.subscription.ids.subscriptionId;
    await fetch(`${w.emu.url}/__emulator/subscriptions/${subId}/renewal-outcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"outcome":"decline"}' });
    await advanceDays(w.emu, 8);
    const r2 = await rehearse(w, HAPPY_ANSWERS);
    expect(r2.code).toBe(1);
    const s = await latest(w.dir);
    expect(s?.steps.renewal.failure?.code).toBe('renewal-failed');
    expect(s?.steps.renewal.failure?.message).toContain('past_due');
    expect(s?.steps.cancel.status).toBe('not_started');
  });

  it('records a webhook the merchant never received, and lets a resumed run re-ask', async () => {
    w = await world();
    const r1 = await rehearse(w, { ...HAPPY_ANSWERS, 'charge.webhookReceived': false });
    expect(r1.code).toBe(1);
    let s = await latest(w.dir);
    expect(s?.steps.charge.failure).toMatchObject({ code: 'webhook-not-received' });
    expect(s?.steps.charge.failure?.advice).toContain('golive check --only webhook');
    // Fixed the endpoint: resuming re-asks; the payment is reused, not charged again.
    const r2 = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' });
    expect(r2.code).toBe(0);
    s = await latest(w.dir);
    expect(s?.steps.charge.status).toBe('done');
    expect(ledger(w.emu).charges).toBe(1);
  });

  it('saves the state when the API goes down mid-step, says so, and resumes without a second charge', async () => {
    w = await world();
    const p = await flakyProxy(w.emu.url);
    w.paying = false;
    const run = rehearse(w, HAPPY_ANSWERS, { apiBaseUrl: p.url, pollInterval: 20, pollMax: 200 });
    // Down as soon as the payment exists: the poll hits 503s mid-step.
    while (Object.keys(w.emu.core.state.payments).length === 0) await new Promise((r) => setTimeout(r, 5));
    p.state.down = true;
    const r1 = await run;
    expect(r1.code).toBe(1);
    expect(r1.stdout).toMatch(/MintCash API unavailable: GET \/payments\/.* 503/);
    // The resume hint is the whole command, --api-base-url included: doing what it says works.
    expect(r1.stdout).toContain(`run \`golive rehearse ${w.dir} --api-base-url ${p.url} --answers `);
    const s = await latest(w.dir);
    expect(s?.steps.charge.phase).toBe('created');
    expect(s?.steps.charge.lastError?.message).toContain('503');
    p.state.down = false;
    w.paying = true;
    const r2 = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' }, { apiBaseUrl: p.url });
    expect(r2.code).toBe(0);
    expect(ledger(w.emu).charges).toBe(1);
  });

  it('refuses test keys against production and live keys against the emulator before sending anything', async () => {
    w = await world();
    const prod = await rehearse(w, HAPPY_ANSWERS, { apiBaseUrl: 'https://api.mintcash.me' });
    expect(prod.error).toBeInstanceOf(GoliveError);
    expect(String((prod.error as Error).message)).toContain("refusing to send test keys to api.mintcash.me (--api-base-url): that is MintCash's live API");
    const live = await rehearse(w, HAPPY_ANSWERS, {}, { MINTCASH_PUBLIC_KEY: fakeKey('pk', 'live', 'a'), MINTCASH_SECRET_KEY: fakeKey('sk', 'live', 'a') });
    expect(String((live.error as Error).message)).toMatch(/refusing to send live keys to 127\.0\.0\.1:\d+ \(api\.baseUrl in the repository config\): that is this machine/);
    expect(Object.keys(w.emu.core.state.payments)).toHaveLength(0);
    expect(await latest(w.dir)).toBeUndefined();
  });

  it('live keys through a host the operator allows: announced on stderr first, named on screen, never the plain "LIVE: real money"', async () => {
    w = await world();
    const live = w.emu.credentials('live');
    const r = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' }, { apiBaseUrl: w.emu.liveUrl, allowLiveHost: ['127.0.0.1'] }, { MINTCASH_PUBLIC_KEY: live.publicKey, MINTCASH_SECRET_KEY: live.secretKey });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toMatch(/^golive: sending live keys to 127\.0\.0\.1:\d+, not MintCash's live API \(allowed by --allow-live-host\)$/m);
    expect(r.stdout).toMatch(/started against \S+ \(LIVE through 127\.0\.0\.1:\d+ \(allowed by --allow-live-host\), not api\.mintcash\.me: real money\)/);
    expect(r.stdout).not.toContain('(LIVE: real money)');
    const st = await latest(w.dir);
    // The operator's allowance makes it their live API host; the record says it was not MintCash's own.
    expect(st?.target).toMatchObject({ keyEnvironment: 'live', baseUrlKind: 'loopback', liveHost: true });
    // The pair did go there (the allowed host answered the key check).
    expect(r.stdout).toMatch(/✔ Key pair pk_live_…\S+ is active for live/);
  });

  it('enforces the amount cap, prints a masked dry run, and refuses without a terminal or answers', async () => {
    w = await world();
    const over = await rehearse(w, HAPPY_ANSWERS, { amount: 500 });
    expect(String((over.error as Error).message)).toMatch(/above the cap of 1\.00 USD/);
    const dry = await rehearse(w, {}, { dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('POST /payments');
    expect(dry.stdout).toContain('DELETE /subscriptions/{subscriptionId}');
    expect(dry.stdout).toContain('"externalId":"golive-rehearsal-<rehearsal-id>-charge"');
    expect(dry.stdout).not.toContain(w.env.MINTCASH_SECRET_KEY);
    expect(dry.stdout).not.toContain(w.env.MINTCASH_PUBLIC_KEY);
    expect(Object.keys(w.emu.core.state.payments)).toHaveLength(0);

    const { runRehearseCommand } = await import('../../src/cli/rehearse-run.js');
    const quiet = () => createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never });
    const noTty = runRehearseCommand(w.dir, {}, { env: w.env, output: quiet(), stdin: { isTTY: false }, onInterrupt: () => () => undefined });
    await expect(noTty).rejects.toThrow(/needs a terminal/);
    await writeFile(path.join(w.dir, 'answers.yaml'), 'operator: Ada\n');
    const partial = runRehearseCommand(w.dir, { answers: path.join(w.dir, 'answers.yaml') }, { env: w.env, output: quiet(), stdin: { isTTY: false }, onInterrupt: () => () => undefined });
    await expect(partial).rejects.toMatchObject({ message: expect.stringMatching(/does not answer this rehearsal .*nothing was created or sent/), details: expect.arrayContaining(['"preflight.webhookRegistered" has no answer', '"cancel.confirm" has no answer']) });
    expect((await listStates(w.dir)).states).toHaveLength(0);
    expect(Object.keys(w.emu.core.state.payments)).toHaveLength(0);
  });
});
