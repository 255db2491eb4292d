// webhook.environment: a correctly signed event from the other environment (e.g. a sandbox
// `environment: "test"` event reaching the live endpoint) must be refused, never acted on.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { blockedOutcome, classOf, describeAnswer, probeEvidence, unsentOutcome } from '../src/mintcash/probe-results.js';

export const webhookEnvironment = defineCheck({
  id: 'webhook.environment',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint refuses events from the wrong environment',
  failureTitle: 'Webhook endpoint accepts events from the wrong environment',
  why: 'If sandbox and live share a secret or a handler, a sandbox payment (no money moved) can arrive at the live endpoint correctly signed; a handler that ignores `environment` would fulfil it.',
  fix: 'After verifying the signature, compare the event\'s `environment` to the deployment\'s (live) and refuse a mismatch with a 4xx before acting.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, config, options }) {
    const ev = evidence.webhook;
    const valid = ev.probes.valid;
    const wrong = ev.probes['wrong-environment'];
    const early = blockedOutcome(ev, options) ?? unsentOutcome(ev, [valid, wrong]);
    if (early) return early;
    const evidence_ = probeEvidence(ev, [valid, wrong]);
    const findings: FindingInput[] = [];
    const env = wrong!.environment ?? (config.environment === 'live' ? 'test' : 'live');
    if (classOf(valid) !== '2xx') {
      findings.push({
        messageId: 'inconclusive',
        message: `The correctly signed ${config.environment} baseline got ${describeAnswer(valid)}, so a refusal of "${env}" events proves nothing: acknowledge verified events with 2xx (see webhook.signature).`,
        fingerprintOf: `valid-${describeAnswer(valid)}`,
      });
      return { findings, evidence: evidence_ };
    }
    const cls = classOf(wrong);
    const answer = describeAnswer(wrong);
    if (cls === '4xx') return { evidence: evidence_, summary: `A correctly signed "${env}" event got ${answer}.` };
    if (cls === '2xx') {
      findings.push({
        messageId: 'accepts-wrong-environment',
        message: `A correctly signed event with environment "${env}" got ${answer}: compare event.environment to "${config.environment}" and refuse a mismatch with 400 before acting.`,
        fingerprintOf: env,
      });
    } else {
      findings.push({
        messageId: cls === '5xx' ? 'crash' : 'unexpected-answer',
        message: `A correctly signed event with environment "${env}" got ${answer}; expected a 4xx: refuse it explicitly rather than failing.`,
        fingerprintOf: answer,
      });
    }
    return { findings, evidence: evidence_ };
  },
});

export default webhookEnvironment;
