// The printable HTML sign-off, a compliance record a reviewer reads on page one: a LIVE or
// PRACTICE banner (and SCRIPTED when answers came from a file), who signed (the key's fingerprint;
// the name is the document's claim), merchant, API, key and age, then what MintCash confirmed
// (objects with MintCash's ids and times) beside what the operator attested (answers, how they
// were given, what golive observed first and how long after it). Details, sessions, the
// monitoring plan, integrity and the embedded document follow on later pages. Pure and
// deterministic (UTC times, each naming its clock), so verification can re-render it exactly.
import { CANONICAL_RULE } from './canonical.js';
import { complianceRecord } from './record.js';
import { SCRIPTED_BANNER, STATUS_WORD, embed, stepLines } from './render-lines.js';
import type { SignOff } from './signoff.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Colours the screenshot test looks for: the banner's band and page one's closing rule. */
export const HTML_COLOURS = { live: '#0b5d1e', practice: '#b35900', scripted: '#7a1f9c', pageEnd: '#24292f' } as const;

const STYLE = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:1.5rem auto;padding:0 1rem;color:#111}
h1{font-size:1.35rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}h3{font-size:.95rem;margin:.8rem 0 .3rem}
.banner{color:#fff;padding:.55rem .9rem;border-radius:4px;font-weight:700;font-size:1.05rem;letter-spacing:.02em}
.banner.live{background:${HTML_COLOURS.live}}.banner.practice{background:${HTML_COLOURS.practice}}
.banner small{display:block;font-weight:400;font-size:.82rem;letter-spacing:0}
.scripted{margin-top:.35rem;border:3px solid ${HTML_COLOURS.scripted};color:${HTML_COLOURS.scripted};padding:.3rem .6rem;font-weight:700;border-radius:4px}
dl.facts{display:grid;grid-template-columns:7rem 1fr;gap:.15rem .8rem;margin:.6rem 0}dl.facts dt{font-weight:600;color:#444}dl.facts dd{margin:0}
table{border-collapse:collapse;width:100%;font-size:.8rem;margin:.2rem 0 .6rem}td,th{border:1px solid #ccc;padding:.2rem .35rem;vertical-align:top;text-align:left}th{background:#f3f4f6}
.steps{display:flex;flex-wrap:wrap;gap:.3rem;margin:.4rem 0}.steps span{border:1px solid #999;border-radius:3px;padding:0 .35rem;font-size:.78rem}
.steps .done,.step.done .badge{background:#dafbe1}.steps .waiting,.step.waiting .badge{background:#fff8c5}.steps .failed,.step.failed .badge{background:#ffebe9}
.page-end{border:0;border-top:4px solid ${HTML_COLOURS.pageEnd};margin:1rem 0 0}
.badge{font-size:.75rem;border:1px solid #999;border-radius:3px;padding:0 .3rem}
section.step ul{margin:.2rem 0;padding-left:1.2rem}code{word-break:break-all}
.sign{margin-top:2.5rem}.sign div{border-top:1px solid #000;width:18rem;display:inline-block;margin-right:3rem;padding-top:.2rem}
@page{size:A4;margin:12mm}
.scr{color:${HTML_COLOURS.scripted}}table.att td:nth-child(4){white-space:nowrap}table.conf code{font-size:inherit}
@media print{body{margin:0;max-width:none;padding:0;font-size:10px}h1{font-size:1.1rem}h2{font-size:.95rem;margin:.6rem 0 .25rem}.banner{padding:.35rem .6rem}.page-one{break-after:page}section{break-inside:avoid}table{font-size:8px}td,th{padding:.05rem .2rem}dl.facts{gap:0 .6rem;margin:.3rem 0}.steps{margin:.2rem 0}}
`;

function pageOne(doc: SignOff): string {
  const rec = complianceRecord(doc);
  const banner = rec.live
    ? `<div class="banner live">LIVE: real money at MintCash's live API<small>${esc(rec.headline)}</small></div>`
    : `<div class="banner practice">PRACTICE: no real money, proves nothing for live<small>${esc(rec.headline)}: test keys, the sandbox or the emulator, or not MintCash's live API host</small></div>`;
  const scripted = rec.scripted ? `<div class="scripted">${esc(SCRIPTED_BANNER)}</div>` : '';
  const facts = rec.facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  const steps = rec.steps.map((s) => `<span class="${esc(s.status)}">${esc(s.title)}: ${esc(STATUS_WORD[s.status] ?? s.status)}</span>`).join('');
  const confirmed = rec.confirmed.length
    ? rec.confirmed.map((c) => `<tr><td>${esc(c.object)}</td><td><code>${esc(c.id)}</code></td><td>${esc(c.status)}</td><td>${esc(c.amount)}</td><td>${esc(c.mintcashTime)}</td><td>${esc(c.detail)}</td><td>${esc(c.readAt)}</td></tr>`).join('')
    : '<tr><td colspan="7">nothing read at MintCash yet</td></tr>';
  const attested = rec.attested.length
    ? rec.attested.map((a) => `<tr><td>${esc(a.step)}</td><td>${esc(a.what)}</td><td>${esc(a.answer)}</td><td>${a.scripted ? `<strong class="scr">${esc(a.how)}</strong>` : esc(a.how)} ${esc(a.at)}</td><td>${esc(a.observed)}</td></tr>`).join('')
    : '<tr><td colspan="5">nothing attested yet</td></tr>';
  return `<section class="page-one">
${banner}
${scripted}
<h1>Dress rehearsal sign-off ${esc(doc.rehearsal.id)}</h1>
<dl class="facts">${facts}</dl>
<div class="steps">${steps}</div>
<h2>What MintCash confirmed</h2>
<table class="conf"><tr><th>Object</th><th>MintCash id</th><th>Status</th><th>Amount</th><th>MintCash time</th><th>Details</th><th>Read by golive</th></tr>${confirmed}</table>
<h2>What the operator attested</h2>
<table class="att"><tr><th>Step</th><th>Attestation</th><th>Answer</th><th>How, when (UTC)</th><th>golive observed first (MintCash)</th></tr>${attested}</table>
<hr class="page-end">
</section>`;
}

export function renderSignOffHtml(doc: SignOff): string {
  const steps = doc.steps
    .map((s) => `<section class="step ${esc(s.status)}"><h3>${esc(s.title)} <span class="badge">${esc(STATUS_WORD[s.status] ?? s.status)}</span></h3><p>${esc(s.summary)}${s.checkId ? ` <code>${esc(s.checkId)}</code>` : ''}</p><ul>${stepLines(doc, s).map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`)
    .join('\n');
  const plan = doc.monitoring.map((m) => `<tr><th>${esc(m.title)}</th><td>${esc(m.watch)}</td><td>${esc(m.alert)}</td></tr>`).join('\n');
  const sessions = doc.sessions.map((x) => `<li>${esc(`${x.startedAt} → ${x.endedAt ?? '…'} ${x.username}@${x.hostname}: ${x.outcome ?? 'interrupted'}${x.answers ? `; answers ${x.answers}` : ''}`)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>golive rehearsal sign-off ${esc(doc.rehearsal.id)}${doc.practice ? ' (PRACTICE)' : ''}</title>
<style>${STYLE}</style></head>
<body>
${pageOne(doc)}
<h2>Details</h2>
${steps}
<h2>Sessions</h2><ul>${sessions}</ul>
<h2>First-week monitoring plan</h2>
<table><tr><th>What</th><th>Watch</th><th>Suggested alert</th></tr>
${plan}</table>
<h2>Integrity</h2><p>Digest (sha256): <code>${esc(doc.digest.value)}</code></p><p>Signed with Ed25519 key <code>${esc(doc.signer.fingerprint)}</code> (the document names ${esc(doc.signer.name)}; rehearsed by user ${esc(doc.operator.username)} on ${esc(doc.operator.hostname)}): <code>${esc(doc.signature.value)}</code></p><p>${esc(CANONICAL_RULE)} Verify with <code>golive report --verify &lt;file&gt;</code>; add <code>--online</code> to re-read every id at MintCash.</p>
<div class="sign"><div>Operator signature</div><div>Date</div></div>
<script type="application/json" id="golive-signoff">${embed(doc)}</script>
</body></html>
`;
}
