// rehearsal.charge: the charge step is done in the newest verified sign-off (signed by a pinned signer, live, recent). Manual: pass or pending.
import { defineCheck } from '../src/engine/types.js';
import { judgeRehearsalStep } from '../src/rehearsal/judge.js';

export default defineCheck({
  id: 'rehearsal.charge',
  section: 'rehearsal',
  kind: 'manual',
  title: 'Live charge rehearsed',
  failureTitle: 'Live charge not rehearsed yet',
  why: 'Only a real charge on a real card proves keys, provider routing, the hosted page and the payment.succeeded webhook work together in production.',
  fix: 'Run `golive rehearse`: it creates a small capped payment, you pay it on the hosted page with your own card, and confirm your system received payment.succeeded.',
  defaultSeverity: 'error',
  requires: ['rehearsal'],
  run: ({ evidence, config }) => judgeRehearsalStep(evidence.rehearsal, 'charge', 'live charge', config),
});
