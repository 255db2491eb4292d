// firstweek.delivery-success, .payment-failures, .past-due-churn, .request-id-correlation: judged
// from the newest verified, pinned, 7-day signed first-week report; anything short of that is
// pending and says what to do; an alert in the report fails the item.
import { describe, expect, it } from 'vitest';
import deliverySuccess from '../../checks/firstweek-delivery-success.js';
import paymentFailures from '../../checks/firstweek-payment-failures.js';
import pastDueChurn from '../../checks/firstweek-past-due-churn.js';
import requestIdCorrelation from '../../checks/firstweek-request-id-correlation.js';
import type { FirstWeekEvidence, FirstWeekFact } from '../../src/evidence/types.js';
import { runCheck } from '../../src/testing/index.js';

const signer = { name: 'Ada', fingerprint: 'SHA256:abc', publicKey: 'MCowBQYDK2VwAyEA' + 'x'.repeat(40) };
const report = (over: Partial<FirstWeekFact> = {}): FirstWeekFact => ({
  file: 'golive-first-week/golive-first-week-2026-12-15.json',
  valid: true,
  signer,
  signerPinned: true,
  generatedAt: '2026-12-15T00:00:00.000Z',
  window: { first: '2026-12-08T00:00:00.000Z', last: '2026-12-14T23:59:00.000Z', days: 7 },
  metrics: { delivery: 'ok', failures: 'alert', churn: 'pending', 'request-id': 'ok' },
  alerts: { delivery: [], failures: ['failures.drift-code'], churn: [], 'request-id': [] },
  ...over,
});
const ev = (reports: FirstWeekFact[], pinnedSigners = 1): FirstWeekEvidence => ({ dir: 'golive-first-week', collectedAt: '2026-12-15T01:00:00.000Z', reports, pinnedSigners, notes: [] });
const judge = async (check: typeof deliverySuccess, e: FirstWeekEvidence) => runCheck(check, { evidence: { firstweek: e } });

describe('the firstweek.* checks', () => {
  it('pass, fail or stay pending with the metric in the newest verified report', async () => {
    const e = ev([report()]);
    expect((await judge(deliverySuccess, e)).status).toBe('pass');
    const f = await judge(paymentFailures, e);
    expect(f.status).toBe('fail');
    expect(f.findings[0]!.message).toMatch(/failures\.drift-code/);
    expect((await judge(pastDueChurn, e)).status).toBe('pending');
    expect((await judge(requestIdCorrelation, e)).summary).toMatch(/healthy for the first week: report golive-first-week\//);
  });

  it('are pending without a report, with an unpinned signer, a short window or a broken file', async () => {
    expect((await judge(deliverySuccess, ev([]))).summary).toMatch(/golive monitor --sign/);
    expect((await judge(deliverySuccess, ev([report({ signerPinned: false })], 0))).summary).toMatch(/no signers are pinned/);
    expect((await judge(deliverySuccess, ev([report({ signerPinned: false })], 2))).summary).toMatch(/not pinned in rehearsal.signers/);
    expect((await judge(deliverySuccess, ev([report({ window: { first: null, last: null, days: 3 } })]))).summary).toMatch(/covers 3 day\(s\); the first week needs 7/);
    expect((await judge(deliverySuccess, ev([report({ valid: false, problem: 'bad signature' })]))).status).toBe('pending');
  });

  it('use the newest report that counts, skipping newer ones that do not', async () => {
    const old = report({ file: 'golive-first-week/old.json', generatedAt: '2026-12-10T00:00:00.000Z', metrics: { delivery: 'alert' }, alerts: { delivery: ['delivery.outage-lost'] } });
    const r = await judge(deliverySuccess, ev([report({ valid: false, problem: 'edited' }), old]));
    expect(r.status).toBe('fail');
    expect(r.findings[0]!.message).toMatch(/old\.json/);
  });
});
