// `--dry-run`: every call the rehearsal would make, in order, with the bodies it would send and the
// Authorization header masked. Built from the same settings and externalId rule as the real run.
import { maskSecret } from '../engine/mask.js';
import { externalIdFor, type RehearsalSettings } from './types.js';

export interface PlannedCall {
  step: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  note?: string;
}

export function plannedCalls(id: string, s: RehearsalSettings, operator: string): PlannedCall[] {
  const customer = { externalId: `golive-rehearsal-${id}`, name: operator };
  const description = `golive dress rehearsal ${id}`;
  const refund = { externalId: externalIdFor(id, 'refund'), reason: 'customer_request' };
  return [
    { step: 'preflight', method: 'GET', path: '/merchant/api-keys', note: 'verify the key pair is active' },
    { step: 'charge', method: 'POST', path: '/payments', body: { amount: s.amount, currency: s.currency, externalId: externalIdFor(id, 'charge'), customer, returnUrl: s.returnUrl, description }, note: 'after typed confirmation; the operator pays on the hosted page' },
    { step: 'charge', method: 'GET', path: '/payments/{paymentId}', note: 'polled until succeeded or failed' },
    { step: 'refund', method: 'POST', path: '/payments/{paymentId}/refund', body: refund, note: 'after typed confirmation; re-sent with the same externalId to read the refund status' },
    { step: 'refund', method: 'GET', path: '/payments/{paymentId}', note: 'expects refunded' },
    { step: 'subscription', method: 'POST', path: '/subscriptions', body: { amount: s.subscriptionAmount, currency: s.currency, billingIntervalDays: s.billingIntervalDays, externalId: externalIdFor(id, 'subscription'), customer, returnUrl: s.returnUrl, description }, note: 'after typed confirmation; first charge on the hosted page' },
    { step: 'subscription', method: 'GET', path: '/subscriptions/{subscriptionId}', note: 'polled until active' },
    { step: 'renewal', method: 'GET', path: '/subscriptions/{subscriptionId}', note: 'after currentPeriodEnd: a new period must have begun' },
    { step: 'cancel', method: 'GET', path: '/subscriptions/{subscriptionId}', note: 'skip the cancel if already cancelled (resume)' },
    { step: 'cancel', method: 'DELETE', path: '/subscriptions/{subscriptionId}', note: 'after typed confirmation' },
    { step: 'cancel', method: 'GET', path: '/subscriptions/{subscriptionId}', note: 'expects cancelled' },
  ];
}

export function renderPlan(calls: PlannedCall[], baseUrl: string, publicKey: string | undefined): string {
  const auth = `Authorization: Basic base64(${publicKey ? maskSecret(publicKey) : '<public key>'}:${'****'})`;
  const lines = [`Dry run: nothing is sent. Calls against ${baseUrl}, each with ${auth}:`, ''];
  calls.forEach((c, i) => {
    lines.push(`${String(i + 1).padStart(2)}. [${c.step}] ${c.method} ${c.path}${c.note ? `  (${c.note})` : ''}`);
    if (c.body) lines.push(`      ${JSON.stringify(c.body)}`);
  });
  return `${lines.join('\n')}\n`;
}
