// rehearsal.renewal: the renewal step is done in the newest verified sign-off (signed by a pinned signer, live, recent). Manual: pass or pending.
import { defineCheck } from '../src/engine/types.js';
import { judgeRehearsalStep } from '../src/rehearsal/judge.js';

export default defineCheck({
  id: 'rehearsal.renewal',
  section: 'rehearsal',
  kind: 'manual',
  title: 'Subscription renewal rehearsed',
  failureTitle: 'Subscription renewal not seen yet',
  why: 'A renewal is charged by MintCash on its own schedule with the saved card; only a real one proves your system handles it.',
  fix: 'Run `golive rehearse` after the rehearsal subscription’s currentPeriodEnd; it verifies a new period began and asks about the webhook.',
  defaultSeverity: 'error',
  requires: ['rehearsal'],
  run: ({ evidence, config }) => judgeRehearsalStep(evidence.rehearsal, 'renewal', 'subscription renewal', config),
});
