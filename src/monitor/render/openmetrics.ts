// OpenMetrics text for node_exporter's textfile collector (`--format openmetrics -o
// /var/lib/node_exporter/textfile/golive.prom`, written atomically). Gauges of the window's figures
// under golive_firstweek_*, with low cardinality: label values are fixed words, except failure
// codes (cleaned, at most 20 named, the rest summed as `other`). No timestamps: the collector
// refuses them.
import type { MonitorReport } from '../types.js';

const MAX_CODES = 20;

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'NaN' : String(Math.round(v * 1e6) / 1e6));

export function renderOpenMetrics(r: MonitorReport): string {
  const out: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[Record<string, string>, number | null | undefined]>, unit?: string) => {
    out.push(`# HELP golive_firstweek_${name} ${help}`, `# TYPE golive_firstweek_${name} gauge`);
    if (unit) out.push(`# UNIT golive_firstweek_${name} ${unit}`);
    for (const [labels, v] of samples) {
      const l = Object.entries(labels).map(([k, x]) => `${k}="${esc(x)}"`).join(',');
      out.push(`golive_firstweek_${name}${l ? `{${l}}` : ''} ${num(v)}`);
    }
  };
  const m = Object.fromEntries(r.metrics.map((x) => [x.id, x]));
  const d = m.delivery?.values ?? {};
  const f = m.failures?.values ?? {};
  const c = m.churn?.values ?? {};
  const q = m['request-id']?.values ?? {};
  gauge('status', 'First-week metric state (1 for the current state): ok, alert or pending.', r.metrics.flatMap((x) => (['ok', 'alert', 'pending'] as const).map((s) => [{ metric: x.id, state: s }, x.status === s ? 1 : 0] as [Record<string, string>, number])));
  gauge('alerts', 'Alerts raised by golive monitor for the window, per metric.', r.metrics.map((x) => [{ metric: x.id }, x.alerts.length]));
  gauge('webhook_attempts', 'Webhook POSTs in the window (golive probes excluded).', [[{}, d.attempts], ]);
  gauge('webhook_attempt_ratio', 'Share of webhook POSTs answered 2xx within 10 s.', [[{}, d.attemptRate]]);
  gauge('webhook_eventual_ratio', 'Share of eventIds seen that got a 2xx.', [[{}, d.eventualRate]]);
  gauge('webhook_events', 'Webhook events by fate: acknowledged, late (over 1 h), lost (never, over 24 h or found by --reconcile).', [
    [{ fate: 'seen' }, d.eventsSeen],
    [{ fate: 'acknowledged' }, d.eventsAcknowledged],
    [{ fate: 'late' }, d.eventsLate],
    [{ fate: 'lost' }, d.eventsLost],
  ]);
  gauge('webhook_answer_seconds', 'Webhook answer time percentiles (50, 95, 99) from the access log.', [
    [{ percentile: '50' }, d.p50Ms === null || d.p50Ms === undefined ? null : d.p50Ms / 1000],
    [{ percentile: '95' }, d.p95Ms === null || d.p95Ms === undefined ? null : d.p95Ms / 1000],
    [{ percentile: '99' }, d.p99Ms === null || d.p99Ms === undefined ? null : d.p99Ms / 1000],
  ], 'seconds');
  gauge('payments', 'Distinct payments with an outcome in the window (once per externalId).', [[{}, f.payments]]);
  gauge('payment_failure_ratio', 'Share of payments that failed.', [[{}, f.failureRate]]);
  const codes = r.series.codes;
  const named = codes.slice(0, MAX_CODES).map((s) => [{ code: s.code, drift: String(s.drift) }, s.total] as [Record<string, string>, number]);
  const other = codes.slice(MAX_CODES).reduce((a, s) => a + s.total, 0);
  if (other > 0) named.push([{ code: 'other', drift: 'false' }, other]);
  gauge('payment_failures', 'Failed payments by failureCode (drift: a code that signals configuration drift).', named);
  gauge('past_due_subscriptions', 'Subscriptions that went past_due, by how dunning ended.', [
    [{ outcome: 'recovered' }, c.recovered],
    [{ outcome: 'cancelled' }, c.cancelled],
    [{ outcome: 'open' }, c.open],
  ]);
  gauge('past_due_churn_ratio', 'Share of past_due subscriptions that ended cancelled.', [[{}, c.churnRate]]);
  gauge('mintcash_errors', 'MintCash API errors in the app log, by whether details.requestId was logged.', [
    [{ request_id: 'logged' }, q.withRequestId],
    [{ request_id: 'missing' }, q.missingRequestId],
  ]);
  gauge('malformed_lines', 'Input lines golive could not read (counted, skipped).', r.inputs.map((s) => [{ input: s.name }, s.malformed]));
  gauge('report_generated_seconds', 'When golive monitor wrote this file (Unix time): alert on a stale file.', [[{}, Date.parse(r.generatedAt) / 1000]], 'seconds');
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
