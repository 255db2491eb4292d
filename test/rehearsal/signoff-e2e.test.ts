// The sign-off through the built CLI: a scripted run says so; `report --verify --online` re-reads
// every id at the emulator and catches a signed sign-off whose refund never happened; an edited
// state file never satisfies `check --require-rehearsal`, which names the sign-off it used.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates, statePath } from '../../src/rehearsal/store.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { HAPPY_ANSWERS, advanceDays, pinOperator, rehearse, world, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function signOffFile(dir: string): Promise<string> {
  const names = (await readdir(path.join(dir, 'golive-rehearsal'))).filter((n) => n.endsWith('.json'));
  expect(names).toHaveLength(1);
  return path.join(dir, 'golive-rehearsal', names[0] as string);
}

const gate = (dir: string) => golive(['check', dir, '--require-rehearsal', '--only', 'rehearsal', '--format', 'json', '--offline'], { env: cleanEnv() });
const statuses = (stdout: string) => (JSON.parse(stdout) as { checks: Array<{ id: string; status: string }> }).checks.map((c) => `${c.id}:${c.status}`);

describe('sign-off, end to end', () => {
  it('a completed scripted practice run: says scripted, verifies online, and the gate names it', { timeout: 120_000 }, async () => {
    w = await world();
    expect((await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' })).code).toBe(0);
    await advanceDays(w.emu, 8);
    const done = await rehearse(w, HAPPY_ANSWERS);
    expect(done.code, done.stdout).toBe(0);
    const json = await signOffFile(w.dir);
    const doc = JSON.parse(await readFile(json, 'utf8'));
    expect(doc.scripted).toBe(true);
    expect(doc.practice).toBe(true);
    const charge = doc.steps.find((s: { id: string }) => s.id === 'charge');
    expect(charge.provenance['charge.webhookReceived']).toMatchObject({ via: 'answers-file', file: 'answers.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), observed: { what: `GET /payments/${charge.ids.paymentId}`, status: 'succeeded' } });
    const refund = doc.steps.find((s: { id: string }) => s.id === 'refund');
    expect(refund.provenance['refund.moneyReturned'].observed.status).toBe('refunded');
    // The ids MintCash returned, request ids included.
    expect(charge.ids).toMatchObject({ paymentId: expect.any(String), createRequestId: expect.stringMatching(/^req_/) });
    expect(refund.ids).toMatchObject({ refundId: expect.any(String), refundRequestId: expect.stringMatching(/^req_/) });
    const cancel = doc.steps.find((s: { id: string }) => s.id === 'cancel');
    expect(cancel.ids.cancelRequestId).toMatch(/^req_/);
    const md = await readFile(json.replace(/\.json$/, '.md'), 'utf8');
    expect(md).toContain('Answers: SCRIPTED');
    expect(md).toContain('PRACTICE: test keys, a sandbox/emulator target');
    expect(md).toContain('amount: 1.00 USD');
    expect(md).not.toMatch(/amount: 100\b/);
    expect(md).toMatch(/currentPeriodEnd: \S+ \(emulator clock\)/);

    const online = await golive(['report', '--verify', '--online', json], { cwd: w.dir, env: cleanEnv(w.env) });
    expect(online.exitCode, online.stdout + online.stderr).toBe(0);
    expect(online.stdout).toMatch(/✔ charge: payment \S+ is refunded, 1.00 USD, externalId golive-rehearsal-\S+-charge, created at MintCash \S+/);
    expect(online.stdout).toMatch(/✔ refund: payment \S+ is refunded in full \(1.00 USD\) by refund \S+ \(golive-rehearsal-\S+-refund\)/);
    expect(online.stdout).toMatch(/✔ renewal: the current period began \S+, at least 7 days after MintCash created the subscription/);
    expect(online.stdout).toMatch(/✔ cancel: subscription \S+ is cancelled/);
    expect(online.stdout).toContain('OK (online): MintCash confirms all 5 claims');
    // The secret never reaches the output.
    expect(online.stdout + online.stderr).not.toContain(w.env.MINTCASH_SECRET_KEY);

    await pinOperator(w);
    const pass = await gate(w.dir);
    expect(statuses(pass.stdout).every((s) => s.endsWith(':pass'))).toBe(true);
    const report = JSON.parse(pass.stdout) as { checks: Array<{ summary: string; evidence?: Record<string, unknown> }> };
    expect(report.checks[0]?.summary).toContain(path.relative(w.dir, json));
    expect(report.checks[0]?.evidence?.verifiedSignOff).toBe(true);
  });

  it('--verify --online catches a signed sign-off whose refund never happened', { timeout: 120_000 }, async () => {
    w = await world();
    // The operator stops at the refund confirmation (nothing refunded)…
    const first = await rehearse(w, { ...HAPPY_ANSWERS, 'refund.confirm': 'not now' }, {}, {}, { unchecked: true });
    expect(first.stdout).toContain('confirmation did not match');
    const [state] = (await listStates(w.dir)).states;
    // …then edits the state to claim the refund (and everything else) happened, and signs it.
    const file = statePath(w.dir, state!.id);
    const edited = JSON.parse(await readFile(file, 'utf8'));
    for (const s of Object.values(edited.steps) as Array<Record<string, unknown>>) s.status = 'done';
    edited.steps.refund.ids.refundId = 'never-made';
    edited.status = 'completed';
    await writeFile(file, JSON.stringify(edited));
    const signed = await golive(['rehearse', w.dir, '--report'], { env: cleanEnv(w.env) });
    expect(signed.exitCode, signed.stderr).toBe(0);
    const json = await signOffFile(w.dir);
    const offline = await golive(['report', '--verify', json], { cwd: w.dir, env: cleanEnv() });
    expect(offline.exitCode).toBe(0); // the signature is genuine: the operator signed a lie
    const online = await golive(['report', '--verify', '--online', json], { cwd: w.dir, env: cleanEnv(w.env) });
    expect(online.exitCode).toBe(1);
    expect(online.stdout).toMatch(/✖ refund: MintCash shows succeeded, 0.00 USD of 1.00 USD refunded/);
    expect(online.stdout).toMatch(/FAILED \(online\): MintCash does not confirm refund, subscription/);

    // Online needs the right keys and the config's API, never one named by the file.
    const noKeys = await golive(['report', '--verify', '--online', json], { cwd: w.dir, env: cleanEnv() });
    expect(noKeys.exitCode).toBe(2);
    expect(noKeys.stderr).toContain('--online needs the test key pair');
    const otherApi = await golive(['report', '--verify', '--online', json, '--api-base-url', 'http://127.0.0.1:9'], { cwd: w.dir, env: cleanEnv(w.env) });
    expect(otherApi.exitCode).toBe(1);
    expect(otherApi.stdout).toContain('the sign-off was made against');
  });

  it('an edited state file does not satisfy --require-rehearsal; only a verified sign-off does', { timeout: 120_000 }, async () => {
    w = await world();
    await pinOperator(w);
    expect((await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' })).code).toBe(0);
    const [state] = (await listStates(w.dir)).states;
    const file = statePath(w.dir, state!.id);
    const edited = JSON.parse(await readFile(file, 'utf8'));
    for (const s of Object.values(edited.steps) as Array<Record<string, unknown>>) s.status = 'done';
    edited.status = 'completed';
    await writeFile(file, JSON.stringify(edited));
    const none = await gate(w.dir);
    expect(statuses(none.stdout).every((s) => s.endsWith(':pending'))).toBe(true);
    expect(none.stdout).toContain('No signed rehearsal sign-off in golive-rehearsal/');
    expect(none.exitCode).toBe(1);

    // A partial sign-off of the real record: only what really happened passes.
    await writeFile(file, JSON.stringify(state));
    expect((await golive(['rehearse', w.dir, '--report'], { env: cleanEnv(w.env) })).exitCode).toBe(0);
    const partial = await gate(w.dir);
    expect(statuses(partial.stdout)).toEqual(['rehearsal.charge:pass', 'rehearsal.settlement:pending', 'rehearsal.refund:pass', 'rehearsal.renewal:pending', 'rehearsal.cancel:pending']);

    // An unsigned copy (signature removed, digest recomputed) does not count.
    const json = await signOffFile(w.dir);
    const doc = JSON.parse(await readFile(json, 'utf8'));
    delete doc.signature;
    await writeFile(json, JSON.stringify(doc));
    const unsigned = await gate(w.dir);
    expect(statuses(unsigned.stdout).every((s) => s.endsWith(':pending'))).toBe(true);
    expect(unsigned.stdout).toContain('unsigned');
  });
});
