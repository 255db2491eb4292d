// The terminal dashboard: the verdict, one block per metric with its per-day sparkline, alerts with
// what to do next, inputs with malformed-line counts, and the requestIds to quote to support.
import chalk, { Chalk } from 'chalk';
import { INPUT_LABEL, STATUS_SYMBOL, STATUS_WORD, headline, inputLine, pendingLines, sparkline, windowLine } from './common.js';
import type { MonitorReport } from '../types.js';

export function renderMonitorPretty(r: MonitorReport, opts: { color?: boolean; width?: number; maxIds?: number } = {}): string {
  const c = new Chalk({ level: opts.color ? (chalk.level || 1) : 0 });
  const paint = { ok: c.green, alert: c.red, pending: c.blue };
  const out: string[] = [];
  out.push(`${c.bold('golive monitor')} · first week · ${windowLine(r)}`);
  const colour = r.status === 'alert' ? c.red.bold : r.status === 'pending' ? c.blue.bold : c.green.bold;
  out.push(colour(headline(r)), '');
  const days = r.metrics[0]?.daily.map((d) => d.day) ?? [];
  if (days.length > 1) out.push(`  ${' '.repeat(47)}${c.dim(`${days[0]!.slice(5)} … ${days.at(-1)!.slice(5)}`)}`);
  for (const m of r.metrics) {
    const title = `${paint[m.status](STATUS_SYMBOL[m.status])} ${m.title}`.padEnd(46 + (c.level ? 10 : 0));
    out.push(`  ${title} ${c.cyan(sparkline(m.daily))}  ${paint[m.status](STATUS_WORD[m.status])}`);
    out.push(`      ${m.summary}`);
    for (const a of m.alerts) {
      out.push(`      ${c.red('!')} ${a.message}`);
      out.push(`        ${c.dim('next:')} ${a.next}`);
    }
    for (const p of pendingLines(m)) out.push(`      ${c.blue('…')} ${p}`);
    for (const n of m.notes) out.push(`      ${c.dim(`note: ${n}`)}`);
  }
  if (r.reconcile.ran) {
    out.push('', c.bold('Reconciled with MintCash'));
    out.push(`  ${r.reconcile.checked} open objects checked; ${r.reconcile.findings.length} with a lost event${r.reconcile.note ? ` (${r.reconcile.note})` : ''}`);
    for (const f of r.reconcile.findings.slice(0, 20)) out.push(`  ${f.kind} ${f.id}: yours ${f.ours}, MintCash ${f.theirs}: ${f.missing} never arrived`);
    if (r.reconcile.findings.length > 20) out.push(`  … and ${r.reconcile.findings.length - 20} more (see --format json)`);
    for (const e of r.reconcile.errors.slice(0, 5)) out.push(`  ${c.yellow('!')} ${e}`);
  }
  const ids = r.series.requestIds.filter((x) => x.requestId);
  if (ids.length > 0) {
    const max = opts.maxIds ?? 8;
    out.push('', c.bold(`requestIds to quote to MintCash support (newest first, ${Math.min(max, ids.length)} of ${ids.length + r.series.requestIdsOmitted})`));
    for (const x of ids.slice(0, max)) out.push(`  ${x.at.slice(0, 19).replace('T', ' ')}  ${x.requestId}  ${x.code ?? '?'}${x.orderId ? `  order ${x.orderId}` : ''}${x.appRequestId ? `  req ${x.appRequestId}` : ''}`);
  }
  out.push('', c.bold('Inputs'));
  if (r.inputs.length === 0) out.push('  none: give --access-log, --app-log, --events or --subscriptions (or monitor.* in golive.config.json)');
  for (const s of r.inputs) {
    out.push(`  ${(INPUT_LABEL[s.name] ?? s.name).padEnd(13)} ${inputLine(s)}`);
    for (const e of s.examples) out.push(`      ${c.yellow('malformed')} ${e.file}:${e.line} ${e.reason}: ${e.excerpt}`);
  }
  return `${out.join('\n')}\n`;
}
