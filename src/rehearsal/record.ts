// The sign-off as a compliance record: what a reviewer needs on page one, taken from the signed
// document and nothing else. It keeps apart what MintCash confirmed (objects golive read, with
// MintCash's ids and times) and what the operator attested (answers, typed or scripted, with what
// golive had observed first and how long after it the answer came). Pure; times are UTC and say
// whose clock they are (MintCash's, the emulator's, or this machine's), never the reader's zone,
// so a re-render elsewhere is byte for byte the same.
import { formatMinor } from '../mintcash/amounts.js';
import { questionLabel } from './questions.js';
import type { SignOff } from './signoff.js';
import type { MintcashRecord } from './types.js';

export interface ConfirmedRow {
  object: string;
  id: string;
  status: string;
  amount: string;
  /** MintCash's own time, with its clock named. */
  mintcashTime: string;
  detail: string;
  readAt: string;
}

export interface AttestedRow {
  step: string;
  what: string;
  answer: string;
  /** "typed" or "SCRIPTED (file)", with when (UTC). */
  how: string;
  scripted: boolean;
  at: string;
  /** What golive observed before accepting it, and how long after the thing it confirms. */
  observed: string;
}

export interface ComplianceRecord {
  live: boolean;
  headline: string;
  scripted: boolean;
  facts: Array<[string, string]>;
  confirmed: ConfirmedRow[];
  attested: AttestedRow[];
  steps: Array<{ title: string; status: string }>;
}

/** "2026-05-13 10:00 UTC". */
export function utc(iso: string | null | undefined): string {
  if (!iso) return 'unknown';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 120_000) return `${sign}${Math.round(a / 1000)} s`;
  if (a < 7_200_000) return `${sign}${Math.round(a / 60_000)} min`;
  if (a < 172_800_000) return `${sign}${Math.round(a / 3_600_000)} h`;
  return `${sign}${Math.round(a / 86_400_000)} days`;
}

const ANSWER_WORDS: Record<string, string> = { create: 'golive created it; paid on the hosted page', existing: 'a payment from the own checkout', later: 'deferred' };

function answerText(v: string | boolean): string {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  return ANSWER_WORDS[v] ?? v;
}

function clockOf(doc: SignOff): string {
  return doc.rehearsal.target.baseUrlKind === 'loopback' ? 'emulator clock' : 'MintCash clock';
}

function confirmedRows(doc: SignOff): ConfirmedRow[] {
  // Each object once, as last read (the refund step's reading of the payment shows it refunded).
  const latest = new Map<string, MintcashRecord>();
  for (const s of doc.steps) for (const r of Object.values(s.mintcash ?? {})) latest.set(`${r.object}:${r.id}`, r);
  const clock = clockOf(doc);
  return [...latest.values()].map((r) => {
    const money = typeof r.amount === 'number' && r.currency ? formatMinor(r.amount, r.currency) : '';
    const detail: string[] = [];
    if (r.externalId) detail.push(`externalId ${r.externalId}`);
    if (r.customer?.externalId || r.customer?.name) detail.push(`customer ${[r.customer.name, r.customer.externalId].filter(Boolean).join(', ')}`);
    if (r.paymentId) detail.push(`for payment ${r.paymentId}`);
    if (typeof r.amountRefunded === 'number' && r.amountRefunded > 0 && r.currency) detail.push(`${formatMinor(r.amountRefunded, r.currency)} refunded`);
    if (r.billingIntervalDays) detail.push(`every ${r.billingIntervalDays} days`);
    if (r.currentPeriodStart) detail.push(`current period ${utc(r.currentPeriodStart)} → ${utc(r.currentPeriodEnd)} (${clock})`);
    return { object: r.object, id: r.id, status: r.status, amount: money, mintcashTime: `created ${utc(r.createdAt)} (${clock})`, detail: detail.join('; '), readAt: `${utc(r.readAt)} (this machine)` };
  });
}

const NOT_ATTESTATIONS = new Set(['operator', 'resume']);

/** Long MintCash ids shortened for page one ("7fa7b154…"); the full ids are in the table above and the details. */
export function shortIds(text: string): string {
  return text.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '$1…');
}

function attestedRows(doc: SignOff): AttestedRow[] {
  const rows: AttestedRow[] = [];
  for (const s of doc.steps) {
    for (const [k, v] of Object.entries(s.answers)) {
      if (NOT_ATTESTATIONS.has(k)) continue;
      const p = s.provenance?.[k];
      const scripted = p?.via === 'answers-file';
      const how = !p ? 'not recorded' : scripted ? `SCRIPTED (${p.file ?? 'answers file'})` : 'typed';
      const o = p?.observed;
      const object = o?.what.replace(/^GET \/(payment|subscription)s\//, '$1 ') ?? '';
      const since = o?.since ? (o.since.what.startsWith(`${object} `) ? `it ${o.since.what.slice(object.length + 1)}` : o.since.what) : '';
      const seen = o ? shortIds(`${object}: ${o.status}${typeof o.elapsedMs === 'number' && since ? `; answered ${duration(o.elapsedMs)} after ${since}` : ''}`) : '';
      rows.push({ step: s.title.replace(' (no real money)', ''), what: questionLabel(k), answer: shortIds(answerText(v)), how, scripted, at: p?.at ? utc(p.at).replace(' UTC', '') : '', observed: seen });
    }
  }
  return rows;
}

export function complianceRecord(doc: SignOff): ComplianceRecord {
  const r = doc.rehearsal;
  const t = r.target;
  const b = doc.binding;
  const live = !doc.practice;
  const charge = b?.charge;
  const headline = `${live ? 'LIVE' : 'PRACTICE'} dress rehearsal ${r.id}: ${doc.complete ? 'complete' : `partial (${r.status})`}`;
  const merchant = [b?.merchant.repository ? `repository ${b.merchant.repository}` : '', b?.merchant.merchantId ? `merchant id ${b.merchant.merchantId}` : ''].filter(Boolean).join('; ') || 'not recorded (no git remote or rehearsal.merchantId)';
  const age =
    charge?.createdAt && Number.isFinite(Date.parse(charge.createdAt))
      ? `charge created at MintCash ${utc(charge.createdAt)} (${clockOf(doc)}); record last changed ${utc(doc.generatedAt)} (this machine), ${duration(Date.parse(doc.generatedAt) - (Date.parse(charge.createdAt) - (charge.clockSkewMs ?? 0)))} later. golive check measures the age from the charge's MintCash time.`
      : `no charge at MintCash yet; record last changed ${utc(doc.generatedAt)} (this machine)`;
  return {
    live,
    headline,
    scripted: doc.scripted,
    facts: [
      ['Money', live ? 'REAL MONEY at MintCash\'s live API' : 'no real money: test keys, the sandbox or the emulator, or not MintCash\'s live API host'],
      ['Signed by', `Ed25519 key ${doc.signer.fingerprint}; the document names "${doc.signer.name}" (a claim only a pinned key backs)`],
      ['Answers', doc.scripted ? 'SCRIPTED: some or all read from an answers file (marked below)' : 'typed at a terminal by the operator'],
      ['Merchant', merchant],
      ['API', `${t.baseUrl} (${b?.liveHost || (b === undefined && live) ? 'MintCash\'s live API host' : 'not MintCash\'s live API host'})`],
      ['Key', `${t.keyEnvironment} public key ${t.publicKey}${b?.publicKeyFingerprint ? `, ${b.publicKeyFingerprint}` : ''}`],
      ['Age', age],
      ['Amounts', `charge ${formatMinor(r.settings.amount, r.settings.currency)} (cap ${formatMinor(r.settings.amountCap, r.settings.currency)}); subscription ${formatMinor(r.settings.subscriptionAmount, r.settings.currency)} every ${r.settings.billingIntervalDays} days`],
    ],
    confirmed: confirmedRows(doc),
    attested: attestedRows(doc),
    steps: doc.steps.map((s) => ({ title: s.title, status: s.status })),
  };
}
