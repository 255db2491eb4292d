// Text lines shared by the Markdown and HTML sign-offs: every step's ids, facts (money in major
// units, emulator times labelled), answers (typed or SCRIPTED, with what golive observed first and
// how long after it the answer came), observations and outcome. Pure.
import { formatMinor } from '../mintcash/amounts.js';
import type { SignOff, SignOffStep } from './signoff.js';
import { duration } from './record.js';

export const STATUS_WORD: Record<string, string> = { done: 'done', waiting: 'waiting', failed: 'FAILED', in_progress: 'in progress', not_started: 'not started' };

export function embed(doc: SignOff): string {
  return Buffer.from(JSON.stringify(doc), 'utf8').toString('base64');
}

const MONEY_FACTS = new Set(['amount', 'amountRefunded']);
const API_TIMES = new Set(['currentPeriodStart', 'currentPeriodEnd', 'firstPeriodEnd', 'renewedPeriodStart', 'renewedPeriodEnd']);

function factLine(doc: SignOff, s: SignOffStep, k: string, v: unknown): string | undefined {
  const currency = typeof s.facts.currency === 'string' ? s.facts.currency : doc.rehearsal.settings.currency;
  if (k === 'currency') return undefined;
  // Money in major units with its currency, never "amount: 100 / currency: USD".
  if (MONEY_FACTS.has(k) && typeof v === 'number') return `${k}: ${formatMinor(v, currency)}`;
  if (API_TIMES.has(k) && doc.rehearsal.target.baseUrlKind === 'loopback') return `${k}: ${String(v)} (emulator clock)`;
  return `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
}

function answerLine(s: SignOffStep, k: string, v: string | boolean): string {
  const p = s.provenance?.[k];
  const how = !p ? '' : p.via === 'typed' ? ', typed at a terminal' : `, SCRIPTED from answers file ${p.file ?? '?'} (sha256 ${p.sha256 ?? '?'})`;
  const o = p?.observed;
  const after = o && typeof o.elapsedMs === 'number' && o.since ? `, ${duration(o.elapsedMs)} after ${o.since.what}` : '';
  const seen = o ? `; accepted after ${o.what} showed ${o.status} at ${o.at}${after}` : '';
  return `answer ${k}: ${v === true ? 'yes' : v === false ? 'no' : v}${how}${seen}`;
}

export function stepLines(doc: SignOff, s: SignOffStep): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.ids)) out.push(`${k}: ${v}`);
  for (const [k, v] of Object.entries(s.facts)) {
    const line = factLine(doc, s, k, v);
    if (line) out.push(line);
  }
  for (const [k, v] of Object.entries(s.answers)) out.push(answerLine(s, k, v));
  for (const o of s.observations) out.push(`${o.at} ${o.what} → ${o.status}${o.detail ? ` (${o.detail})` : ''}`);
  if (s.startedAt) out.push(`started ${s.startedAt}`);
  if (s.completedAt) out.push(`completed ${s.completedAt}`);
  if (s.waitingFor) out.push(`waiting for ${s.waitingFor}`);
  if (s.failure) out.push(`failure ${s.failure.code}: ${s.failure.message}. ${s.failure.advice}${s.failure.requestId ? ` (requestId ${s.failure.requestId})` : ''}`);
  return out;
}

export const PRACTICE_BANNER = 'PRACTICE: test keys, a sandbox/emulator target, or not MintCash\'s live API host. No real money moved at MintCash; this does not prove the live integration.';
export const SCRIPTED_BANNER = 'SCRIPTED: answers came from an answers file, not a person at a terminal; a live sign-off counts only where the trusted policy sets rehearsal.allowScripted.';
