// A self-contained HTML report of the first week, with charts drawn as inline SVG: the hourly
// delivery rate, failure codes over time (stacked per hour) and the dunning cohort. No scripts and
// no external URLs: the same Content-Security-Policy as the check report forbids loading anything.
import { escapeHtml, htmlDocument, inlineHtml } from '../../report/html.js';
import { INPUT_LABEL, STATUS_SYMBOL, STATUS_WORD, headline, inputLine, sparkline, windowLine } from './common.js';
import type { MonitorReport } from '../types.js';

const CSS = `
:root{--ok:#1a7f37;--alert:#cf222e;--pending:#0969da;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:1000px;margin:2rem auto;padding:0 1rem}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .25em;border-radius:3px;word-break:break-all}
header{border-left:6px solid var(--alert);padding:.5rem 1rem;margin-bottom:1.5rem}
header.healthy{border-color:var(--ok)}header.pending{border-color:var(--pending)}
h1{margin:.2rem 0;font-size:1.6rem}
h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:1.8rem}
.meta{color:var(--muted);margin:.2rem 0}
.metric{border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:4px;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}
.metric.alert{border-left-color:var(--alert)}.metric.pending{border-left-color:var(--pending)}
.metric h3{margin:0;font-size:1rem;display:flex;justify-content:space-between}
.s-ok{color:var(--ok)}.s-alert{color:var(--alert)}.s-pending{color:var(--pending)}
.spark{font-family:ui-monospace,monospace;color:#0969da;letter-spacing:1px}
ul.alerts{margin:.3rem 0;padding-left:1.2rem}.next{color:var(--muted)}
figure{margin:1rem 0}figcaption{color:var(--muted);font-size:12px}
svg text{font:11px system-ui,sans-serif;fill:#57606a}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
footer{margin-top:2rem;color:var(--muted);font-size:12px}
@media print{body{margin:0;max-width:none;font-size:11px}}`;

const PALETTE = ['#bc4c00', '#8250df', '#0969da', '#bf3989', '#9a6700', '#1b7c83', '#57606a'];
const W = 960;
const H = 180;
const PAD = { l: 40, r: 10, t: 10, b: 24 };

function axis(hours: readonly string[], yLabels: Array<[number, string]>): string {
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const parts = [`<line x1="${PAD.l}" y1="${PAD.t + ih}" x2="${W - PAD.r}" y2="${PAD.t + ih}" stroke="#d0d7de"/>`];
  for (const [v, label] of yLabels) {
    const y = PAD.t + ih - v * ih;
    parts.push(`<line x1="${PAD.l}" y1="${y}" x2="${W - PAD.r}" y2="${y}" stroke="#eaeef2"/><text x="${PAD.l - 4}" y="${y + 4}" text-anchor="end">${escapeHtml(label)}</text>`);
  }
  hours.forEach((h, i) => {
    if (!h.endsWith('T00:00:00.000Z')) return;
    const x = PAD.l + (i / Math.max(1, hours.length)) * iw;
    parts.push(`<line x1="${x}" y1="${PAD.t}" x2="${x}" y2="${PAD.t + ih}" stroke="#eaeef2"/><text x="${x + 2}" y="${H - 8}">${escapeHtml(h.slice(5, 10))}</text>`);
  });
  return parts.join('');
}

function deliveryChart(r: MonitorReport): string {
  const pts = r.series.delivery;
  if (!pts.some((p) => p.attempts > 0)) return '<p class="meta">No webhook deliveries in the access log for this window.</p>';
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / pts.length;
  const bars = pts
    .map((p, i) => {
      if (p.attempts === 0) return '';
      const rate = p.ok / p.attempts;
      const h = Math.max(1, rate * ih);
      const colour = rate >= 0.99 ? '#1a7f37' : rate >= 0.9 ? '#9a6700' : '#cf222e';
      const fail = rate < 1 ? `<rect class="fail" x="${(PAD.l + i * bw).toFixed(1)}" y="${PAD.t}" width="${Math.max(1, bw - 0.5).toFixed(1)}" height="${(ih - h).toFixed(1)}" fill="#ffebe9"/>` : '';
      return `${fail}<rect x="${(PAD.l + i * bw).toFixed(1)}" y="${(PAD.t + ih - h).toFixed(1)}" width="${Math.max(1, bw - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>${escapeHtml(`${p.t}: ${p.ok}/${p.attempts} answered 2xx`)}</title></rect>`;
    })
    .join('');
  return `<figure id="chart-delivery"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Hourly webhook delivery rate">${axis(r.series.hours, [[0, '0%'], [0.5, '50%'], [1, '100%']])}${bars}</svg><figcaption>Hourly share of webhook POSTs answered 2xx within 10 s (green ≥ 99%, amber ≥ 90%, red below); empty hours had no delivery.</figcaption></figure>`;
}

function codesChart(r: MonitorReport): string {
  const codes = r.series.codes.slice(0, PALETTE.length);
  if (codes.length === 0) return '<p class="meta">No failed payments in this window.</p>';
  const n = r.series.hours.length;
  const totals = new Array<number>(n).fill(0);
  for (const s of codes) s.perHour.forEach((v, i) => (totals[i]! += v));
  const max = Math.max(1, ...totals);
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = iw / Math.max(1, n);
  const acc = new Array<number>(n).fill(0);
  const rects: string[] = [];
  codes.forEach((s, k) => {
    s.perHour.forEach((v, i) => {
      if (v === 0) return;
      const y0 = acc[i]!;
      acc[i] = y0 + v;
      const h = (v / max) * ih;
      rects.push(`<rect x="${(PAD.l + i * bw).toFixed(1)}" y="${(PAD.t + ih - (acc[i]! / max) * ih).toFixed(1)}" width="${Math.max(1, bw - 0.5).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k]}"><title>${escapeHtml(`${r.series.hours[i]}: ${v} × ${s.code}`)}</title></rect>`);
    });
  });
  const legend = codes.map((s, k) => `<span style="color:${PALETTE[k]}">■</span> <code>${escapeHtml(s.code)}</code> ${s.total}${s.drift ? ' <strong>(configuration drift)</strong>' : ''}`).join(' &nbsp; ');
  return `<figure id="chart-codes"><svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Failed payments per hour by failureCode">${axis(r.series.hours, [[0, '0'], [1, String(max)]])}${rects.join('')}</svg><figcaption>Failed payments per hour by failureCode: ${legend}</figcaption></figure>`;
}

function cohortChart(r: MonitorReport): string {
  const rows = r.series.cohort;
  if (rows.length === 0) return '<p class="meta">No subscription went past_due in this window.</p>';
  const max = Math.max(1, ...rows.map((x) => x.recovered + x.cancelled + x.open));
  const bh = 22;
  const h = rows.length * (bh + 8) + 30;
  const scale = (W - 220) / max;
  const bars = rows
    .map((x, i) => {
      const y = 10 + i * (bh + 8);
      let at = 180;
      const seg = (v: number, colour: string, what: string) => {
        if (v === 0) return '';
        const w = v * scale;
        const s = `<rect x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bh}" fill="${colour}"><title>${escapeHtml(`${v} ${what}`)}</title></rect><text x="${(at + 4).toFixed(1)}" y="${y + 15}" style="fill:#fff">${v}</text>`;
        at += w;
        return s;
      };
      return `<text x="170" y="${y + 15}" text-anchor="end">${x.attempt} failed attempt${x.attempt === 1 ? '' : 's'}</text>${seg(x.recovered, '#1a7f37', 'recovered')}${seg(x.cancelled, '#cf222e', 'cancelled')}${seg(x.open, '#0969da', 'still past_due')}`;
    })
    .join('');
  // Only the outcomes present: a healthy cohort shows no red at all.
  const legend = ([['recovered', '#1a7f37', 'recovered'], ['cancelled', '#cf222e', 'cancelled'], ['open', '#0969da', 'still past_due']] as const)
    .filter(([k]) => rows.some((x) => x[k] > 0))
    .map(([, colour, label]) => `<span style="color:${colour}">■</span> ${label}`)
    .join(' ');
  return `<figure id="chart-cohort"><svg viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="The past_due cohort by dunning attempt">${bars}</svg><figcaption>The past_due cohort by failed dunning attempts: ${legend}.</figcaption></figure>`;
}

export function renderMonitorHtml(r: MonitorReport): string {
  const body: string[] = [
    `<header class="${r.status}" data-status="${r.status}"><h1>${escapeHtml(headline(r))}</h1>`,
    `<p class="meta">golive monitor · the checklist's first week · ${escapeHtml(windowLine(r))}</p></header>`,
    '<h2>The four first-week metrics</h2>',
  ];
  for (const m of r.metrics) {
    body.push(`<article class="metric ${m.status}" id="metric-${m.id}"><h3><span><span class="s-${m.status}">${STATUS_SYMBOL[m.status]}</span> ${escapeHtml(m.title)}</span><span class="spark" title="per day">${escapeHtml(sparkline(m.daily))}</span></h3>`);
    body.push(`<p class="meta">${escapeHtml(STATUS_WORD[m.status])} · ${inlineHtml(m.summary)}</p>`);
    if (m.alerts.length) body.push(`<ul class="alerts">${m.alerts.map((a) => `<li>${inlineHtml(a.message)}<br><span class="next">Next: ${inlineHtml(a.next)}</span></li>`).join('')}</ul>`);
    for (const p of m.pending) body.push(`<p class="meta">Pending: give <code>${escapeHtml(p.flag)}</code>: ${escapeHtml(p.why)}</p>`);
    for (const n of m.notes) body.push(`<p class="meta">Note: ${inlineHtml(n)}</p>`);
    body.push('</article>');
  }
  body.push('<h2>Hourly delivery rate</h2>', deliveryChart(r));
  body.push('<h2>Failure codes over time</h2>', codesChart(r));
  body.push('<h2>The dunning cohort</h2>', cohortChart(r));
  if (r.reconcile.ran) {
    body.push('<h2>Reconciled with MintCash</h2>', `<p class="meta">${r.reconcile.checked} open objects checked; ${r.reconcile.findings.length} with a lost event.</p>`);
    if (r.reconcile.findings.length) {
      body.push('<table><thead><tr><th>Object</th><th>Yours</th><th>MintCash</th><th>Never arrived</th></tr></thead><tbody>');
      for (const f of r.reconcile.findings.slice(0, 200)) body.push(`<tr><td>${escapeHtml(f.kind)} <code>${escapeHtml(f.id)}</code></td><td>${escapeHtml(f.ours)}</td><td>${escapeHtml(f.theirs)}</td><td><code>${escapeHtml(f.missing)}</code></td></tr>`);
      body.push('</tbody></table>');
    }
  }
  if (r.series.requestIds.length) {
    body.push('<h2>MintCash errors: requestIds to quote to support</h2><table><thead><tr><th>When</th><th>requestId</th><th>Code</th><th>Order</th><th>App request</th></tr></thead><tbody>');
    for (const x of r.series.requestIds.slice(0, 100)) body.push(`<tr><td>${escapeHtml(x.at)}</td><td>${x.requestId ? `<code>${escapeHtml(x.requestId)}</code>` : '<strong>missing</strong>'}</td><td>${escapeHtml(x.code ?? '')}</td><td>${escapeHtml(x.orderId ?? '')}</td><td>${escapeHtml(x.appRequestId ?? '')}</td></tr>`);
    body.push('</tbody></table>');
  }
  body.push('<h2>Inputs</h2><ul>');
  for (const s of r.inputs) {
    body.push(`<li>${escapeHtml(INPUT_LABEL[s.name] ?? s.name)}: ${escapeHtml(inputLine(s))}`);
    if (s.examples.length) body.push(`<ul>${s.examples.map((e) => `<li>malformed <code>${escapeHtml(`${e.file}:${e.line}`)}</code> ${escapeHtml(e.reason)}: <code>${escapeHtml(e.excerpt)}</code></li>`).join('')}</ul>`);
    body.push('</li>');
  }
  body.push('</ul>', `<footer>Generated by golive ${escapeHtml(r.tool.version)} at ${escapeHtml(r.generatedAt)}.</footer>`);
  return htmlDocument(`golive monitor: ${r.status}`, CSS, body);
}
