// The monitor's data: records parsed from the merchant's own logs and exports, and the report the
// four first-week metrics produce. Records are small and flat (a week of access log is millions of
// lines); the report is plain JSON so every renderer, the sign-off and `--format json` share it.

/** One request from an access log (nginx, Apache, ALB, Cloudflare/JSON lines). */
export interface AccessRecord {
  /** Epoch ms. */
  t: number;
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** Answer time in ms, when the format logs one ($request_time, ALB processing times). */
  durMs: number | null;
  /** golive's own probes (x-golive-probe, or golive's probe User-Agent): never counted. */
  probe: boolean;
}

/** A webhook event as the merchant's data records it (ledger export or app log). */
export interface EventRecord {
  eventId: string;
  event: string;
  /** Epoch ms: when the merchant's data saw it (receivedAt, the log line), else createdAt. */
  t: number;
  /** Epoch ms of the envelope's createdAt (MintCash's time), when the record has it. */
  created: number | null;
  /** When the merchant received or processed it (receivedAt column, or the log line's time). */
  receivedAt: number | null;
  objectId: string | null;
  externalId: string | null;
  failureCode: string | null;
  /** data.status: tells a renewal failure (past_due) from a failed first charge (failed). */
  status: string | null;
  /** Whether this record proves a 2xx answer (a ledger row, a processed line) or a failed one. */
  acknowledged: boolean | null;
}

/** A MintCash API error the application logged. */
export interface MintcashErrorRecord {
  t: number;
  code: string | null;
  httpStatus: number | null;
  requestId: string | null;
  appRequestId: string | null;
  orderId: string | null;
}

/** A payment or subscription the merchant created (an app log line naming its id). */
export interface ObjectRecord {
  kind: 'payment' | 'subscription';
  id: string;
  t: number;
}

/** A row of the merchant's subscriptions table. */
export interface SubscriptionRow {
  id: string;
  status: string;
  failedAttempts: number | null;
  pastDueSince: number | null;
  updatedAt: number | null;
}

export type InputName = 'accessLog' | 'appLog' | 'events' | 'subscriptions' | 'reconcile';

/** A line golive could not read: counted and shown (masked, cut short), never dropped silently. */
export interface MalformedExample {
  file: string;
  line: number;
  reason: string;
  excerpt: string;
}

export interface InputSummary {
  name: InputName;
  /** The files (or `-` for stdin) read, as given. */
  files: string[];
  format: string;
  lines: number;
  records: number;
  malformed: number;
  examples: MalformedExample[];
  /** Lines outside --since/--until. */
  outsideWindow: number;
  /** golive's own probes left out of every figure. */
  probesExcluded?: number;
  notes: string[];
}

export type MetricId = 'delivery' | 'failures' | 'churn' | 'request-id';
export type MetricStatus = 'ok' | 'alert' | 'pending';

/** One alert: what happened, when, and what to do next. */
export interface Alert {
  /** Stable id, e.g. `delivery.outage`, `failures.drift-code`. */
  id: string;
  message: string;
  next: string;
  at?: string;
  until?: string;
  data?: Record<string, string | number | boolean | null>;
}

/** What a missing input would give. */
export interface Pending {
  input: InputName;
  flag: string;
  why: string;
}

export interface DayPoint {
  day: string;
  value: number | null;
}

export interface MetricResult {
  id: MetricId;
  title: string;
  status: MetricStatus;
  /** One line: the figure as the checklist words it. */
  summary: string;
  values: Record<string, number | null>;
  alerts: Alert[];
  pending: Pending[];
  /** One value per day of the window, for sparklines. */
  daily: DayPoint[];
  notes: string[];
}

export interface HourPoint {
  /** ISO hour start. */
  t: string;
  attempts: number;
  ok: number;
}

export interface CodeSeries {
  code: string;
  total: number;
  drift: boolean;
  /** Failures per hour, aligned with `MonitorReport.series.hours`. */
  perHour: number[];
}

export interface CohortRow {
  /** Failed dunning attempts when the subscription left (or still sits in) past_due. */
  attempt: number;
  recovered: number;
  cancelled: number;
  open: number;
}

export interface RequestIdRow {
  at: string;
  requestId: string | null;
  code: string | null;
  httpStatus: number | null;
  appRequestId: string | null;
  orderId: string | null;
}

export interface ReconcileFinding {
  kind: 'payment' | 'subscription';
  id: string;
  /** What the merchant's data says, and what MintCash says. */
  ours: string;
  theirs: string;
  /** The event the merchant should have received. */
  missing: string;
}

export interface MonitorReport {
  kind: 'golive-monitor-report';
  schemaVersion: 1;
  tool: { name: 'golive'; version: string };
  generatedAt: string;
  window: { since: string | null; until: string | null; first: string | null; last: string | null; days: number };
  status: 'healthy' | 'alert' | 'pending';
  inputs: InputSummary[];
  metrics: MetricResult[];
  series: {
    hours: string[];
    delivery: HourPoint[];
    codes: CodeSeries[];
    cohort: CohortRow[];
    requestIds: RequestIdRow[];
    requestIdsOmitted: number;
  };
  reconcile: { ran: boolean; checked: number; findings: ReconcileFinding[]; errors: string[]; note?: string };
}
