// The built CLI as a child process: killed with SIGKILL at every step boundary (the
// GOLIVE_REHEARSAL_CRASH_AFTER hook kills the process right after that boundary was saved, or right
// after a money-moving call returned and before its result was saved), resumed each time, and the
// emulator's ledger shows each movement exactly once. Then verify, check --require-rehearsal, and
// one interactive run in a real pseudo-terminal (util-linux `script`).
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates } from '../../src/rehearsal/store.js';
import { BIN, cleanEnv, golive } from '../e2e/cli.js';
import { digestOf } from '../../src/rehearsal/canonical.js';
import { HAPPY_ANSWERS, advanceDays, ledger, pinOperator, world, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const BEFORE_RENEWAL = [
  'start',
  'preflight:keys-verified',
  'preflight',
  'charge:confirmed',
  'charge:sent',
  'charge:created',
  'charge:paid',
  'charge',
  'settlement',
  'refund:confirmed',
  'refund:sent',
  'refund:requested',
  'refund:refunded',
  'refund:webhook-confirmed',
  'refund',
  'subscription:confirmed',
  'subscription:sent',
  'subscription:created',
  'subscription:active',
  'subscription',
];
const AFTER_RENEWAL = ['renewal:renewed', 'renewal', 'cancel:confirmed', 'cancel:sent', 'cancel:cancelled'];

describe('golive rehearse (built CLI)', () => {
  it('never moves money twice when killed at any step boundary and resumed', { timeout: 180_000 }, async () => {
    w = await world();
    const answers = path.join(w.dir, 'answers.json');
    await writeFile(answers, JSON.stringify(HAPPY_ANSWERS));
    const args = ['rehearse', w.dir, '--answers', answers, '--poll-interval', '10', '--poll-max', '500'];
    const run = (crash?: string) =>
      execa('node', [BIN, ...args], { env: cleanEnv({ ...w!.env, ...(crash ? { GOLIVE_REHEARSAL_CRASH_AFTER: crash } : {}) }), extendEnv: false, reject: false, timeout: 60_000 });
    for (const label of BEFORE_RENEWAL) {
      const r = await run(label);
      expect(r.signal, `${label}: ${r.stdout}\n${r.stderr}`).toBe('SIGKILL');
    }
    await advanceDays(w.emu, 8);
    for (const label of AFTER_RENEWAL) {
      const r = await run(label);
      expect(r.signal, `${label}: ${r.stdout}\n${r.stderr}`).toBe('SIGKILL');
    }
    const last = await run();
    expect(last.exitCode, last.stderr).toBe(0);
    expect(last.stdout).toContain('completed');
    expect(ledger(w.emu)).toEqual({ charges: 1, refunds: 1, subscriptions: 1, cancels: 1 });
    const { states } = await listStates(w.dir);
    expect(states).toHaveLength(1);
    expect(states[0]?.status).toBe('completed');

    const json = path.join(w.dir, 'golive-rehearsal', `golive-rehearsal-${states[0]?.id}.json`);
    const gate = () => golive(['check', w!.dir, '--require-rehearsal', '--only', 'rehearsal', '--format', 'json', '--offline'], { env: cleanEnv() });
    const statuses = (r: { stdout: string }) => (JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string }> }).checks.map((c) => `${c.id}:${c.status}`);
    // Signed, but nobody pinned the key yet: accepted by --verify with a warning, not by the gate.
    const unpinned = await golive(['report', '--verify', json], { cwd: w.dir });
    expect(unpinned.exitCode).toBe(0);
    // The key leads; the name is the document's claim, and never the name offered for pinning.
    expect(unpinned.stdout).toMatch(/^OK: .* is intact and signed by key SHA256:[A-Za-z0-9+/]{43} \(not pinned; the document names "Ada Operator", which only the key can back\) \(sha256 [0-9a-f]{64}\)\n/);
    expect(unpinned.stdout).toContain('PRACTICE');
    expect(unpinned.stderr).toMatch(/warning: no rehearsal.signers are pinned, so any valid signature is accepted: this one is key (SHA256:\S+); the name in it \("Ada Operator"\) is the document's own claim\. Check the fingerprint .* add \{"name": "<who holds \1>", "publicKey": "/);
    expect(unpinned.stderr).not.toContain('"name": "Ada Operator"');
    const before = await gate();
    expect(statuses(before).every((s) => s.endsWith(':pending'))).toBe(true);
    expect(before.exitCode).toBe(1);

    await pinOperator(w);
    const ok = await golive(['report', '--verify', json], { cwd: w.dir });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/signed by key SHA256:\S+ \(pinned as "Ada"; the document names "Ada Operator"\)/);
    expect(ok.stderr).toBe('');
    const passed = await gate();
    expect(statuses(passed)).toEqual(['rehearsal.charge:pass', 'rehearsal.settlement:pass', 'rehearsal.refund:pass', 'rehearsal.renewal:pass', 'rehearsal.cancel:pass']);
    expect(passed.stdout).toContain(`golive-rehearsal-${states[0]?.id}.json`);
    expect(passed.exitCode).toBe(0);

    // Forged: a field changed and the digest recomputed by the published rule.
    const text = await readFile(json, 'utf8');
    const doc = JSON.parse(text.replace('"Ada Operator"', '"Ada Operatos"')) as Record<string, unknown>;
    doc.digest = { algorithm: 'sha256', value: digestOf(doc) };
    await writeFile(json, JSON.stringify(doc, null, 2));
    const bad = await golive(['report', '--verify', json], { cwd: w.dir });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED: .*: bad signature: the content was changed after signing/);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    expect(statuses(await gate()).every((s) => s.endsWith(':pending'))).toBe(true);
  });

  it('refuses without a terminal and without --answers, clearly and at once', async () => {
    w = await world();
    const r = await golive(['rehearse', w.dir], { env: cleanEnv(w.env) });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr).toContain('--answers');
  });

  it('drives the prompts in a real pseudo-terminal, and Ctrl-C saves the state and exits 130', { timeout: 60_000 }, async () => {
    const which = await execa('which', ['script'], { reject: false });
    if (which.exitCode !== 0) return;
    w = await world();
    // A pty started from a pipe has no size (0 columns); give it one like a real terminal's.
    const cmd = `stty cols 120 rows 40; node ${BIN} rehearse ${w.dir} --poll-interval 10`;
    const child = execa('script', ['-qefc', cmd, '/dev/null'], { env: cleanEnv({ ...w.env, TERM: 'xterm' }), extendEnv: false, reject: false, timeout: 50_000, stdin: 'pipe' });
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => (seen += d.toString('utf8')));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 2000 && !seen.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
      if (!seen.includes(text)) throw new Error(`never saw "${text}" in:\n${seen}`);
      await new Promise((r) => setTimeout(r, 50));
    };
    const type = (s: string) => child.stdin?.write(s);
    await waitFor('Your name');
    type('Pat Terminal\r');
    await waitFor('registered as the webhook URL');
    type('y\r');
    await waitFor('IP allow list');
    type('y\r');
    await waitFor('How do you want to make the practice charge?');
    type('\r');
    await waitFor('Type 1.00 USD to confirm');
    type('1.00 USD\r');
    await waitFor('Did your system receive payment.succeeded');
    // No default: Enter alone does not confirm receipt.
    type('\r');
    await waitFor('type yes or no');
    type('\x03');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const r = await child;
    clearTimeout(killer);
    expect(r.exitCode, seen).toBe(130);
    expect(seen).toContain('/__emulator/pay/');
    expect(seen).toContain('is saved');
    const [state] = (await listStates(w.dir)).states;
    expect(state?.operator.name).toBe('Pat Terminal');
    expect(state?.steps.charge.phase).toBe('paid');
    expect(state?.sessions.at(-1)?.outcome).toBe('interrupted (Ctrl-C)');
    expect(ledger(w.emu).charges).toBe(1);
    expect(seen).toContain('PRACTICE');
    expect(seen).toMatch(/Payment succeeded: 1\.00 USD, visa ····4242, MintCash payment/);
  });

  it('Ctrl-C while the spinner waits for the hosted page saves, prints the resume command and exits 130', { timeout: 60_000 }, async () => {
    const which = await execa('which', ['script'], { reject: false });
    if (which.exitCode !== 0) return;
    w = await world();
    w.paying = false;
    const cmd = `stty cols 120 rows 40; node ${BIN} rehearse ${w.dir} --poll-interval 50`;
    const child = execa('script', ['-qefc', cmd, '/dev/null'], { env: cleanEnv({ ...w.env, TERM: 'xterm' }), extendEnv: false, reject: false, timeout: 50_000, stdin: 'pipe' });
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => (seen += d.toString('utf8')));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 2000 && !seen.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
      if (!seen.includes(text)) throw new Error(`never saw "${text}" in:\n${seen}`);
      await new Promise((r) => setTimeout(r, 50));
    };
    const type = (s: string) => child.stdin?.write(s);
    await waitFor('Your name');
    type('Pat Terminal\r');
    await waitFor('registered as the webhook URL');
    type('yes\r');
    await waitFor('IP allow list');
    type('no\r');
    await waitFor('How do you want to make');
    type('\r');
    await waitFor('Type 1.00 USD to confirm');
    type('1.00 USD\r');
    await waitFor('(check ');
    type('\x03');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const r = await child;
    clearTimeout(killer);
    expect(r.exitCode, seen).toBe(130);
    expect(seen).toMatch(/Interrupted: rehearsal \d{8}-[a-z0-9]{6} is saved\. Resume with: golive rehearse /);
    const [state] = (await listStates(w.dir)).states;
    expect(state?.steps.charge.phase).toBe('created');
    expect(state?.sessions.at(-1)?.outcome).toBe('interrupted (Ctrl-C)');
  });
});
