// How much each built-in check matters to code scanning: whether a failure is a security problem
// (someone can take money or forge events) or a reliability one (payments or events go wrong on
// their own), and its score on the CVSS-like 0-10 scale GitHub uses for `security-severity`
// (9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, below 4 low). One place, shown per check in
// docs/checks.md, so a score is a decision someone can read and argue with.
import type { Severity } from '../engine/types.js';

export type RiskKind = 'security' | 'reliability' | 'process';

export interface Risk {
  kind: RiskKind;
  /** The score of a blocking (error) finding; a warning scores lower, see scoreFor. */
  score: number;
  why: string;
}

export const RISKS: Record<string, Risk> = {
  'policy.unchanged': { kind: 'security', score: 8.0, why: 'a change under review could switch off the checks that judge it, or pin its own sign-off' },
  'credentials.live-keys': { kind: 'security', score: 7.5, why: 'a swapped pair can put the secret key where the public one belongs, in a browser' },
  'credentials.keys-verified': { kind: 'reliability', score: 6.0, why: 'a rejected key stops every payment, but exposes nothing' },
  'credentials.no-secrets-in-source': { kind: 'security', score: 9.5, why: 'anyone with the repository can take payments and refunds' },
  'credentials.no-test-keys-in-prod': { kind: 'reliability', score: 7.0, why: 'checkout looks healthy while no real money moves' },
  'credentials.test-webhook-retired': { kind: 'security', score: 5.0, why: 'a forgotten handler may act on events with production data' },
  'webhook.https': { kind: 'security', score: 7.5, why: 'events in clear text or to a spoofable host can be read or altered' },
  'webhook.public': { kind: 'reliability', score: 6.0, why: 'MintCash cannot deliver events to a private address' },
  'webhook.latency': { kind: 'reliability', score: 5.0, why: 'slow answers are retried and then dropped' },
  'webhook.signature': { kind: 'security', score: 9.1, why: 'a forged payment.succeeded ships goods for free' },
  'webhook.raw-body': { kind: 'reliability', score: 6.0, why: 'genuine events are refused' },
  'webhook.environment': { kind: 'security', score: 8.0, why: 'a test-mode event can fulfil a live order' },
  'webhook.dedup': { kind: 'reliability', score: 6.5, why: 'a retried event is fulfilled twice' },
  'webhook.timing-safe-compare': { kind: 'security', score: 6.5, why: 'a timing side channel can leak a valid signature, slowly' },
  'webhook.code-raw-body': { kind: 'reliability', score: 5.0, why: 'genuine events fail verification' },
  'webhook.code-environment-guard': { kind: 'security', score: 7.0, why: 'a test-mode event can fulfil a live order' },
  'webhook.code-dedup': { kind: 'reliability', score: 5.0, why: 'a retried event is fulfilled twice' },
  'idempotency.external-id': { kind: 'reliability', score: 6.5, why: 'a retried create call charges or refunds twice' },
  'idempotency.external-id-quality': { kind: 'reliability', score: 4.0, why: 'a weak externalId defeats retries or merges intents' },
  'firstweek.request-id-logged': { kind: 'reliability', score: 3.5, why: 'a failed call cannot be traced with MintCash support' },
};

/** Rehearsal and first-week items and plugin checks: a process gap, not a code finding. */
const DEFAULT_RISK: Risk = { kind: 'process', score: 3.0, why: 'a launch step not yet proven' };

export function riskOf(id: string): Risk {
  return RISKS[id] ?? DEFAULT_RISK;
}

/**
 * The score of a finding at a severity: the check's risk when blocking; three points lower (not
 * below 1.0) as a warning, so a warning never outranks the same check's errors.
 */
export function scoreFor(id: string, severity: Severity): string {
  const { score } = riskOf(id);
  return (severity === 'error' ? score : Math.max(1, score - 3)).toFixed(1);
}
