// What the operator reads: times in their own zone beside UTC (emulator-clock times labelled as
// such), readable state names, what is still open, step titles that say PRACTICE when no real money
// moves, and money as "1.00 USD, visa ····4242". Pure text helpers; the CLI prints them.
import { formatMinor } from '../mintcash/amounts.js';
import { STEPS, stepTitle } from './steps.js';
import type { RehearsalState, RehearsalStatus, StepStatus } from './types.js';
import { isPractice } from './signoff.js';

export const PRACTICE_SCREEN_BANNER = '=== PRACTICE: test keys or the emulator; no real money moves, and this proves nothing for live ===';

function zone(env: NodeJS.ProcessEnv = process.env): string {
  return env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "Tue 1 Dec 2026 09:15 Europe/Paris (2026-12-01 08:15 UTC)"; `clock: 'emulator'` labels emulator time. */
export function when(iso: string | undefined, opts: { clock?: 'emulator'; env?: NodeJS.ProcessEnv } = {}): string {
  if (!iso) return 'unknown time';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const tz = zone(opts.env);
  let local: string;
  try {
    local = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d).replace(',', '');
  } catch {
    local = d.toISOString();
  }
  const utc = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${opts.clock === 'emulator' ? 'emulator clock: ' : ''}${local} ${tz} (${utc})`;
}

const STATE_WORDS: Record<RehearsalStatus, string> = {
  in_progress: 'in progress',
  paused: 'paused (waiting for something that takes time)',
  completed: 'completed',
  failed: 'stopped at a failed step',
};
const STEP_WORDS: Record<StepStatus, string> = { not_started: 'not started', in_progress: 'in progress', waiting: 'waiting', done: 'done', failed: 'failed' };

export function readableStatus(s: RehearsalState): string {
  return STATE_WORDS[s.status] ?? s.status;
}

export function readableStepStatus(s: StepStatus): string {
  return STEP_WORDS[s] ?? s;
}

export { stepTitle };

/** "Settlement (waiting), Renewal (waiting), Cancel (not started)". */
export function openSummary(s: RehearsalState): string {
  const practice = isPractice(s.target);
  const open = STEPS.filter((d) => s.steps[d.id].status !== 'done').map((d) => `${stepTitle(d, practice)} (${readableStepStatus(s.steps[d.id].status)})`);
  return open.length ? open.join(', ') : 'nothing';
}

/** "1.00 USD, visa ····4242, MintCash payment 3f2a…". */
export function moneyLine(amount: number, currency: string, card: { brand?: string | null; last4?: string | null } | null | undefined, what: string, id: string): string {
  const cardText = card?.last4 ? `, ${card.brand ?? 'card'} ····${card.last4}` : '';
  return `${formatMinor(amount, currency)}${cardText}, MintCash ${what} ${id}`;
}
