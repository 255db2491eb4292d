// firstweek.past-due-churn: the first week's churn at the past_due → cancelled boundary, proven by the newest verified signed first-week report (`golive monitor --sign`). Manual: pass, fail or pending; blocks only with --require-first-week.
import { defineCheck } from '../src/engine/types.js';
import { judgeFirstWeekMetric } from '../src/monitor/judge.js';

export default defineCheck({
  id: 'firstweek.past-due-churn',
  section: 'firstweek',
  kind: 'manual',
  title: 'Dunning worked in the first week',
  failureTitle: 'Subscriptions churned at past_due → cancelled in the first week',
  why: "Subscriptions cancelled during dunning, before MintCash's retries ran out, are an early signal of dunning issues: revenue the retries could have recovered.",
  fix: 'Run `golive monitor` over the first week of live traffic (access log, app log, ledger; `golive explain monitor`), fix what it alerts on, then `golive monitor --sign` for a signed report that `golive check --require-first-week` accepts.',
  defaultSeverity: 'error',
  requires: ['firstweek'],
  run: ({ evidence }) => judgeFirstWeekMetric(evidence.firstweek, 'churn', 'churn at the past_due → cancelled boundary'),
});
