// Webhook delivery as MintCash documents it (API-FACTS §10–12): a JSON POST of the envelope signed
// with `x-signature`, at least once, retried on non-2xx or timeout along the printed schedule
// (time-scaled here so tests and practice need not wait hours), with a log of every attempt. Test
// and live events go to their own URL (the environments share nothing, §1). Pending retries and
// the log live in the emulator state, so they survive a restart. Retries are due on the emulator
// clock: advancing it by six hours delivers every retry due by then.
import { signBody, SIGNATURE_HEADER } from '../mintcash/signature.js';
import { WEBHOOK_RETRY_SCHEDULE_MS, WEBHOOK_TIMEOUT_MS, type WebhookEnvelope } from '../mintcash/events.js';
import type { DeliveryAttempt, Env, PendingDelivery } from './model.js';

export type { DeliveryAttempt } from './model.js';

export interface DeliveryStore {
  /** Unacknowledged events by eventId (a tracked part of the emulator state). */
  pending: Record<string, PendingDelivery>;
  /** Attempts keyed `<eventId>#<n>`, oldest first. */
  log: Record<string, DeliveryAttempt>;
  /** Something changed outside a request: persist it. */
  changed(): void;
}

export interface DelivererOptions {
  /** Where each environment's events go; an environment without a URL gets no deliveries. */
  urls: Partial<Record<Env, string>>;
  secret: string;
  /** Multiplies every retry delay: 1 is real time, 0.001 turns 6 h into 21.6 s. */
  retryScale?: number;
  timeoutMs?: number;
  /** Attempts kept in the log (oldest dropped first). */
  logLimit?: number;
  store: DeliveryStore;
  /** The emulator clock (ms); retries are scheduled on it. Defaults to wall time. */
  now?: () => number;
}

const MAX_TIMER_MS = 60 * 60 * 1000;

export class Deliverer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly attempting = new Set<string>();
  private closed = false;

  constructor(private readonly opts: DelivererOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The test (sandbox) URL; `urlFor('live')` for the other one. */
  get url(): string | undefined {
    return this.opts.urls.test;
  }

  urlFor(env: Env): string | undefined {
    return this.opts.urls[env];
  }

  get log(): DeliveryAttempt[] {
    return Object.values(this.opts.store.log);
  }

  /**
   * Records the event as pending (inside the request that caused it, so it is saved before the
   * 200) and makes the first attempt. "After" in the printed schedule is read as time since the
   * FIRST attempt (0, 30 s, 2 min, 10 min, 1 h, 6 h): the docs do not say (API-FACTS §20 q4), and
   * this is the reading under which all six attempts fit the 24-hour cut-off either way.
   */
  deliver(envelope: WebhookEnvelope): void {
    const environment: Env = envelope.environment === 'live' ? 'live' : 'test';
    const url = this.opts.urls[environment];
    if (!url || this.closed) return;
    const now = this.now();
    this.opts.store.pending[envelope.eventId] = { eventId: envelope.eventId, environment, url, body: JSON.stringify(envelope), attempt: 0, firstAt: now, dueAt: now };
    this.schedule(envelope.eventId);
  }

  /** After a restart: every pending event continues where its schedule stood. */
  resume(): void {
    for (const id of Object.keys(this.opts.store.pending)) this.schedule(id);
  }

  /** The clock moved: every waiting retry is re-armed against the new time (due ones go now). */
  reschedule(): void {
    for (const [id, t] of this.timers) {
      clearTimeout(t);
      this.timers.delete(id);
    }
    this.resume();
  }

  private schedule(eventId: string): void {
    const rec = this.opts.store.pending[eventId];
    // An attempt in flight schedules its own next one when it ends.
    if (!rec || this.closed || this.timers.has(eventId) || this.attempting.has(eventId)) return;
    const t = setTimeout(() => {
      this.timers.delete(eventId);
      // A long wait is split (timers cannot wait past ~24 days); not due yet: wait again.
      if ((this.opts.store.pending[eventId]?.dueAt ?? 0) > this.now()) return this.schedule(eventId);
      this.attempting.add(eventId);
      const p = this.attempt(eventId).finally(() => this.attempting.delete(eventId));
      this.running.add(p);
      void p.finally(() => this.running.delete(p));
    }, Math.min(Math.max(0, rec.dueAt - this.now()), MAX_TIMER_MS));
    t.unref();
    this.timers.set(eventId, t);
  }

  private async attempt(eventId: string): Promise<void> {
    const rec = this.opts.store.pending[eventId];
    if (!rec || this.closed) return;
    const i = rec.attempt;
    // The current URL of the environment wins: a restart may have fixed a wrong one.
    const url = this.opts.urls[rec.environment] ?? rec.url;
    const ac = new AbortController();
    this.inFlight.add(ac);
    const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    const at = new Date(this.now()).toISOString();
    const t0 = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(this.opts.secret, rec.body), 'user-agent': 'MintCash-Emulator/1 (golive)' },
        body: rec.body,
        // A redirect is not a 2xx, so it counts as a failed attempt; we never follow it.
        redirect: 'manual',
        signal: ac.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string } };
      error = ac.signal.aborted ? (this.closed ? 'emulator stopped' : 'timeout') : (err.cause?.code ?? 'network error');
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(ac);
    }
    // Stopped mid-attempt: the event stays pending with this attempt still due, for the next start.
    if (this.closed) return;
    const ok = status !== null && status >= 200 && status < 300;
    const next = i + 1;
    const last = next >= WEBHOOK_RETRY_SCHEDULE_MS.length;
    const envelope = JSON.parse(rec.body) as WebhookEnvelope;
    this.record({
      eventId,
      event: String(envelope.event),
      environment: rec.environment,
      attempt: next,
      url,
      scheduledAfterMs: WEBHOOK_RETRY_SCHEDULE_MS[i] ?? 0,
      at,
      status,
      ok,
      error,
      latencyMs: Math.round((performance.now() - t0) * 10) / 10,
      gaveUp: !ok && last,
    });
    const pending = this.opts.store.pending[eventId];
    if (ok || last) {
      delete this.opts.store.pending[eventId];
    } else if (pending) {
      pending.attempt = next;
      pending.dueAt = rec.firstAt + (WEBHOOK_RETRY_SCHEDULE_MS[next] ?? 0) * (this.opts.retryScale ?? 1);
    }
    this.opts.store.changed();
    this.attempting.delete(eventId);
    if (!ok && !last) this.schedule(eventId);
  }

  private record(a: DeliveryAttempt): void {
    const log = this.opts.store.log;
    log[`${a.eventId}#${a.attempt}`] = a;
    const limit = this.opts.logLimit ?? 5000;
    const keys = Object.keys(log);
    if (keys.length > limit + 500) for (const k of keys.slice(0, keys.length - limit)) delete log[k];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inFlight) ac.abort();
    await Promise.allSettled([...this.running]);
  }
}
