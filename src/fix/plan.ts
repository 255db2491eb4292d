// Plans every fix for a session's findings: each finding of a fixable check is offered to the
// providers of its check; each proposal is re-checked in memory (session.recheck) and dropped,
// with the reason, when it does not remove its finding or adds one. Files a fix may touch are
// the merchant's own: inside the target, not git-ignored, vendored, generated or set aside.
import path from 'node:path';
import { lstat, realpath } from 'node:fs/promises';
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex, SignatureCompare, WebhookHandler } from '../evidence/code/types.js';
import { parseJs } from './js.js';
import { planConstantTimeCompare, planLengthGuard, type PlannedEdits } from './js-timing.js';
import { planEnvFileFix } from './env-file.js';
import { textSuggestion } from './text.js';
import { keyOf, recheck, type Session } from './session.js';
import type { Fix, FixTarget, FixTier } from './types.js';
import { planSuggestions } from './suggest.js';

export interface Refused {
  fix: Fix;
  why: string;
}

export interface Plan {
  fixes: Fix[];
  refused: Refused[];
}

export function targetOf(check: CheckResult, f: Finding): FixTarget {
  return { checkId: check.id, messageId: f.messageId, ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}), ...(f.file ? { file: f.file } : {}), ...(f.line ? { line: f.line } : {}) };
}

/** The compare of the code index a finding was made from (same file, line and column). */
export function compareAt(code: CodeIndex, f: Finding): { handler: WebhookHandler; compare: SignatureCompare } | undefined {
  for (const handler of code.handlers) {
    if (handler.file !== f.file) continue;
    const compare = handler.compares.find((c) => c.line === f.line && c.column === f.column);
    if (compare) return { handler, compare };
  }
  return undefined;
}

export function fixFrom(check: CheckResult, f: Finding, kind: string, tier: FixTier, file: string, original: string, planned: PlannedEdits): Fix {
  return {
    id: `${check.id}:${kind}:${f.file ?? file}:${f.line ?? 0}`,
    kind,
    tier,
    title: planned.title,
    target: targetOf(check, f),
    files: [{ file, original, edits: planned.edits }],
    ...(planned.notes ? { notes: planned.notes } : {}),
  };
}

async function timingFix(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const code = s.evidence.code as CodeIndex;
  const hit = compareAt(code, f);
  if (!hit || !f.file) return [];
  if (hit.handler.language !== 'js' && hit.handler.language !== 'ts') {
    const text = await textSuggestion(s, check, f, hit);
    return text ? [text] : [];
  }
  const source = await s.read(f.file);
  const parsed = source === undefined ? undefined : await parseJs(f.file, source);
  if (!parsed) return [];
  if (f.messageId === 'non-constant-time-compare') {
    const planned = planConstantTimeCompare(parsed, hit.compare);
    return planned ? [fixFrom(check, f, 'constant-time-compare', 'safe', f.file, source!, planned)] : [];
  }
  if (f.messageId === 'timing-safe-equal-without-length-guard') {
    const planned = planLengthGuard(parsed, hit.compare);
    return planned ? [fixFrom(check, f, 'length-guard', 'safe', f.file, source!, planned)] : [];
  }
  return [];
}

async function secretFix(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  const env = await planEnvFileFix(s, f);
  if (env) return [env];
  return planSuggestions(s, check, f);
}

const PROVIDERS: Record<string, (s: Session, check: CheckResult, f: Finding) => Promise<Fix[]>> = {
  'webhook.timing-safe-compare': timingFix,
  'credentials.no-secrets-in-source': secretFix,
  'webhook.code-raw-body': planSuggestions,
  'webhook.code-environment-guard': planSuggestions,
  'webhook.code-dedup': planSuggestions,
  'idempotency.external-id': planSuggestions,
  'idempotency.external-id-quality': planSuggestions,
};

/**
 * May golive write this file? Inside the target (no `..`, no symlink out of it), a regular file
 * or a new one, part of the repository's own files (not git-ignored), not vendored, generated or
 * set aside by the code index.
 */
export async function writable(s: Session, file: string, created = false): Promise<boolean> {
  if (path.isAbsolute(file) || file.split('/').includes('..')) return false;
  const abs = path.join(s.root, file);
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return created;
  if (!st.isFile()) return false;
  const real = await realpath(abs).catch(() => undefined);
  const root = await realpath(s.root).catch(() => s.root);
  if (!real || (real !== root && !real.startsWith(root + path.sep))) return false;
  if (file === '.gitignore') return true;
  const own = s.evidence.repo?.files.some((f) => f.path === file) ?? false;
  const code = s.evidence.code as CodeIndex | undefined;
  const setAside = code?.setAside.files.some((f) => f.file === file) ?? false;
  const indexed = code?.files.find((f) => f.path === file);
  return own && !setAside && !(indexed?.isTest ?? false) && (code === undefined || indexed !== undefined || !/\.[cm]?[jt]sx?$/.test(file));
}

/**
 * No hand-written source is this large; a bundle, dump or log is, and planning an edit there means
 * parsing it and re-scanning it for every fix (a 12 MB one-line bundle made `check --format json`
 * six times slower), for a file golive must not edit anyway.
 */
const MAX_EDIT_BYTES = 1024 * 1024;
function tooBigToEdit(s: Session, file: string | undefined): boolean {
  const size = file === undefined ? undefined : s.evidence.repo?.files.find((x) => x.path === file)?.size;
  return size !== undefined && size > MAX_EDIT_BYTES;
}

/** Every fix for the session's open findings, each re-checked alone. */
export async function planFixes(s: Session): Promise<Plan> {
  const fixes: Fix[] = [];
  const refused: Refused[] = [];
  const seen = new Set<string>();
  for (const check of s.report.checks) {
    const provide = PROVIDERS[check.id];
    if (!provide) continue;
    for (const f of check.findings) {
      // An accepted finding (waived, suppressed, baselined) is the user's decision: nothing to fix.
      if (f.waived || f.suppressed || f.baseline) continue;
      if (tooBigToEdit(s, f.file)) continue;
      for (const fix of await provide(s, check, f)) {
        if (seen.has(fix.id) || fixes.some((x) => keyOf(x.target) === keyOf(fix.target) && x.kind === fix.kind)) continue;
        seen.add(fix.id);
        const outside = [];
        for (const fe of fix.files) if (!(await writable(s, fe.file, fe.created))) outside.push(fe.file);
        if (outside.length > 0) {
          refused.push({ fix, why: `it would edit ${outside.join(', ')}, which is not the repository's own source` });
          continue;
        }
        // Text suggestions and templates change nothing golive could re-check.
        const verdict = fix.files.length === 0 && !fix.untrack ? { ok: true as const } : await recheck(s, [fix]);
        if (verdict.ok) fixes.push(fix);
        else refused.push({ fix, why: verdict.why });
      }
    }
  }
  const order: Record<FixTier, number> = { safe: 0, suggestion: 1, template: 2 };
  fixes.sort((a, b) => order[a.tier] - order[b.tier] || (a.target.file ?? '').localeCompare(b.target.file ?? '') || (a.target.line ?? 0) - (b.target.line ?? 0));
  return { fixes, refused };
}

/**
 * The safe fixes to write together: all of them when they re-check together, else the largest
 * prefix-by-prefix set that does (each added only if the set still re-checks).
 */
export async function combinable(s: Session, fixes: readonly Fix[]): Promise<{ kept: Fix[]; refused: Refused[] }> {
  if (fixes.length <= 1) return { kept: [...fixes], refused: [] };
  if ((await recheck(s, fixes)).ok) return { kept: [...fixes], refused: [] };
  const kept: Fix[] = [];
  const refused: Refused[] = [];
  for (const f of fixes) {
    const v = await recheck(s, [...kept, f]);
    if (v.ok) kept.push(f);
    else refused.push({ fix: f, why: `together with the fixes before it, ${v.why}` });
  }
  return { kept, refused };
}
