// Shared vocabulary of the renderers: section titles, grouping, finding state and evidence
// flattening. Pure helpers over a RunReport, so every format tells the same story.
import { findingsHeadline, openFindings } from '../engine/gate.js';
import { SECTIONS, type CheckResult, type Finding, type RunReport, type Section, type SetAsideFile, type Status } from '../engine/types.js';

export { openFindings };

export const SECTION_TITLES: Record<Section, string> = {
  policy: 'Trusted policy',
  credentials: 'Credentials',
  webhook: 'Webhook endpoint',
  idempotency: 'Idempotency',
  rehearsal: 'Dress rehearsal',
  firstweek: 'First week',
};

export const STATUS_LABELS: Record<Status, string> = {
  pass: 'passed',
  fail: 'failed',
  warn: 'warning',
  skip: 'skipped',
  error: 'error',
  pending: 'pending',
};

export const STATUS_SYMBOLS: Record<Status, string> = {
  pass: '✔',
  fail: '✖',
  warn: '⚠',
  skip: '–',
  error: '!',
  pending: '…',
};

export interface SectionGroup {
  section: Section | (string & {});
  title: string;
  checks: CheckResult[];
  passed: number;
  total: number;
}

/** A section's title: the checklist's, or the one a plugin gave its own section. */
export function sectionTitle(section: string, checks: readonly CheckResult[] = []): string {
  return (SECTION_TITLES as Record<string, string>)[section] ?? checks.find((c) => c.section === section && c.sectionTitle)?.sectionTitle ?? section;
}

/**
 * Sections in checklist order, then plugins' own sections in the order their checks come; empty
 * sections are left out. Check order within is the report's.
 */
export function groupBySection(report: RunReport): SectionGroup[] {
  const own = [...new Set(report.checks.map((c) => c.section))].filter((s) => !(SECTIONS as readonly string[]).includes(s));
  return [...SECTIONS, ...own]
    .map((section) => {
      const checks = report.checks.filter((c) => c.section === section);
      return { section, title: sectionTitle(section, checks), checks, passed: checks.filter((c) => c.status === 'pass').length, total: checks.length };
    })
    .filter((g) => g.total > 0);
}

/** The generic count reports before 0.1.1 led with ("1 problem found."): a saved report may still hold it. */
const GENERIC_SUMMARY = /^\d+ problems? found( \([^)]*\))?\.$/;

/**
 * A check's one-line headline: for a failing or warning check its first finding's message and how
 * many more (what Jenkins and Azure DevOps show for a JUnit failure), else its summary.
 */
export function headline(r: CheckResult): string {
  return (r.status === 'fail' || r.status === 'warn' ? findingsHeadline(r.findings) : undefined) ?? r.summary;
}

/**
 * What the check said beyond its findings ("Scanned 21 files and 2 commits"), for a view that lists
 * the findings too; undefined when the summary is only a count or the headline itself.
 */
export function ownSummary(r: CheckResult): string | undefined {
  if (GENERIC_SUMMARY.test(r.summary) || r.summary === findingsHeadline(r.findings) || r.summary === '') return undefined;
  return r.summary;
}

/** Checks that fail the gate, as decideGate listed them. */
export function blockingChecks(report: RunReport): CheckResult[] {
  const ids = new Set(report.summary.blocking);
  return report.checks.filter((c) => ids.has(c.id));
}

/** Findings accepted by a waiver, the baseline or an inline comment: shown, never counted. */
export function quietFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.waived || f.baseline || f.suppressed);
}

/** Why a quiet finding does not count, in words; undefined for an open finding. */
export function quietReason(f: Finding): string | undefined {
  if (f.waived) return `waived: ${f.waived.reason} (owner ${f.waived.owner}, expires ${f.waived.expires})`;
  if (f.suppressed) return `suppressed inline: ${f.suppressed.reason}`;
  if (f.baseline) return 'in baseline';
  return undefined;
}

/**
 * `file:line:col`, `file:line`, `file`, or '' when the finding has no place in the repo. A history
 * finding's place is in its commit, written as git names it: `58730a5:config/old.js:1`.
 */
export function locationOf(f: Finding): string {
  if (!f.file) return '';
  const file = f.commit ? `${f.commit.slice(0, 7)}:${f.file}` : f.file;
  if (f.line === undefined) return file;
  return f.column === undefined ? `${file}:${f.line}` : `${file}:${f.line}:${f.column}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * Evidence as `key: value` pairs. Nested objects become dotted keys (a probe's `status`, `ms`…),
 * arrays of scalars are joined; anything deeper is compact JSON. Key order is the report's.
 */
export function flattenEvidence(evidence: Record<string, unknown> | undefined, prefix = '', depth = 0): Array<[string, string]> {
  if (!evidence) return [];
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(evidence)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && depth < 2) {
      out.push(...flattenEvidence(v as Record<string, unknown>, key, depth + 1));
    } else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
      out.push([key, v.map(scalar).join(', ')]);
    } else {
      out.push([key, scalar(v)]);
    }
  }
  return out;
}

/** Counts in words, e.g. "8 passed, 2 failed, 1 skipped" (zero counts left out). */
export function countsLine(report: RunReport): string {
  const parts = (Object.keys(STATUS_LABELS) as Status[])
    .filter((s) => (report.summary.counts[s] ?? 0) > 0)
    .map((s) => `${report.summary.counts[s]} ${STATUS_LABELS[s]}`);
  return parts.length > 0 ? parts.join(', ') : 'no checks ran';
}

/** The set-aside files that matter to a section: handlers to the webhook section, create calls to idempotency. */
export function setAsideFor(report: RunReport, section: string): SetAsideFile[] {
  const holds = section === 'webhook' ? 'handler' : section === 'idempotency' ? 'call' : undefined;
  return holds ? (report.setAside ?? []).filter((f) => f.holds.includes(holds)) : [];
}

/** "2 files set aside as not your code (1 minified, 1 generated)". */
export function setAsideLine(files: readonly SetAsideFile[]): string {
  const by = (['vendored', 'generated', 'minified'] as const).map((w) => [w, files.filter((f) => f.why === w).length] as const).filter(([, n]) => n > 0);
  return `${plural(files.length, 'file')} set aside for code checks as not your code (${by.map(([w, n]) => `${n} ${w}`).join(', ')})`;
}

/** Expired and unused waivers: the ones a reader should act on. */
export function staleWaivers(report: RunReport): RunReport['waivers'] {
  return report.waivers.filter((w) => w.state !== 'active');
}

/** Hints write commands as code spans starting with `golive …`: the same spans, as the user invoked golive. */
export function asInvoked(text: string, command: string | undefined): string {
  return !command || command === 'golive' ? text : text.replace(/`golive(?=[ `])/g, `\`${command}`);
}
