// A complete rehearsal record as `golive rehearse` leaves it (every step done, every answer with its
// provenance, what MintCash reported about each object), live or practice, typed or scripted: for
// rendering tests that need a full record without running a rehearsal.
import { QUESTIONS } from '../../src/rehearsal/questions.js';
import { HAPPY_ANSWERS } from './helpers.js';
import { STEP_IDS, emptyStep, type RehearsalState, type StepId } from '../../src/rehearsal/types.js';

const PAY = '7fa7b154-fe0d-4bd6-b720-5ca03fafde4c';
const REFUND = 'e35d1bf2-23e1-40a0-b2f8-9bffdb74edc6';
const SUB = '46f12bc2-95e3-4940-b538-03ca2121af37';
const { resume: _resume, operator: _operator, ...answered } = HAPPY_ANSWERS;
const ANSWERS = { ...answered, 'settlement.date': '2026-05-15' } as Record<string, string | boolean>;

export function completeState(opts: { live: boolean; scripted: boolean }): RehearsalState {
  const steps = Object.fromEntries(STEP_IDS.map((k) => [k, { ...emptyStep(), status: 'done', startedAt: '2026-05-13T10:00:00.000Z', completedAt: '2026-05-20T10:05:00.000Z' }])) as RehearsalState['steps'];
  const via = opts.scripted ? { via: 'answers-file' as const, file: 'answers.yaml', sha256: 'a'.repeat(64) } : { via: 'typed' as const };
  for (const q of QUESTIONS) {
    const v = ANSWERS[q.id];
    if (v === undefined || q.step === 'session') continue;
    const rec = steps[q.step as StepId];
    rec.answers[q.id] = v;
    rec.provenance ??= {};
    rec.provenance[q.id] = {
      ...via,
      at: '2026-05-13T10:02:00.000Z',
      ...(q.observed ? { observed: { what: `GET /payments/${PAY}`, status: 'succeeded', at: '2026-05-13T10:02:00.000Z', since: { what: `payment ${PAY} succeeded`, at: '2026-05-13T10:01:00.000Z' }, elapsedMs: opts.scripted ? 5 : 61_000 } } : {}),
    };
  }
  steps.charge.ids = { paymentId: PAY, externalId: 'golive-rehearsal-20260513-abc234-charge' };
  steps.charge.facts = { amount: 100, currency: 'USD', paidAt: '2026-05-13T10:01:00.000Z', clockSkewMs: 0, card: 'visa ····4242' };
  const customer = { externalId: 'golive-rehearsal-20260513-abc234', name: 'Ada Operator', email: null };
  steps.charge.mintcash = { payment: { object: 'payment', id: PAY, status: 'succeeded', amount: 100, currency: 'USD', externalId: 'golive-rehearsal-20260513-abc234-charge', createdAt: '2026-05-13T10:00:30.000Z', customer, amountRefunded: 0, readAt: '2026-05-13T10:01:00.000Z' } };
  steps.settlement.facts = { payout: { reference: 'PO-2026-000042', date: '2026-05-15', amount: 100, currency: 'USD' } };
  steps.refund.ids = { refundId: REFUND };
  steps.refund.mintcash = {
    refund: { object: 'refund', id: REFUND, status: 'succeeded', amount: 100, currency: 'USD', externalId: 'golive-rehearsal-20260513-abc234-refund', createdAt: '2026-05-15T09:00:00.000Z', paymentId: PAY, readAt: '2026-05-15T09:00:02.000Z' },
    payment: { object: 'payment', id: PAY, status: 'refunded', amount: 100, currency: 'USD', externalId: 'golive-rehearsal-20260513-abc234-charge', createdAt: '2026-05-13T10:00:30.000Z', customer, amountRefunded: 100, readAt: '2026-05-15T09:00:02.000Z' },
  };
  steps.subscription.ids = { subscriptionId: SUB };
  steps.cancel.mintcash = { subscription: { object: 'subscription', id: SUB, status: 'cancelled', amount: 100, currency: 'USD', externalId: 'golive-rehearsal-20260513-abc234-subscription', createdAt: '2026-05-13T10:03:00.000Z', billingIntervalDays: 7, currentPeriodStart: '2026-05-20T10:03:10.000Z', currentPeriodEnd: '2026-05-27T10:03:10.000Z', readAt: '2026-05-20T10:05:00.000Z' } };
  return {
    schemaVersion: 1,
    id: '20260513-abc234',
    revision: 40,
    createdAt: '2026-05-13T09:59:00.000Z',
    updatedAt: '2026-05-20T10:06:00.000Z',
    status: 'completed',
    merchant: { repository: 'github.com/acme/shop', merchantId: 'acme' },
    target: opts.live
      ? { baseUrl: 'https://api.mintcash.me', baseUrlKind: 'production', keyEnvironment: 'live', publicKey: 'pk_live_…abcd', publicKeyFingerprint: 'SHA256:liveKeyFingerprint', apiHost: 'api.mintcash.me', liveHost: true }
      : { baseUrl: 'http://127.0.0.1:4010', baseUrlKind: 'loopback', keyEnvironment: 'test', publicKey: 'pk_test_…abcd', publicKeyFingerprint: 'SHA256:testKeyFingerprint', apiHost: '127.0.0.1:4010', liveHost: false },
    operator: { name: 'Ada Operator', username: 'ada', hostname: 'laptop' },
    settings: { amount: 100, currency: 'USD', amountCap: 100, billingIntervalDays: 7, subscriptionAmount: 100, returnUrl: 'https://shop.example/' },
    steps,
    sessions: [
      { startedAt: '2026-05-13T09:59:00.000Z', endedAt: '2026-05-13T10:04:00.000Z', username: 'ada', hostname: 'laptop', outcome: 'paused', answers: opts.scripted ? 'scripted: answers file answers.yaml' : 'typed at a terminal' },
      { startedAt: '2026-05-20T10:04:00.000Z', endedAt: '2026-05-20T10:06:00.000Z', username: 'ada', hostname: 'laptop', outcome: 'completed', answers: opts.scripted ? 'scripted: answers file answers.yaml' : 'typed at a terminal' },
    ],
  };
}
