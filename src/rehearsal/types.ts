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
  /**
   * The API status golive read just before accepting an answer about an event or money, and how
   * long after the thing it confirms (e.g. the payment succeeding) the answer came: a settlement
   * "confirmed" 5 ms after the charge says a script answered, not a bank statement.
   */
  observed?: { what: string; status: string; at: string; since?: { what: string; at: string }; elapsedMs?: number };
}

/** What MintCash itself reported about an object, as golive last read it (never typed by the operator). */
export interface MintcashRecord {
  object: 'payment' | 'refund' | 'subscription';
  id: string;
  status: string;
  /** Integer minor units. */
  amount?: number;
  currency?: string;
  externalId?: string | null;
  /** MintCash's own creation time (its clock; the emulator's clock in practice). */
  createdAt?: string | null;
  customer?: { externalId?: string | null; name?: string | null; email?: string | null } | null;
  paymentId?: string | null;
  amountRefunded?: number;
  billingIntervalDays?: number;
  currentPeriodStart?: string | null;
  currentPeriodEnd?: string | null;
  /** When golive read it, on this machine's clock. */
  readAt: string;
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
  /** What MintCash confirmed, by role ("payment", "refund", "subscription"), as last read. */
  mintcash?: Record<string, MintcashRecord>;
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

/** Who the rehearsal is for: what `golive check` compares before it accepts a sign-off. */
export interface MerchantIdentity {
  /** The repository's `origin` remote, normalised (`github.com/acme/shop`), never with credentials. */
  repository?: string;
  /** `rehearsal.merchantId` from the config, when declared. */
  merchantId?: string;
}

export interface RehearsalState {
  schemaVersion: 1;
  id: string;
  /**
   * Raised by one on every save. A terminal that loaded revision N may only write N+1: a stale
   * terminal answering late cannot overwrite newer progress. Absent in records made before it.
   */
  revision?: number;
  /** Who the rehearsal is for (recorded at the start). */
  merchant?: MerchantIdentity;
  /** Closed by `golive rehearse --cleanup` (its money refunded or cancelled): never resumed. */
  closed?: { at: string; reason: string };
  createdAt: string;
  updatedAt: string;
  status: RehearsalStatus;
  target: {
    baseUrl: string;
    baseUrlKind: string;
    /** live when the keys are live (real money), test for sandbox or emulator practice. */
    keyEnvironment: 'live' | 'test';
    publicKey: string;
    /** `SHA256:<base64>` of the whole public key: binds the rehearsal to the merchant's key. */
    publicKeyFingerprint?: string;
    /** The API host, normalised (lower case, no default port). */
    apiHost?: string;
    /** Whether the API was MintCash's live API host when the rehearsal ran (a live verdict needs it). */
    liveHost?: boolean;
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

/** The customer every rehearsal object is created for. */
export function customerExternalIdFor(rehearsalId: string): string {
  return `golive-rehearsal-${rehearsalId}`;
}

/** The refund request, byte for byte: the rehearsal, a resume, `--cleanup` and `--online` all send this, so MintCash replays one refund. */
export function refundBody(rehearsalId: string): { externalId: string; reason: string } {
  return { externalId: externalIdFor(rehearsalId, 'refund'), reason: 'customer_request' };
}

/**
 * Whether MintCash's own subscription fields show a renewal: the current period began at least
 * one interval after the subscription was created (its first period cannot end sooner), so a
 * charge after the first period happened. Nothing from the sign-off or this machine's clock.
 */
export function renewedPerMintcash(s: { createdAt?: string | null; currentPeriodStart?: string | null; billingIntervalDays: number }): boolean {
  if (!s.createdAt || !s.currentPeriodStart) return false;
  const created = Date.parse(s.createdAt);
  const start = Date.parse(s.currentPeriodStart);
  return Number.isFinite(created) && Number.isFinite(start) && start >= created + s.billingIntervalDays * 86_400_000 - 1000;
}
