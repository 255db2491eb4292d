// firstweek.delivery-success: the first week's webhook delivery success rate, proven by the newest verified signed first-week report (`golive monitor --sign`). Manual: pass, fail or pending; blocks only with --require-first-week.
import { defineCheck } from '../src/engine/types.js';
import { judgeFirstWeekMetric } from '../src/monitor/judge.js';

export default defineCheck({
  id: 'firstweek.delivery-success',
  section: 'firstweek',
  kind: 'manual',
  title: 'Webhook delivery success rate proven for the first week',
  failureTitle: 'Webhook deliveries failed in the first week',
  why: "MintCash retries a failed delivery for 24 h and then gives up, telling your account manager rather than you: persistent failures in the first week mean orders not fulfilled.",
  fix: 'Run `golive monitor` over the first week of live traffic (access log, app log, ledger; `golive explain monitor`), fix what it alerts on, then `golive monitor --sign` for a signed report that `golive check --require-first-week` accepts.',
  defaultSeverity: 'error',
  requires: ['firstweek'],
  run: ({ evidence }) => judgeFirstWeekMetric(evidence.firstweek, 'delivery', 'webhook delivery success rate'),
});
