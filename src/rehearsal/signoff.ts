// The sign-off document: every step's evidence, who ran the rehearsal and when, the first-week
// monitoring plan, a SHA-256 digest of its canonical content and the operator's Ed25519 signature
// over that content. JSON is the canonical form; the Markdown and HTML renderings embed it, so
// `golive report --verify` can check any of the three.
import { redactDeep } from '../engine/mask.js';
import { CANONICAL_RULE, sha256Hex, signedText } from './canonical.js';
import { fingerprintOf, signText, verifyText, type OperatorKey } from './signing.js';
import { MONITORING_PLAN, type MonitoringItem } from './monitoring.js';
import { STEPS, stepTitle } from './steps.js';
import type { MerchantIdentity, RehearsalState, StepRecord } from './types.js';

export interface SignOffStep extends StepRecord {
  id: string;
  title: string;
  summary: string;
  checkId: string | null;
}

/**
 * What the sign-off is bound to, so `golive check` can tell whether it proves anything here: the
 * API it was made against, the merchant's key (fingerprinted), the repository, and the charge as
 * MintCash dated it. `golive check` re-decides every one of these; they are recorded, not trusted.
 */
export interface SignOffBinding {
  /** Normalised API host (`api.mintcash.me`). */
  apiHost: string | null;
  /** Whether it was MintCash's live API host when the rehearsal ran. */
  liveHost: boolean;
  /** `SHA256:…` of the public key the rehearsal used. */
  publicKeyFingerprint: string | null;
  merchant: MerchantIdentity;
  /** The charge as MintCash created it; null before a charge succeeded. */
  charge: {
    paymentId: string;
    mode: 'create' | 'existing';
    /** MintCash's creation time (the emulator's clock in practice): what the sign-off's age is measured from. */
    createdAt: string | null;
    externalId: string | null;
    /** This machine's time when golive saw it succeed. */
    seenAt: string | null;
    /** MintCash's clock minus this machine's when it was seen (Date header), in ms. */
    clockSkewMs: number | null;
  } | null;
}

export interface SignOff {
  kind: 'golive-rehearsal-signoff';
  schemaVersion: 1;
  tool: { name: 'golive'; version: string };
  /**
   * The last change recorded in the rehearsal (never the moment `--report` ran): re-rendering a
   * sign-off cannot re-date it. Its age is measured from `binding.charge.createdAt`, MintCash's time.
   */
  generatedAt: string;
  complete: boolean;
  /** True for test keys or a sandbox/emulator target: no real money moved, proves nothing for live. */
  practice: boolean;
  /** True when any answer came from an answers file rather than a person at a terminal. */
  scripted: boolean;
  rehearsal: Pick<RehearsalState, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'target' | 'settings'>;
  binding: SignOffBinding;
  operator: RehearsalState['operator'];
  sessions: RehearsalState['sessions'];
  steps: SignOffStep[];
  monitoring: MonitoringItem[];
  digestRule: string;
  /** Who signed: the operator's name and the public key the signature verifies with. */
  signer: { name: string; publicKey: string; fingerprint: string };
  digest: { algorithm: 'sha256'; value: string };
  signature: { algorithm: 'ed25519'; value: string };
}

/** Where `golive rehearse` writes sign-offs by default, and where `golive check` looks for them. */
export const SIGNOFF_DIR = 'golive-rehearsal';

/** The pinned signer (rehearsal.signers) holding this public key, if any. */
export function pinFor<P extends { publicKey: string }>(pins: readonly P[], publicKey: string | undefined): P | undefined {
  return pins.find((p) => p.publicKey.trim() === publicKey);
}

/**
 * No real money moved, or not at MintCash's live API: test keys, the sandbox, the emulator, or a
 * host that was not MintCash's live host (nor one the operator allowed) when the rehearsal ran. A
 * record from before `liveHost` counts as live only for https://api.mintcash.me.
 */
export function isPractice(target: Pick<RehearsalState['target'], 'keyEnvironment' | 'baseUrlKind' | 'liveHost'>): boolean {
  if (target.keyEnvironment !== 'live') return true;
  if (target.liveHost !== undefined) return !target.liveHost;
  return target.baseUrlKind !== 'production';
}

/** Whether any answer came from an answers file rather than a person at a terminal. */
export function isScripted(state: Pick<RehearsalState, 'steps'>): boolean {
  return Object.values(state.steps).some((s) => Object.values(s.provenance ?? {}).some((p) => p.via === 'answers-file'));
}

function bindingOf(state: RehearsalState): SignOffBinding {
  const charge = state.steps.charge;
  const paid = charge.mintcash?.payment;
  const t = state.target;
  return {
    apiHost: t.apiHost ?? null,
    liveHost: t.liveHost ?? false,
    publicKeyFingerprint: t.publicKeyFingerprint ?? null,
    merchant: state.merchant ?? {},
    charge:
      charge.status === 'done' || (typeof charge.facts.paidAt === 'string' && charge.ids.paymentId)
        ? {
            paymentId: String(charge.ids.paymentId ?? paid?.id ?? ''),
            mode: charge.answers['charge.mode'] === 'existing' ? 'existing' : 'create',
            createdAt: paid?.createdAt ?? null,
            externalId: paid?.externalId ?? null,
            seenAt: typeof charge.facts.paidAt === 'string' ? charge.facts.paidAt : null,
            clockSkewMs: typeof charge.facts.clockSkewMs === 'number' ? charge.facts.clockSkewMs : null,
          }
        : null,
  };
}

/** `generatedAt` is the state's last change: a re-render of an unchanged rehearsal is byte for byte the same document. */
export function buildSignOff(state: RehearsalState, version: string, key: OperatorKey): SignOff {
  const practice = isPractice(state.target);
  const content = redactDeep({
    kind: 'golive-rehearsal-signoff' as const,
    schemaVersion: 1 as const,
    tool: { name: 'golive' as const, version },
    generatedAt: state.updatedAt,
    complete: state.status === 'completed',
    practice,
    scripted: isScripted(state),
    rehearsal: {
      id: state.id,
      status: state.status,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      target: state.target,
      settings: state.settings,
    },
    binding: bindingOf(state),
    operator: state.operator,
    sessions: state.sessions,
    steps: STEPS.map((def) => ({ id: def.id, title: stepTitle(def, practice), summary: def.summary, checkId: def.checkId ?? null, ...state.steps[def.id] })),
    monitoring: [...MONITORING_PLAN],
    digestRule: CANONICAL_RULE,
    signer: { name: state.operator.name, publicKey: key.publicKey, fingerprint: key.fingerprint },
  });
  // JSON round trip: digest and signature must cover exactly what a reader will parse back.
  const plain = JSON.parse(JSON.stringify(content)) as Omit<SignOff, 'digest' | 'signature'>;
  const text = signedText(plain as unknown as Record<string, unknown>);
  return {
    ...plain,
    digest: { algorithm: 'sha256', value: sha256Hex(text) },
    signature: { algorithm: 'ed25519', value: signText(text, key.privateKey) },
  };
}

export function renderSignOffJson(doc: SignOff): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** An accepted signer from `rehearsal.signers`. */
export interface SignerPin {
  name: string;
  publicKey: string;
}

export type VerifyResult =
  | {
      ok: true;
      digest: string;
      doc: SignOff;
      signer: { name: string; fingerprint: string; publicKey: string };
      /** The matching pin, or null when no signers are pinned (accepted with a warning). */
      pinned: SignerPin | null;
    }
  | { ok: false; reason: string };

/**
 * Recomputes the digest, checks the Ed25519 signature against the embedded public key, and the key
 * against the pinned signers. With pins, only a pinned key passes; without, any valid signature
 * passes and the caller warns.
 */
export function verifyDocument(doc: unknown, pins: readonly SignerPin[] = [], kind = 'golive-rehearsal-signoff'): VerifyResult {
  if (!doc || typeof doc !== 'object' || (doc as { kind?: unknown }).kind !== kind) {
    return { ok: false, reason: kind === 'golive-rehearsal-signoff' ? 'not a golive rehearsal sign-off' : 'not a golive first-week report' };
  }
  const d = doc as Partial<SignOff> & { digest?: { algorithm?: unknown; value?: unknown }; signature?: { algorithm?: unknown; value?: unknown } };
  if (d.digest?.algorithm !== 'sha256' || typeof d.digest.value !== 'string') return { ok: false, reason: 'the document carries no sha256 digest' };
  const text = signedText(doc as Record<string, unknown>);
  const actual = sha256Hex(text);
  if (actual !== d.digest.value) return { ok: false, reason: `digest mismatch: the content hashes to ${actual}, the document claims ${d.digest.value}` };
  if (d.signature?.algorithm !== 'ed25519' || typeof d.signature.value !== 'string' || !d.signer || typeof d.signer.publicKey !== 'string') {
    return { ok: false, reason: 'unsigned: the sign-off carries no Ed25519 signature, so anyone could have written it' };
  }
  if (!verifyText(text, d.signer.publicKey, d.signature.value)) {
    return { ok: false, reason: 'bad signature: the content was changed after signing (a recomputed digest does not make it valid)' };
  }
  const fingerprint = fingerprintOf(d.signer.publicKey);
  if (d.signer.fingerprint !== fingerprint) return { ok: false, reason: `the signer fingerprint ${String(d.signer.fingerprint)} does not belong to its public key (${fingerprint})` };
  const signer = { name: String(d.signer.name), fingerprint, publicKey: d.signer.publicKey };
  const pin = pinFor(pins, d.signer.publicKey) ?? null;
  if (pins.length > 0 && !pin) {
    return { ok: false, reason: `signed by key ${fingerprint} (the document names "${signer.name}"), which is not one of the ${pins.length} key(s) pinned in rehearsal.signers` };
  }
  return { ok: true, digest: actual, doc: doc as SignOff, signer, pinned: pin };
}

/** "key SHA256:… (pinned as "Ada"; the document names "Ada Operator")": the key first, the name as a claim. */
export function signerText(signer: { name: string; fingerprint: string }, pinned: { name: string } | null | undefined): string {
  const claim = `the document names "${signer.name}"`;
  return `key ${signer.fingerprint} (${pinned ? `pinned as "${pinned.name}"; ${claim}` : `not pinned; ${claim}, which only the key can back`})`;
}

/**
 * How to pin a signer just seen. By key, never by the document's name: a forged sign-off can name
 * anyone, so the snippet leaves the name for the organisation to fill in once it has checked the
 * fingerprint with the person who holds the key.
 */
export function pinAdvice(signer: { name: string; publicKey: string; fingerprint: string }): string {
  return `no rehearsal.signers are pinned, so any valid signature is accepted: this one is key ${signer.fingerprint}; the name in it ("${signer.name}") is the document's own claim. Check the fingerprint with the person who holds the key, then pin it: add {"name": "<who holds ${signer.fingerprint}>", "publicKey": "${signer.publicKey}"} to rehearsal.signers in golive.config.json.`;
}
