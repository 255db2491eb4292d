// The four first-week metrics, defined once: `golive explain monitor` prints these, and the README
// says the same. The checklist's own words come first; how golive measures them follows.
export interface MetricDefinition {
  id: string;
  title: string;
  checklist: string;
  measured: string;
  alerts: string;
  inputs: string;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    id: 'delivery',
    title: 'Webhook delivery success rate',
    checklist: 'near 100%; MintCash retries, but persistent failures need investigation.',
    measured:
      'attempt rate = webhook POSTs answered 2xx within 10 s / all webhook POSTs (access log; golive probes excluded). Eventual rate = eventIds that got a 2xx / eventIds seen (app log, ledger, plus events --reconcile finds MintCash gave up on). An event with no 2xx after 1 h is a persistent failure, after 24 h lost. p95 answer time against 2 s (prompt acknowledgement) and 10 s (MintCash\'s timeout).',
    alerts: 'attempt rate below 99% over at least 50 POSTs; eventual rate below 99.9% over at least 50 events; any run of non-2xx answers longer than 1 h (persistent) or 24 h (lost); p95 above 2 s or 10 s; events acknowledged more than 1 h late.',
    inputs: '--access-log (attempt rate, p95), --app-log or --events (eventual rate), --reconcile (lost events)',
  },
  {
    id: 'failures',
    title: 'payment.failed rate by error code',
    checklist: 'sudden spikes usually mean config drift.',
    measured: 'distinct payments with an outcome (payment.succeeded or payment.failed, once per externalId), failed ones by failureCode, hour by hour.',
    alerts: 'a code whose hourly rate is 3x its trailing 24 h rate, with at least 5 payments and 5% of the hour; any code that signals configuration drift (auth, permission, credential, invalid argument or request, not configured…) on first sight.',
    inputs: '--events or --app-log',
  },
  {
    id: 'churn',
    title: 'Churn at the past_due → cancelled boundary',
    checklist: 'an early signal of dunning issues.',
    measured: 'the cohort of subscriptions whose renewal failed (subscription.failed with status past_due): recovered (a later subscription.succeeded), cancelled, or still open, by the number of failed dunning attempts. MintCash retries on days 0, 1, 4, 9 and 16.',
    alerts: 'more than 20% of a cohort of at least 5 ended cancelled; the alert says how many were cancelled before MintCash\'s retries ran out.',
    inputs: '--events or --app-log (subscription events), --subscriptions (the table: status, failedAttempts, pastDueSince)',
  },
  {
    id: 'request-id',
    title: 'requestId correlation',
    checklist: 'between application errors and MintCash failures.',
    measured: 'MintCash errors the application logged (a MintCash error code, a req_… requestId, or a message matching monitor.mintcashErrorPattern at warn or above), whether each carries details.requestId, joined to the app\'s own request id (req.id) and order id; the list of requestIds to quote to support.',
    alerts: 'any MintCash error logged without details.requestId (monitor.requestId.maxMissing, default 0).',
    inputs: '--app-log',
  },
];

export function renderDefinitions(only?: string): string {
  const defs = METRIC_DEFINITIONS.filter((d) => !only || d.id === only);
  const out = ['golive monitor: the checklist\'s first week, measured from your own data', ''];
  for (const d of defs) {
    out.push(`${d.id}  ${d.title}`, `  Checklist:  ${d.checklist}`, `  Measured:   ${d.measured}`, `  Alerts:     ${d.alerts} (thresholds: monitor.* in golive.config.json)`, `  Inputs:     ${d.inputs}; without them the metric is pending and names the input.`, '');
  }
  out.push('Exit codes: 0 healthy (or pending), 1 an alert, 2 usage or input error. `golive monitor --help` for every flag.', '');
  return out.join('\n');
}
