// webhook.dedup: delivery is at least once, so the same signed eventId arrives again whenever a
// 2xx is lost or late. Both deliveries must be acknowledged, the second without an error.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { blockedOutcome, classOf, describeAnswer, probeEvidence, unsentOutcome } from '../src/mintcash/probe-results.js';

export const webhookDedup = defineCheck({
  id: 'webhook.dedup',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint acknowledges duplicate deliveries',
  failureTitle: 'Webhook endpoint fails on duplicate deliveries',
  why: 'MintCash retries any delivery without a timely 2xx with the same eventId. A handler that errors on the repeat (e.g. a unique-key violation) turns one event into 24 h of retries and an alert.',
  fix: 'Record each processed eventId; when it is already recorded, answer 200 and do nothing. Make the insert and the side effects idempotent.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, options }) {
    const ev = evidence.webhook;
    const valid = ev.probes.valid;
    const first = ev.probes['duplicate-first'];
    const second = ev.probes['duplicate-second'];
    const early = blockedOutcome(ev, options) ?? unsentOutcome(ev, [valid, first, second]);
    if (early) return early;
    const evidence_ = probeEvidence(ev, [valid, first, second]);
    const findings: FindingInput[] = [];
    if (classOf(valid) !== '2xx') {
      findings.push({
        messageId: 'inconclusive',
        message: `The correctly signed baseline got ${describeAnswer(valid)}, so duplicate handling cannot be judged: acknowledge verified events with 2xx (see webhook.signature).`,
        fingerprintOf: `valid-${describeAnswer(valid)}`,
      });
      return { findings, evidence: evidence_ };
    }
    if (classOf(first) !== '2xx') {
      findings.push({
        messageId: 'first-not-acknowledged',
        message: `The first delivery of a fresh signed event got ${describeAnswer(first)}: acknowledge every verified event with 2xx.`,
        fingerprintOf: `first-${describeAnswer(first)}`,
      });
    }
    const cls = classOf(second);
    const answer = describeAnswer(second);
    if (cls === '5xx') {
      findings.push({
        messageId: 'crash-on-duplicate',
        message: `The repeat delivery of the same eventId got ${answer}: look the eventId up first and answer 200 for an event already processed (a unique-key violation is not an error here).`,
        fingerprintOf: 'duplicate-5xx',
      });
    } else if (cls !== '2xx') {
      findings.push({
        messageId: 'duplicate-refused',
        message: `The repeat delivery of the same eventId got ${answer}: answer 200 for an already processed eventId, or MintCash keeps retrying it for 24 h.`,
        fingerprintOf: `duplicate-${answer}`,
      });
    }
    const summary = findings.length === 0 ? `The same eventId twice got ${describeAnswer(first)} then ${answer}.` : undefined;
    return { findings, evidence: evidence_, ...(summary ? { summary } : {}) };
  },
});

export default webhookDedup;
