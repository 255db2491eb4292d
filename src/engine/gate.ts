// Status derivation and the gate: pure functions of findings and results.
import { STATUSES, type CheckResult, type Finding, type RunSummary, type Severity, type Status, type StatusCounts, type Verdict } from './types.js';
import { compareText } from './order.js';

/** Findings that still count: not waived, not in the baseline, not suppressed inline. */
export function openFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.waived && !f.baseline && !f.suppressed);
}

/**
 * A failing check's headline: its first open finding's message, and how many more there are.
 * What JUnit, the step summary and every other one-line view lead with, never "1 problem found.".
 */
export function findingsHeadline(findings: readonly Finding[]): string | undefined {
  const open = openFindings(findings);
  if (open.length === 0) return undefined;
  const quiet = findings.length - open.length;
  const more = [open.length > 1 ? `${open.length - 1} more` : '', quiet > 0 ? `${quiet} waived, baselined or suppressed` : ''].filter(Boolean);
  return `${open[0]!.message}${more.length > 0 ? ` (and ${more.join('; ')})` : ''}`;
}

export function deriveStatus(findings: readonly Finding[]): Status {
  const open = openFindings(findings);
  if (open.some((f) => f.severity === 'error')) return 'fail';
  if (open.length > 0) return 'warn';
  return 'pass';
}

export interface GateOptions {
  failOn: Severity;
  /** The rehearsal section blocks only when the gate asks for it (--require-rehearsal). */
  requireRehearsal: boolean;
  /** The first week's signed report blocks only when asked for (--require-first-week). */
  requireFirstWeek?: boolean;
  /** --offline, --only or --skip narrowed the run: its verdict cannot be a go-live verdict. */
  scoped: boolean;
  /** Items the trusted policy marks not applicable (id → reason): they need no proof. */
  notApplicable?: ReadonlyArray<{ id: string; reason: string }>;
}

/** A check the user turned off in config: out of scope, listed under the verdict. */
export function isOff(c: Pick<CheckResult, 'severity'>): boolean {
  return c.severity === 'off';
}

/**
 * Why a check that did not block still proves nothing: config downgraded a finding that would
 * block, or a finding is accepted (waiver, baseline, inline suppression) rather than fixed.
 */
export function acceptedUnproven(c: Pick<CheckResult, 'findings' | 'downgraded'>): NonNullable<RunSummary['notProven']>[number]['why'] | undefined {
  if (c.downgraded) return 'downgraded';
  if (c.findings.some((f) => f.waived)) return 'waived';
  if (c.findings.some((f) => f.baseline)) return 'baselined';
  if (c.findings.some((f) => f.suppressed)) return 'suppressed';
  return undefined;
}

/** A check that proved its item: passed, possibly with warnings below the gate's level. */
export function isProven(c: Pick<CheckResult, 'status'>): boolean {
  return c.status === 'pass' || c.status === 'warn';
}

/**
 * The first week's measured items (manual: proven by a signed `golive monitor --sign` report) come
 * after the launch: they never decide "ready to go live". Its static check is an ordinary one.
 */
export function isPostLaunch(c: Pick<CheckResult, 'section' | 'kind'>): boolean {
  return c.section === 'firstweek' && c.kind === 'manual';
}

/** Fail, error and pending block; so does a warning under --fail-on warning. Rehearsal steps and the first week block only on request. */
export function blocks(c: Pick<CheckResult, 'status' | 'section' | 'kind'>, opts: Pick<GateOptions, 'failOn' | 'requireRehearsal' | 'requireFirstWeek'>): boolean {
  if (c.section === 'rehearsal' && !opts.requireRehearsal) return false;
  if (isPostLaunch(c) && !opts.requireFirstWeek) return false;
  return c.status === 'fail' || c.status === 'error' || c.status === 'pending' || (c.status === 'warn' && opts.failOn === 'warning');
}

/**
 * The gate and the verdict. The verdict says only what was proven: a run that proved nothing is
 * never a pass, a scoped run is never a go-live verdict, and "ready" needs the rehearsal too.
 * "Off is not proven": a check turned off, downgraded or with accepted findings keeps the verdict
 * at "no blockers", unless the trusted policy marks the item not applicable with a reason.
 */
export function decideGate(checks: readonly CheckResult[], opts: GateOptions): RunSummary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const c of checks) counts[c.status]++;
  const reasons = new Map((opts.notApplicable ?? []).map((n) => [n.id, n.reason]));
  const applies = (c: CheckResult) => !(reasons.has(c.id) && c.status === 'skip');
  const blocking = checks.filter((c) => blocks(c, opts)).map((c) => c.id);
  const off = checks.filter((c) => isOff(c) && applies(c)).map((c) => c.id);
  const proven = checks.filter(isProven).length;
  const inScope = checks.filter((c) => !isOff(c) && c.status !== 'skip').length;
  // The policy check judges the config, not the integration: on its own it proves nothing.
  const provenItems = checks.filter((c) => isProven(c) && c.section !== 'policy').length;
  const gate = blocking.length > 0 || provenItems === 0 ? 'fail' : 'pass';
  const considered = checks.filter((c) => !isOff(c) && applies(c));
  const notProven = considered.flatMap((c) => {
    const why = isProven(c) ? acceptedUnproven(c) : undefined;
    return why ? [{ id: c.id, why }] : [];
  });
  const notApplicable = checks.filter((c) => !applies(c)).map((c) => ({ id: c.id, reason: reasons.get(c.id)! }));
  const allProven = (list: readonly CheckResult[]) => list.length > 0 && list.every(isProven);
  const core = considered.filter((c) => c.section !== 'rehearsal' && !isPostLaunch(c));
  // The rehearsal must be in the run to be proven, or be not applicable by the trusted policy.
  const rehearsalRan = checks.some((c) => c.section === 'rehearsal');
  const rehearsal = considered.filter((c) => c.section === 'rehearsal');
  let verdict: Verdict;
  if (gate === 'fail') verdict = 'not-ready';
  else if (opts.scoped || !allProven(core) || off.length > 0 || notProven.length > 0) verdict = 'no-blockers';
  else if (rehearsalRan && rehearsal.every(isProven)) verdict = 'ready';
  else verdict = 'ready-for-rehearsal';
  return {
    gate,
    verdict,
    counts,
    total: checks.length,
    proven,
    inScope,
    blocking,
    off,
    ...(notProven.length > 0 ? { notProven } : {}),
    ...(notApplicable.length > 0 ? { notApplicable } : {}),
  };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareText(a.messageId, b.messageId) ||
      compareText(a.fingerprint ?? '', b.fingerprint ?? '') ||
      compareText(a.commit ?? '', b.commit ?? ''),
  );
}
