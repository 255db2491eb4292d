// The policy evidence when nobody resolved it before the run (the plugin tester, the API): the
// working tree's config is its own policy, and a pull-request build is recognised from the CI's
// variables so policy.unchanged can say that nothing trusted governs it. `golive check` resolves
// the real thing (config/policy-source.ts) and hands it to the runner ready-made.
import { pullRequestBuild } from '../config/policy-source.js';
import type { CollectContext, Collector, PolicyEvidence } from './types.js';

export const collectPolicy: Collector<'policy'> = async (ctx: CollectContext): Promise<PolicyEvidence> => {
  const pr = pullRequestBuild(ctx.env);
  return { source: 'worktree', changes: [], ...(pr ? { pullRequest: pr } : {}) };
};
