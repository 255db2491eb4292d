// Shared ok/ng table for the five rehearsal.* checks: each reads only its own step.
import { expect, it } from 'vitest';
import type { Check } from '../../src/engine/types.js';
import type { RehearsalEvidence, RehearsalStepFact } from '../../src/evidence/types.js';
import { runCheck } from '../../src/testing/index.js';

const STEPS = ['preflight', 'charge', 'settlement', 'refund', 'subscription', 'renewal', 'cancel'] as const;

function evidence(step: string, fact: Partial<RehearsalStepFact>, keyEnvironment: 'live' | 'test' = 'live'): RehearsalEvidence {
  const steps = Object.fromEntries(STEPS.map((s) => [s, { status: 'done', ids: {} }])) as unknown as NonNullable<RehearsalEvidence['steps']>;
  // Every OTHER step is done, so a pass or pending can only come from this check's own step.
  (steps as Record<string, RehearsalStepFact>)[step] = { status: 'not_started', ids: {}, ...fact };
  return { found: true, id: '20260513-abc123', status: 'paused', keyEnvironment, baseUrl: 'https://api.mintcash.me', steps, notes: [] };
}

export function rehearsalCheckTable(check: Check, id: string, step: string): void {
  // Through the plugin tester (the real runner), as a plugin author's tests would.
  const run = (ev: RehearsalEvidence, environment: 'live' | 'test' = 'live') =>
    runCheck(check, { evidence: { rehearsal: ev }, config: { environment }, options: { offline: false, history: false, requireRehearsal: true } });
  it(`${id} is a manual rehearsal check that requires only the rehearsal record`, () => {
    expect(check.id).toBe(id);
    expect(check.kind).toBe('manual');
    expect(check.section).toBe('rehearsal');
    expect([...check.requires]).toEqual(['rehearsal']);
  });
  const cases: Array<[string, RehearsalEvidence, 'live' | 'test', 'pass' | 'pending', RegExp]> = [
    ['no rehearsal at all', { found: false, notes: [] }, 'live', 'pending', /No rehearsal recorded/],
    ['step done with live keys', evidence(step, { status: 'done', completedAt: '2026-05-14T10:00:00.000Z' }), 'live', 'pass', /was done in rehearsal 20260513-abc123/],
    ['step done, but a practice run with test keys (live target)', evidence(step, { status: 'done' }, 'test'), 'live', 'pending', /practice run with test keys/],
    ['step done in practice, and the config targets test', evidence(step, { status: 'done' }, 'test'), 'test', 'pass', /was done/],
    ['step waiting', evidence(step, { status: 'waiting', waitingFor: 'the renewal due at X' }), 'live', 'pending', /waits for the renewal due at X/],
    ['step failed', evidence(step, { status: 'failed', failure: 'payment p1 failed (card_declined)' }), 'live', 'pending', /failed \(payment p1 failed \(card_declined\)\)/],
    ['step in progress', evidence(step, { status: 'in_progress' }), 'live', 'pending', /is in progress/],
    ['step not started while every other step is done', evidence(step, {}), 'live', 'pending', /has not started/],
  ];
  it.each(cases)(`${id}: %s`, async (_name, ev, environment, status, summary) => {
    const out = await run(ev, environment);
    expect(out.status).toBe(status);
    expect(out.summary).toMatch(summary);
    expect(out.findings).toEqual([]);
  });
}
