// webhook.latency: MintCash waits 10 s for a 2xx and retries anything slower, so every signed
// probe must be answered well inside that budget; p95 above the prompt-ack budget is a warning.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { couldNotProve } from '../src/engine/outcomes.js';
import { blockedOutcome, describeAnswer, percentile, unsentOutcome } from '../src/mintcash/probe-results.js';

export const webhookLatency = defineCheck({
  id: 'webhook.latency',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint answers promptly',
  failureTitle: 'Webhook endpoint is too slow',
  why: 'MintCash treats an answer slower than 10 s as a failed delivery and retries it, so a slow handler sees duplicates and, after 24 h of retries, loses events.',
  fix: 'Verify the signature, store the event and return 2xx at once; do the heavy work (emails, fulfilment, API calls) asynchronously from a queue.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, config, options }) {
    const ev = evidence.webhook;
    const early = blockedOutcome(ev, options) ?? unsentOutcome(ev, ev.latency.slice(0, 1));
    if (early) return early;
    const { budgetMs, promptAckMs, timeoutMs } = config.webhook.probes;
    const sent = ev.latency.filter((s) => s.ran && s.result);
    const answered = sent.filter((s) => !s.result!.error);
    const times = answered.map((s) => s.result!.timings.totalMs);
    const findings: FindingInput[] = [];
    const lost = sent.filter((s) => s.result!.error);
    for (const s of lost) {
      const r = s.result!;
      findings.push({
        messageId: r.error!.kind === 'timeout' ? 'timeout' : 'no-answer',
        message:
          r.error!.kind === 'timeout'
            ? `A signed probe got no complete answer within ${timeoutMs} ms (MintCash gives up at ${budgetMs} ms): acknowledge first, work later.`
            : `A signed probe got no complete answer (${describeAnswer(s)}): make sure the handler always finishes its response.`,
        fingerprintOf: r.error!.kind,
      });
    }
    const stats = times.length
      ? { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) }
      : undefined;
    if (stats && stats.max >= budgetMs) {
      findings.push({
        messageId: 'over-budget',
        message: `The slowest signed probe took ${Math.round(stats.max)} ms, over MintCash's ${budgetMs} ms budget, so deliveries would be retried: return 2xx before doing slow work.`,
        fingerprintOf: 'over-budget',
      });
    } else if (stats && stats.p95 > promptAckMs) {
      findings.push({
        messageId: 'slow-ack',
        severity: 'warning',
        message: `p95 latency is ${Math.round(stats.p95)} ms, above the ${promptAckMs} ms prompt-ack budget: acknowledge first and move heavy work to a queue.`,
        fingerprintOf: 'slow-ack',
      });
    }
    const timingRows = sent.map((s) => ({ answer: describeAnswer(s), ...s.result!.timings }));
    const evidence_ = {
      url: ev.url,
      samples: sent.length,
      ...(stats ? { p50Ms: stats.p50, p95Ms: stats.p95, maxMs: stats.max } : {}),
      budgetMs,
      promptAckMs,
      timings: timingRows,
      ...(ev.latency.length > sent.length ? { notSent: ev.latency.length - sent.length } : {}),
    };
    // A sample that was never sent could have been the slow one: without all of them, nothing is proven.
    const unsent = ev.latency.filter((s) => !s.ran);
    if (unsent.length > 0 && findings.length === 0) {
      return couldNotProve(
        `Not proven: only ${sent.length} of ${ev.latency.length} latency samples were sent (${(unsent[0]!.reason ?? 'not sent').replace(/^not sent: /, '')}). Check that the endpoint answers every probe, then run again.`,
        evidence_,
      );
    }
    const summary = stats && findings.length === 0
      ? `${sent.length} signed probes: p50 ${Math.round(stats.p50)} ms, p95 ${Math.round(stats.p95)} ms, max ${Math.round(stats.max)} ms.`
      : undefined;
    return { findings, evidence: evidence_, ...(summary ? { summary } : {}) };
  },
});

export default webhookLatency;
