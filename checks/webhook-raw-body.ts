// webhook.raw-body: MintCash signs the raw bytes it sends. A correctly signed body with unusual
// whitespace, key order and escapes must be accepted; a 401 here means the handler parsed and
// re-serialised the JSON before computing the HMAC, which breaks on real deliveries.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { blockedOutcome, classOf, describeAnswer, probeEvidence, unsentOutcome } from '../src/mintcash/probe-results.js';

export const webhookRawBody = defineCheck({
  id: 'webhook.raw-body',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook signature is verified over the raw body',
  failureTitle: 'Webhook signature is verified over re-serialised JSON',
  why: 'The HMAC covers the exact bytes MintCash sent. Re-serialising the parsed JSON changes whitespace, key order or escapes, so genuine events fail verification and are retried, then lost.',
  fix: 'Read the raw request body (e.g. express.raw({ type: "application/json" }), request.body() as bytes) and compute the HMAC over it before parsing.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, options }) {
    const ev = evidence.webhook;
    const valid = ev.probes.valid;
    const odd = ev.probes['non-canonical'];
    const early = blockedOutcome(ev, options) ?? unsentOutcome(ev, [valid, odd]);
    if (early) return early;
    const evidence_ = probeEvidence(ev, [valid, odd]);
    const findings: FindingInput[] = [];
    const answer = describeAnswer(odd);
    if (classOf(valid) !== '2xx') {
      findings.push({
        messageId: 'inconclusive',
        message: `The correctly signed baseline got ${describeAnswer(valid)}, so this cannot be judged: acknowledge verified events with 2xx (see webhook.signature).`,
        fingerprintOf: `valid-${describeAnswer(valid)}`,
      });
      return { findings, evidence: evidence_ };
    }
    const cls = classOf(odd);
    const status = odd!.result?.status;
    if (cls === '2xx') return { evidence: evidence_, summary: `A correctly signed, unusually formatted body got HTTP ${status}.` };
    if (status === 401 || status === 403) {
      findings.push({
        messageId: 're-serialised',
        message: `A correctly signed body with unusual whitespace and key order got HTTP ${status} (the compact one got ${describeAnswer(valid)}): the handler re-serialises JSON; compute the HMAC over the raw request bytes.`,
        fingerprintOf: String(status),
      });
    } else {
      findings.push({
        messageId: cls === '5xx' ? 'crash' : 'not-accepted',
        message: `A correctly signed body with unusual whitespace and key order got ${answer}: accept any valid JSON whose raw bytes match the signature.`,
        fingerprintOf: answer,
      });
    }
    return { findings, evidence: evidence_ };
  },
});

export default webhookRawBody;
