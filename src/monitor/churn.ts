// Churn at the past_due → cancelled boundary: the cohort of subscriptions whose renewal failed
// (subscription.failed with status past_due), and how each left dunning: recovered (a later
// subscription.succeeded), cancelled, or still open, by the number of failed dunning attempts.
// MintCash retries a failed renewal 5 times over 16 days (API-FACTS §8): cancellations before the
// last attempt are the merchant's or the customer's, an early signal of dunning issues.
import type { MonitorConfig } from './config.js';
import { dayOf, pct } from './time.js';
import type { Alert, CohortRow, EventRecord, MetricResult, SubscriptionRow } from './types.js';

const DUNNING_ATTEMPTS = 5;

interface SubEvent {
  t: number;
  event: string;
  status: string | null;
  seq: number;
}

export class ChurnMetric {
  private readonly subs = new Map<string, SubEvent[]>();
  private readonly rows = new Map<string, SubscriptionRow>();
  private seq = 0;
  private readonly seenEvents = new Set<string>();

  constructor(private readonly cfg: MonitorConfig['churn']) {}

  addEvent(e: EventRecord): void {
    if (!e.event.startsWith('subscription.') || !e.objectId) return;
    // The same event from the ledger and the app log counts once.
    if (this.seenEvents.has(e.eventId)) return;
    this.seenEvents.add(e.eventId);
    const list = this.subs.get(e.objectId) ?? [];
    list.push({ t: e.created ?? e.t, event: e.event, status: e.status, seq: this.seq++ });
    this.subs.set(e.objectId, list);
  }

  addRow(r: SubscriptionRow): void {
    this.rows.set(r.id, r);
  }

  result(days: readonly string[], inputs: { events: boolean; subscriptions: boolean }): { metric: MetricResult; cohort: CohortRow[] } {
    const rows = new Map<number, CohortRow>();
    const row = (attempt: number) => {
      const a = Math.max(1, attempt);
      let r = rows.get(a);
      if (!r) rows.set(a, (r = { attempt: a, recovered: 0, cancelled: 0, open: 0 }));
      return r;
    };
    const entered = new Map<string, number>();
    let cancelledEarly = 0;
    for (const [id, list] of this.subs) {
      list.sort((a, b) => a.t - b.t || a.seq - b.seq);
      let dunning = 0;
      let active = false;
      let closed = false;
      for (const e of list) {
        if (e.event === 'subscription.succeeded') {
          if (dunning > 0) row(dunning).recovered++;
          dunning = 0;
          active = true;
        } else if (e.event === 'subscription.failed') {
          // A failed first charge ends the subscription (created → failed): not a dunning case.
          if (e.status === 'failed' || (!active && dunning === 0 && e.status !== 'past_due')) continue;
          if (dunning === 0) entered.set(dayOf(e.t), (entered.get(dayOf(e.t)) ?? 0) + 1);
          dunning++;
        } else if (e.event === 'subscription.cancelled') {
          if (dunning > 0) {
            row(dunning).cancelled++;
            if (dunning < DUNNING_ATTEMPTS) cancelledEarly++;
          }
          dunning = 0;
          closed = true;
          break;
        }
      }
      if (dunning > 0 && !closed) {
        // The subscriptions table may know better (a cancel whose event never arrived).
        const r = this.rows.get(id);
        if (r?.status === 'cancelled') {
          row(dunning).cancelled++;
          if (dunning < DUNNING_ATTEMPTS) cancelledEarly++;
        } else row(dunning).open++;
      }
    }
    // Subscriptions known only from the table: past_due is open; cancelled after a failure churned.
    for (const r of this.rows.values()) {
      if (this.subs.has(r.id)) continue;
      const attempts = r.failedAttempts ?? (r.pastDueSince !== null ? 1 : 0);
      if (r.status === 'past_due') row(attempts || 1).open++;
      else if (r.status === 'cancelled' && attempts > 0) {
        row(attempts).cancelled++;
        if (attempts < DUNNING_ATTEMPTS) cancelledEarly++;
      }
    }
    const cohort = [...rows.values()].sort((a, b) => a.attempt - b.attempt);
    const sum = (k: 'recovered' | 'cancelled' | 'open') => cohort.reduce((a, r) => a + r[k], 0);
    const [recovered, cancelled, open] = [sum('recovered'), sum('cancelled'), sum('open')];
    const size = recovered + cancelled + open;
    const churn = size > 0 ? cancelled / size : null;
    const alerts: Alert[] = [];
    const c = this.cfg;
    if (churn !== null && size >= c.minCohort && churn > c.maxChurnRate) {
      const early = cohort.filter((r) => r.cancelled > 0 && r.attempt < DUNNING_ATTEMPTS).map((r) => `${r.cancelled} after ${r.attempt} failed attempt${r.attempt === 1 ? '' : 's'}`);
      alerts.push({
        id: 'churn.past-due-cancelled',
        message: `${cancelled} of ${size} subscriptions that went past_due were cancelled (${pct(churn)}, alert above ${pct(c.maxChurnRate)}); ${recovered} recovered, ${open} still in dunning${early.length ? `. Cancelled before MintCash's ${DUNNING_ATTEMPTS} retries ran out: ${early.join(', ')}` : ''}.`,
        next: cancelledEarly > 0
          ? 'Something cancels subscriptions during dunning: your own code or support calling DELETE /subscriptions/{id} on subscription.failed, or customers cancelling after the failed-payment email. Let MintCash\'s retries run (days 0, 1, 4, 9, 16) and check the "update your card" link works.'
          : 'Most dunning runs end cancelled: check that customers get the failed-payment email and can update their card.',
        data: { cohort: size, cancelled, recovered, open, cancelledEarly },
      });
    }
    const have = inputs.events || inputs.subscriptions;
    const pending = have
      ? []
      : [{ input: 'events' as const, flag: '--events, --app-log or --subscriptions', why: 'the past_due cohort comes from subscription events (ledger or app log) or the subscriptions table export' }];
    return {
      cohort,
      metric: {
        id: 'churn',
        title: 'Churn at the past_due → cancelled boundary',
        status: !have ? 'pending' : alerts.length ? 'alert' : 'ok',
        summary: !have ? 'pending: needs subscription events or the subscriptions export' : size === 0 ? 'no subscription went past_due in this window' : `${size} went past_due: ${recovered} recovered, ${cancelled} cancelled (${pct(churn)}), ${open} still open`,
        values: { pastDue: size, recovered, cancelled, open, churnRate: churn, cancelledBeforeLastRetry: cancelledEarly },
        alerts,
        pending,
        daily: days.map((d) => ({ day: d, value: entered.get(d) ?? (have ? 0 : null) })),
        notes: inputs.subscriptions && !inputs.events ? ['from the subscriptions table alone, recoveries are not visible: add --events for the whole cohort'] : [],
      },
    };
  }
}
