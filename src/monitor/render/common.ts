// Shared pieces of the monitor's renderers (pure functions of a MonitorReport).
import type { DayPoint, InputSummary, MetricResult, MetricStatus, MonitorReport } from '../types.js';

export const STATUS_WORD: Record<MetricStatus, string> = { ok: 'ok', alert: 'ALERT', pending: 'pending' };
export const STATUS_SYMBOL: Record<MetricStatus, string> = { ok: '✓', alert: '✗', pending: '…' };
export const INPUT_LABEL: Record<string, string> = { accessLog: 'access log', appLog: 'app log', events: 'event ledger', subscriptions: 'subscriptions', reconcile: 'reconcile' };

const BARS = '▁▂▃▄▅▆▇█';

/** One character per day; a day with no data is a space. */
export function sparkline(points: readonly DayPoint[]): string {
  const vals = points.map((p) => p.value).filter((v): v is number => v !== null);
  if (vals.length === 0) return ' '.repeat(points.length);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return points
    .map((p) => {
      if (p.value === null) return ' ';
      if (hi === lo) return p.value === 0 ? BARS[0] : BARS[3];
      return BARS[Math.round(((p.value - lo) / (hi - lo)) * (BARS.length - 1))];
    })
    .join('');
}

export function headline(r: MonitorReport): string {
  const alerts = r.metrics.reduce((a, m) => a + m.alerts.length, 0);
  if (r.status === 'alert') return `ALERT: ${alerts} alert${alerts === 1 ? '' : 's'} in ${r.metrics.filter((m) => m.status === 'alert').length} of 4 first-week metrics`;
  if (r.status === 'pending') return 'Pending: no input for any first-week metric yet';
  const pending = r.metrics.filter((m) => m.status === 'pending').length;
  return pending ? `Healthy so far: no alert; ${pending} metric${pending === 1 ? '' : 's'} pending an input` : 'Healthy: no alert in the four first-week metrics';
}

export function windowLine(r: MonitorReport): string {
  const w = r.window;
  const from = w.since ?? w.first;
  const to = w.until ?? w.last;
  return from && to ? `${from.slice(0, 16).replace('T', ' ')}Z → ${to.slice(0, 16).replace('T', ' ')}Z (${w.days} day${w.days === 1 ? '' : 's'})` : 'no records in the window';
}

export function inputLine(s: InputSummary): string {
  const files = s.files.length > 2 ? `${s.files.slice(0, 2).join(', ')} and ${s.files.length - 2} more` : s.files.join(', ');
  const parts = [`${s.lines.toLocaleString('en-US')} lines`, `${s.records.toLocaleString('en-US')} records`, `${s.malformed} malformed`];
  if (s.outsideWindow) parts.push(`${s.outsideWindow} outside the window`);
  if (s.probesExcluded) parts.push(`${s.probesExcluded} golive probe${s.probesExcluded === 1 ? '' : 's'} excluded`);
  return `${files} (${s.format}): ${parts.join(', ')}`;
}

export function pendingLines(m: MetricResult): string[] {
  return m.pending.map((p) => `give ${p.flag}: ${p.why}`);
}
