// Markdown and printable HTML renderings of a sign-off. Both are pure functions of the document and
// embed it (base64 JSON), so verification re-renders and compares byte for byte: an edit to the
// visible text or to the embedded data is caught either way.
import { formatMinor } from '../mintcash/amounts.js';
import { CANONICAL_RULE } from './canonical.js';
import { verifyDocument, type SignerPin, type SignOff, type SignOffStep, type VerifyResult } from './signoff.js';

const MD_MARK = 'golive-signoff:';
const STATUS_WORD: Record<string, string> = { done: 'done', waiting: 'waiting', failed: 'FAILED', in_progress: 'in progress', not_started: 'not started' };

function embed(doc: SignOff): string {
  return Buffer.from(JSON.stringify(doc), 'utf8').toString('base64');
}

const MONEY_FACTS = new Set(['amount', 'amountRefunded']);
const API_TIMES = new Set(['currentPeriodStart', 'currentPeriodEnd', 'firstPeriodEnd', 'renewedPeriodStart', 'renewedPeriodEnd']);

function factLine(doc: SignOff, s: SignOffStep, k: string, v: unknown): string | undefined {
  const currency = typeof s.facts.currency === 'string' ? s.facts.currency : doc.rehearsal.settings.currency;
  if (k === 'currency') return undefined;
  // Money in major units with its currency, never "amount: 100 / currency: USD".
  if (MONEY_FACTS.has(k) && typeof v === 'number') return `${k}: ${formatMinor(v, currency)}`;
  if (API_TIMES.has(k) && doc.rehearsal.target.baseUrlKind === 'loopback') return `${k}: ${String(v)} (emulator clock)`;
  return `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;
}

function answerLine(s: SignOffStep, k: string, v: string | boolean): string {
  const p = s.provenance?.[k];
  const how = !p ? '' : p.via === 'typed' ? ', typed at a terminal' : `, SCRIPTED from answers file ${p.file ?? '?'} (sha256 ${p.sha256 ?? '?'})`;
  const seen = p?.observed ? `; accepted after ${p.observed.what} showed ${p.observed.status} at ${p.observed.at}` : '';
  return `answer ${k}: ${v === true ? 'yes' : v === false ? 'no' : v}${how}${seen}`;
}

function stepLines(doc: SignOff, s: SignOffStep): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.ids)) out.push(`${k}: ${v}`);
  for (const [k, v] of Object.entries(s.facts)) {
    const line = factLine(doc, s, k, v);
    if (line) out.push(line);
  }
  for (const [k, v] of Object.entries(s.answers)) out.push(answerLine(s, k, v));
  for (const o of s.observations) out.push(`${o.at} ${o.what} → ${o.status}${o.detail ? ` (${o.detail})` : ''}`);
  if (s.startedAt) out.push(`started ${s.startedAt}`);
  if (s.completedAt) out.push(`completed ${s.completedAt}`);
  if (s.waitingFor) out.push(`waiting for ${s.waitingFor}`);
  if (s.failure) out.push(`failure ${s.failure.code}: ${s.failure.message}. ${s.failure.advice}${s.failure.requestId ? ` (requestId ${s.failure.requestId})` : ''}`);
  return out;
}

export const PRACTICE_BANNER = 'PRACTICE: test keys, a sandbox/emulator target, or not MintCash\'s live API host. No real money moved at MintCash; this does not prove the live integration.';
export const SCRIPTED_BANNER = 'SCRIPTED: answers came from an answers file, not a person at a terminal; a live sign-off counts only where the trusted policy sets rehearsal.allowScripted.';

function header(doc: SignOff): string[] {
  const r = doc.rehearsal;
  return [
    ...(doc.practice ? [PRACTICE_BANNER] : []),
    `Rehearsal ${r.id}: ${doc.practice ? 'PRACTICE ' : ''}${doc.complete ? 'COMPLETE' : `PARTIAL (${r.status})`}`,
    `Target: ${r.target.baseUrl} (${r.target.baseUrlKind}, ${r.target.keyEnvironment} keys, public key ${r.target.publicKey})`,
    `Operator: ${doc.operator.name} (user ${doc.operator.username} on ${doc.operator.hostname}); signed with Ed25519 key ${doc.signer.fingerprint}`,
    doc.scripted ? 'Answers: SCRIPTED (some or all read from an answers file, see each answer)' : 'Answers: typed at a terminal by the operator',
    `Started ${r.createdAt}; last updated ${r.updatedAt}; report generated ${doc.generatedAt} by golive ${doc.tool.version}`,
    `Amount ${formatMinor(r.settings.amount, r.settings.currency)} (cap ${formatMinor(r.settings.amountCap, r.settings.currency)}); subscription ${formatMinor(r.settings.subscriptionAmount, r.settings.currency)} every ${r.settings.billingIntervalDays} days`,
  ];
}

const mdEscape = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

export function renderSignOffMarkdown(doc: SignOff): string {
  const lines = ['# golive dress rehearsal sign-off', '', ...header(doc).map((l) => `- ${mdEscape(l)}`), '', '## Steps', '', '| Step | Status | Checklist item |', '|---|---|---|'];
  for (const s of doc.steps) lines.push(`| ${s.title} | ${STATUS_WORD[s.status] ?? s.status} | ${s.checkId ?? '—'} |`);
  for (const s of doc.steps) {
    lines.push('', `### ${s.title} (${STATUS_WORD[s.status] ?? s.status})`, '', mdEscape(s.summary), '');
    for (const l of stepLines(doc, s)) lines.push(`- ${mdEscape(l)}`);
  }
  lines.push('', '## Sessions', '');
  for (const x of doc.sessions) lines.push(`- ${mdEscape(`${x.startedAt} → ${x.endedAt ?? '…'} ${x.username}@${x.hostname}: ${x.outcome ?? 'interrupted'}${x.answers ? `; answers ${x.answers}` : ''}`)}`);
  lines.push('', '## First-week monitoring plan', '');
  for (const m of doc.monitoring) lines.push(`### ${m.title}`, '', `- Watch: ${mdEscape(m.watch)}`, `- Suggested alert: ${mdEscape(m.alert)}`, '');
  lines.push(
    '## Integrity',
    '',
    `- Digest (sha256): \`${doc.digest.value}\``,
    `- Signed by ${mdEscape(doc.signer.name)}, Ed25519 key ${mdEscape(doc.signer.fingerprint)}: \`${doc.signature.value}\``,
    `- Rule: ${mdEscape(CANONICAL_RULE)}`,
    '- Verify with `golive report --verify <this file>`; add `--online` to re-read every id at MintCash.',
    '',
    `<!-- ${MD_MARK}${embed(doc)} -->`,
    '',
  );
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderSignOffHtml(doc: SignOff): string {
  const steps = doc.steps
    .map((s) => `<section class="step ${esc(s.status)}"><h3>${esc(s.title)} <span class="badge">${esc(STATUS_WORD[s.status] ?? s.status)}</span></h3><p>${esc(s.summary)}${s.checkId ? ` <code>${esc(s.checkId)}</code>` : ''}</p><ul>${stepLines(doc, s).map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`)
    .join('\n');
  const plan = doc.monitoring.map((m) => `<tr><th>${esc(m.title)}</th><td>${esc(m.watch)}</td><td>${esc(m.alert)}</td></tr>`).join('\n');
  const sessions = doc.sessions.map((x) => `<li>${esc(`${x.startedAt} → ${x.endedAt ?? '…'} ${x.username}@${x.hostname}: ${x.outcome ?? 'interrupted'}${x.answers ? `; answers ${x.answers}` : ''}`)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>golive rehearsal sign-off ${esc(doc.rehearsal.id)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}h1{font-size:1.5rem}.badge{font-size:.75rem;border:1px solid #999;border-radius:3px;padding:0 .3rem}.failed .badge{background:#fdd}.done .badge{background:#dfd}.waiting .badge{background:#ffd}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}code{word-break:break-all}.sign{margin-top:3rem}.sign div{border-top:1px solid #000;width:18rem;display:inline-block;margin-right:3rem;padding-top:.2rem}@media print{body{margin:0}section{break-inside:avoid}}</style></head>
<body><h1>golive dress rehearsal sign-off</h1>
<ul>${header(doc).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<h2>Steps</h2>
${steps}
<h2>Sessions</h2><ul>${sessions}</ul>
<h2>First-week monitoring plan</h2>
<table><tr><th>What</th><th>Watch</th><th>Suggested alert</th></tr>
${plan}</table>
<h2>Integrity</h2><p>Digest (sha256): <code>${esc(doc.digest.value)}</code></p><p>Signed by ${esc(doc.signer.name)}, Ed25519 key <code>${esc(doc.signer.fingerprint)}</code>: <code>${esc(doc.signature.value)}</code></p><p>${esc(CANONICAL_RULE)} Verify with <code>golive report --verify &lt;file&gt;</code>; add <code>--online</code> to re-read every id at MintCash.</p>
<div class="sign"><div>Operator signature</div><div>Date</div></div>
<script type="application/json" id="golive-signoff">${embed(doc)}</script>
</body></html>
`;
}

/** Verifies a sign-off given as JSON, Markdown or HTML text. */
export function verifySignOffText(text: string, pins: readonly SignerPin[] = []): VerifyResult {
  const trimmed = text.trimStart();
  let doc: unknown;
  let render: ((d: SignOff) => string) | undefined;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'the file is not valid JSON' };
    }
  } else {
    const m = /<!-- golive-signoff:([A-Za-z0-9+/=]+) -->/.exec(text) ?? /<script type="application\/json" id="golive-signoff">([A-Za-z0-9+/=]+)<\/script>/.exec(text);
    if (!m?.[1]) return { ok: false, reason: 'no embedded golive sign-off found (expected a .json, .md or .html sign-off)' };
    try {
      doc = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8'));
    } catch {
      return { ok: false, reason: 'the embedded sign-off is damaged' };
    }
    render = text.includes('<!-- golive-signoff:') ? renderSignOffMarkdown : renderSignOffHtml;
  }
  const result = verifyDocument(doc, pins);
  if (!result.ok || !render) return result;
  // The visible text must be exactly what the signed content renders to.
  if (render(doc as SignOff) !== text) return { ok: false, reason: 'the visible text was edited: it no longer matches the signed content' };
  return result;
}
