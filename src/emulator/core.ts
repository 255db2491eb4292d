// The emulator's brain: state, clock, authentication, events and idempotency. Payments, refunds and
// subscriptions live in their own modules and act through this object. Nothing here touches HTTP.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { buildEnvelope, type EventName, type WebhookEnvelope } from '../mintcash/events.js';
import { Clock, Waker } from './clock.js';
import { MAX_CLOCK_ADVANCE_MS, MAX_CLOCK_OFFSET_MS, canonicalJson, issueKey, type ApiKeyRec, type EmulatorState, type Env, type MerchantRec } from './model.js';
import { EmuError } from './validate.js';
import { settleDueRefunds, nextRefundDue } from './payments.js';
import { runDueRenewals, nextRenewalDue } from './subscriptions.js';

export interface Caller {
  merchant: MerchantRec;
  environment: Env;
  key: ApiKeyRec;
}

export interface CoreOptions {
  baseUrl: string;
  /** Emulator-clock delay before a refund settles; 0 settles within the request. */
  refundSettleMs: number;
  emit: (envelope: WebhookEnvelope) => void;
  onChange?: () => void;
  /** Resolves when every change so far is durable (the state file's log is fsync'ed). */
  commit?: () => Promise<void>;
  /** The clock moved forward: whatever waits on it (webhook retries) re-arms. */
  onAdvance?: () => void;
  eventLogLimit?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class Core {
  readonly clock: Clock;
  readonly waker: Waker;
  baseUrl: string;
  /**
   * A provider-side fault (`POST /__emulator/provider-fault`): while set, every charge fails with
   * this failureCode, as when the provider's credentials at MintCash drift. In memory only: a test
   * and simulation hook, not emulator state.
   */
  providerFault: { failureCode: string; failureMessage: string | null } | null = null;

  constructor(
    readonly state: EmulatorState,
    readonly opts: CoreOptions,
  ) {
    this.baseUrl = opts.baseUrl;
    this.clock = new Clock(state.clockOffsetMs);
    this.waker = new Waker(
      this.clock,
      () => minDue(nextRefundDue(this), nextRenewalDue(this)),
      (now) => {
        settleDueRefunds(this, now);
        runDueRenewals(this, now);
      },
    );
  }

  nowIso(): string {
    return this.clock.iso();
  }

  changed(): void {
    this.state.clockOffsetMs = this.clock.offsetMs;
    this.opts.onChange?.();
  }

  /** Awaited before every reply: a 200 is only sent for what a crash cannot take back. */
  commit(): Promise<void> {
    this.state.clockOffsetMs = this.clock.offsetMs;
    return this.opts.commit?.() ?? Promise.resolve();
  }

  /** Every event fired, oldest first (kept in the state, so it survives a restart). */
  get events(): WebhookEnvelope[] {
    return Object.values(this.state.events) as WebhookEnvelope[];
  }

  /**
   * Moves the emulator clock forward. Bounded (ten years a call, a century in all): a clock
   * beyond what a Date can hold would turn every later request into a 500, even after a restart.
   */
  advanceClock(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new EmuError(400, 'invalid_argument', 'advance must be a non-negative number (advanceMs, advanceSeconds or advanceDays)');
    if (ms > MAX_CLOCK_ADVANCE_MS) throw new EmuError(400, 'invalid_argument', `advance at most ${MAX_CLOCK_ADVANCE_MS / 86_400_000} days at a time (asked for ${Math.round(ms / 86_400_000)})`);
    if (this.clock.offsetMs + ms > MAX_CLOCK_OFFSET_MS) throw new EmuError(400, 'invalid_argument', `the emulator clock stays within ${MAX_CLOCK_OFFSET_MS / 86_400_000} days of real time`);
    this.waker.advance(ms);
    this.changed();
    this.opts.onAdvance?.();
  }

  /**
   * Basic auth (API-FACTS §2): 401 `unauthenticated` for missing, malformed, unknown or revoked
   * credentials; 403 `permission_denied` for an inactive merchant or a live key used from an IP
   * outside its allow list. The secret is compared by hash in constant time.
   */
  authenticate(header: string | undefined, remoteIp: string): Caller {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) throw new EmuError(401, 'unauthenticated', 'API credentials are missing or malformed');
    const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new EmuError(401, 'unauthenticated', 'API credentials are missing or malformed');
    const pk = decoded.slice(0, colon);
    const sk = decoded.slice(colon + 1);
    const key = this.state.keys.find((k) => k.publicKey === pk);
    const ok = key !== undefined && timingSafeEqual(sha256(key.secretKey), sha256(sk));
    if (!key || !ok || !key.isActive) throw new EmuError(401, 'unauthenticated', 'API credentials are invalid or revoked');
    const merchant = this.state.merchants[key.merchantId];
    if (!merchant || !merchant.active) throw new EmuError(403, 'permission_denied', 'merchant is not active');
    if (key.environment === 'live' && merchant.allowedIps.length > 0 && !merchant.allowedIps.includes(normaliseIp(remoteIp))) {
      throw new EmuError(403, 'permission_denied', 'source IP is not on the allow list of this key', 'ip_not_allowed');
    }
    return { merchant, environment: key.environment, key };
  }

  /** Fires a webhook event and keeps it in the event log. */
  emit(event: EventName, type: WebhookEnvelope['type'], environment: Env, data: unknown): void {
    const envelope = buildEnvelope({ event, type, environment, data, createdAt: this.nowIso() }) as WebhookEnvelope;
    const log = this.state.events;
    log[envelope.eventId] = envelope;
    const limit = this.opts.eventLogLimit ?? 5000;
    // Trim in batches so a long run does not rewrite the log on every event.
    const ids = Object.keys(log);
    if (ids.length > limit + 500) for (const id of ids.slice(0, ids.length - limit)) delete log[id];
    this.opts.emit(envelope);
  }

  /**
   * `externalId` idempotency (API-FACTS §6): the same key with the same payload replays the
   * original; with a different payload it is 409 `already_exists`. "Same payload" is read as the
   * whole request body, compared key-order independently: a true retry resends identical bytes, and
   * the docs name amount, currency and customer only as examples of a difference.
   */
  idempotent<T extends { requestHash: string }>(
    index: string,
    body: unknown,
    lookup: (id: string) => T | undefined,
  ): { existing?: T; hash: string } {
    const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const id = this.state.idempotency[index];
    const existing = id === undefined ? undefined : lookup(id);
    if (existing && existing.requestHash !== hash) {
      throw new EmuError(409, 'already_exists', 'externalId was already used with a different payload');
    }
    return { existing, hash };
  }

  newId(): string {
    // Observed MintCash ids are plain UUIDs without a `pmt_` prefix (API-FACTS §18).
    return randomUUID();
  }

  issueKey(merchantId: string, environment: Env): ApiKeyRec {
    const key = issueKey(merchantId, environment, this.nowIso());
    this.state.keys.push(key);
    this.changed();
    return key;
  }

  revokeKey(publicKey: string): ApiKeyRec | undefined {
    const key = this.state.keys.find((k) => k.publicKey === publicKey);
    if (key && key.isActive) {
      key.isActive = false;
      key.revokedAt = this.nowIso();
      this.changed();
    }
    return key;
  }

  activeKey(environment: Env): ApiKeyRec | undefined {
    return this.state.keys.find((k) => k.environment === environment && k.isActive);
  }
}

function minDue(...xs: (number | null)[]): number | null {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? Math.min(...ok) : null;
}

export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
