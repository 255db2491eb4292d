// webhook.signature: forged events must be refused. Missing, wrong-secret, wrong-length and
// body-tampered signatures must each get a 4xx (a 2xx means anyone can forge payments; a 5xx
// means the verifier crashed), while a correctly signed event gets a 2xx. When the valid probe is
// refused too, golive cannot tell verification from a handler that refuses everything, and says
// so ("inconclusive") instead of passing.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import type { ProbeName, ProbeRecord } from '../src/evidence/types.js';
import { PROBE_DESCRIPTIONS } from '../src/mintcash/probe-events.js';
import { blockedOutcome, classOf, describeAnswer, probeEvidence, unsentOutcome } from '../src/mintcash/probe-results.js';

const NEGATIVES = ['missing-signature', 'wrong-secret', 'wrong-length', 'tampered-body'] as const satisfies readonly ProbeName[];

function judgeNegative(name: (typeof NEGATIVES)[number], rec: ProbeRecord): FindingInput | undefined {
  const what = PROBE_DESCRIPTIONS[name];
  const answer = describeAnswer(rec);
  switch (classOf(rec)) {
    case '4xx':
      return undefined;
    case '2xx':
      return {
        messageId: `accepts-${name}`,
        message: `Accepted an event with ${what} (${answer}): verify x-signature (HMAC-SHA256 of the raw body) before anything else and answer 401 when it does not match.`,
        fingerprintOf: name,
      };
    case '5xx':
      return {
        messageId: `crash-${name}`,
        message:
          name === 'wrong-length'
            ? `Crashed on a ${what} (${answer}): crypto.timingSafeEqual throws on buffers of different length; compare lengths first and answer 401.`
            : `Crashed on an event with ${what} (${answer}): treat a missing or bad signature as a normal 401, not an exception.`,
        fingerprintOf: name,
      };
    default:
      return {
        messageId: 'unexpected-answer',
        message: `Got ${answer} for an event with ${what}; expected a 4xx: refuse bad signatures with 401.`,
        fingerprintOf: name,
      };
  }
}

export const webhookSignature = defineCheck({
  id: 'webhook.signature',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint refuses forged events',
  failureTitle: 'Webhook endpoint mishandles signatures (a forged event accepted or crashing, or a valid one refused)',
  why: 'The signature is the only proof an event came from MintCash: an endpoint that accepts a missing, wrong or tampered signature lets anyone mark orders as paid.',
  fix: 'Compute HMAC-SHA256 over the raw request body with the webhook secret, compare it to x-signature in constant time after a length check, and answer 401 on mismatch before parsing or acting.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, options }) {
    const ev = evidence.webhook;
    const early = blockedOutcome(ev, options);
    if (early) return early;
    const valid = ev.probes.valid;
    const negatives = NEGATIVES.map((n) => [n, ev.probes[n]] as const);
    const findings: FindingInput[] = [];
    for (const [name, rec] of negatives) {
      if (!rec?.ran) continue;
      const f = judgeNegative(name, rec);
      if (f) findings.push(f);
    }
    const evidence_ = probeEvidence(ev, [valid, ...negatives.map(([, r]) => r)]);
    if (!valid?.ran) {
      // Without the secret a forged event that gets 2xx or 5xx is still a definite failure.
      if (findings.length > 0) return { findings, evidence: evidence_ };
      const unproven = unsentOutcome(ev, [valid])!;
      return { ...unproven, summary: `${unproven.summary} Forged signatures got ${negatives.map(([, r]) => describeAnswer(r)).join(', ')}.`, evidence: evidence_ };
    }
    const validClass = classOf(valid);
    const status = valid.result?.status;
    if (validClass === '4xx') {
      const ran = negatives.filter(([, r]) => r?.ran).map(([, r]) => r!.result?.status);
      const same = ran.length > 0 && ran.every((s) => s === status);
      const message = same
        ? `Every probe, the correctly signed one included, got HTTP ${status}, so golive cannot tell whether signatures are verified: acknowledge events you do not handle (like payment.created) with 2xx, and check ${ev.secretVar} is this endpoint's secret.`
        : status === 401 || status === 403
          ? `A correctly signed event got HTTP ${status}: make sure ${ev.secretVar} holds this endpoint's signing secret for the ${valid.environment} environment.`
          : `A correctly signed payment.created got HTTP ${status}: acknowledge event types you do not handle with 2xx, or MintCash retries them for 24 h.`;
      findings.push({ messageId: 'inconclusive', message, fingerprintOf: `valid-${status}` });
    } else if (validClass !== '2xx') {
      findings.push({
        messageId: validClass === '5xx' ? 'valid-crashed' : 'valid-not-acknowledged',
        message: `A correctly signed payment.created got ${describeAnswer(valid)}: acknowledge every verified event with 2xx, including types you do not handle.`,
        fingerprintOf: `valid-${describeAnswer(valid)}`,
      });
    }
    // Every forged variant must have been tried before the endpoint can be said to refuse them all.
    const unsent = findings.length === 0 ? unsentOutcome(ev, negatives.map(([, r]) => r)) : undefined;
    if (unsent) return { ...unsent, evidence: evidence_ };
    const summary = findings.length === 0 ? `Valid signature got HTTP ${status}; every forged one got a 4xx.` : undefined;
    return { findings, evidence: evidence_, ...(summary ? { summary } : {}) };
  },
});

export default webhookSignature;
