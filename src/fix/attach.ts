// Fixes under their findings in a `golive check` report: the same plan `golive fix` makes (each
// fix re-checked in memory), carried as data so every renderer stays pure: SARIF `fixes` with
// artifactChanges, the diff under the finding in Markdown and the step summary, JSON as is.
import type { Check, RunReport } from '../engine/types.js';
import type { EvidenceMap } from '../evidence/types.js';
import type { GoliveConfig } from '../config/schema.js';
import type { Secrets } from '../output/secrets.js';
import { diffOf, replacementsOf } from './edits.js';
import { planFixes } from './plan.js';
import { FIXABLE, keyOf, startSession } from './session.js';
import type { Fix, ReportFix } from './types.js';

// Controls other than newline and tab become visible, CR is dropped (a CRLF file's diff reads as
// its lines), and no line may start a CI workflow command. Secrets are masked where the text is
// written (the output boundary, the report writer), with the run's own Secrets.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text (source lines, file names) of a fix, made safe to print but for masking. */
export function safeText(text: string): string {
  return text
    .replace(CONTROL, (c) => (c === '\r' ? '' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .split('\n')
    .map((l) => (/^\s*(::|##\[)/.test(l) ? l.replace(/(::|##\[)/, (m) => `${m[0]}\u200b${m.slice(1)}`) : l))
    .join('\n');
}
const clean = safeText;

export function reportFix(f: Fix): ReportFix {
  const existing = f.files.filter((x) => !x.created);
  return {
    kind: f.kind,
    tier: f.tier,
    title: clean(f.title),
    ...(f.files.length > 0 ? { diff: clean(diffOf(f.files)) } : {}),
    ...(f.text ? { text: clean(f.text) } : {}),
    ...(f.notes?.length || f.untrack?.length ? { notes: [...(f.untrack ?? []).map((u) => `run \`git rm --cached -- ${u}\` (golive fix --write does)`), ...(f.notes ?? [])].map(clean) } : {}),
    ...(existing.length > 0 ? { changes: existing.map((x) => { const r = replacementsOf(x); return { file: r.file, replacements: r.replacements.map((p) => ({ ...p, text: clean(p.text) })) }; }) } : {}),
  };
}

/** Whether a report has an open finding golive may have a fix for. */
export function wantsFixes(report: RunReport): boolean {
  return report.checks.some((c) => (FIXABLE as readonly string[]).includes(c.id) && c.findings.some((f) => !f.waived && !f.suppressed && !f.baseline));
}

/** Plans fixes from the run's own evidence and puts each under its finding. Returns how many. */
export async function attachFixes(report: RunReport, root: string, config: GoliveConfig, checks: readonly Check[], env: NodeJS.ProcessEnv, evidence: Partial<EvidenceMap>, secrets?: Secrets): Promise<number> {
  const ran = new Set(report.checks.filter((c) => c.status !== 'skip').map((c) => c.id));
  const fixable = checks.filter((c) => (FIXABLE as readonly string[]).includes(c.id) && ran.has(c.id));
  if (fixable.length === 0) return 0;
  const session = await startSession(root, config, fixable, env, evidence, secrets);
  const { fixes } = await planFixes(session);
  let n = 0;
  for (const fix of fixes) {
    const check = report.checks.find((c) => c.id === fix.target.checkId);
    const finding = check?.findings.find((f) => keyOf({ checkId: check.id, messageId: f.messageId, ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}), ...(f.file ? { file: f.file } : {}), ...(f.line ? { line: f.line } : {}) }) === keyOf(fix.target));
    if (!finding || finding.waived || finding.suppressed || finding.baseline) continue;
    (finding.fixes ??= []).push(reportFix(fix));
    n++;
  }
  return n;
}
