// The sign-off document: every step's evidence, who ran the rehearsal and when, the first-week
// monitoring plan, and a SHA-256 digest of its canonical content. JSON is the canonical form; the
// Markdown and HTML renderings embed it, so `golive report --verify` can check any of the three.
import { redactDeep } from '../engine/mask.js';
import { CANONICAL_RULE, digestOf } from './canonical.js';
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
  rehearsal: Pick<RehearsalState, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'target' | 'settings'>;
  operator: RehearsalState['operator'];
  sessions: RehearsalState['sessions'];
  steps: SignOffStep[];
  monitoring: MonitoringItem[];
  digestRule: string;
  digest: { algorithm: 'sha256'; value: string };
}

export function buildSignOff(state: RehearsalState, version: string, generatedAt: string): SignOff {
  const content = redactDeep({
    kind: 'golive-rehearsal-signoff' as const,
    schemaVersion: 1 as const,
    tool: { name: 'golive' as const, version },
    generatedAt,
    complete: state.status === 'completed',
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
  });
  // JSON round trip: the digest must be computed over exactly what a reader will parse back.
  const plain = JSON.parse(JSON.stringify(content)) as Omit<SignOff, 'digest'>;
  return { ...plain, digest: { algorithm: 'sha256', value: digestOf(plain as unknown as Record<string, unknown>) } };
}

export function renderSignOffJson(doc: SignOff): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export type VerifyResult = { ok: true; digest: string } | { ok: false; reason: string };

/** Recomputes the digest of a parsed sign-off document. */
export function verifyDocument(doc: unknown): VerifyResult {
  if (!doc || typeof doc !== 'object' || (doc as { kind?: unknown }).kind !== 'golive-rehearsal-signoff') {
    return { ok: false, reason: 'not a golive rehearsal sign-off' };
  }
  const d = doc as { digest?: { algorithm?: unknown; value?: unknown } };
  if (d.digest?.algorithm !== 'sha256' || typeof d.digest.value !== 'string') return { ok: false, reason: 'the document carries no sha256 digest' };
  const actual = digestOf(doc as Record<string, unknown>);
  if (actual !== d.digest.value) return { ok: false, reason: `digest mismatch: the content hashes to ${actual}, the document claims ${d.digest.value}` };
  return { ok: true, digest: actual };
}
