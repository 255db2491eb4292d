// The terminal report: the checklist by section, what is wrong and where, how to fix it, and a
// verdict. Written for 80 columns; colour only when the caller asks for it.
import { policyText, verdictText } from './verdict.js';
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, Finding, RunReport, Status } from '../engine/types.js';
import {
  countsLine,
  flattenEvidence,
  groupBySection,
  locationOf,
  openFindings,
  ownSummary,
  plural,
  quietFindings,
  quietReason,
  setAsideFor,
  setAsideLine,
  staleWaivers,
  STATUS_SYMBOLS,
  asInvoked,
} from './common.js';
import type { RenderOptions } from './index.js';

/** Open findings listed per check before "… and N more" (all of them with --verbose). */
const MAX_FINDINGS = 10;

interface Ctx {
  c: ChalkInstance;
  width: number;
  verbose: boolean;
  out: string[];
}

function paint(c: ChalkInstance, status: Status): (s: string) => string {
  switch (status) {
    case 'pass':
      return c.green;
    case 'fail':
    case 'error':
      return c.red;
    case 'warn':
      return c.yellow;
    case 'pending':
      return c.cyan;
    case 'skip':
      return c.gray;
  }
}

/** Greedy word wrap with a first-line prefix and a hanging indent; over-long words overflow. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

function evidenceLines(ctx: Ctx, evidence: Record<string, unknown> | undefined, indent: string): void {
  for (const [k, v] of flattenEvidence(evidence)) {
    ctx.out.push(ctx.c.dim(clip(`${indent}${k}: ${v.replace(/\s+/g, ' ')}`, ctx.width)));
  }
}

/**
 * The evidence worth a glance without --verbose: one line per probe (what it got, how fast) and
 * the top-level scalar facts. Nested detail stays in --verbose and the JSON report.
 */
function compactEvidenceLines(ctx: Ctx, evidence: Record<string, unknown> | undefined, indent: string): void {
  if (!evidence) return;
  const line = (text: string) => ctx.out.push(ctx.c.dim(clip(`${indent}${text.replace(/\s+/g, ' ')}`, ctx.width)));
  for (const [k, v] of Object.entries(evidence)) {
    // A plugin's stack is for --verbose only.
    if (k === 'stack') continue;
    if (k === 'probes' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, p] of Object.entries(v as Record<string, Record<string, unknown>>)) {
        if (!p || typeof p !== 'object') continue;
        const answer = p.answer ?? (p.status !== undefined ? `HTTP ${String(p.status)}` : 'no answer');
        const ms = typeof p.ms === 'number' ? ` in ${Math.round(p.ms)} ms` : '';
        line(`probe ${name}: ${String(answer)}${ms}`);
      }
    } else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) {
      if (v !== '' && v !== null) line(`${k}: ${String(v)}`);
    } else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x !== 'object')) {
      line(`${k}: ${v.join(', ')}`);
    }
  }
}

function findingLines(ctx: Ctx, f: Finding, indent: string, dim: boolean): void {
  const loc = locationOf(f);
  const short = f.commit?.slice(0, 7);
  const commit = short && !f.file && !f.message.includes(short) ? ` (commit ${short})` : '';
  const reason = quietReason(f);
  const text = `${f.message}${commit}${reason ? ` [${reason}]` : ''}`;
  const head = loc ? `${indent}${loc}  ` : indent;
  // A long location would leave no room for the message: continue under the location instead.
  const hang = head.length > ctx.width / 2 ? `${indent}  ` : ' '.repeat(head.length);
  const lines = wrap(text, ctx.width, head, hang);
  for (const l of lines) ctx.out.push(dim ? ctx.c.dim(l) : l);
  if (ctx.verbose) evidenceLines(ctx, f.evidence, `${indent}  `);
}

/** Skipped or pending checks in a row with the same reason share one summary line. */
function sameSkip(a: CheckResult | undefined, b: CheckResult | undefined): boolean {
  const quiet = (r: CheckResult) => (r.status === 'skip' || r.status === 'pending') && r.findings.length === 0 && !r.evidence;
  return !!a && !!b && a.status === b.status && quiet(a) && quiet(b) && a.summary === b.summary;
}

function checkLines(ctx: Ctx, list: readonly CheckResult[], i: number): void {
  const { c, out } = ctx;
  const r = list[i]!;
  const next = list[i + 1];
  const color = paint(c, r.status);
  // Wrap the plain text, then colour: escape codes must not count towards the width.
  const sym = STATUS_SYMBOLS[r.status];
  const head = wrap(r.title, ctx.width, `  ${sym} `, '    ');
  out.push(`  ${color(sym)} ${head[0]!.slice(3 + sym.length)}`, ...head.slice(1));
  if (r.source) out.push(c.dim(clip(`    plugin ${r.source} (${r.id})`, ctx.width)));
  const open = openFindings(r.findings);
  const quiet = quietFindings(r.findings);
  const bad = r.status !== 'pass';
  // In a run of same-reason skips, only the last check prints the shared reason.
  const deferred = !ctx.verbose && sameSkip(r, next);
  // A pass shows what it saw (its proof), unless that is only the generic "No problems found."
  const proof = r.status === 'pass' && !/^No problems found/.test(r.summary);
  // A failing check's findings are listed just below: its summary shows only what it says beyond them.
  const said = r.status === 'fail' || r.status === 'warn' ? ownSummary(r) : r.summary;
  if ((bad || quiet.length > 0 || ctx.verbose || proof) && !deferred && said) {
    let run = 1;
    while (!ctx.verbose && sameSkip(list[i - run], r)) run++;
    const shared = run > 1 ? `(these ${run}) ` : '';
    for (const l of wrap(`${shared}${said}`, ctx.width, '    ', '    ')) out.push(r.status === 'skip' ? c.gray(l) : c.dim(l));
  }
  const limit = ctx.verbose ? Infinity : MAX_FINDINGS;
  open.slice(0, limit).forEach((f) => findingLines(ctx, f, '    ', false));
  if (open.length > limit) out.push(`    … and ${open.length - limit} more`);
  quiet.slice(0, limit).forEach((f) => findingLines(ctx, f, '    ', true));
  if (quiet.length > limit) out.push(c.dim(`    … and ${quiet.length - limit} more waived, baselined or suppressed`));
  if (r.status === 'fail' || r.status === 'warn') {
    const fix = wrap(r.help.fix, ctx.width, '    How to fix: ', '      ');
    out.push(`    ${c.bold('How to fix:')}${fix[0]!.slice('    How to fix:'.length)}`, ...fix.slice(1));
  }
  if (ctx.verbose) evidenceLines(ctx, r.evidence, '    ');
  // Not for skip or pending: nothing was judged, and the summary already says what to do next.
  else if (bad && r.status !== 'skip' && r.status !== 'pending') compactEvidenceLines(ctx, r.evidence, '    ');
}


function footerLines(ctx: Ctx, report: RunReport, command: string | undefined): void {
  const { c, out } = ctx;
  const stale = staleWaivers(report);
  if (stale.length > 0) {
    out.push('', c.bold('Waivers'));
    for (const w of stale) {
      const text =
        w.state === 'expired'
          ? `waiver for ${w.id} (owner ${w.owner}) expired on ${w.expires} and no longer applies`
          : `waiver for ${w.id} (owner ${w.owner}) matched nothing: remove it from the config`;
      const lines = wrap(text, ctx.width, '  • ', '    ');
      out.push(`  ${w.state === 'expired' ? c.yellow('⚠') : c.gray('–')}${lines[0]!.slice(3)}`, ...lines.slice(1));
    }
  }
  // Expired waivers are also notes (source "waivers"); they were just listed above.
  const notes = report.notes.filter((n) => n.source !== 'waivers');
  if (notes.length > 0 && ctx.verbose) {
    out.push('', c.bold('Notes'));
    for (const n of notes) out.push(...wrap(`${n.source}: ${n.file ? `${n.file}: ` : ''}${n.message}`, ctx.width, '  · ', '    ').map((l) => c.dim(l)));
  } else if (notes.length > 0) {
    out.push('', ...wrap(`${plural(notes.length, 'note')} (files skipped and similar); run with --verbose to see them.`, ctx.width, '', '').map((l) => c.dim(l)));
  }

  const seconds = (report.durationMs / 1000).toFixed(1);
  out.push('', ...wrap(`${plural(report.summary.total, 'check')}: ${countsLine(report)} (${seconds} s)`, ctx.width, '', '  ').map((l) => c.dim(l)));
  const raw = verdictText(report);
  const v = { ...raw, headline: asInvoked(raw.headline, command), details: raw.details.map((d) => asInvoked(d, command)), ...(raw.next ? { next: asInvoked(raw.next, command) } : {}) };
  const symbol = v.passed ? STATUS_SYMBOLS.pass : STATUS_SYMBOLS.fail;
  const tone = v.verdict === 'ready' ? c.green.bold : v.passed ? c.bold : c.red.bold;
  out.push(...wrap(`${symbol} ${v.headline}`, ctx.width, '', '  ').map((l) => tone(l)));
  for (const d of v.details) out.push(...wrap(d, ctx.width, '  ', '    '));
  const warns = report.summary.counts.warn ?? 0;
  if (v.passed && warns > 0) out.push(...wrap(`${plural(warns, 'warning')} worth a look before launch.`, ctx.width, '  ', '  '));
  if (v.next) out.push(...wrap(`Next: ${v.next}`, ctx.width, '  ', '  ').map((l) => c.cyan(l)));
}

/** Pure: the report as given (the output boundary masked it and made its strings one line). */
/** The report with every hint's `golive …` written as the user invoked golive (before wrapping). */
function invokedAs(report: RunReport, command: string | undefined): RunReport {
  if (!command || command === 'golive') return report;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return asInvoked(v, command);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(report) as RunReport;
}

/** One line at the end: what the status symbols in this report mean. */
function legendLine(ctx: Ctx, report: RunReport): void {
  const words: Record<Status, string> = { pass: 'passed', fail: 'failed', warn: 'warning', error: 'could not run', pending: 'not proven yet', skip: 'skipped or off' };
  const used = (Object.keys(words) as Status[]).filter((s) => report.checks.some((c) => c.status === s));
  if (used.length > 0) ctx.out.push('', ctx.c.dim(clip(used.map((s) => `${STATUS_SYMBOLS[s]} ${words[s]}`).join('  '), ctx.width)));
}

export function renderPretty(given: RunReport, opts: RenderOptions = {}): string {
  const report = invokedAs(given, opts.command);
  const ctx: Ctx = {
    c: new Chalk({ level: opts.color ? 1 : 0 }),
    width: Math.max(40, opts.width ?? 80),
    verbose: opts.verbose ?? false,
    out: [],
  };
  const { c, out } = ctx;
  const repo = report.target.repo;
  const config = repo ? (repo.configFile ? ` · config ${repo.configFile}` : ' · no config file (defaults)') : '';
  const policy = policyText(report);
  out.push(...wrap(`golive ${report.tool.version} · environment ${report.target.environment} · ${report.target.dir}${config}${policy ? ` · ${policy}` : ''}`, ctx.width, '', '  ').map((l) => c.dim(l)));
  for (const g of groupBySection(report)) {
    const tally = `${g.passed}/${g.total} passed`;
    const pad = Math.max(2, ctx.width - g.title.length - tally.length);
    out.push('', c.bold(g.title) + ' '.repeat(pad) + (g.passed === g.total ? c.green(tally) : tally));
    g.checks.forEach((_r, i) => checkLines(ctx, g.checks, i));
    const aside = setAsideFor(report, g.section);
    if (aside.length > 0) {
      out.push(...wrap(`${setAsideLine(aside)}${ctx.verbose ? ':' : '; --verbose lists them.'}`, ctx.width, '  – ', '    ').map((l) => c.dim(l)));
      if (ctx.verbose) for (const f of aside) out.push(...wrap(`${f.file}: ${f.rule}`, ctx.width, '    · ', '      ').map((l) => c.dim(l)));
    }
  }
  if (report.checks.length === 0) out.push('', c.dim('No checks ran (check --only / --skip).'));
  footerLines(ctx, report, opts.command);
  legendLine(ctx, report);
  return `${out.join('\n')}\n`;
}
