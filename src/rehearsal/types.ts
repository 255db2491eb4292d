// The rehearsal record: what is persisted under `.golive/rehearsals/<id>.json` after every step.
// It holds ids, statuses, timestamps and the operator's answers, and never a secret: keys appear
// only masked (prefix + last 4), and nothing from the card ever reaches golive.

export const STEP_IDS = ['preflight', 'charge', 'settlement', 'refund', 'subscription', 'renewal', 'cancel'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** `waiting`: deferred (settlement, renewal, money back); the next `golive rehearse` picks it up. */
export type StepStatus = 'not_started' | 'in_progress' | 'waiting' | 'done' | 'failed';

export type RehearsalStatus = 'in_progress' | 'paused' | 'completed' | 'failed';

export interface Observation {
  at: string;
  /** What was looked at, e.g. "GET /payments/{id}". */
  what: string;
  status: string;
  detail?: string;
}

export interface AnswerProvenance {
  /** `typed`: at a terminal, by a person; `answers-file`: read from a file, by a script. */
  via: 'typed' | 'answers-file';
  file?: string;
  sha256?: string;
  at: string;
  /** The API status golive read just before accepting an answer about an event or money. */
  observed?: { what: string; status: string; at: string };
}

export interface StepFailure {
  code: string;
  message: string;
  advice: string;
  requestId?: string;
}

export interface StepRecord {
  status: StepStatus;
  /** Where inside the step we are, so a resume continues at the right place. */
  phase?: string;
  startedAt?: string;
  completedAt?: string;
  /** Object ids and externalIds (never secrets). */
  ids: Record<string, string>;
  observations: Observation[];
  /** Operator answers and attestations, keyed by question id. */
  answers: Record<string, string | boolean>;
  /** How each answer was given, and what golive saw at MintCash when it accepted it. */
  provenance?: Record<string, AnswerProvenance>;
  /** Other facts worth keeping (amounts, currentPeriodEnd, masked key, check counts…). */
  facts: Record<string, unknown>;
  waitingFor?: string;
  failure?: StepFailure;
  /** The last interruption (API down, poll limit), kept so the operator sees why it stopped. */
  lastError?: { at: string; message: string };
}

export interface RehearsalSettings {
  /** Integer minor units. */
  amount: number;
  currency: string;
  amountCap: number;
  billingIntervalDays: number;
  subscriptionAmount: number;
  returnUrl: string;
}

export interface RehearsalState {
  schemaVersion: 1;
  id: string;
  createdAt: string;
  updatedAt: string;
  status: RehearsalStatus;
  target: {
    baseUrl: string;
    baseUrlKind: string;
    /** live when the keys are live (real money), test for sandbox or emulator practice. */
    keyEnvironment: 'live' | 'test';
    publicKey: string;
    webhookUrl?: string;
  };
  operator: { name: string; username: string; hostname: string };
  settings: RehearsalSettings;
  steps: Record<StepId, StepRecord>;
  /** One line per session: who ran it, when it started and how it ended. */
  sessions: Array<{ startedAt: string; endedAt?: string; username: string; hostname: string; outcome?: string; /** "typed at a terminal" or "scripted: answers file … (sha256 …)". */ answers?: string }>;
}

export function emptyStep(): StepRecord {
  return { status: 'not_started', ids: {}, observations: [], answers: {}, facts: {} };
}

/**
 * Whether a subscription renewed: its current period started at or after the first period's end
 * (one second of slack for rounding), both read from MintCash, never this machine's clock.
 */
export function renewedAfter(currentPeriodStart: string | null | undefined, firstPeriodEnd: string): boolean {
  return !!currentPeriodStart && !!firstPeriodEnd && Date.parse(currentPeriodStart) >= Date.parse(firstPeriodEnd) - 1000;
}

/** Deterministic externalIds: a resumed rehearsal re-sends the same ones, so MintCash replays. */
export function externalIdFor(rehearsalId: string, what: 'charge' | 'refund' | 'subscription'): string {
  return `golive-rehearsal-${rehearsalId}-${what}`;
}
