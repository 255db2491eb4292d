// GitHub-flavoured markdown summary for $GITHUB_STEP_SUMMARY and PR comments: verdict, a table of
// sections, then every check with its findings and fix. All report text is escaped (it may hold
// `|`, HTML or markdown syntax from a merchant's code).
import { policyText, verdictText } from './verdict.js';
import type { CheckResult, Finding, RunReport, Status } from '../engine/types.js';
import type { RenderOptions } from './index.js';
import {
  blockingChecks,
  countsLine,
  groupBySection,
  headline,
  locationOf,
  openFindings,
  plural,
  quietFindings,
  quietReason,
  setAsideFor,
  setAsideLine,
  staleWaivers,
  STATUS_LABELS,
  flattenEvidence,
} from './common.js';

export const STATUS_EMOJI: Record<Status, string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  skip: '⏭️',
  error: '❗',
  pending: '⏳',
};

/** PR comments are capped at 65 536 characters: list this many findings per check at most. */
const MAX_FINDINGS = 20;
const MAX_NOTES = 50;

/** Escapes text for inline markdown: HTML is shown, not rendered; emphasis/link/table syntax is literal. */
export function escapeMd(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`)
    .replace(/\r?\n|\r/g, ' ');
}

/** A code span that survives backticks in the content; pipes are escaped for table cells too. */
function code(text: string): string {
  const clean = text.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
  const ticks = Math.max(0, ...(clean.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(ticks + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A link to the file and line at the commit under test, or undefined without link options. */
export function blobLink(f: Finding, repoPath: string, links: RenderOptions['links']): string | undefined {
  if (!links || !f.file) return undefined;
  const file = `${repoPath ? `${repoPath}/` : ''}${f.file}`.replace(/\\/g, '/');
  const encoded = file.split('/').filter((s) => s && s !== '.').map(encodeURIComponent).join('/');
  // A history finding's line is in the commit that added the key.
  const base = f.commit && /^[0-9a-f]{7,64}$/i.test(f.commit) ? links.blobBase.replace(/\/blob\/[^/]+\/$/, `/blob/${f.commit}/`) : links.blobBase;
  return `${base}${encoded}${f.line !== undefined ? `#L${f.line}` : ''}`;
}

/** Lines of one fix's diff or text shown under a finding: longer ones are cut (the PR comment cap). */
const MAX_FIX_LINES = 60;

/** A fenced block whose fence no line of the content can close. */
function fenced(info: string, content: string, indent: string): string[] {
  const ticks = Math.max(2, ...(content.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(ticks + 1);
  let lines = content.replace(/\n$/, '').split('\n');
  if (lines.length > MAX_FIX_LINES) lines = [...lines.slice(0, MAX_FIX_LINES), `… ${lines.length - MAX_FIX_LINES} more lines: run golive fix`];
  return [`${indent}${fence}${info}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** Each fix golive offers for a finding, folded under it: the diff (or exact lines) and what is left to do. */
function fixBlocks(f: Finding): string[] {
  const out: string[] = [];
  for (const x of f.fixes ?? []) {
    const how = x.tier === 'safe' ? '<code>golive fix --write</code> applies it' : x.tier === 'suggestion' ? (x.diff ? '<code>golive fix --suggestions</code> applies it when you pick it' : 'apply it by hand') : 'a template: adapt it by hand';
    out.push('', `    <details><summary>Fix (${x.tier}): ${escapeMd(x.title)}; ${how}</summary>`, '');
    if (x.diff) out.push(...fenced('diff', x.diff, '    '));
    if (x.text) out.push(...fenced('text', x.text, '    '));
    for (const n of x.notes ?? []) out.push('', `    ${escapeMd(n)}`);
    out.push('', '    </details>');
  }
  return out;
}

function findingItem(f: Finding, repoPath: string, links: RenderOptions['links']): string {
  const loc = locationOf(f);
  // The location names a file's commit already (locationOf); a key in a commit message has none.
  const commit = f.commit && !f.file ? ` (commit ${code(f.commit.slice(0, 7))})` : '';
  const reason = quietReason(f);
  const href = blobLink(f, repoPath, links);
  const place = loc ? (href ? `[${code(loc)}](${href})` : code(loc)) : '';
  const text = `${place ? `${place} ` : ''}${escapeMd(f.message)}${commit}`;
  return reason ? `  - ~~${text}~~ _${escapeMd(reason)}_` : [`  - ${text}`, ...fixBlocks(f)].join('\n');
}

function checkBlock(r: CheckResult, repoPath: string, links: RenderOptions['links']): string[] {
  const bad = r.status !== 'pass';
  const title = bad && r.status !== 'skip' ? `**${escapeMd(r.title)}**` : escapeMd(r.title);
  const from = r.source ? `, plugin ${code(r.source)}` : '';
  const lines = [`- ${STATUS_EMOJI[r.status]} ${title} (${code(r.id)}${from})${bad ? `: ${escapeMd(headline(r))}` : ''}`];
  const open = openFindings(r.findings);
  const quiet = quietFindings(r.findings);
  const shown = [...open, ...quiet];
  const facts = flattenEvidence(r.evidence);
  // The proof behind a network check (probe answers, timings, certificate) even when it passed.
  const evidence = facts.length > 0 && r.kind === 'network' && r.status !== 'skip'
    ? ['  <details><summary>evidence</summary>', '', ...facts.slice(0, MAX_FINDINGS * 2).map(([k, v]) => `  - ${code(k)}: ${escapeMd(v)}`), '', '  </details>', '']
    : [];
  if (shown.length === 0 && r.status !== 'fail' && r.status !== 'warn') return evidence.length ? [...lines, '', ...evidence] : lines;
  const label = quiet.length > 0 ? `${plural(open.length, 'finding')}, ${quiet.length} accepted` : plural(open.length, 'finding');
  lines.push('', `  <details${r.status === 'fail' ? ' open' : ''}><summary>${label}</summary>`, '');
  for (const f of shown.slice(0, MAX_FINDINGS)) lines.push(findingItem(f, repoPath, links));
  if (shown.length > MAX_FINDINGS) lines.push(`  - … and ${shown.length - MAX_FINDINGS} more (see the full report)`);
  if (r.status === 'fail' || r.status === 'warn') lines.push('', `  **How to fix:** ${escapeMd(r.help.fix)}`);
  lines.push('', '  </details>', '');
  return [...lines, ...evidence];
}

/** Which config file the run used (or that defaults applied), so a dropped config is visible. */
function configNote(report: RunReport): string {
  const repo = report.target.repo;
  const policy = policyText(report);
  const tail = policy ? ` · ${escapeMd(policy)}` : '';
  if (!repo) return tail;
  return (repo.configFile ? ` · config ${code(repo.configFile)}` : ' · no config file (defaults)') + tail;
}

function sectionStatus(checks: CheckResult[]): string {
  const order: Status[] = ['fail', 'error', 'pending', 'warn', 'skip'];
  const parts = order
    .map((s) => [s, checks.filter((c) => c.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${STATUS_EMOJI[s]} ${n} ${STATUS_LABELS[s]}`);
  return parts.length > 0 ? parts.join(', ') : `${STATUS_EMOJI.pass} all passed`;
}

export function renderMarkdown(report: RunReport, opts: Pick<RenderOptions, 'links'> = {}): string {
  const repoPath = report.target.repo?.path ?? '';
  const out: string[] = [];
  const blocking = blockingChecks(report);
  const v = verdictText(report);
  const emoji = v.verdict === 'ready' ? STATUS_EMOJI.pass : v.passed ? '🟡' : STATUS_EMOJI.fail;
  out.push(`## ${emoji} golive: ${escapeMd(v.headline)}`, '');
  const ids = blocking.slice(0, 5).map((c) => code(c.id)).join(', ') + (blocking.length > 5 ? ', …' : '');
  const gate = v.passed ? '**Gate passed.**' : blocking.length > 0 ? `**Gate failed:** ${ids}.` : '**Gate failed.**';
  out.push(`${gate} ${escapeMd(countsLine(report))} · golive ${escapeMd(report.tool.version)} · environment ${code(report.target.environment)}${configNote(report)}`);
  for (const d of v.details) out.push('', `- ${escapeMd(d)}`);
  const groups = groupBySection(report);
  if (groups.length > 0) {
    out.push('', '| Section | Passed | Status |', '| --- | ---: | --- |');
    for (const g of groups) out.push(`| ${escapeMd(g.title)} | ${g.passed}/${g.total} | ${sectionStatus(g.checks)} |`);
  }
  for (const g of groups) {
    out.push('', `### ${escapeMd(g.title)}`, '');
    for (const r of g.checks) out.push(...checkBlock(r, repoPath, opts.links));
    while (out[out.length - 1] === '') out.pop();
    const aside = setAsideFor(report, g.section);
    if (aside.length > 0) {
      out.push('', `<details><summary>${escapeMd(setAsideLine(aside))}</summary>`, '');
      for (const f of aside) out.push(`- ${code(f.file)}: ${escapeMd(f.rule)}`);
      out.push('', '</details>');
    }
  }
  const stale = staleWaivers(report);
  if (stale.length > 0) {
    out.push('', '### Waivers', '');
    for (const w of stale) {
      out.push(
        w.state === 'expired'
          ? `- ${STATUS_EMOJI.warn} waiver for ${code(w.id)} (owner ${escapeMd(w.owner)}) expired on ${escapeMd(w.expires)} and no longer applies`
          : `- waiver for ${code(w.id)} (owner ${escapeMd(w.owner)}) matched nothing: remove it from the config`,
      );
    }
  }
  const notes = report.notes.filter((n) => n.source !== 'waivers');
  if (notes.length > 0) {
    out.push('', `<details><summary>${plural(notes.length, 'note')}</summary>`, '');
    for (const n of notes.slice(0, MAX_NOTES)) out.push(`- ${escapeMd(n.source)}: ${n.file ? `${code(n.file)} ` : ''}${escapeMd(n.message)}`);
    if (notes.length > MAX_NOTES) out.push(`- … and ${notes.length - MAX_NOTES} more`);
    out.push('', '</details>');
  }
  const first = blocking.find((b) => b.status === 'fail') ?? blocking[0];
  if (first) out.push('', `Next: run ${code(`golive explain ${first.id}`)} for how to fix it.`);
  else if (v.next) out.push('', `Next: ${escapeMd(v.next)}`);
  return `${out.join('\n')}\n`;
}
