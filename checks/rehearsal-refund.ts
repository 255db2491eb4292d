// rehearsal.refund: the refund step is done in the newest verified sign-off (signed by a pinned signer, live, recent). Manual: pass or pending.
import { defineCheck } from '../src/engine/types.js';
import { judgeRehearsalStep } from '../src/rehearsal/judge.js';

export default defineCheck({
  id: 'rehearsal.refund',
  section: 'rehearsal',
  kind: 'manual',
  title: 'Refund rehearsed',
  failureTitle: 'Refund not rehearsed yet',
  why: 'Refunds move money back through a different path (and webhook) than charges; the first one should not be a real customer’s.',
  fix: 'Run `golive rehearse`: it refunds the rehearsal charge in full after a typed confirmation and asks you to confirm payment.refunded and the money back.',
  defaultSeverity: 'error',
  requires: ['rehearsal'],
  run: ({ evidence, config }) => judgeRehearsalStep(evidence.rehearsal, 'refund', 'refund', config),
});
