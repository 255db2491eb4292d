// A single self-contained, printable HTML report, read in ten seconds: the verdict, then what
// blocks the gate, then warnings, then passes, with skipped and off checks folded into one
// <details>. Inline CSS, no scripts, no external URLs (a CSP meta tag forbids loading anything);
// repository-relative paths only; every piece of report text is HTML-escaped, and `code` spans in
// messages are rendered as code.
import { policyText, verdictText } from './verdict.js';
import type { CheckResult, Finding, RunReport, Status } from '../engine/types.js';
import {
  blockingChecks,
  countsLine,
  flattenEvidence,
  groupBySection,
  headline,
  locationOf,
  openFindings,
  plural,
  quietFindings,
  quietReason,
  setAsideLine,
  staleWaivers,
  STATUS_LABELS,
  STATUS_SYMBOLS,
} from './common.js';

/** A printable record, but a bounded one: past this many findings per check the rest is counted. */
const MAX_FINDINGS = 200;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--error:#cf222e;--pending:#0969da;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:960px;margin:2rem auto;padding:0 1rem}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .25em;border-radius:3px;word-break:break-all}
header{border-left:6px solid var(--fail);padding:.5rem 1rem;margin-bottom:1.5rem}
header.pass{border-color:var(--pass)}
header.partial{border-color:var(--pending)}
h1{margin:.2rem 0;font-size:1.6rem}
h2{display:flex;justify-content:space-between;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:1.5rem}
.next{font-weight:600;margin:.4rem 0 0}
.legend{color:#57606a;font-size:12px;margin:-1rem 0 1rem}.legend .sym{width:auto;margin:0 .2em 0 .8em}.legend .sym:first-child{margin-left:0}
.passed .check{padding:.2rem .8rem}
details.skipped,details.notes{margin-top:1.5rem;border:1px solid var(--line);border-radius:4px;padding:.4rem .8rem}
details>summary{cursor:pointer;color:#57606a;font-weight:600}
.sections{margin-top:2rem}
h2 small{font-weight:normal;color:var(--skip)}
h3{font-size:1rem;margin:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
.meta{color:#57606a;margin:.2rem 0}
.check{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:4px;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}
.check.pass{border-left-color:var(--pass)}.check.fail,.check.error{border-left-color:var(--fail)}
.check.warn{border-left-color:var(--warn)}.check.pending{border-left-color:var(--pending)}
.sym{display:inline-block;width:1.2em;font-weight:bold}
.s-pass{color:var(--pass)}.s-fail,.s-error{color:var(--error)}.s-warn{color:var(--warn)}.s-skip{color:var(--skip)}.s-pending{color:var(--pending)}
.summary{margin:.2rem 0;color:#57606a}
ul.findings{margin:.3rem 0;padding-left:1.2rem}
li.quiet{color:var(--skip)}
li.quiet .text{text-decoration:line-through}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:0 .8rem;margin:.3rem 0;font-size:12px}
dl.evidence dt{color:#57606a}dl.evidence dd{margin:0;word-break:break-all}
.fix,.why{margin:.3rem 0}
footer{margin-top:2rem;color:#57606a;font-size:12px}
@media print{
body{margin:0;max-width:none;font-size:11px}
.check{border-color:#999}
h2{break-after:avoid}
a{color:inherit;text-decoration:none}
}`;

/** Escaped text with Markdown `code` spans rendered (checks write ids and commands that way). */
export function inlineHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, (_, inner: string) => `<code>${inner}</code>`);
}

function evidenceList(evidence: Record<string, unknown> | undefined): string {
  // An empty value is no evidence: leave the row out rather than show a bare key.
  const pairs = flattenEvidence(evidence).filter(([, v]) => v !== '' && v !== '{}' && v !== '[]' && v !== 'undefined');
  if (pairs.length === 0) return '';
  return `<dl class="evidence">${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function findingItem(f: Finding): string {
  const loc = locationOf(f);
  const reason = quietReason(f);
  const commit = f.commit && !f.file ? ` <small>(commit <code>${escapeHtml(f.commit.slice(0, 12))}</code>)</small>` : '';
  const text = `${loc ? `<code>${escapeHtml(loc)}</code> ` : ''}<span class="text">${inlineHtml(f.message)}</span>${commit}`;
  const extra = `${reason ? ` <em>${escapeHtml(reason)}</em>` : ''}${evidenceList(f.evidence)}`;
  return `<li${reason ? ' class="quiet"' : ''}>${text}${extra}</li>`;
}

function checkArticle(r: CheckResult): string {
  const parts = [
    `<article class="check ${r.status}" id="${escapeHtml(r.id)}">`,
    `<h3><span class="sym s-${r.status}" title="${STATUS_LABELS[r.status]}">${STATUS_SYMBOLS[r.status]}</span>${inlineHtml(r.title)} <code>${escapeHtml(r.id)}</code>${r.source ? ` <small class="plugin">plugin ${escapeHtml(r.source)}</small>` : ''}</h3>`,
    `<p class="summary">${escapeHtml(STATUS_LABELS[r.status])}${r.severity === 'off' ? ' (off in config)' : ''} · ${inlineHtml(headline(r))}</p>`,
  ];
  const shown = [...openFindings(r.findings), ...quietFindings(r.findings)];
  if (shown.length > 0) {
    const more = shown.length > MAX_FINDINGS ? `<li>… and ${shown.length - MAX_FINDINGS} more (see the JSON report)</li>` : '';
    parts.push(`<ul class="findings">${shown.slice(0, MAX_FINDINGS).map(findingItem).join('')}${more}</ul>`);
  }
  if (r.status === 'fail' || r.status === 'warn') {
    parts.push(`<p class="fix"><strong>How to fix:</strong> ${inlineHtml(r.help.fix)}</p>`);
    parts.push(`<p class="why"><strong>Why it matters:</strong> ${inlineHtml(r.help.why)}</p>`);
  }
  parts.push(evidenceList(r.evidence), '</article>');
  return parts.filter(Boolean).join('\n');
}

/** Blocking first by how sure the problem is: failed, then could not run, then not yet proven. */
const BLOCKING_ORDER: Status[] = ['fail', 'error', 'pending', 'warn'];

/** A path as the report may show it: repository-relative, never the runner's absolute path. */
function shownPath(p: string): string {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) ? (p.split(/[\\/]/).filter(Boolean).pop() ?? p) : p;
}

function group(title: string, cls: string, checks: CheckResult[]): string[] {
  if (checks.length === 0) return [];
  return [`<section class="${cls}">`, `<h2>${escapeHtml(title)} <small>${checks.length}</small></h2>`, ...checks.map(checkArticle), '</section>'];
}

export function renderHtml(report: RunReport): string {
  const v = verdictText(report);
  const verdict = `${v.passed ? STATUS_SYMBOLS.pass : STATUS_SYMBOLS.fail} ${v.headline}`;
  const blocking = blockingChecks(report).sort((a, b) => BLOCKING_ORDER.indexOf(a.status) - BLOCKING_ORDER.indexOf(b.status));
  const isBlocking = new Set(blocking);
  const warnings = report.checks.filter((c) => c.status === 'warn' && !isBlocking.has(c));
  // In scope but not proven, without blocking this gate (the rehearsal without --require-rehearsal).
  const unproven = report.checks.filter((c) => (c.status === 'pending' || c.status === 'error') && !isBlocking.has(c));
  const passed = report.checks.filter((c) => c.status === 'pass');
  const skipped = report.checks.filter((c) => c.status === 'skip');
  const groups = groupBySection(report);
  const repo = report.target.repo;
  const target = repo ? repo.path || '.' : shownPath(report.target.dir);
  const config = repo ? (repo.configFile ? `config <code>${escapeHtml(shownPath(repo.configFile))}</code>` : 'no config file (defaults)') : '';
  const meta = [
    `target <code>${escapeHtml(target)}</code>`,
    `environment <code>${escapeHtml(report.target.environment)}</code>`,
    config,
    policyText(report) ? escapeHtml(policyText(report)!) : '',
    `started ${escapeHtml(report.startedAt)}`,
    `${escapeHtml((report.durationMs / 1000).toFixed(1))} s`,
    `fail on ${escapeHtml(report.options.failOn)}`,
    report.options.baseline ? `baseline <code>${escapeHtml(shownPath(report.options.baseline))}</code>` : '',
  ].filter(Boolean);
  const body: string[] = [
    `<header class="${v.verdict === 'ready' ? 'pass' : v.passed ? 'partial' : 'fail'}" data-verdict="${v.verdict}">`,
    `<h1>${escapeHtml(verdict)}</h1>`,
    ...v.details.map((d) => `<p class="meta">${inlineHtml(d)}</p>`),
    `<p class="meta">${escapeHtml(`${plural(report.summary.total, 'check')}: ${countsLine(report)}`)}</p>`,
    `<p class="meta">${meta.join(' · ')}</p>`,
  ];
  const first = blocking[0];
  if (first) body.push(`<p class="next">Next: fix the checks below, first <code>${escapeHtml(first.id)}</code>; <code>golive explain ${escapeHtml(first.id)}</code> shows how.</p>`);
  else if (v.next) body.push(`<p class="next">Next: ${inlineHtml(v.next)}</p>`);
  body.push('</header>');
  body.push(
    `<p class="legend">${(['pass', 'fail', 'warn', 'error', 'pending', 'skip'] as Status[]).map((s) => `<span class="sym s-${s}">${STATUS_SYMBOLS[s]}</span>${STATUS_LABELS[s]}`).join(' ')}</p>`,
  );
  body.push(...group('Blocks the gate', 'blocking', blocking));
  body.push(...group('Warnings', 'warnings', warnings));
  body.push(...group('Not proven yet (does not block this gate)', 'unproven', unproven));
  body.push(...group('Passed', 'passed', passed));
  if (skipped.length > 0) {
    body.push(`<details class="skipped"><summary>Skipped or off: ${skipped.length} (not judged in this run)</summary>`, ...skipped.map(checkArticle), '</details>');
  }
  if (groups.length > 0) {
    body.push('<section class="sections"><h2>By section</h2>');
    body.push('<table><thead><tr><th>Section</th><th>Passed</th><th>Checks</th></tr></thead><tbody>');
    for (const g of groups) {
      const list = g.checks.map((c) => `<span class="sym s-${c.status}" title="${escapeHtml(`${c.id}: ${STATUS_LABELS[c.status]}`)}">${STATUS_SYMBOLS[c.status]}</span>`).join('');
      body.push(`<tr><td>${escapeHtml(g.title)}</td><td>${g.passed}/${g.total}</td><td>${list}</td></tr>`);
    }
    body.push('</tbody></table></section>');
  }
  const stale = staleWaivers(report);
  if (stale.length > 0) {
    body.push('<section><h2>Waivers</h2><ul>');
    for (const w of stale) {
      const text =
        w.state === 'expired'
          ? `waiver for ${w.id} (owner ${w.owner}) expired on ${w.expires} and no longer applies`
          : `waiver for ${w.id} (owner ${w.owner}) matched nothing: remove it from the config`;
      body.push(`<li>${escapeHtml(text)}</li>`);
    }
    body.push('</ul></section>');
  }
  const aside = report.setAside ?? [];
  if (aside.length > 0) {
    body.push(`<details class="notes setaside"><summary>${escapeHtml(setAsideLine(aside))}</summary><ul>`);
    for (const f of aside) body.push(`<li><code>${escapeHtml(shownPath(f.file))}</code> ${escapeHtml(f.rule)} (holds ${escapeHtml(f.holds.map((h) => (h === 'handler' ? 'a signature header or an HMAC' : 'a /payments or /subscriptions path')).join(' and '))})</li>`);
    body.push('</ul></details>');
  }
  const notes = report.notes.filter((n) => n.source !== 'waivers');
  if (notes.length > 0) {
    body.push(`<details class="notes"><summary>Notes: ${notes.length}</summary><ul>`);
    for (const n of notes) body.push(`<li>${escapeHtml(n.source)}: ${n.file ? `<code>${escapeHtml(shownPath(n.file))}</code> ` : ''}${inlineHtml(n.message)}</li>`);
    body.push('</ul></details>');
  }
  body.push(`<footer>Generated by golive ${escapeHtml(report.tool.version)}.</footer>`);
  return htmlDocument(`golive: ${v.headline.split(':')[0]!.toLowerCase()}`, CSS, body);
}

/** A self-contained page: inline CSS only, and a CSP that forbids loading anything; masked. */
export function htmlDocument(title: string, css: string, body: readonly string[]): string {
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
  ];
  return `${html.join('\n')}\n`;
}
