// Every question the rehearsal can ask, as data: its id (the key in an answers file), the step it
// belongs to, what a valid answer is, and when it is asked. An answers file is checked against this
// whole list before anything is created, so a script never fails halfway through a paid run.
import { formatMinor } from '../mintcash/amounts.js';
import type { RehearsalSettings, RehearsalState, StepId } from './types.js';
import { parseMoney, parsePayoutDate } from './answers-format.js';

export type QuestionKind = 'text' | 'yesno' | 'choice' | 'typed';

export interface Question {
  id: string;
  /** What the answer attests, for people reading the sign-off. */
  label: string;
  step: StepId | 'session';
  kind: QuestionKind;
  choices?: readonly string[];
  /** For `typed`: the exact text that confirms (case-insensitive). */
  expected?: (s: RehearsalSettings) => string;
  /** Asked only when this holds for the answers given so far. */
  when?: (answers: Record<string, unknown>) => boolean;
  /** Confirms an event or a money movement: accepted only next to what golive observed at MintCash. */
  observed?: boolean;
  /** For `text`: why a value is not acceptable (checked again, with more context, when asked). */
  check?: (value: string, s: RehearsalSettings) => string | undefined;
}

const existing = (a: Record<string, unknown>) => a['charge.mode'] === 'existing';
const settled = (a: Record<string, unknown>) => a['settlement.confirmed'] === 'yes';

export const QUESTIONS: readonly Question[] = [
  { id: 'resume', label: 'Resume or start over', step: 'session', kind: 'choice', choices: ['resume', 'new'] },
  { id: 'operator', label: "Operator's name", step: 'session', kind: 'text' },
  { id: 'preflight.webhookRegistered', label: 'Live webhook URL registered with the account manager', step: 'preflight', kind: 'yesno' },
  { id: 'preflight.ipAllowList', label: 'IP allow list requested for the live keys', step: 'preflight', kind: 'yesno' },
  { id: 'charge.mode', label: 'How the charge was made', step: 'charge', kind: 'choice', choices: ['create', 'existing'] },
  { id: 'charge.paymentId', label: 'Payment id given by the operator', step: 'charge', kind: 'text', when: existing },
  { id: 'charge.ownPayment', label: "The payment is the operator's own, not a customer's", step: 'charge', kind: 'yesno', when: existing },
  { id: 'charge.confirm', label: 'Typed confirmation of the charge', step: 'charge', kind: 'typed', expected: (s) => formatMinor(s.amount, s.currency), when: (a) => !existing(a) },
  { id: 'charge.webhookReceived', label: "payment.succeeded reached the merchant's system", step: 'charge', kind: 'yesno', observed: true },
  { id: 'settlement.confirmed', label: 'The charge reached a payout', step: 'settlement', kind: 'choice', choices: ['yes', 'later'], observed: true },
  { id: 'settlement.payoutReference', label: 'Payout reference', step: 'settlement', kind: 'text', when: settled },
  { id: 'settlement.date', label: 'Payout date', step: 'settlement', kind: 'text', when: settled, check: (v) => parsePayoutDate(v, undefined, new Date()).problem },
  { id: 'settlement.amount', label: 'Amount of the charge in that payout', step: 'settlement', kind: 'text', when: settled, check: (v, s) => parseMoney(v, s.currency, s.amountCap).problem },
  { id: 'refund.confirm', label: 'Typed confirmation of the refund', step: 'refund', kind: 'typed', expected: () => 'REFUND' },
  { id: 'refund.webhookReceived', label: "payment.refunded reached the merchant's system", step: 'refund', kind: 'yesno', observed: true },
  { id: 'refund.moneyReturned', label: 'The refund is back on the card', step: 'refund', kind: 'choice', choices: ['yes', 'later'], observed: true },
  { id: 'subscription.confirm', label: 'Typed confirmation of the subscription', step: 'subscription', kind: 'typed', expected: () => 'SUBSCRIBE' },
  { id: 'subscription.webhookReceived', label: "subscription.succeeded reached the merchant's system", step: 'subscription', kind: 'yesno', observed: true },
  { id: 'renewal.webhookReceived', label: "The renewal's subscription.succeeded reached the merchant's system", step: 'renewal', kind: 'yesno', observed: true },
  { id: 'cancel.confirm', label: 'Typed confirmation of the cancel', step: 'cancel', kind: 'typed', expected: () => 'CANCEL' },
  { id: 'cancel.webhookReceived', label: "subscription.cancelled reached the merchant's system", step: 'cancel', kind: 'yesno', observed: true },
  // Asked only by `golive rehearse --cleanup`, never in a rehearsal run.
  { id: 'cleanup.confirm', label: 'Typed confirmation of the cleanup', step: 'session', kind: 'typed', expected: () => 'CLEANUP', when: () => false },
];

export const YES = /^(y|yes|true)$/i;
export const NO = /^(n|no|false)$/i;

/** Why `value` is not a valid answer to `q`, or undefined when it is. */
export function answerProblem(q: Question, value: unknown, settings: RehearsalSettings): string | undefined {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined || text === '') return 'needs an answer';
  switch (q.kind) {
    case 'text':
      return q.check?.(text, settings);
    case 'yesno':
      return YES.test(text) || NO.test(text) ? undefined : 'must be yes or no';
    case 'choice':
      return q.choices?.includes(text) ? undefined : `must be one of ${q.choices?.join(', ')}`;
    case 'typed': {
      const want = q.expected?.(settings) ?? '';
      return text.toUpperCase() === want.toUpperCase() ? undefined : `must be exactly "${want}" (the typed confirmation)`;
    }
  }
}

export interface AnswersPlan {
  settings: RehearsalSettings;
  /** The rehearsal being resumed, if any: only what is still open is needed. */
  resuming?: RehearsalState;
  /** Whether the resume question is asked at all. */
  asksResume: boolean;
}

/**
 * Every problem with an answers file at once: unknown ids, invalid values, and questions this run
 * will ask that have no answer. Questions already settled in a resumed rehearsal are not needed.
 */
export function validateAnswers(answers: Record<string, unknown>, plan: AnswersPlan): string[] {
  const problems: string[] = [];
  const known = new Set(QUESTIONS.map((q) => q.id));
  for (const id of Object.keys(answers)) if (!known.has(id)) problems.push(`"${id}" is not a question golive asks`);
  for (const q of QUESTIONS) {
    if (q.id in answers) {
      const why = answerProblem(q, answers[q.id], plan.settings);
      if (why) problems.push(`"${q.id}" ${why} (got ${JSON.stringify(answers[q.id])})`);
    }
  }
  const state = plan.resuming;
  const merged: Record<string, unknown> = { ...answers };
  if (state) for (const rec of Object.values(state.steps)) Object.assign(merged, rec.answers);
  for (const q of QUESTIONS) {
    if (q.id in answers) continue;
    if (q.id === 'resume' && !plan.asksResume) continue;
    if (q.id === 'operator' && state) continue;
    if (q.when && !q.when(merged)) continue;
    if (q.step !== 'session' && state) {
      const rec = state.steps[q.step];
      // Settled: the step is done, or this answer was already given and kept ("later" and "no" are asked again).
      const prev = rec.answers[q.id];
      if (rec.status === 'done' || (prev !== undefined && prev !== 'later' && prev !== false)) continue;
    }
    problems.push(`"${q.id}" has no answer`);
  }
  return problems;
}

/** The people-facing label of a question id (the id itself when unknown). */
export function questionLabel(id: string): string {
  return QUESTIONS.find((q) => q.id === id)?.label ?? id;
}
