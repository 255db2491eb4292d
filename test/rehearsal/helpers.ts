// Shared parts for the rehearsal tests: a real emulator on loopback, a merchant dir in a temp
// folder, a "customer" that pays hosted pages through the emulator's test hook, and an in-process
// runner of `golive rehearse` with keyed answers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { runRehearseCommand } from '../../src/cli/rehearse-run.js';
import { askerFromMap } from '../../src/rehearsal/asker.js';
import type { RehearseFlags } from '../../src/cli/rehearse.js';
import { createOutput } from '../../src/output/boundary.js';
import { Secrets } from '../../src/output/secrets.js';

export const HAPPY_ANSWERS: Record<string, unknown> = {
  resume: 'resume',
  operator: 'Ada Operator',
  'preflight.webhookRegistered': true,
  'preflight.ipAllowList': true,
  'charge.mode': 'create',
  'charge.confirm': '1.00 USD',
  'charge.webhookReceived': true,
  'settlement.confirmed': 'yes',
  'settlement.payoutReference': 'PO-2026-000042',
  // Today (UTC): a payout can neither predate the payment nor lie ahead.
  'settlement.date': new Date().toISOString().slice(0, 10),
  'settlement.amount': '1.00 USD',
  'refund.confirm': 'REFUND',
  'refund.webhookReceived': true,
  'refund.moneyReturned': 'yes',
  'subscription.confirm': 'SUBSCRIBE',
  'subscription.webhookReceived': true,
  'renewal.webhookReceived': true,
  'cancel.confirm': 'CANCEL',
  'cancel.webhookReceived': true,
};

export interface World {
  emu: Emulator;
  dir: string;
  /** The operator's signing key, outside the repository (as it must be). */
  keyFile: string;
  keyDir: string;
  env: Record<string, string>;
  /** Card the hosted pages are paid with, by kind. */
  cards: { payment: string; subscription: string };
  /** Stop paying hosted pages (the operator walked away). */
  paying: boolean;
  close(): Promise<void>;
}

export async function world(opts: { refundSettleMs?: number } = {}): Promise<World> {
  const emu = await startEmulator({ refundSettleMs: opts.refundSettleMs ?? 30 });
  const dir = await mkdtemp(path.join(tmpdir(), 'golive-rehearse-'));
  const keyDir = await mkdtemp(path.join(tmpdir(), 'golive-operator-'));
  const keyFile = path.join(keyDir, 'operator-ed25519.pem');
  await writeFile(path.join(dir, 'golive.config.json'), JSON.stringify({ environment: 'test', api: { baseUrl: emu.url }, rehearsal: { keyFile } }));
  const c = emu.credentials('test');
  const w: World = {
    emu,
    dir,
    keyFile,
    keyDir,
    env: { MINTCASH_PUBLIC_KEY: c.publicKey, MINTCASH_SECRET_KEY: c.secretKey, MINTCASH_WEBHOOK_SECRET: emu.webhookSecret },
    cards: { payment: '4242424242424242', subscription: '4242424242424242' },
    paying: true,
    async close() {
      clearInterval(timer);
      await emu.close();
      await rm(dir, { recursive: true, force: true });
      await rm(keyDir, { recursive: true, force: true });
    },
  };
  const timer = payHostedPages(emu, w);
  return w;
}

/** The customer: pays every hosted page that is waiting, through the emulator's test hook (while `who.paying`). */
export function payHostedPages(emu: Emulator, who: { paying: boolean; cards: { payment: string; subscription: string } }): NodeJS.Timeout {
  const busy = new Set<string>();
  return setInterval(() => {
    if (!who.paying) return;
    const waiting = [
      ...Object.values(emu.core.state.payments).filter((p) => p.status === 'created' && p.redirectUrl).map((p) => ({ id: p.id, kind: 'payments', card: who.cards.payment })),
      ...Object.values(emu.core.state.subscriptions).filter((s) => s.status === 'created' && s.redirectUrl).map((s) => ({ id: s.id, kind: 'subscriptions', card: who.cards.subscription })),
    ];
    for (const x of waiting) {
      if (busy.has(x.id)) continue;
      busy.add(x.id);
      void fetch(`${emu.url}/__emulator/${x.kind}/${x.id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ card: x.card }) }).catch(() => undefined);
    }
  }, 10);
}

export function ledger(emu: Emulator) {
  const st = emu.core.state;
  const mine = (x: { externalId: string }) => x.externalId.startsWith('golive-rehearsal-');
  return {
    charges: Object.values(st.payments).filter(mine).length,
    refunds: Object.values(st.refunds).filter(mine).length,
    subscriptions: Object.values(st.subscriptions).filter(mine).length,
    cancels: emu.core.events.filter((e) => e.event === 'subscription.cancelled').length,
  };
}

export async function advanceDays(emu: Emulator, days: number): Promise<void> {
  await fetch(`${emu.url}/__emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: days }) });
}

/** Pins the operator key in the world's config (what an organisation does once it trusts it). */
export async function pinOperator(w: World, extra: Record<string, unknown> = {}): Promise<string> {
  const { loadOrCreateOperatorKey } = await import('../../src/rehearsal/signing.js');
  const key = await loadOrCreateOperatorKey(w.keyFile, w.dir);
  const { readFile } = await import('node:fs/promises');
  const config = JSON.parse(await readFile(path.join(w.dir, 'golive.config.json'), 'utf8')) as { rehearsal: Record<string, unknown> };
  config.rehearsal = { ...config.rehearsal, signers: [{ name: 'Ada', publicKey: key.publicKey }], ...extra };
  await writeFile(path.join(w.dir, 'golive.config.json'), JSON.stringify(config));
  return key.publicKey;
}

export async function rehearse(w: World, answers: Record<string, unknown>, flags: RehearseFlags = {}, extraEnv: Record<string, string> = {}, opts: { unchecked?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const stdoutStream = { isTTY: false, write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream;
  const stderrStream = { isTTY: false, write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WriteStream;
  let code: number;
  let error: unknown;
  // Through a real answers file, as a script would: validated up front, recorded as scripted.
  const answersFile = path.join(w.keyDir, 'answers.json');
  await writeFile(answersFile, JSON.stringify(answers));
  try {
    code = await runRehearseCommand(w.dir, { pollInterval: 10, pollMax: 300, ...(opts.unchecked ? {} : { answers: answersFile }), ...flags }, {
      env: { ...w.env, ...extraEnv },
      output: createOutput({ secrets: Secrets.fromEnv({ ...w.env, ...extraEnv }), stdout: stdoutStream, stderr: stderrStream }),
      stdin: { isTTY: false },
      onInterrupt: () => () => undefined,
      ...(opts.unchecked ? { asker: askerFromMap(answers) } : {}),
    });
  } catch (e) {
    error = e;
    code = -1;
  }
  return { code, stdout, stderr, error };
}
