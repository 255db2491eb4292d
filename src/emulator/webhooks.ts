// Webhook delivery as MintCash documents it (API-FACTS §10–12): a JSON POST of the envelope signed
// with `x-signature`, at least once, retried on non-2xx or timeout along the printed schedule
// (time-scaled here so tests and practice need not wait hours), with a log of every attempt.
import { signBody, SIGNATURE_HEADER } from '../mintcash/signature.js';
import { WEBHOOK_RETRY_SCHEDULE_MS, WEBHOOK_TIMEOUT_MS, type WebhookEnvelope } from '../mintcash/events.js';

export interface DeliveryAttempt {
  eventId: string;
  event: string;
  environment: string;
  attempt: number;
  url: string;
  /** Nominal delay of this attempt after the first one, from the documented schedule. */
  scheduledAfterMs: number;
  at: string;
  status: number | null;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  /** True on the last attempt of an event that never got a 2xx. */
  gaveUp: boolean;
}

export interface DelivererOptions {
  url?: string;
  secret: string;
  /** Multiplies every retry delay: 1 is real time, 0.001 turns 6 h into 21.6 s. */
  retryScale?: number;
  timeoutMs?: number;
  /** Attempts kept in the log (oldest dropped first). */
  logLimit?: number;
}

export class Deliverer {
  readonly log: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: DelivererOptions) {}

  get url(): string | undefined {
    return this.opts.url;
  }

  /**
   * Schedules every attempt for one event. "After" in the printed schedule is read as time since the
   * FIRST attempt (0, 30 s, 2 min, 10 min, 1 h, 6 h): the docs do not say (API-FACTS §20 q4), and
   * this is the reading under which all six attempts fit the 24-hour cut-off either way.
   */
  deliver(envelope: WebhookEnvelope): void {
    const url = this.opts.url;
    if (!url || this.closed) return;
    const body = JSON.stringify(envelope);
    const signature = signBody(this.opts.secret, body);
    const scale = this.opts.retryScale ?? 1;
    const start = Date.now();
    const attemptAt = (i: number): void => {
      if (this.closed) return;
      const p = this.attempt(url, body, signature, envelope, i).then((ok) => {
        const next = i + 1;
        if (ok || next >= WEBHOOK_RETRY_SCHEDULE_MS.length || this.closed) return;
        const due = start + (WEBHOOK_RETRY_SCHEDULE_MS[next] ?? 0) * scale;
        const t = setTimeout(() => {
          this.timers.delete(t);
          attemptAt(next);
        }, Math.max(0, due - Date.now()));
        t.unref();
        this.timers.add(t);
      });
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    };
    attemptAt(0);
  }

  private async attempt(url: string, body: string, signature: string, env: WebhookEnvelope, i: number): Promise<boolean> {
    const ac = new AbortController();
    this.inFlight.add(ac);
    const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    const at = new Date().toISOString();
    const t0 = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, 'user-agent': 'MintCash-Emulator/1 (golive)' },
        body,
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
    const ok = status !== null && status >= 200 && status < 300;
    const last = i + 1 >= WEBHOOK_RETRY_SCHEDULE_MS.length;
    this.record({
      eventId: env.eventId,
      event: String(env.event),
      environment: env.environment,
      attempt: i + 1,
      url,
      scheduledAfterMs: WEBHOOK_RETRY_SCHEDULE_MS[i] ?? 0,
      at,
      status,
      ok,
      error,
      latencyMs: Math.round((performance.now() - t0) * 10) / 10,
      gaveUp: !ok && last,
    });
    return ok;
  }

  private record(a: DeliveryAttempt): void {
    this.log.push(a);
    const limit = this.opts.logLimit ?? 5000;
    if (this.log.length > limit + 500) this.log.splice(0, this.log.length - limit);
  }

  /** Resolves when no attempt is running right now (scheduled retries may still follow). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inFlight) ac.abort();
    await Promise.allSettled([...this.pending]);
  }
}
