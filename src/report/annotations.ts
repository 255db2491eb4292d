// GitHub Actions workflow commands (`::error file=…::message`) so findings show inline on the PR
// diff. Escaping follows the runner's rules (actions/runner ActionCommand): data escapes %, CR
// and LF; properties also `:` and `,`. Pure: the output boundary prints each line through its one
// path for golive's own commands (LogStream.command), which masks and neutralises `##[` as well.
//
// GitHub shows at most 10 error and 10 warning annotations per step and drops the rest silently,
// so which ones come first matters: every failing check gets one before any gets a second (twelve
// committed keys cannot crowd out the one timing leak), blocking checks first, then by severity,
// then in checklist order; then one notice says how many more there are and where they are.
// Files are placed as in SARIF (report/sarif.ts placeOf): relative to the repository root, which
// is where GitHub resolves `file=`, and a finding with no file of its own at the config line that
// sets what it is about.
import type { CheckResult, Finding, RunReport, Severity } from '../engine/types.js';
import { groupBySection, openFindings, plural } from './common.js';
import { placeOf } from './sarif.js';

/** What GitHub shows per step and kind (docs: "Workflow commands for GitHub Actions", annotations). */
export const ANNOTATIONS_PER_KIND = 10;

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface Annotation {
  kind: Severity;
  check: CheckResult;
  finding: Finding;
}

/** Failing and warning checks with open findings: blocking first, then errors, then checklist order. */
function annotatedChecks(report: RunReport): CheckResult[] {
  const blocking = new Set(report.summary.blocking);
  const ordered = groupBySection(report).flatMap((g) => g.checks);
  const rank = (c: CheckResult) => (blocking.has(c.id) ? 0 : 2) + (c.severity === 'error' ? 0 : 1);
  return ordered
    .filter((c) => (c.status === 'fail' || c.status === 'warn') && openFindings(c.findings).length > 0)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

/** Round robin over the checks: each check's n-th finding of this kind before any check's (n+1)-th. */
function roundRobin(checks: readonly CheckResult[], kind: Severity): Annotation[] {
  const queues = checks.map((c) => openFindings(c.findings).filter((f) => (f.severity === 'error' ? 'error' : 'warning') === kind).map((finding) => ({ kind, check: c, finding })));
  const out: Annotation[] = [];
  for (let round = 0; queues.some((q) => q.length > round); round++) for (const q of queues) if (q[round]) out.push(q[round]!);
  return out;
}

/** The annotations GitHub will show, in order, and how many open findings they leave out. */
export function selectAnnotations(report: RunReport, perKind = ANNOTATIONS_PER_KIND): { shown: Annotation[]; more: number } {
  const checks = annotatedChecks(report);
  const errors = roundRobin(checks, 'error');
  const warnings = roundRobin(checks, 'warning');
  const shown = [...errors.slice(0, perKind), ...warnings.slice(0, perKind)];
  return { shown, more: errors.length + warnings.length - shown.length };
}

function command(report: RunReport, a: Annotation): string {
  const { check: r, finding: f } = a;
  const place = placeOf(r, f, report);
  const props = [`file=${escapeProperty(decodeURIComponent(place.uri))}`, `line=${place.line}`];
  if (place.column !== undefined) props.push(`col=${place.column}`);
  props.push(`title=${escapeProperty(`golive ${r.id}: ${r.title}`)}`);
  return `::${a.kind} ${props.join(',')}::${escapeData(`${f.message}\nHow to fix: ${r.help.fix}`)}`;
}

/** The workflow commands: the selected annotations, then one notice for what GitHub would drop. */
export function renderGithubAnnotations(report: RunReport): string {
  const { shown, more } = selectAnnotations(report);
  const lines = shown.map((a) => command(report, a));
  if (more > 0) lines.push(`::notice title=${escapeProperty('golive')}::${escapeData(`${plural(more, 'more finding')}: see the step summary / code scanning (GitHub shows ${ANNOTATIONS_PER_KIND} errors and ${ANNOTATIONS_PER_KIND} warnings per step).`)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
