// Collects the latest `golive rehearse` record of the target directory (most recently updated under
// `.golive/rehearsals/`). Facts only: which steps are done; the rehearsal.* checks judge.
import type { CollectContext, Collector, RehearsalEvidence } from './types.js';
import { listStates } from '../rehearsal/store.js';
import { STEP_IDS } from '../rehearsal/types.js';

export const collectRehearsal: Collector<'rehearsal'> = async (ctx: CollectContext): Promise<RehearsalEvidence> => {
  const { states, problems } = await listStates(ctx.root);
  const notes = problems.map((message) => ({ source: 'rehearsal', message }));
  const latest = states[0];
  if (!latest) return { found: false, notes };
  const steps = Object.fromEntries(
    STEP_IDS.map((id) => {
      const s = latest.steps[id];
      return [id, { status: s.status, ...(s.completedAt ? { completedAt: s.completedAt } : {}), ...(s.waitingFor ? { waitingFor: s.waitingFor } : {}), ...(s.failure ? { failure: s.failure.message } : {}), ids: { ...s.ids } }];
    }),
  ) as RehearsalEvidence['steps'];
  return {
    found: true,
    id: latest.id,
    status: latest.status,
    updatedAt: latest.updatedAt,
    keyEnvironment: latest.target.keyEnvironment,
    baseUrl: latest.target.baseUrl,
    steps,
    notes,
  };
};
