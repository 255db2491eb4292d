// idempotency.external-id-quality: an externalId must be stable across retries and unique per
// intent. Judges the shape the code index recorded (constant, customer id, timestamp, random...).
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { redactText } from '../src/engine/mask.js';
import { codeCheck, noCreateCallOutcome, type CodeIndex } from './lib/code-index.js';
import { notYetProven } from '../src/engine/outcomes.js';

type Kind = NonNullable<Extract<CodeIndex['calls'][number]['body'], { resolved: true }>['externalId']>['kind'];

const PROBLEM: Partial<Record<Kind, string>> = {
  constant: 'is a constant, so every payment after the first replays the first one',
  'customer-id': "is the customer's id, so a customer's second order replays their first",
  timestamp: 'is a bare timestamp, so a retry gets a new key (double charge) and two orders in the same instant collide',
  random: 'is a random value minted at the call, so a retry gets a new key and charges twice',
  'payment-id': "reuses the payment's id, so a second (partial) refund of the same payment replays the first",
};

const BETTER: Partial<Record<Kind, string>> = {
  constant: 'derive it from the intent, e.g. the order or invoice id',
  'customer-id': 'derive it from the order (or `sub_<customerId>_<planId>` for a subscription)',
  timestamp: 'derive it from the order or invoice id, stored before the first attempt',
  random: 'mint it once when the order is created, store it, and reuse it on every retry',
  'payment-id': 'use an id of the refund request, e.g. `refund_<refundRequestId>`',
};

export const idempotencyExternalIdQuality = codeCheck(defineCheck({
  id: 'idempotency.external-id-quality',
  section: 'idempotency',
  kind: 'static',
  title: 'externalId values are stable and unique per intent',
  failureTitle: 'An externalId value defeats idempotency',
  why: 'MintCash replays the first result for a repeated externalId. A key that changes on retry (random, timestamp) charges twice; a key shared between intents (constant, customer id, the payment id for refunds) silently drops the second one.',
  fix: 'Use one externalId per intent (order, invoice, refund request), created before the first attempt and reused on every retry.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence, options }) {
    const calls = evidence.code.calls.filter((c) => !c.isTest);
    if (calls.length === 0) return noCreateCallOutcome(options, evidence.code);
    const valued = calls.flatMap((c) => (c.body.resolved && c.body.externalId ? [{ call: c, id: c.body.externalId }] : []));
    if (valued.length === 0) {
      return notYetProven(options, 'No externalId value could be read at any create call', 'send an externalId at each create call (see idempotency.external-id), written where golive can read it');
    }
    const findings: FindingInput[] = [];
    for (const { call, id } of valued) {
      const problem = PROBLEM[id.kind];
      if (!problem) continue;
      const text = redactText(id.text);
      findings.push({
        messageId: `external-id-${id.kind}`,
        message: `The externalId \`${text}\` ${problem}: ${BETTER[id.kind]}.`,
        file: id.file, line: id.line, column: id.column,
        fingerprintOf: `${id.kind}:${text}`,
        evidence: { value: text, kind: id.kind, endpoint: call.endpoint, language: call.language },
      });
    }
    return { findings, ...(findings.length === 0 ? { summary: `${valued.length} externalId value(s) are derived from the intent.` } : {}) };
  },
}));

export default idempotencyExternalIdQuality;
