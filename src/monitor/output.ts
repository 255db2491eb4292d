// The monitor's output boundary: every report passes here once before any renderer sees it, and
// every rendered text once more before it leaves golive. Secrets golive knows (the environment,
// the keys --reconcile uses) and anything key-shaped are masked; control characters from log lines
// are made visible. One place, so the shared output boundary can replace it in one line.
import { mask, sanitiseDeep } from '../engine/sanitise.js';
import type { MonitorReport } from './types.js';

export function safeReport(report: MonitorReport, secrets: readonly string[] = []): MonitorReport {
  return sanitiseDeep(report, secrets);
}

export function safeText(text: string, secrets: readonly string[] = []): string {
  return mask(text, secrets);
}
