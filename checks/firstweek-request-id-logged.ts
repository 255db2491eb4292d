// firstweek.request-id-logged: MintCash API errors are logged (or thrown on) with details.requestId,
// the one id MintCash support can trace a failed call from. Reads the code index's facts about what
// each MintCash call does with an error answer (JS/TS from the syntax tree; Python, Go, Ruby, PHP
// and Java from tokens); a call without such facts is named, not judged.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { codeCheck, noCreateCallOutcome } from './lib/code-index.js';

const ENDPOINT = { payment: 'POST /payments', subscription: 'POST /subscriptions', refund: 'POST /payments/{id}/refund' } as const;
/** How the status is read in each language, for the finding's advice. */
const STATUS_HINT: Record<string, string> = {
  js: '`res.ok`',
  ts: '`res.ok`',
  python: '`r.status_code` (or call `r.raise_for_status()`)',
  go: '`resp.StatusCode`',
  ruby: '`res.is_a?(Net::HTTPSuccess)` (or `res.success?`)',
  php: '`$response->failed()` (or `curl_getinfo($ch, CURLINFO_HTTP_CODE)`)',
  java: '`response.statusCode()`',
};

export const firstweekRequestIdLogged = codeCheck(defineCheck({
  id: 'firstweek.request-id-logged',
  section: 'firstweek',
  kind: 'static',
  title: 'MintCash API errors are logged with details.requestId',
  failureTitle: 'MintCash API errors are logged without details.requestId',
  why: 'Every MintCash error carries details.requestId; quoting it lets MintCash support pull the request, the response and the provider trace. An error logged without it cannot be matched to MintCash\'s side, and in the first week after launch that is when you need it most.',
  fix: 'When a MintCash call answers non-2xx, keep its error body: throw an error that carries `details` (or log `err.details.requestId`) next to your own request or order id, e.g. `if (!res.ok) throw new MintcashError(res.status, await res.json())` and `logger.error({ err, orderId }, ...)`.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence, options }) {
    const calls = evidence.code.calls.filter((c) => !c.isTest);
    if (calls.length === 0) return noCreateCallOutcome(options, evidence.code);
    const findings: FindingInput[] = [];
    const notJudged: string[] = [];
    let kept = 0;
    for (const c of calls) {
      const e = c.errorHandling;
      if (!e) {
        notJudged.push(`${c.file}:${c.line} (${c.language})`);
        continue;
      }
      if (e.kind === 'logs-request-id' || e.kind === 'keeps-body' || e.kind === 'propagates') {
        kept++;
        continue;
      }
      if (e.kind === 'unchecked') {
        findings.push({
          messageId: 'error-not-checked',
          message: `This ${ENDPOINT[c.endpoint]} call never checks the answer's status: a MintCash error body is used as if it were the result, and its details.requestId is never logged. Check ${STATUS_HINT[c.language] ?? 'the status'} and raise an error that keeps the body.`,
          file: c.file, line: c.line, column: c.column,
          fingerprintOf: `unchecked:${c.client}:${c.url}`,
        });
      } else if (e.kind === 'drops-request-id') {
        findings.push({
          messageId: 'request-id-dropped',
          message: `A MintCash error from this ${ENDPOINT[c.endpoint]} call is ${/^throw/.test(e.text) ? 'thrown' : 'logged'} without details.requestId (\`${e.text.replace(/\s+/g, ' ').slice(0, 100)}\` at line ${e.line}): include \`details\` (or \`details.requestId\`) from the error body.`,
          file: c.file, line: c.line, column: c.column,
          fingerprintOf: `dropped:${c.client}:${c.url}:${e.text}`,
          evidence: { handledAt: `${e.file}:${e.line}` },
        });
      }
    }
    const facts = { calls: calls.length, keptRequestId: kept, notJudged };
    if (findings.length === 0 && kept === 0) {
      return { status: 'pending', summary: `${notJudged.length} MintCash call(s) could not be read for their error handling: check by hand that their errors are logged with details.requestId.`, evidence: facts };
    }
    if (findings.length === 0) return { evidence: facts, summary: `${kept} MintCash call(s) keep or log details.requestId on errors${notJudged.length ? `; ${notJudged.length} could not be read` : ''}.` };
    return { findings, evidence: facts };
  },
}));

export default firstweekRequestIdLogged;
