// `--emit`: the same four metrics computed continuously by the monitoring a team already runs.
// Prometheus recording and alert rules (with `promtool test rules` unit tests), a Grafana dashboard
// and Datadog monitors, over two sources: golive's own textfile metrics (golive_firstweek_*, from
// `golive monitor --format openmetrics` on a schedule) and the merchant's live metrics, by the
// names README "golive monitor" documents: http_request_duration_seconds (express-prom-bundle,
// prom-client), mintcash_webhook_events_total{event,failure_code},
// mintcash_subscription_transitions_total{from,to} and mintcash_api_errors_total{code,request_id_logged}.
import { stringify } from 'yaml';
import type { MonitorConfig } from './config.js';
import { escapeRegExp } from '../regexp.js';

export interface EmitOptions {
  monitor: MonitorConfig;
  webhookPaths: readonly string[];
}

function selectors(o: EmitOptions) {
  const paths = o.webhookPaths.map(escapeRegExp).join('|').replace(/\\/g, '\\\\');
  const req = `method="POST",path=~"${paths}"`;
  const drift = o.monitor.failures.driftCodes.join('|').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return { req, drift };
}

export function prometheusRules(o: EmitOptions) {
  const { req, drift } = selectors(o);
  const d = o.monitor.delivery;
  const f = o.monitor.failures;
  const c = o.monitor.churn;
  const outcomes = 'event=~"payment\\\\.(succeeded|failed)"';
  return {
    groups: [
      {
        name: 'golive-firstweek-recording',
        interval: '1m',
        rules: [
          { record: 'golive:webhook_attempts:increase1h', expr: `sum(increase(http_request_duration_seconds_count{${req}}[1h]))` },
          { record: 'golive:webhook_attempt_ratio:1h', expr: `sum(increase(http_request_duration_seconds_bucket{${req},status_code=~"2..",le="${d.budgetMs / 1000}"}[1h])) / sum(increase(http_request_duration_seconds_count{${req}}[1h]))` },
          { record: 'golive:webhook_answer_seconds:p95_15m', expr: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${req}}[15m])))` },
          { record: 'golive:payments:increase1h', expr: `sum(increase(mintcash_webhook_events_total{${outcomes}}[1h]))` },
          { record: 'golive:payment_failures:increase1h', expr: 'sum by (failure_code) (increase(mintcash_webhook_events_total{event="payment.failed"}[1h]))' },
          { record: 'golive:payment_failure_ratio:1h', expr: 'golive:payment_failures:increase1h / ignoring(failure_code) group_left golive:payments:increase1h' },
          {
            record: 'golive:payment_failure_ratio:baseline',
            expr: `sum by (failure_code) (increase(mintcash_webhook_events_total{event="payment.failed"}[${f.baselineHours}h] offset 1h)) / ignoring(failure_code) group_left sum(increase(mintcash_webhook_events_total{${outcomes}}[${f.baselineHours}h] offset 1h))`,
          },
          { record: 'golive:past_due_exits:increase7d', expr: 'sum by (to) (increase(mintcash_subscription_transitions_total{from="past_due"}[7d]))' },
          { record: 'golive:past_due_churn_ratio:7d', expr: 'sum(golive:past_due_exits:increase7d{to="cancelled"}) / sum(golive:past_due_exits:increase7d)' },
        ],
      },
      {
        name: 'golive-firstweek-alerts',
        rules: [
          alert('GoliveWebhookDeliveryLow', `golive:webhook_attempt_ratio:1h < ${d.minAttemptRate} and on() golive:webhook_attempts:increase1h >= ${d.minAttempts}`, '5m', 'delivery',
            `Fewer than ${d.minAttemptRate * 100}% of MintCash webhook deliveries were answered 2xx within ${d.budgetMs / 1000} s over the last hour`,
            'Every non-2xx makes MintCash retry and delays fulfilment; check the endpoint, its proxy and the app log.'),
          alert('GoliveWebhookPersistentFailure', `sum(rate(http_request_duration_seconds_count{${req},status_code=~"2.."}[5m])) == 0 and on() sum(rate(http_request_duration_seconds_count{${req}}[5m])) > 0`, `${d.persistentAfterMinutes}m`, 'delivery',
            `The webhook endpoint has answered no 2xx for ${d.persistentAfterMinutes} minutes`,
            `MintCash gives up after ${d.lostAfterHours} h: fix the endpoint now, then run golive monitor --reconcile for events it dropped.`),
          alert('GoliveWebhookSlowAck', `golive:webhook_answer_seconds:p95_15m > ${d.promptAckMs / 1000}`, '15m', 'delivery',
            `p95 webhook answer time is above ${d.promptAckMs / 1000} s`,
            `Acknowledge first and work afterwards; above ${d.budgetMs / 1000} s MintCash counts a timeout and retries.`),
          alert('GolivePaymentFailureDriftCode', `sum by (failure_code) (increase(mintcash_webhook_events_total{event="payment.failed",failure_code=~"(?i).*(${drift}).*"}[1h])) > 0`, '0m', 'failures',
            'payment.failed with a configuration-drift failureCode ({{ $labels.failure_code }})',
            'Codes like this mean drift in credentials, permissions or requests (a rotated key, a provider setting, a deploy): compare with the last deploy and ask MintCash support with the requestIds.'),
          alert('GolivePaymentFailureSpike', `golive:payment_failure_ratio:1h >= ${f.spikeMinRate} and golive:payment_failures:increase1h >= ${f.spikeMinCount} and golive:payment_failure_ratio:1h >= ${f.spikeFactor} * (golive:payment_failure_ratio:baseline or golive:payment_failure_ratio:1h * 0)`, '0m', 'failures',
            'failureCode {{ $labels.failure_code }} spiked against the trailing baseline',
            'A sudden spike usually means configuration drift, not customers: check deploys and provider settings around it.'),
          alert('GolivePastDueChurn', `golive:past_due_churn_ratio:7d > ${c.maxChurnRate} and on() sum(golive:past_due_exits:increase7d) >= ${c.minCohort}`, '0m', 'churn',
            `More than ${c.maxChurnRate * 100}% of subscriptions leaving past_due ended cancelled this week`,
            "Something cancels subscriptions during dunning (your code, support, or customers after the failed-payment email); let MintCash's retries run."),
          alert('GoliveRequestIdMissing', `sum(increase(mintcash_api_errors_total{request_id_logged="false"}[1h])) > ${o.monitor.requestId.maxMissing}`, '0m', 'request-id',
            'MintCash errors were logged without details.requestId',
            'Log err.details.requestId with every MintCash error; support cannot trace a failure without it.'),
          alert('GoliveFirstWeekMetricAlert', 'golive_firstweek_status{state="alert"} == 1', '0m', '{{ $labels.metric }}',
            'golive monitor reports an alert for {{ $labels.metric }}',
            'Run golive monitor (or open its HTML report) for the alert and what to do next.'),
          alert('GoliveFirstWeekReportStale', 'time() - golive_firstweek_report_generated_seconds > 7200', '0m', 'all',
            'golive monitor has not refreshed its textfile metrics for 2 hours',
            'Check the cron job or systemd timer that runs golive monitor --format openmetrics.'),
        ],
      },
    ],
  };
}

function alert(name: string, expr: string, forDuration: string, metric: string, summary: string, next: string) {
  return {
    alert: name,
    expr,
    ...(forDuration !== '0m' ? { for: forDuration } : {}),
    labels: { severity: 'page', checklist: 'first-week', metric },
    annotations: { summary, next },
  };
}

/** `promtool test rules` unit tests of the emitted rules: each alert fires on its case and stays quiet on a healthy one. */
export function prometheusTests(o: EmitOptions, rulesFile = 'golive-first-week.rules.yml') {
  const path = o.webhookPaths[0] ?? '/webhooks/mintcash';
  const req = (status: string, extra = '') => `http_request_duration_seconds_count{method="POST",path="${path}",status_code="${status}"${extra}}`;
  const bucket = (status: string, le: string) => `http_request_duration_seconds_bucket{method="POST",path="${path}",status_code="${status}",le="${le}"}`;
  const budget = String(o.monitor.delivery.budgetMs / 1000);
  const rules = new Map(prometheusRules(o).groups[1]!.rules.map((r) => [(r as { alert: string }).alert, (r as { annotations: Record<string, string> }).annotations]));
  // What each alert is expected to say, its templates filled from the expected labels.
  const expect = (alertname: string, metric: string, extra: Record<string, string> = {}) => {
    const exp_labels: Record<string, string> = { severity: 'page', checklist: 'first-week', metric, ...extra };
    const fill = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => exp_labels[k] ?? '');
    const a = rules.get(alertname)!;
    return { exp_labels, exp_annotations: { summary: fill(a.summary!), next: fill(a.next!) } };
  };
  const healthyHttp = [
    { series: req('200'), values: '0+10x180' },
    { series: bucket('200', budget), values: '0+10x180' },
    { series: bucket('200', '0.1'), values: '0+10x180' },
    { series: bucket('200', '+Inf'), values: '0+10x180' },
  ];
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        name: 'healthy endpoint: no delivery alert',
        interval: '1m',
        input_series: healthyHttp,
        alert_rule_test: ['GoliveWebhookDeliveryLow', 'GoliveWebhookPersistentFailure', 'GoliveWebhookSlowAck'].map((a) => ({ eval_time: '170m', alertname: a, exp_alerts: [] })),
      },
      {
        name: 'an outage: delivery low, then a persistent failure',
        interval: '1m',
        input_series: [
          { series: req('200'), values: '0+10x60 600x120' },
          { series: bucket('200', budget), values: '0+10x60 600x120' },
          { series: bucket('200', '+Inf'), values: '0+10x60 600x120' },
          { series: req('502'), values: '0x60 0+10x120' },
          { series: bucket('502', budget), values: '0x60 0+10x120' },
          { series: bucket('502', '+Inf'), values: '0x60 0+10x120' },
        ],
        alert_rule_test: [
          { eval_time: '90m', alertname: 'GoliveWebhookDeliveryLow', exp_alerts: [expect('GoliveWebhookDeliveryLow', 'delivery')] },
          { eval_time: '90m', alertname: 'GoliveWebhookPersistentFailure', exp_alerts: [] },
          { eval_time: '180m', alertname: 'GoliveWebhookPersistentFailure', exp_alerts: [expect('GoliveWebhookPersistentFailure', 'delivery')] },
        ],
      },
      {
        name: 'a configuration-drift failure code fires on first sight; a card decline does not',
        interval: '1m',
        input_series: [
          { series: 'mintcash_webhook_events_total{event="payment.succeeded"}', values: '0+5x60' },
          { series: 'mintcash_webhook_events_total{event="payment.failed",failure_code="card_declined"}', values: '0x30 1x30' },
          { series: 'mintcash_webhook_events_total{event="payment.failed",failure_code="provider_auth_failed"}', values: '0x30 1x30' },
        ],
        alert_rule_test: [
          { eval_time: '45m', alertname: 'GolivePaymentFailureDriftCode', exp_alerts: [expect('GolivePaymentFailureDriftCode', 'failures', { failure_code: 'provider_auth_failed' })] },
          { eval_time: '45m', alertname: 'GolivePaymentFailureSpike', exp_alerts: [] },
        ],
      },
      {
        name: 'a failure code spikes against its trailing baseline',
        interval: '1m',
        input_series: [
          { series: 'mintcash_webhook_events_total{event="payment.succeeded"}', values: '0+10x1560' },
          { series: 'mintcash_webhook_events_total{event="payment.failed",failure_code="card_declined"}', values: '0+0.2x1500 300+2x60' },
        ],
        alert_rule_test: [
          { eval_time: '1440m', alertname: 'GolivePaymentFailureSpike', exp_alerts: [] },
          { eval_time: '1560m', alertname: 'GolivePaymentFailureSpike', exp_alerts: [expect('GolivePaymentFailureSpike', 'failures', { failure_code: 'card_declined' })] },
        ],
      },
      {
        name: 'past_due churn above the threshold; recoveries alone are fine',
        interval: '1m',
        input_series: [
          { series: 'mintcash_subscription_transitions_total{from="past_due",to="cancelled"}', values: '0+1x10' },
          { series: 'mintcash_subscription_transitions_total{from="past_due",to="active"}', values: '0+1x2' },
        ],
        alert_rule_test: [{ eval_time: '10m', alertname: 'GolivePastDueChurn', exp_alerts: [expect('GolivePastDueChurn', 'churn')] }],
      },
      {
        name: 'a MintCash error logged without requestId',
        interval: '1m',
        input_series: [
          { series: 'mintcash_api_errors_total{code="invalid_argument",request_id_logged="true"}', values: '0+1x10' },
          { series: 'mintcash_api_errors_total{code="invalid_argument",request_id_logged="false"}', values: '0x5 1x5' },
        ],
        alert_rule_test: [
          { eval_time: '4m', alertname: 'GoliveRequestIdMissing', exp_alerts: [] },
          { eval_time: '8m', alertname: 'GoliveRequestIdMissing', exp_alerts: [expect('GoliveRequestIdMissing', 'request-id')] },
        ],
      },
      {
        name: "golive's textfile metrics: an alert state fires, ok stays quiet",
        interval: '1m',
        input_series: [
          { series: 'golive_firstweek_status{metric="delivery",state="alert"}', values: '1x5' },
          { series: 'golive_firstweek_status{metric="failures",state="alert"}', values: '0x5' },
          { series: 'golive_firstweek_report_generated_seconds', values: '0x5' },
        ],
        alert_rule_test: [
          { eval_time: '2m', alertname: 'GoliveFirstWeekMetricAlert', exp_alerts: [expect('GoliveFirstWeekMetricAlert', 'delivery', { state: 'alert' })] },
        ],
      },
    ],
  };
}

export function grafanaDashboard(o: EmitOptions) {
  const { req } = selectors(o);
  const panel = (id: number, title: string, exprs: Array<[string, string]>, unit: string, y: number, x: number) => ({
    id,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: exprs.map(([expr, legend], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat: legend })),
  });
  return {
    title: 'MintCash: the first week (golive)',
    uid: 'golive-first-week',
    tags: ['mintcash', 'golive', 'first-week'],
    timezone: 'utc',
    schemaVersion: 39,
    time: { from: 'now-7d', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
    panels: [
      panel(1, 'Webhook delivery: answered 2xx within 10 s', [['golive:webhook_attempt_ratio:1h', 'live metrics'], ['golive_firstweek_webhook_attempt_ratio', 'golive monitor']], 'percentunit', 0, 0),
      panel(2, 'Webhook answer time p95', [['golive:webhook_answer_seconds:p95_15m', 'p95'], [`histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${req}}[15m])))`, 'p50']], 's', 0, 12),
      panel(3, 'payment.failed by failureCode (per hour)', [['golive:payment_failures:increase1h', '{{failure_code}}'], ['golive_firstweek_payment_failures', '{{code}} (golive monitor)']], 'short', 8, 0),
      panel(4, 'past_due → cancelled churn (7 days)', [['golive:past_due_churn_ratio:7d', 'churn'], ['golive_firstweek_past_due_churn_ratio', 'golive monitor']], 'percentunit', 8, 12),
      panel(5, 'MintCash errors logged without requestId', [['sum(increase(mintcash_api_errors_total{request_id_logged="false"}[1h]))', 'missing'], ['golive_firstweek_mintcash_errors{request_id="missing"}', 'golive monitor']], 'short', 16, 0),
      panel(6, 'golive monitor alerts by metric', [['golive_firstweek_alerts', '{{metric}}']], 'short', 16, 12),
    ],
  };
}

export function datadogMonitors(o: EmitOptions) {
  const d = o.monitor.delivery;
  const mon = (name: string, query: string, critical: number, message: string) => ({
    name: `MintCash first week: ${name}`,
    type: 'query alert',
    query,
    message: `${message} (golive monitor, checklist "first week")`,
    tags: ['mintcash', 'golive', 'first-week'],
    options: { thresholds: { critical }, notify_no_data: false, require_full_window: false },
  });
  // Metrics reach Datadog through the Agent's OpenMetrics check (namespace "golive") scraping the
  // textfile golive writes, or the app's own /metrics; names keep their Prometheus spelling.
  return [
    mon('webhook delivery below target', `avg(last_1h):avg:golive.golive_firstweek_webhook_attempt_ratio{*} < ${d.minAttemptRate}`, d.minAttemptRate, `Fewer than ${d.minAttemptRate * 100}% of webhook deliveries answered 2xx within ${d.budgetMs / 1000} s.`),
    mon('webhook p95 answer time', `avg(last_15m):avg:golive.golive_firstweek_webhook_answer_seconds{quantile:0.95} > ${d.promptAckMs / 1000}`, d.promptAckMs / 1000, 'Acknowledge first, work afterwards.'),
    mon('configuration-drift failure codes', 'max(last_1h):sum:golive.golive_firstweek_payment_failures{drift:true} > 0', 0, 'payment.failed with a configuration-drift failureCode: check the last deploy and provider settings.'),
    mon('past_due churn', `max(last_1h):max:golive.golive_firstweek_past_due_churn_ratio{*} > ${o.monitor.churn.maxChurnRate}`, o.monitor.churn.maxChurnRate, 'Subscriptions are cancelled during dunning.'),
    mon('MintCash errors without requestId', `max(last_1h):max:golive.golive_firstweek_mintcash_errors{request_id:missing} > ${o.monitor.requestId.maxMissing}`, o.monitor.requestId.maxMissing, 'Log err.details.requestId with every MintCash error.'),
    mon('golive monitor alert', 'max(last_15m):max:golive.golive_firstweek_status{state:alert} >= 1', 1, 'golive monitor reports an alert for {{metric.name}}: run golive monitor for what to do next.'),
  ];
}

export function renderEmit(kind: 'prometheus-rules' | 'prometheus-tests' | 'grafana' | 'datadog', o: EmitOptions): string {
  switch (kind) {
    case 'prometheus-rules':
      return `# golive monitor --emit prometheus-rules: the checklist's first week, continuously.\n${stringify(prometheusRules(o), { lineWidth: 0 })}`;
    case 'prometheus-tests':
      return `# golive monitor --emit prometheus-tests: promtool test rules <this file> (next to golive-first-week.rules.yml)\n${stringify(prometheusTests(o), { lineWidth: 0 })}`;
    case 'grafana':
      return `${JSON.stringify(grafanaDashboard(o), null, 2)}\n`;
    case 'datadog':
      return `${JSON.stringify(datadogMonitors(o), null, 2)}\n`;
  }
}
