// The Markdown sign-off, and verification of any of the three renderings. Markdown and HTML are
// pure functions of the document and embed it (base64 JSON), so verification re-renders and
// compares byte for byte: an edit to the visible text or to the embedded data is caught either way.
// The Markdown opens like the HTML's page one: live or PRACTICE, who signed (by key), what MintCash
// confirmed and what the operator attested; the details follow.
import { CANONICAL_RULE } from './canonical.js';
import { verifyDocument, type SignerPin, type SignOff, type VerifyResult } from './signoff.js';
import { complianceRecord } from './record.js';
import { PRACTICE_BANNER, SCRIPTED_BANNER, STATUS_WORD, embed, stepLines } from './render-lines.js';
import { renderSignOffHtml } from './render-html.js';

export { PRACTICE_BANNER, SCRIPTED_BANNER, renderSignOffHtml };

const MD_MARK = 'golive-signoff:';

const mdEscape = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

function recordLines(doc: SignOff): string[] {
  const rec = complianceRecord(doc);
  const lines = [`**${mdEscape(rec.headline)}**`, ''];
  if (!rec.live) lines.push(`> ${mdEscape(PRACTICE_BANNER)}`, '');
  if (rec.scripted) lines.push(`> ${mdEscape(SCRIPTED_BANNER)}`, '');
  for (const [k, v] of rec.facts) lines.push(`- ${k}: ${mdEscape(v)}`);
  lines.push('', '### What MintCash confirmed', '', '| Object | Id | Status | Amount | MintCash time | Details | Read |', '|---|---|---|---|---|---|---|');
  for (const c of rec.confirmed) lines.push(`| ${c.object} | ${mdEscape(c.id)} | ${mdEscape(c.status)} | ${c.amount} | ${mdEscape(c.mintcashTime)} | ${mdEscape(c.detail)} | ${mdEscape(c.readAt)} |`);
  if (rec.confirmed.length === 0) lines.push('| nothing yet | | | | | | |');
  lines.push('', '### What the operator attested', '', '| Step | Attestation | Answer | How | When | Observed first |', '|---|---|---|---|---|---|');
  for (const a of rec.attested) lines.push(`| ${mdEscape(a.step)} | ${mdEscape(a.what)} | ${mdEscape(a.answer)} | ${mdEscape(a.how)} | ${a.at} | ${mdEscape(a.observed)} |`);
  return lines;
}

export function renderSignOffMarkdown(doc: SignOff): string {
  const lines = ['# golive dress rehearsal sign-off', '', ...recordLines(doc), '', '## Steps', '', '| Step | Status | Checklist item |', '|---|---|---|'];
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
    `- Signed with Ed25519 key ${mdEscape(doc.signer.fingerprint)} (the document names ${mdEscape(doc.signer.name)}): \`${doc.signature.value}\``,
    `- Rehearsed by ${mdEscape(doc.operator.name)} (user ${mdEscape(doc.operator.username)} on ${mdEscape(doc.operator.hostname)}); rehearsal started ${doc.rehearsal.createdAt}, record last changed ${doc.generatedAt}, golive ${mdEscape(doc.tool.version)}`,
    `- Rule: ${mdEscape(CANONICAL_RULE)}`,
    '- Verify with `golive report --verify <this file>`; add `--online` to re-read every id at MintCash.',
    '',
    `<!-- ${MD_MARK}${embed(doc)} -->`,
    '',
  );
  return lines.join('\n');
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
  // A first-week report (`golive monitor --sign`) is signed the same way; it exists as JSON only.
  const firstWeek = !render && (doc as { kind?: unknown } | null)?.kind === 'golive-first-week-signoff';
  const result = verifyDocument(doc, pins, firstWeek ? 'golive-first-week-signoff' : undefined);
  if (!result.ok || !render) return result;
  // The visible text must be exactly what the signed content renders to.
  if (render(doc as SignOff) !== text) return { ok: false, reason: 'the visible text was edited: it no longer matches the signed content' };
  return result;
}
