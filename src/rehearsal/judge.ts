// The shared judgement of the five rehearsal.* checks: pass when the matching step of the latest
// rehearsal is done, pending otherwise (with what is missing). A practice run with test keys does
// not prove a live integration, so it counts only when the config targets the test environment.
import type { CheckOutcome } from '../engine/types.js';
import type { RehearsalEvidence } from '../evidence/types.js';

type StepKey = keyof NonNullable<RehearsalEvidence['steps']>;

export function judgeRehearsalStep(ev: RehearsalEvidence, step: StepKey, label: string, environment: 'live' | 'test'): CheckOutcome {
  if (!ev.found || !ev.steps || !ev.id) {
    return { status: 'pending', summary: `No rehearsal recorded yet: run \`golive rehearse\` to do the ${label}.` };
  }
  const s = ev.steps[step];
  const evidence: Record<string, unknown> = { rehearsalId: ev.id, rehearsalStatus: ev.status, step: step, stepStatus: s.status, keyEnvironment: ev.keyEnvironment, ...s.ids };
  if (s.completedAt) evidence.completedAt = s.completedAt;
  if (environment === 'live' && ev.keyEnvironment !== 'live') {
    return { status: 'pending', summary: `Rehearsal ${ev.id} was a practice run with test keys; the ${label} still has to be done with the live pair.`, evidence };
  }
  if (s.status === 'done') return { summary: `The ${label} was done in rehearsal ${ev.id}${s.completedAt ? ` on ${s.completedAt}` : ''}.`, evidence };
  const why =
    s.status === 'waiting'
      ? `waits for ${s.waitingFor ?? 'a later confirmation'}`
      : s.status === 'failed'
        ? `failed (${s.failure ?? 'see the rehearsal report'}); fix it and run \`golive rehearse\` again`
        : s.status === 'in_progress'
          ? 'is in progress'
          : 'has not started';
  return { status: 'pending', summary: `The ${label} of rehearsal ${ev.id} ${why}. Run \`golive rehearse\` to continue.`, evidence };
}
