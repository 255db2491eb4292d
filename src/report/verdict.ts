// The verdict in words, shared by every renderer so pretty, Markdown, HTML, JUnit and SARIF say
// the same thing. Only the `ready` verdict may say "ready to go live" (GUIDE §2). Pure.
import type { RunReport, Verdict } from '../engine/types.js';
import { plural, SECTION_TITLES } from './common.js';
import { sectionOf } from '../engine/registry.js';

/** What each verdict means: `golive list --format markdown` (docs/checks.md) and the README say the same. */
export const VERDICT_MEANINGS: ReadonlyArray<readonly [string, string]> = [
  ['Ready to go live', 'every checklist item is proven: the trusted policy, credentials, webhook, idempotency and the dress rehearsal with a verified sign-off (exit 0). Only items the trusted policy marks not applicable, with a reason, may be left out; they are listed under it.'],
  ['Ready for the live dress rehearsal', 'everything but the rehearsal is proven; the next step is `golive rehearse` (exit 0, or 1 with --require-rehearsal).'],
  ['No blockers in the N checks that ran; not a go-live verdict', 'nothing blocks, but not every item is proven: the run was scoped (--offline, --only, --skip), or a check is turned off, downgraded to a warning, or has findings waived, baselined or suppressed without the trusted policy marking it not applicable. It lists what was not proven and why (exit 0).'],
  ['Not ready', 'a check failed, errored or is pending, or the run proved nothing at all (exit 1).'],
];

/** What each status means (GUIDE §2). */
export const STATUS_MEANINGS: ReadonlyArray<readonly [string, string]> = [
  ['pass', 'proven, having looked at everything the check is responsible for.'],
  ['warn', 'proven, with findings below the gate\'s level (--fail-on warning makes them block).'],
  ['fail', 'a finding at the gate\'s level: blocks.'],
  ['pending', 'in scope but not proven yet (no webhook URL, no keys, no handler found, rehearsal not done): blocks, and says what to do.'],
  ['error', 'could not run, a prerequisite failed (endpoint unreachable, TLS failed), or not everything could be examined: blocks, and says how to fix it.'],
  ['skip', 'out of scope by your choice: --offline, --only/--skip, "off" in config, not applicable by the trusted policy (with its reason), or nothing of its kind in a scoped run.'],
];

export interface VerdictText {
  verdict: Verdict;
  /** Whether the gate let the run through: decides the exit code and the colour. */
  passed: boolean;
  /** One line: the verdict itself. */
  headline: string;
  /** What the verdict rests on, or what was left out. */
  details: string[];
  /** The one next step. */
  next?: string;
}

/** Skipped checks grouped by their reason, e.g. "webhook.https, webhook.public: Offline: …". */
function notCheckedLines(report: RunReport): string[] {
  const byReason = new Map<string, string[]>();
  for (const c of report.checks) {
    if (c.status !== 'skip' || c.severity === 'off') continue;
    const reason = shortReason(c.summary);
    const ids = byReason.get(reason) ?? [];
    ids.push(c.id);
    byReason.set(reason, ids);
  }
  const lines = [...byReason].map(([reason, ids]) => `Not checked (${reason}): ${ids.join(', ')}.`);
  const notSelected = report.summary.notSelected ?? [];
  if (notSelected.length > 0) {
    const sections = new Map<string, number>();
    for (const id of notSelected) {
      const s = sectionOf(id);
      const name = s ? SECTION_TITLES[s] : 'plugin checks';
      sections.set(name, (sections.get(name) ?? 0) + 1);
    }
    const what = [...sections].map(([name, n]) => `${name.toLowerCase()} (${n})`).join(', ');
    // A files run (pre-commit) leaves out what files alone cannot prove; CI runs those.
    lines.push(report.options.files !== undefined ? `Not run on ${plural(report.options.files, 'file')} alone (they need the whole repository or the deployment): ${what}.` : `Not selected by --only/--skip: ${what}.`);
  }
  return lines;
}

/** The first clause of a check's summary, without asides: "Offline", "No webhook handler was found in the code". */
function shortReason(summary: string): string {
  const clause = summary.split(/[;:.]/)[0] ?? summary;
  return clause.replace(/\s*\([^)]*\)/g, '').replace(/\s+/g, ' ').trim() || summary;
}

const ACCEPTED: Record<NonNullable<RunReport['summary']['notProven']>[number]['why'], string> = {
  downgraded: 'downgraded to a warning in config',
  waived: 'findings waived',
  baselined: 'findings in the baseline',
  suppressed: 'findings suppressed inline',
};

/** What is off or accepted unproven, and what the trusted policy says does not apply. */
function policyLines(report: RunReport): string[] {
  const s = report.summary;
  const off = s.off ?? [];
  const lines: string[] = [];
  if (off.length > 0) lines.push(`Not proven, turned off in config: ${off.join(', ')}.`);
  const byWhy = new Map<string, string[]>();
  for (const n of s.notProven ?? []) byWhy.set(n.why, [...(byWhy.get(n.why) ?? []), n.id]);
  for (const [why, ids] of byWhy) lines.push(`Not proven, ${ACCEPTED[why as keyof typeof ACCEPTED] ?? why}: ${ids.join(', ')}.`);
  const na = s.notApplicable ?? [];
  const byReason = new Map<string, string[]>();
  for (const n of na) byReason.set(n.reason.replace(/[.\s]+$/, ''), [...(byReason.get(n.reason.replace(/[.\s]+$/, '')) ?? []), n.id]);
  if (na.length > 0) lines.push(`Not applicable (trusted policy): ${[...byReason].map(([reason, ids]) => `${ids.join(', ')} (${reason})`).join('; ')}.`);
  return lines;
}

/** The policy that governed the run, in one line for the top of a report. */
export function policyText(report: RunReport): string | undefined {
  const p = report.target.policy;
  if (!p) return undefined;
  if (p.source === 'file') return `policy from file ${p.file ?? '?'}`;
  if (p.source === 'ref') return `policy from ${p.file ?? 'defaults'} on ${p.ref ?? '?'}${p.commit ? ` (${p.commit.slice(0, 12)})` : ''}`;
  return 'policy from the working tree (no trusted policy)';
}

export function verdictText(report: RunReport): VerdictText {
  const s = report.summary;
  const verdict: Verdict = s.verdict;
  const offLine = policyLines(report);
  const unproven = (s.off ?? []).length > 0 || (s.notProven ?? []).length > 0;
  const scoped = report.options.offline || Boolean(report.options.only?.length) || Boolean(report.options.skip?.length) || (s.notSelected ?? []).length > 0;
  switch (verdict) {
    case 'ready':
      return {
        verdict,
        passed: true,
        headline: (s.notApplicable ?? []).length > 0 ? 'Ready to go live: every checklist item that applies is proven' : 'Ready to go live: every checklist item is proven, the dress rehearsal included',
        details: offLine,
      };
    case 'ready-for-rehearsal':
      return {
        verdict,
        passed: true,
        headline: 'Ready for the live dress rehearsal: credentials, webhook and idempotency are proven',
        details: offLine,
        next: 'run `golive rehearse` with the live keys; `golive check --require-rehearsal` then gives the go-live verdict.',
      };
    case 'no-blockers':
      return {
        verdict,
        passed: true,
        headline: `No blockers in the ${plural(s.inScope, 'check')} that ran; not a go-live verdict`,
        details: [...notCheckedLines(report), ...offLine],
        next: [
          // A files run (pre-commit) leaves the whole-repository checks to CI.
          scoped || !unproven ? (report.options.files !== undefined ? 'run `golive check` over the whole repository (as CI does), with the keys and webhook URL set' : 'run `golive check` without --offline, --only or --skip, with the keys and webhook URL set') : '',
          unproven ? 'turn the checks named above back on, fix or stop accepting their findings, or have the trusted policy mark them not applicable with a reason (`notApplicable`)' : '',
        ]
          .filter(Boolean)
          .join('; ') + ', for a go-live verdict.',
      };
    case 'not-ready': {
      const blocking = s.blocking ?? [];
      if (blocking.length === 0) {
        return {
          verdict,
          passed: false,
          headline: 'Not ready: nothing was proven (every check was skipped or turned off)',
          details: [...notCheckedLines(report), ...offLine],
          next: 'run the checks that apply: drop --only/--skip or --offline, or turn checks back on in config.',
        };
      }
      const first = report.checks.find((c) => blocking.includes(c.id) && c.status === 'fail') ?? report.checks.find((c) => blocking.includes(c.id));
      return {
        verdict,
        passed: false,
        headline: `Not ready: ${plural(blocking.length, 'check')} ${blocking.length === 1 ? 'blocks' : 'block'} the gate`,
        details: offLine,
        ...(first ? { next: `fix the items above; \`golive explain ${first.id}\` shows how.` } : {}),
      };
    }
  }
}
