// firstweek.request-id-correlation: the first week's requestId correlation, proven by the newest verified signed first-week report (`golive monitor --sign`). Manual: pass, fail or pending; blocks only with --require-first-week.
import { defineCheck } from '../src/engine/types.js';
import { judgeFirstWeekMetric } from '../src/monitor/judge.js';

export default defineCheck({
  id: 'firstweek.request-id-correlation',
  section: 'firstweek',
  kind: 'manual',
  title: 'MintCash errors carried details.requestId in the first week',
  failureTitle: 'MintCash errors were logged without details.requestId in the first week',
  why: "Support can trace a failed call only from its details.requestId; an error logged without it cannot be matched to MintCash's request, response and provider trace.",
  fix: 'Run `golive monitor` over the first week of live traffic (access log, app log, ledger; `golive explain monitor`), fix what it alerts on, then `golive monitor --sign` for a signed report that `golive check --require-first-week` accepts.',
  defaultSeverity: 'error',
  requires: ['firstweek'],
  run: ({ evidence }) => judgeFirstWeekMetric(evidence.firstweek, 'request-id', 'requestId correlation'),
});
