// `golive rehearse --cleanup`: refunds every unrefunded rehearsal charge and cancels every active
// or past_due rehearsal subscription, after listing them and a typed confirmation (CLEANUP). Each
// rehearsal it touched is closed (never offered for resume again) with what was done recorded in
// its state. Holds the same lock as a rehearsal: it never runs beside another terminal.
import { mkdir } from 'node:fs/promises';
import { GoliveError } from '../errors.js';
import { maskSecret } from '../engine/mask.js';
import { acquireLock, describeHolder } from '../lockfile.js';
import { createClient } from '../mintcash/client.js';
import type { ApprovedSend } from '../mintcash/hosts.js';
import { askerFromPrompter, loadAnswers, type Asker } from '../rehearsal/asker.js';
import { sameApi } from '../rehearsal/live-host.js';
import { cleanUp, findOpenMoney, type CleanupResult } from '../rehearsal/open-money.js';
import { listStates, lockPath, rehearsalsDir, saveState } from '../rehearsal/store.js';
import type { RehearsalState } from '../rehearsal/types.js';
import type { RehearseFlags } from './rehearse.js';
import type { RehearseIO } from './rehearse-run.js';

export interface CleanupRun {
  root: string;
  flags: RehearseFlags;
  io: RehearseIO;
  out: (s: string) => void;
  states: RehearsalState[];
  /** Where the keys go, as the send rule approved it. */
  target: ApprovedSend;
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  resumeCmd: string;
  now: () => Date;
}

async function asker(r: CleanupRun): Promise<Asker> {
  if (r.io.asker) return r.io.asker;
  if (r.flags.answers) return (await loadAnswers(r.flags.answers)).asker;
  if (!r.io.stdin.isTTY || !r.io.output.out.isTTY) {
    throw new GoliveError('USAGE', 'golive rehearse --cleanup asks for a typed confirmation and needs a terminal', { suggestion: 'Run it in a terminal, or pass --answers <file> with `cleanup.confirm: CLEANUP`.' });
  }
  const [{ inquirerPrompter }, { cleanPrompter }] = await Promise.all([import('./prompter.js'), import('./rehearse-run.js')]);
  return askerFromPrompter(cleanPrompter(inquirerPrompter(), r.io.output));
}

/** Returns the exit code: 0 nothing open or everything cleaned up, 1 something could not be. */
export async function runCleanup(r: CleanupRun): Promise<number> {
  const { out, root } = r;
  await mkdir(rehearsalsDir(root), { recursive: true });
  const got = await acquireLock(lockPath(root), { purpose: 'golive rehearse --cleanup', ...(r.flags.takeOver ? { takeOver: true } : {}) });
  if (!got.ok) {
    throw new GoliveError('USAGE', `a rehearsal is open in another terminal: ${describeHolder(got.holder)}`, {
      suggestion: `Stop it there first (Ctrl-C saves it), then run \`${r.resumeCmd} --cleanup\` again.`,
    });
  }
  try {
    const { states } = await listStates(root);
    const client = createClient({ target: r.target, publicKey: r.publicKey, secretKey: r.secretKey });
    const same = (s: RehearsalState) => sameApi(s.target.baseUrl, r.baseUrl) && s.target.publicKey === maskSecret(r.publicKey);
    const open = await findOpenMoney(states, client, same);
    for (const u of open.unreadable) out(`  not checked: ${u}`);
    if (open.items.length === 0) {
      out('Nothing to clean up: no unrefunded charge and no active or past_due subscription from a rehearsal here that these keys can see.');
      return open.unreadable.length > 0 ? 1 : 0;
    }
    const payments = open.items.filter((i) => i.kind === 'payment').length;
    const subs = open.items.length - payments;
    out('Open money from rehearsals:');
    for (const i of open.items) out(`  rehearsal ${i.rehearsal.id} (${i.rehearsal.status}): ${i.text}`);
    const ask = await asker(r);
    const what = [payments ? `refund ${payments} payment${payments === 1 ? '' : 's'} in full` : '', subs ? `cancel ${subs} subscription${subs === 1 ? '' : 's'} (immediate and final)` : ''].filter(Boolean).join(' and ');
    const validate = ask.source.via === 'terminal' ? (v: string) => (v.trim().toUpperCase() === 'CLEANUP' ? true : 'type CLEANUP exactly, or press Ctrl-C to stop (nothing is sent)') : undefined;
    out(`golive will ${what}; the rehearsals above are then closed.`);
    const typed = await ask.input('cleanup.confirm', { message: 'Type CLEANUP to confirm:', ...(validate ? { validate } : {}) });
    if (typed.trim().toUpperCase() !== 'CLEANUP') {
      out('Confirmation did not match ("CLEANUP" expected): nothing was sent.');
      return 1;
    }
    const results: CleanupResult[] = [];
    for (const item of open.items) {
      const res = await cleanUp(item, client, { sleep: (ms) => new Promise((done) => setTimeout(done, ms)), pollMs: r.flags.pollInterval ?? 3000, polls: r.flags.pollMax ?? 100 });
      results.push(res);
      out(`  ${res.ok ? '✔' : '✖'} ${res.text}`);
    }
    await closeRehearsals(root, results, r.now);
    const failed = results.filter((x) => !x.ok);
    if (failed.length === 0) {
      out(`Cleaned up: ${what}. Start a fresh rehearsal with \`${r.resumeCmd} --new\`.`);
      return 0;
    }
    out(`${failed.length} item(s) could not be cleaned up (above); run \`${r.resumeCmd} --cleanup\` again, or ask MintCash support with the ids.`);
    return 1;
  } finally {
    await got.lock.release();
  }
}

/** Records what the cleanup did in each rehearsal it touched, and closes it when all of it was cleaned up. */
async function closeRehearsals(root: string, results: readonly CleanupResult[], now: () => Date): Promise<void> {
  const byRehearsal = new Map<RehearsalState, CleanupResult[]>();
  for (const res of results) byRehearsal.set(res.item.rehearsal, [...(byRehearsal.get(res.item.rehearsal) ?? []), res]);
  for (const [st, rs] of byRehearsal) {
    const at = now().toISOString();
    for (const res of rs) {
      const step = res.item.kind === 'payment' ? st.steps.refund : st.steps.cancel;
      step.observations.push({ at, what: `golive rehearse --cleanup (${res.item.kind} ${res.item.id})`, status: res.ok ? 'cleaned up' : 'failed', detail: res.text });
    }
    if (rs.every((x) => x.ok)) st.closed = { at, reason: `golive rehearse --cleanup: ${rs.map((x) => x.text).join('; ')}` };
    st.updatedAt = at;
    await saveState(root, st);
  }
}
