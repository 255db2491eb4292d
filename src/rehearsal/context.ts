// What every step implementation receives, plus the shared machinery: bounded polling with a
// "still waiting" message, typed confirmations, observations, and the control-flow signals a step
// uses to pause (deferred), stop (resumable interruption) or fail (recorded with advice).
import type { MintcashClient } from '../mintcash/client.js';
import { isApiError } from '../mintcash/errors.js';
import { describeError } from '../errors.js';
import type { Asker } from './asker.js';
import type { AnswerProvenance, MintcashRecord, RehearsalState, StepFailure, StepId, StepRecord } from './types.js';
import { isPractice } from './signoff.js';

/** The spinner (or nothing, off a TTY): the engine never imports ora itself. */
export interface Waiter {
  start(text: string): void;
  update(text: string): void;
  stop(): void;
}

export interface WebhookCheckSummary {
  counts: Record<string, number>;
  failing: string[];
  skipped: string[];
  /** Every check's result, shown on screen as preflight's findings. */
  results: Array<{ id: string; status: string; summary: string }>;
}

export interface RehearsalDeps {
  state: RehearsalState;
  client: MintcashClient;
  ask: Asker;
  out: (line: string) => void;
  waiter: Waiter;
  poll: { intervalMs: number; maxAttempts: number; maxMs: number };
  /** Saves the state; `label` names the boundary (e.g. "charge:created") for the crash test hook. */
  persist: (label: string) => Promise<void>;
  /** Called right after a money-moving call returned, before its result is saved (crash-test hook). */
  afterSend?: (label: string) => void;
  /** Raw key facts for preflight (the state holds only masked values). */
  keys: { publicKey: string; publicKeyEnv?: 'live' | 'test'; secretKeyEnv?: 'live' | 'test'; webhookSecretSet: boolean };
  /** Runs the webhook section of `golive check`; `progress` hears each check start and finish. */
  webhookChecks: (progress: (text: string) => void) => Promise<WebhookCheckSummary>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** The `x-request-id` of the last successful API response, if MintCash sent one. */
  lastRequestId?: () => string | undefined;
  /** MintCash's clock (its `Date` header) at the last response, in ms, if it sent one. */
  mintcashNow?: () => number | undefined;
  /** The exact command that resumes this rehearsal (flags included): every hint names it. */
  resumeCommand?: string;
  /** `golive check … --only webhook` with the same config and webhook URL, for preflight's advice. */
  webhookCheckCommand?: string;
}

/** The step must wait (days, maybe): the state says what for; the next run picks it up. */
export class Deferred {
  constructor(readonly waitingFor: string) {}
}
/** Stop now but keep the step resumable (API down, operator not done yet). */
export class Stopped {
  constructor(readonly message: string, readonly suggestion: string) {}
}
/** The step failed: recorded with advice, the rehearsal stops. */
export class Failed {
  constructor(readonly failure: StepFailure) {}
}

export class StepContext {
  constructor(
    readonly deps: RehearsalDeps,
    readonly id: StepId,
  ) {}

  get rec(): StepRecord {
    return this.deps.state.steps[this.id];
  }
  get state(): RehearsalState {
    return this.deps.state;
  }
  iso(): string {
    return this.deps.now().toISOString();
  }
  /** How a money movement is named in confirmations: LIVE (real money) or a PRACTICE one. */
  get moneyKind(): string {
    return this.practice ? 'PRACTICE (no real money)' : 'LIVE (real money)';
  }
  get practice(): boolean {
    return isPractice(this.deps.state.target);
  }
  /** Times MintCash reports: on the emulator they are emulator-clock times, and say so. */
  get apiClock(): 'emulator' | undefined {
    return this.deps.state.target.baseUrlKind === 'loopback' ? 'emulator' : undefined;
  }
  out(line: string): void {
    this.deps.out(line);
  }
  /** `golive rehearse …` with every flag this run needs, for "run … again" hints. */
  get resume(): string {
    return this.deps.resumeCommand ?? 'golive rehearse';
  }

  /** Keeps what MintCash reported about an object (its own ids, amounts and times) under `role`. */
  record(role: string, rec: Omit<MintcashRecord, 'readAt'>): void {
    this.rec.mintcash ??= {};
    this.rec.mintcash[role] = { ...rec, readAt: this.iso() };
  }

  /** MintCash's clock minus this machine's, from the last response's Date header (1 s resolution). */
  clockSkewMs(): number | undefined {
    const theirs = this.deps.mintcashNow?.();
    return theirs === undefined ? undefined : Math.round((theirs - this.deps.now().getTime()) / 1000) * 1000;
  }

  async phase(phase: string): Promise<void> {
    this.rec.phase = phase;
    await this.deps.persist(`${this.id}:${phase}`);
  }

  /** Keeps MintCash's request id of the call that just succeeded next to the object it made. */
  recordRequestId(key: string): void {
    const rid = this.deps.lastRequestId?.();
    if (rid) this.rec.ids[key] = rid;
  }

  observe(what: string, status: string, detail?: string): void {
    const last = this.rec.observations.at(-1);
    // One entry per change, not per poll: the record stays small over a long wait.
    if (last && last.what === what && last.status === status && last.detail === detail) return;
    this.rec.observations.push({ at: this.iso(), what, status, ...(detail ? { detail } : {}) });
  }

  /** Records an answer with how it was given (and what golive observed, for events and money). */
  answered(questionId: string, value: string | boolean, observed?: AnswerProvenance['observed']): void {
    const src = this.deps.ask.source;
    // How long after the thing it confirms the answer came: measured now, when it is given.
    if (observed) observed = this.elapsed(observed);
    this.rec.answers[questionId] = value;
    this.rec.provenance ??= {};
    this.rec.provenance[questionId] = {
      via: src.via === 'terminal' ? 'typed' : 'answers-file',
      ...(src.via === 'answers-file' ? { file: src.file, sha256: src.sha256 } : {}),
      at: this.iso(),
      ...(observed ? { observed } : {}),
    };
  }

  /**
   * The operator types `expected` exactly (case-insensitive) or nothing moves. At a terminal a
   * wrong answer is refused in the prompt (never ticked as accepted); Ctrl-C stops and saves.
   */
  async typed(questionId: string, action: string, expected: string): Promise<void> {
    const match = (v: string) => (v.trim().toUpperCase() === expected.toUpperCase() ? true : `that is not "${expected}"; type it exactly, or press Ctrl-C to stop (nothing is sent)`);
    const validate = this.deps.ask.source.via === 'terminal' ? match : undefined;
    const got = await this.deps.ask.input(questionId, { message: `${action}\n  Type ${expected} to confirm:`, ...(validate ? { validate } : {}) });
    if (got.trim().toUpperCase() !== expected.toUpperCase()) {
      throw new Stopped(`confirmation did not match ("${expected}" expected): nothing was sent`, `Run \`${this.resume}\` again when you are ready; the rehearsal resumes here.`);
    }
    this.answered(questionId, got.trim());
    this.rec.facts[`${questionId}At`] = this.iso();
  }

  /** A yes/no attestation with no default (the operator types yes or no). */
  async attest(questionId: string, message: string, observed?: AnswerProvenance['observed']): Promise<boolean> {
    const v = await this.deps.ask.yesNo(questionId, { message });
    this.answered(questionId, v, observed);
    return v;
  }

  /**
   * Reads the object at MintCash first and asks only when its status supports the claim; the
   * reading is recorded next to the answer. A script cannot confirm what has not happened yet.
   */
  async observeThen<T>(what: string, read: () => Promise<T>, statusOf: (t: T) => string, supports: (status: string) => boolean, claim: string, since?: { what: string; at: string }): Promise<NonNullable<AnswerProvenance['observed']>> {
    const value = await this.api(read);
    const status = statusOf(value);
    this.observe(what, status);
    const observed = { what, status, at: this.iso(), ...(since ? { since } : {}) };
    if (!supports(status)) {
      throw new Stopped(`MintCash shows ${status} for ${what}, so "${claim}" cannot be confirmed yet`, `Run \`${this.resume}\` again once it has happened; the rehearsal resumes here.`);
    }
    return observed;
  }

  /** The observation, with how long after `since` it is now (the answer's time, recorded beside it). */
  elapsed(observed: NonNullable<AnswerProvenance['observed']>): NonNullable<AnswerProvenance['observed']> {
    if (!observed.since) return observed;
    const ms = this.deps.now().getTime() - Date.parse(observed.since.at);
    return Number.isFinite(ms) ? { ...observed, elapsedMs: ms } : observed;
  }

  /** Polls `read` until `settled` says so, bounded in count and time. Undefined when the bound ran out. */
  async pollUntil<T>(label: string, read: () => Promise<T>, statusOf: (t: T) => string, settled: (t: T) => boolean): Promise<T | undefined> {
    const { intervalMs, maxAttempts, maxMs } = this.deps.poll;
    const started = Date.now();
    let warned = false;
    this.deps.waiter.start(label);
    try {
      for (let i = 1; i <= maxAttempts && Date.now() - started <= maxMs; i++) {
        const value = await this.api(read);
        const status = statusOf(value);
        this.observe(label, status);
        if (settled(value)) return value;
        this.deps.waiter.update(`${label}: ${status} (check ${i}/${maxAttempts})`);
        if (!warned && (i >= maxAttempts / 2 || Date.now() - started > maxMs / 2)) {
          warned = true;
          this.deps.waiter.stop();
          this.out(`  still waiting (${label}: ${status}); you can stop with Ctrl-C and resume later with \`${this.resume}\``);
          this.deps.waiter.start(label);
        }
        await this.deps.sleep(intervalMs);
      }
      return undefined;
    } finally {
      this.deps.waiter.stop();
    }
  }

  /** Runs an API call; an outage or server error becomes a resumable stop. 4xx is left to the step. */
  async api<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (isApiError(e) && (e.isTransport || e.status >= 500)) {
        const ref = e.requestId ? ` (requestId ${e.requestId})` : '';
        throw new Stopped(`MintCash API unavailable: ${e.method} ${e.path} failed with ${e.status || e.code}${ref}`, `The rehearsal is saved; run \`${this.resume}\` again to resume where it stopped. Nothing is sent twice.`);
      }
      throw e;
    }
  }
}

/** A MintCash 4xx as a recorded failure. */
export function apiFailure(e: unknown, code: string, advice: string): Failed {
  if (isApiError(e)) {
    return new Failed({ code, message: `${e.method} ${e.path} was refused: ${e.status} ${e.code}${e.reason ? ` (${e.reason})` : ''}`, advice, ...(e.requestId ? { requestId: e.requestId } : {}) });
  }
  return new Failed({ code, message: describeError(e), advice });
}
