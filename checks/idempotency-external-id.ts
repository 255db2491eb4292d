// idempotency.external-id: every POST /payments, /subscriptions and /payments/{id}/refund must
// carry an externalId, MintCash's only idempotency key; without it a retry charges twice.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { codeCheck, noCreateCallOutcome, type Language } from './lib/code-index.js';

const EXAMPLE: Record<Language, string> = {
  js: '`externalId: order.id`',
  ts: '`externalId: order.id`',
  python: '`"externalId": order.id`',
  go: '`"externalId": order.ID`',
  ruby: '`externalId: order.id`',
  php: "`'externalId' => $order->id`",
  java: '`"externalId", order.getId()`',
};

const ENDPOINT = { payment: 'POST /payments', subscription: 'POST /subscriptions', refund: 'POST /payments/{id}/refund' } as const;

export const idempotencyExternalId = codeCheck(defineCheck({
  id: 'idempotency.external-id',
  section: 'idempotency',
  kind: 'static',
  title: 'Every MintCash create call sends an externalId',
  failureTitle: 'A MintCash create call sends no externalId',
  why: 'externalId is MintCash\'s idempotency key (there is no Idempotency-Key header). A create call without it cannot be retried safely: a timeout and retry charges, subscribes or refunds twice.',
  fix: 'Send `externalId` in the body of every POST /payments, POST /subscriptions and refund call, set to your own id for that intent (order, invoice, refund request).',
  defaultSeverity: 'error',
  requires: ['code'],
  run({ evidence, options }) {
    const calls = evidence.code.calls.filter((c) => !c.isTest);
    if (calls.length === 0) return noCreateCallOutcome(options, evidence.code);
    const findings: FindingInput[] = [];
    const unresolved: string[] = [];
    for (const c of calls) {
      if (!c.body.resolved) {
        unresolved.push(`${c.file}:${c.line} (${c.body.why})`);
        continue;
      }
      if (c.body.keys.includes('externalId') || c.body.externalId) continue;
      const near = c.body.keys.find((k) => k !== 'externalId' && k.replace(/[_-]/g, '').toLowerCase() === 'externalid');
      findings.push({
        messageId: near ? 'external-id-misspelled' : 'missing-external-id',
        message: near
          ? `This ${ENDPOINT[c.endpoint]} call sends \`${near}\`, but MintCash reads \`externalId\`: rename the key, e.g. ${EXAMPLE[c.language]}.`
          : `This ${ENDPOINT[c.endpoint]} call sends no externalId, so a retry can ${c.endpoint === 'refund' ? 'refund' : 'charge'} twice: add one, e.g. ${EXAMPLE[c.language]}.`,
        file: c.file, line: c.line, column: c.column,
        fingerprintOf: `${c.endpoint}:${c.client}:${c.url}`,
        evidence: { endpoint: ENDPOINT[c.endpoint], client: c.client, keys: c.body.keys },
      });
    }
    const out = { findings, evidence: { calls: calls.length, unresolved, via: [...new Set(calls.map((c) => c.via).filter(Boolean))].slice(0, 5), otherApis: evidence.code.otherCalls.length } };
    if (findings.length === 0) {
      const tail = unresolved.length > 0 ? ` ${unresolved.length} call(s) build the body in a way golive could not follow, so they were not judged.` : '';
      return { ...out, summary: `${calls.length - unresolved.length} of ${calls.length} create call(s) checked; all send externalId.${tail}` };
    }
    return out;
  },
}));

export default idempotencyExternalId;
