// firstweek.payment-failures: the first week's payment.failed rate by error code, proven by the newest verified signed first-week report (`golive monitor --sign`). Manual: pass, fail or pending; blocks only with --require-first-week.
import { defineCheck } from '../src/engine/types.js';
import { judgeFirstWeekMetric } from '../src/monitor/judge.js';

export default defineCheck({
  id: 'firstweek.payment-failures',
  section: 'firstweek',
  kind: 'manual',
  title: 'payment.failed by error code stayed normal in the first week',
  failureTitle: 'payment.failed spiked or showed configuration drift in the first week',
  why: "A sudden spike of one failureCode, or any code that means credentials, permissions or invalid requests, is configuration drift, not customers, and it fails every payment until fixed.",
  fix: 'Run `golive monitor` over the first week of live traffic (access log, app log, ledger; `golive explain monitor`), fix what it alerts on, then `golive monitor --sign` for a signed report that `golive check --require-first-week` accepts.',
  defaultSeverity: 'error',
  requires: ['firstweek'],
  run: ({ evidence }) => judgeFirstWeekMetric(evidence.firstweek, 'failures', 'payment.failed rate by error code'),
});
