// Page one of the sign-off as a compliance record, read as text: LIVE or PRACTICE, who signed (by
// key; the name is the document's claim), what MintCash confirmed (its ids, amounts and times,
// each naming its clock) apart from what the operator attested (typed or SCRIPTED, what golive saw
// first and how long after), the age, and no raw JSON or internal field names before the details.
// The Markdown opens the same way; both still verify byte for byte.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSignOffHtml, renderSignOffMarkdown, verifySignOffText } from '../../src/rehearsal/render.js';
import { buildSignOff } from '../../src/rehearsal/signoff.js';
import { loadOrCreateOperatorKey, type OperatorKey } from '../../src/rehearsal/signing.js';
import { completeState } from './fixture-state.js';

let dir: string;
let key: OperatorKey;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-page-one-'));
  key = await loadOrCreateOperatorKey(path.join(dir, 'key', 'k.pem'), path.join(dir, 'repo'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const pageOne = (html: string) => html.slice(html.indexOf('<section class="page-one">'), html.indexOf('</section>', html.indexOf('<section class="page-one">')));
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('sign-off page one', () => {
  it('a live, typed record: LIVE banner, signer by key, MintCash facts apart from attestations', () => {
    const doc = buildSignOff(completeState({ live: true, scripted: false }), '0.1.0', key);
    const html = renderSignOffHtml(doc);
    const one = text(pageOne(html));
    expect(one).toContain("LIVE: real money at MintCash's live API");
    expect(one).not.toContain('PRACTICE');
    expect(one).not.toContain('SCRIPTED');
    expect(one).toContain(`Ed25519 key ${key.fingerprint}; the document names "Ada Operator" (a claim only a pinned key backs)`);
    expect(one).toContain('repository github.com/acme/shop; merchant id acme');
    expect(one).toContain("https://api.mintcash.me (MintCash's live API host)");
    expect(one).toContain('charge created at MintCash 2026-05-13 10:00 UTC (MintCash clock)');
    // What MintCash confirmed: full ids, statuses, amounts, MintCash's times.
    expect(one).toMatch(/What MintCash confirmed .*payment 7fa7b154-fe0d-4bd6-b720-5ca03fafde4c refunded 1\.00 USD created 2026-05-13 10:00 UTC \(MintCash clock\)/);
    expect(one).toMatch(/refund e35d1bf2-23e1-40a0-b2f8-9bffdb74edc6 succeeded 1\.00 USD created 2026-05-15 09:00 UTC \(MintCash clock\) .*for payment 7fa7b154-fe0d-4bd6-b720-5ca03fafde4c/);
    expect(one).toMatch(/subscription 46f12bc2-95e3-4940-b538-03ca2121af37 cancelled .*current period 2026-05-20 10:03 UTC → 2026-05-27 10:03 UTC \(MintCash clock\)/);
    // What the operator attested: every answer, how it was given, what golive saw first.
    const attested = one.slice(one.indexOf('What the operator attested'));
    expect(attested).toContain('Settlement The charge reached a payout yes typed 2026-05-13 10:02 payment 7fa7b154…: succeeded; answered 61 s after it succeeded');
    expect(attested).toContain('Settlement Payout reference PO-2026-000042 typed');
    expect(attested).toContain('Settlement Payout date 2026-05-15 typed');
    expect(attested.match(/ typed 2026-/g)).toHaveLength(17);
    // No raw data or internal names before the details.
    expect(pageOne(html)).not.toMatch(/\{"|paymentId:|webhookChecks|provenance|clockSkewMs/);
    expect(verifySignOffText(html)).toMatchObject({ ok: true });
  });

  it('a practice, scripted record: PRACTICE banner, emulator clock, SCRIPTED on every answer', () => {
    const doc = buildSignOff(completeState({ live: false, scripted: true }), '0.1.0', key);
    const html = renderSignOffHtml(doc);
    const one = text(pageOne(html));
    expect(one).toContain('PRACTICE: no real money, proves nothing for live');
    expect(one).toContain('SCRIPTED: answers came from an answers file');
    expect(one).toContain("http://127.0.0.1:4010 (not MintCash's live API host)");
    expect(one).toContain('created 2026-05-13 10:00 UTC (emulator clock)');
    expect(one.match(/SCRIPTED \(answers\.yaml\)/g)).toHaveLength(17);
    expect(one).toContain('answered 5 ms after it succeeded');
    expect(one).toContain('Practice charge');
    expect(html).toContain('<title>golive rehearsal sign-off 20260513-abc234 (PRACTICE)</title>');
  });

  it('the Markdown opens with the same record, and verifies', () => {
    const doc = buildSignOff(completeState({ live: false, scripted: true }), '0.1.0', key);
    const md = renderSignOffMarkdown(doc);
    const head = md.slice(0, md.indexOf('## Steps'));
    expect(head).toContain('**PRACTICE dress rehearsal 20260513-abc234: complete**');
    expect(head).toContain('> SCRIPTED: answers came from an answers file');
    expect(head).toContain('### What MintCash confirmed');
    expect(head).toMatch(/\| payment \| 7fa7b154-fe0d-4bd6-b720-5ca03fafde4c \| refunded \| 1\.00 USD \| created 2026-05-13 10:00 UTC \(emulator clock\) \|/);
    expect(head).toContain('### What the operator attested');
    expect(verifySignOffText(md)).toMatchObject({ ok: true });
  });
});
