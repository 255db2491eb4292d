// Webhook delivery success, as the checklist words it: the attempt rate (webhook POSTs answered 2xx
// within MintCash's 10 s over all webhook POSTs, from the access log), the eventual rate (eventIds
// that got a 2xx over eventIds seen, from the app log and the ledger, plus events --reconcile found
// MintCash gave up on), persistent failures (no 2xx after 1 h) and losses (none after 24 h), and the
// p95 answer time against 2 s and 10 s. Streaming: counters, a log-scale histogram, hourly buckets.
import type { MonitorConfig } from './config.js';
import { key53 } from './key.js';
import { NumberMap } from './number-map.js';
import { DAY, HOUR, dayOf, duration, hourOf, iso, pct, short } from './time.js';
import type { AccessRecord, Alert, DayPoint, EventRecord, HourPoint, MetricResult, Pending } from './types.js';

/** Histogram buckets of 2% relative width from 1 ms to ~10 min: a p95 within 2%, in fixed memory. */
const BASE = 1.02;
const BUCKETS = Math.ceil(Math.log(600_000) / Math.log(BASE)) + 2;
const bucketOf = (ms: number) => (ms < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / Math.log(BASE))));
const bucketUpper = (i: number) => (i === 0 ? 1 : BASE ** i);

interface Run {
  start: number;
  end: number;
  n: number;
}

/**
 * Per eventId, packed in one number (a million events must fit in the memory budget): an event
 * acknowledged on time is ON_TIME, one acknowledged late is LATE, one never acknowledged is the
 * time (ms) it was first due (its createdAt, else when it was first seen).
 */
const ON_TIME = -1;
const LATE = -2;

export class DeliveryMetric {
  attempts = 0;
  ok = 0;
  okButSlow = 0;
  timed = 0;
  readonly hist = new Uint32Array(BUCKETS);
  readonly hours = new Map<number, { n: number; ok: number }>();
  private run: Run | null = null;
  readonly runs: Run[] = [];
  /** By key53(eventId). */
  readonly events = new NumberMap();
  /** Events --reconcile found that MintCash never delivered (no eventId known). */
  lostByReconcile = 0;
  accessSeen = false;
  eventsSeen = false;

  constructor(private readonly cfg: MonitorConfig['delivery']) {}

  addAttempt(r: AccessRecord): void {
    this.attempts++;
    const inBudget = r.durMs === null || r.durMs <= this.cfg.budgetMs;
    const good = r.status >= 200 && r.status < 300 && inBudget;
    if (good) this.ok++;
    else if (r.status >= 200 && r.status < 300) this.okButSlow++;
    if (r.durMs !== null) {
      this.timed++;
      this.hist[bucketOf(r.durMs)]!++;
    }
    const h = hourOf(r.t);
    const b = this.hours.get(h) ?? { n: 0, ok: 0 };
    b.n++;
    if (good) b.ok++;
    this.hours.set(h, b);
    if (good) {
      if (this.run) this.closeRun();
    } else if (this.run) {
      this.run.end = Math.max(this.run.end, r.t);
      this.run.n++;
    } else this.run = { start: r.t, end: r.t, n: 1 };
  }

  private closeRun(): void {
    const r = this.run!;
    this.run = null;
    if (r.end - r.start >= this.cfg.persistentAfterMinutes * 60_000) this.runs.push(r);
  }

  addEvent(e: EventRecord): void {
    const id = key53(e.eventId);
    const prev = this.events.get(id);
    if (prev === ON_TIME) return;
    // The ledger's createdAt is MintCash's time; an app log line only knows when it was written.
    const due = Math.min(e.created ?? e.t, prev !== undefined && prev >= 0 ? prev : Infinity);
    if (!e.acknowledged) {
      if (prev === undefined || prev >= 0) this.events.set(id, due);
      return;
    }
    // A ledger row without receivedAt proves the 2xx but not when: count it as on time.
    const okAt = e.receivedAt === null && e.created !== null ? e.created : e.t;
    this.events.set(id, okAt - due > this.cfg.persistentAfterMinutes * 60_000 ? LATE : ON_TIME);
  }

  p(q: number): number | null {
    if (this.timed === 0) return null;
    let acc = 0;
    const want = Math.ceil(q * this.timed);
    for (let i = 0; i < BUCKETS; i++) {
      acc += this.hist[i]!;
      if (acc >= want) return Math.round(bucketUpper(i));
    }
    return null;
  }

  hourly(hours: readonly number[]): HourPoint[] {
    return hours.map((h) => ({ t: iso(h), attempts: this.hours.get(h)?.n ?? 0, ok: this.hours.get(h)?.ok ?? 0 }));
  }

  result(until: number, days: readonly string[], inputs: { access: boolean; events: boolean }): MetricResult {
    const c = this.cfg;
    const pending: Pending[] = [];
    const notes: string[] = [];
    const alerts: Alert[] = [];
    if (!inputs.access) pending.push({ input: 'accessLog', flag: '--access-log', why: 'the attempt rate (webhook POSTs answered 2xx within 10 s) and the p95 answer time come from the webhook receiver\'s access log' });
    if (!inputs.events) pending.push({ input: 'events', flag: '--events or --app-log', why: 'the eventual rate (eventIds that got a 2xx) needs the event ledger export or app log lines with eventId' });
    const attemptRate = this.attempts > 0 ? this.ok / this.attempts : null;
    if (inputs.access && this.attempts === 0) notes.push('the access log has no POST to the webhook path in this window: check --webhook-path (or webhook.url) and the window');
    const runs = [...this.runs];
    if (this.run && this.run.end - this.run.start >= c.persistentAfterMinutes * 60_000) runs.push(this.run);
    for (const r of runs) {
      const long = r.end - r.start;
      const lost = long >= c.lostAfterHours * HOUR;
      const ongoing = r === this.run;
      alerts.push({
        id: lost ? 'delivery.outage-lost' : 'delivery.persistent-failure',
        at: iso(r.start),
        until: iso(r.end),
        message: `The webhook endpoint answered no 2xx from ${short(r.start)} to ${short(r.end)} (${duration(long)}, ${r.n} attempts${ongoing ? ', still failing at the end of the log' : ''})${lost ? `: longer than MintCash retries (it gives up after ${c.lostAfterHours} h), so events first sent before ${short(r.end - c.lostAfterHours * HOUR)} were dropped` : ': events in it were delivered late, if at all (MintCash retries at 30 s, 2 min, 10 min, 1 h and 6 h)'}.`,
        next: lost
          ? 'Run `golive monitor --reconcile` to list the payments and subscriptions whose events were lost, fulfil them from GET /payments/{id}, and ask your MintCash account manager to replay the rest from the dashboard (MintCash tells them, not you).'
          : 'Find what failed in that window (deploys, the proxy\'s upstream, the app log), and check that orders paid in it were fulfilled; `golive monitor --reconcile` lists events that never arrived.',
        data: { attempts: r.n, hours: Math.round((long / HOUR) * 10) / 10 },
      });
    }
    if (attemptRate !== null && this.attempts >= c.minAttempts && attemptRate < c.minAttemptRate) {
      alerts.push({
        id: 'delivery.attempt-rate',
        message: `${pct(attemptRate, 2)} of ${this.attempts} webhook deliveries were answered 2xx within ${c.budgetMs / 1000} s (alert below ${pct(c.minAttemptRate)}).`,
        next: 'Every non-2xx makes MintCash retry and delays fulfilment; the hourly chart shows when it happened.',
        data: { attempts: this.attempts, ok: this.ok },
      });
    }
    const p95 = this.p(0.95);
    if (p95 !== null && this.timed >= c.minAttempts && p95 > c.promptAckMs) {
      alerts.push({
        id: p95 > c.budgetMs ? 'delivery.timeouts' : 'delivery.slow-ack',
        message: `p95 answer time is ${p95} ms over ${this.timed} deliveries: above ${p95 > c.budgetMs ? `MintCash's ${c.budgetMs / 1000} s budget (slower answers are retried as timeouts)` : `the ${c.promptAckMs} ms prompt-acknowledgement target`}.`,
        next: 'Acknowledge with 2xx first and do the work afterwards (a queue or setImmediate), as the reference handler does.',
        data: { p95Ms: p95 },
      });
    }
    if (inputs.access && this.timed === 0 && this.attempts > 0) notes.push('the access log has no answer time: log $request_time (`golive monitor --print-nginx-format`) for the p95');
    let eventual: number | null = null;
    let late = 0;
    let lostSeen = 0;
    let unacked = 0;
    for (const s of this.events.values()) {
      if (s === LATE) late++;
      else if (s >= 0) {
        unacked++;
        if (until - s > c.lostAfterHours * HOUR) lostSeen++;
      }
    }
    const seen = this.events.size + this.lostByReconcile;
    if (seen > 0) eventual = (this.events.size - unacked) / seen;
    if (eventual !== null && seen >= c.minEvents && eventual < c.minEventualRate) {
      alerts.push({
        id: 'delivery.eventual-rate',
        message: `${pct(eventual, 2)} of ${seen} events got a 2xx: ${[
          unacked ? `${unacked} seen but never acknowledged (${lostSeen} of them older than ${c.lostAfterHours} h: lost)` : '',
          this.lostByReconcile ? `${this.lostByReconcile} never arrived (MintCash has the outcome, your data does not: found by --reconcile)` : '',
        ].filter(Boolean).join('; ')}.`,
        next: 'Events MintCash gave up on are not sent again: process them from GET /payments/{id} and GET /subscriptions/{id} (`golive monitor --reconcile` lists them), or ask your account manager for a replay.',
        data: { seen, unacknowledged: unacked, lost: lostSeen + this.lostByReconcile },
      });
    }
    if (late > 0 && !runs.length) {
      alerts.push({
        id: 'delivery.late-events',
        message: `${late} event${late === 1 ? ' was' : 's were'} acknowledged more than ${c.persistentAfterMinutes} min after MintCash created ${late === 1 ? 'it' : 'them'} (persistent failures that recovered).`,
        next: 'Look for the failing window in the access log; fulfilment of those orders was late.',
        data: { late },
      });
    }
    const dayRates = new Map<string, { n: number; ok: number }>();
    for (const [h, b] of this.hours) {
      const d = dayOf(h);
      const x = dayRates.get(d) ?? { n: 0, ok: 0 };
      x.n += b.n;
      x.ok += b.ok;
      dayRates.set(d, x);
    }
    const daily: DayPoint[] = days.map((d) => {
      const x = dayRates.get(d);
      return { day: d, value: x && x.n > 0 ? x.ok / x.n : null };
    });
    const have = inputs.access || inputs.events;
    const parts: string[] = [];
    if (attemptRate !== null) parts.push(`${pct(attemptRate, 2)} of ${this.attempts} webhook POSTs answered 2xx within ${c.budgetMs / 1000} s`);
    if (eventual !== null) parts.push(`${pct(eventual, 2)} of ${seen} events eventually acknowledged`);
    if (p95 !== null) parts.push(`p95 ${p95} ms`);
    if (late > 0) parts.push(`${late} late`);
    return {
      id: 'delivery',
      title: 'Webhook delivery success rate',
      status: !have ? 'pending' : alerts.length ? 'alert' : 'ok',
      summary: !have ? 'pending: needs the access log, the app log or the event ledger' : parts.join('; ') || 'no webhook deliveries in this window',
      values: {
        attempts: this.attempts,
        attemptsOk: this.ok,
        attemptRate,
        answeredLate: this.okButSlow,
        eventsSeen: seen,
        eventsAcknowledged: this.events.size - unacked,
        eventualRate: eventual,
        eventsLate: late,
        eventsLost: lostSeen + this.lostByReconcile,
        p50Ms: this.p(0.5),
        p95Ms: p95,
        p99Ms: this.p(0.99),
      },
      alerts,
      pending,
      daily,
      notes,
    };
  }
}

export { DAY };
