// requestId correlation: every MintCash error the application logs should carry details.requestId
// (MintCash pulls the full request, response and provider trace from it, API-FACTS §16), next to
// the app's own request or order id. Lists the requestIds to quote to support and counts the
// errors logged without one.
import type { MonitorConfig } from './config.js';
import { dayOf, iso, pct, short } from './time.js';
import type { Alert, MetricResult, MintcashErrorRecord, RequestIdRow } from './types.js';

/** Rows kept for the report (the newest win); the rest are counted. */
const MAX_ROWS = 500;

export class RequestIdMetric {
  total = 0;
  missing = 0;
  firstMissing: number | null = null;
  lastMissing: number | null = null;
  private readonly rows: RequestIdRow[] = [];
  omitted = 0;
  private readonly missingByDay = new Map<string, number>();
  private readonly totalByDay = new Map<string, number>();

  constructor(private readonly cfg: MonitorConfig['requestId']) {}

  add(e: MintcashErrorRecord): void {
    this.total++;
    const d = dayOf(e.t);
    this.totalByDay.set(d, (this.totalByDay.get(d) ?? 0) + 1);
    if (!e.requestId) {
      this.missing++;
      this.missingByDay.set(d, (this.missingByDay.get(d) ?? 0) + 1);
      this.firstMissing = Math.min(this.firstMissing ?? e.t, e.t);
      this.lastMissing = Math.max(this.lastMissing ?? e.t, e.t);
    }
    this.rows.push({ at: iso(e.t), requestId: e.requestId, code: e.code, httpStatus: e.httpStatus, appRequestId: e.appRequestId, orderId: e.orderId });
    if (this.rows.length > MAX_ROWS * 2) {
      this.rows.sort((a, b) => (a.at < b.at ? 1 : -1));
      this.omitted += this.rows.length - MAX_ROWS;
      this.rows.length = MAX_ROWS;
    }
  }

  result(days: readonly string[], inputs: { appLog: boolean }): { metric: MetricResult; rows: RequestIdRow[]; omitted: number } {
    const rows = [...this.rows].sort((a, b) => (a.at < b.at ? 1 : -1));
    const omitted = this.omitted + Math.max(0, rows.length - MAX_ROWS);
    rows.length = Math.min(rows.length, MAX_ROWS);
    const alerts: Alert[] = [];
    if (this.missing > this.cfg.maxMissing) {
      alerts.push({
        id: 'request-id.missing',
        at: iso(this.firstMissing!),
        until: iso(this.lastMissing!),
        message: `${this.missing} of ${this.total} MintCash errors were logged without details.requestId (${short(this.firstMissing!)} to ${short(this.lastMissing!)}): support cannot trace them.`,
        next: 'Log err.details.requestId with every MintCash error (`golive explain firstweek.request-id-logged`); if it started with a deploy, look for a log redaction or serializer change that drops err.details.',
        data: { missing: this.missing, total: this.total },
      });
    }
    const withId = this.total - this.missing;
    const share = this.total > 0 ? withId / this.total : null;
    return {
      rows,
      omitted,
      metric: {
        id: 'request-id',
        title: 'requestId correlation',
        status: !inputs.appLog ? 'pending' : alerts.length ? 'alert' : 'ok',
        summary: !inputs.appLog ? 'pending: needs the application log' : this.total === 0 ? 'no MintCash errors logged in this window' : `${withId} of ${this.total} logged MintCash errors carry details.requestId (${pct(share)})`,
        values: { errors: this.total, withRequestId: withId, missingRequestId: this.missing, share },
        alerts,
        pending: inputs.appLog ? [] : [{ input: 'appLog', flag: '--app-log', why: 'MintCash errors and their details.requestId are read from the application\'s structured log' }],
        daily: days.map((d) => ({ day: d, value: inputs.appLog ? (this.missingByDay.get(d) ?? 0) : null })),
        notes: this.total === 0 && inputs.appLog ? ['nothing to correlate: no MintCash error in the app log (the static check firstweek.request-id-logged reads the code)'] : [],
      },
    };
  }
}
