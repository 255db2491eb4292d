// rehearsal.settlement: the settlement step is done in the newest verified sign-off (signed by a pinned signer, live, recent). Manual: pass or pending.
import { defineCheck } from '../src/engine/types.js';
import { judgeRehearsalStep } from '../src/rehearsal/judge.js';

export default defineCheck({
  id: 'rehearsal.settlement',
  section: 'rehearsal',
  kind: 'manual',
  title: 'Settlement confirmed',
  failureTitle: 'Settlement not confirmed yet',
  why: 'Money only counts once it reaches your settlement account; a misconfigured payout account shows up days after launch otherwise.',
  fix: 'When the rehearsal charge has settled, run `golive rehearse` again and confirm the funds arrived.',
  defaultSeverity: 'error',
  requires: ['rehearsal'],
  run: ({ evidence, config }) => judgeRehearsalStep(evidence.rehearsal, 'settlement', 'settlement confirmation', config),
});
