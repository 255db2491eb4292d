// Shared ok/ng table for the five rehearsal.* checks: each reads only its own step, and only of a
// verified sign-off (valid signature, pinned signer, live, recent).
import { expect, it } from 'vitest';
import type { Check } from '../../src/engine/types.js';
import type { RehearsalEvidence, RehearsalStepFact, SignOffFact } from '../../src/evidence/types.js';
import { runCheck } from '../../src/testing/index.js';

const STEPS = ['preflight', 'charge', 'settlement', 'refund', 'subscription', 'renewal', 'cancel'] as const;
const NOW = '2026-05-20T10:00:00.000Z';
const signer = { name: 'Ada Operator', fingerprint: 'SHA256:abc', publicKey: 'MCowBQYDK2VwAyEA' + 'A'.repeat(44) };

function signOff(step: string, fact: Partial<RehearsalStepFact>, over: Partial<SignOffFact> = {}): SignOffFact {
  const steps = Object.fromEntries(STEPS.map((s) => [s, { status: 'done', ids: {} }])) as unknown as NonNullable<SignOffFact['steps']>;
  // Every OTHER step is done, so a pass or pending can only come from this check's own step.
  (steps as Record<string, RehearsalStepFact>)[step] = { status: 'not_started', ids: {}, ...fact };
  return { file: 'golive-rehearsal/golive-rehearsal-20260513-abc123.json', valid: true, id: '20260513-abc123', signer, signerPinned: true, keyEnvironment: 'live', practice: false, complete: false, generatedAt: '2026-05-14T10:00:00.000Z', steps, ...over };
}

const ev = (signOffs: SignOffFact[], pinnedSigners = 1): RehearsalEvidence => ({ dir: 'golive-rehearsal', collectedAt: NOW, signOffs, pinnedSigners, notes: [] });

export function rehearsalCheckTable(check: Check, id: string, step: string): void {
  // Through the plugin tester (the real runner), as a plugin author's tests would.
  const run = (e: RehearsalEvidence, environment: 'live' | 'test' = 'live', maxAgeDays?: number) =>
    runCheck(check, { evidence: { rehearsal: e }, config: { environment, ...(maxAgeDays ? { rehearsal: { maxAgeDays } } : {}) }, options: { offline: false, history: false, requireRehearsal: true } });
  it(`${id} is a manual rehearsal check that requires only the rehearsal evidence`, () => {
    expect(check.id).toBe(id);
    expect(check.kind).toBe('manual');
    expect(check.section).toBe('rehearsal');
    expect([...check.requires]).toEqual(['rehearsal']);
  });
  const done = { status: 'done' as const, completedAt: '2026-05-14T09:00:00.000Z' };
  const cases: Array<[string, RehearsalEvidence, 'live' | 'test', number | undefined, 'pass' | 'pending', RegExp, boolean]> = [
    ['no sign-off at all', ev([]), 'live', undefined, 'pending', /No signed rehearsal sign-off in golive-rehearsal\/: run `golive rehearse`/, false],
    ['step done in a verified live sign-off', ev([signOff(step, done)]), 'live', undefined, 'pass', /was done on 2026-05-14T09:00:00.000Z: sign-off golive-rehearsal\/golive-rehearsal-20260513-abc123.json \(rehearsal 20260513-abc123, signed by Ada Operator\)/, true],
    ['forged (signature does not verify)', ev([{ file: 'golive-rehearsal/x.json', valid: false, problem: 'bad signature: the content was changed after signing', signerPinned: false }]), 'live', undefined, 'pending', /x.json does not verify \(bad signature/, false],
    ['signed, but no signers pinned', ev([signOff(step, done, { signerPinned: false })], 0), 'live', undefined, 'pending', /no signers are pinned: add \{"name": "Ada Operator", "publicKey": "MCow/, false],
    ['signed by someone not pinned', ev([signOff(step, done, { signerPinned: false })], 2), 'live', undefined, 'pending', /who is not in rehearsal.signers/, false],
    ['a practice run (test keys), live target', ev([signOff(step, done, { keyEnvironment: 'test', practice: true })]), 'live', undefined, 'pending', /practice run/, false],
    ['a practice run, and the config targets test', ev([signOff(step, done, { keyEnvironment: 'test', practice: true })]), 'test', undefined, 'pass', /was done/, true],
    ['older than the default 14 days', ev([signOff(step, done, { generatedAt: '2026-05-01T10:00:00.000Z' })]), 'live', undefined, 'pending', /19 days old, over rehearsal.maxAgeDays \(14\)/, false],
    ['within a longer rehearsal.maxAgeDays', ev([signOff(step, done, { generatedAt: '2026-05-01T10:00:00.000Z' })]), 'live', 30, 'pass', /was done/, true],
    ['a newer forged one is skipped for the older verified one', ev([{ file: 'golive-rehearsal/new.json', valid: false, problem: 'unsigned', signerPinned: false }, signOff(step, done)]), 'live', undefined, 'pass', /was done/, true],
    ['step waiting', ev([signOff(step, { status: 'waiting', waitingFor: 'the renewal due at X' })]), 'live', undefined, 'pending', /waits for the renewal due at X/, true],
    ['step failed', ev([signOff(step, { status: 'failed', failure: 'payment p1 failed (card_declined)' })]), 'live', undefined, 'pending', /failed \(payment p1 failed \(card_declined\)\)/, true],
    ['step in progress', ev([signOff(step, { status: 'in_progress' })]), 'live', undefined, 'pending', /is in progress/, true],
    ['step not started while every other step is done', ev([signOff(step, {})]), 'live', undefined, 'pending', /has not started/, true],
  ];
  it.each(cases)(`${id}: %s`, async (_name, e, environment, maxAgeDays, status, summary, verified) => {
    const out = await run(e, environment, maxAgeDays);
    expect(out.status).toBe(status);
    expect(out.summary).toMatch(summary);
    expect(out.findings).toEqual([]);
    expect(out.evidence?.verifiedSignOff).toBe(verified);
  });
}
