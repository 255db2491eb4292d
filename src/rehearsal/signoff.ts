// The sign-off document: every step's evidence, who ran the rehearsal and when, the first-week
// monitoring plan, a SHA-256 digest of its canonical content and the operator's Ed25519 signature
// over that content. JSON is the canonical form; the Markdown and HTML renderings embed it, so
// `golive report --verify` can check any of the three.
import { redactDeep } from '../engine/mask.js';
import { CANONICAL_RULE, sha256Hex, signedText } from './canonical.js';
import { fingerprintOf, signText, verifyText, type OperatorKey } from './signing.js';
import { MONITORING_PLAN, type MonitoringItem } from './monitoring.js';
import { STEPS } from './steps.js';
import type { RehearsalState, StepRecord } from './types.js';

export interface SignOffStep extends StepRecord {
  id: string;
  title: string;
  summary: string;
  checkId: string | null;
}

export interface SignOff {
  kind: 'golive-rehearsal-signoff';
  schemaVersion: 1;
  tool: { name: 'golive'; version: string };
  generatedAt: string;
  complete: boolean;
  /** True for test keys or a sandbox/emulator target: no real money moved, proves nothing for live. */
  practice: boolean;
  /** True when any answer came from an answers file rather than a person at a terminal. */
  scripted: boolean;
  rehearsal: Pick<RehearsalState, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'target' | 'settings'>;
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

export function isPractice(target: Pick<RehearsalState['target'], 'keyEnvironment' | 'baseUrlKind'>): boolean {
  return target.keyEnvironment !== 'live' || target.baseUrlKind === 'sandbox' || target.baseUrlKind === 'loopback';
}

export function buildSignOff(state: RehearsalState, version: string, generatedAt: string, key: OperatorKey): SignOff {
  const content = redactDeep({
    kind: 'golive-rehearsal-signoff' as const,
    schemaVersion: 1 as const,
    tool: { name: 'golive' as const, version },
    generatedAt,
    complete: state.status === 'completed',
    practice: isPractice(state.target),
    scripted: Object.values(state.steps).some((s) => Object.values(s.provenance ?? {}).some((p) => p.via === 'answers-file')),
    rehearsal: {
      id: state.id,
      status: state.status,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      target: state.target,
      settings: state.settings,
    },
    operator: state.operator,
    sessions: state.sessions,
    steps: STEPS.map((def) => ({ id: def.id, title: def.title, summary: def.summary, checkId: def.checkId ?? null, ...state.steps[def.id] })),
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
export function verifyDocument(doc: unknown, pins: readonly SignerPin[] = []): VerifyResult {
  if (!doc || typeof doc !== 'object' || (doc as { kind?: unknown }).kind !== 'golive-rehearsal-signoff') {
    return { ok: false, reason: 'not a golive rehearsal sign-off' };
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
    return { ok: false, reason: `signed by ${signer.name} with key ${fingerprint}, which is not one of the ${pins.length} signer(s) pinned in rehearsal.signers` };
  }
  return { ok: true, digest: actual, doc: doc as SignOff, signer, pinned: pin };
}

/** The line that tells an organisation how to pin a signer it has just seen. */
export function pinAdvice(signer: { name: string; publicKey: string; fingerprint: string }): string {
  return `no rehearsal.signers are pinned, so any valid signature is accepted: this one is ${signer.name}'s key ${signer.fingerprint}. Pin it by adding {"name": ${JSON.stringify(signer.name)}, "publicKey": "${signer.publicKey}"} to rehearsal.signers in golive.config.json.`;
}
