// Status derivation and the gate: pure functions of findings and results.
import { STATUSES, type CheckResult, type Finding, type RunReport, type Severity, type Status, type StatusCounts } from './types.js';

/** Findings that still count: not waived, not in the baseline, not suppressed inline. */
export function openFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.waived && !f.baseline && !f.suppressed);
}

export function deriveStatus(findings: readonly Finding[]): Status {
  const open = openFindings(findings);
  if (open.some((f) => f.severity === 'error')) return 'fail';
  if (open.length > 0) return 'warn';
  return 'pass';
}

/** Gate: a failing, erroring or pending check fails it; with --fail-on warning, so does a warning. */
export function decideGate(checks: readonly CheckResult[], failOn: Severity): RunReport['summary'] {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const c of checks) counts[c.status]++;
  const blocking = counts.fail + counts.error + counts.pending + (failOn === 'warning' ? counts.warn : 0);
  return { gate: blocking > 0 ? 'fail' : 'pass', counts, total: checks.length };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.messageId.localeCompare(b.messageId) ||
      (a.fingerprint ?? '').localeCompare(b.fingerprint ?? '') ||
      (a.commit ?? '').localeCompare(b.commit ?? ''),
  );
}
