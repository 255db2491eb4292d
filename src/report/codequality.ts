// GitLab Code Quality (the CodeClimate JSON subset GitLab reads from `artifacts:reports:codequality`):
// one issue per open finding of a static check, placed like SARIF results (repository-relative path
// and line). Network checks stay out: GitLab compares a merge request's report with the target
// branch's by fingerprint and calls every issue the newer one lacks "fixed", with no way to say "not
// analysed", so an endpoint unreachable for a moment would mark each endpoint finding fixed and
// then new again. They are properties of the deployment, not of the code: the JUnit report, the
// job log and the gate carry them (README "CI integration").
import type { RunReport } from '../engine/types.js';
import { openFindings } from './common.js';
import { placeOf, urlOf } from './sarif.js';
import { riskOf } from './risk.js';

type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/** Blocking security findings rank highest; warnings are minor. */
function severityOf(id: string, severity: 'error' | 'warning'): GitlabSeverity {
  if (severity === 'warning') return 'minor';
  const { kind, score } = riskOf(id);
  if (kind === 'security') return score >= 9 ? 'blocker' : 'critical';
  return 'major';
}

export function buildCodeQuality(report: RunReport): Array<Record<string, unknown>> {
  const issues: Array<Record<string, unknown>> = [];
  for (const r of report.checks) {
    if ((r.status !== 'fail' && r.status !== 'warn') || r.kind === 'network') continue;
    for (const f of openFindings(r.findings)) {
      const place = placeOf(r, f, report);
      const url = f.file ? undefined : urlOf(r, report);
      issues.push({
        type: 'issue',
        check_name: r.id,
        description: url && !f.message.includes(url) ? `${f.message} (${url})` : f.message,
        categories: [riskOf(r.id).kind === 'security' ? 'Security' : 'Bug Risk'],
        severity: severityOf(r.id, f.severity),
        // GitLab matches issues between branches by fingerprint; golive's is stable across edits.
        fingerprint: f.fingerprint ?? `${r.id}:${place.uri}:${f.messageId}`,
        location: { path: decodeURIComponent(place.uri), lines: { begin: place.line } },
      });
    }
  }
  return issues;
}

export function renderCodeQuality(report: RunReport): string {
  return `${JSON.stringify(buildCodeQuality(report), null, 2)}\n`;
}
