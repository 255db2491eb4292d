// rehearsal.cancel: the cancel step is done in the newest verified sign-off (signed by a pinned signer, live, recent). Manual: pass or pending.
import { defineCheck } from '../src/engine/types.js';
import { judgeRehearsalStep } from '../src/rehearsal/judge.js';

export default defineCheck({
  id: 'rehearsal.cancel',
  section: 'rehearsal',
  kind: 'manual',
  title: 'Subscription cancel rehearsed',
  failureTitle: 'Subscription cancel not rehearsed yet',
  why: 'Cancelling is immediate and final; your system must stop access exactly when subscription.cancelled arrives.',
  fix: 'Run `golive rehearse` after the renewal step; it cancels the rehearsal subscription after a typed confirmation.',
  defaultSeverity: 'error',
  requires: ['rehearsal'],
  run: ({ evidence, config }) => judgeRehearsalStep(evidence.rehearsal, 'cancel', 'cancel', config),
});
