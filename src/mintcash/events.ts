// The MintCash webhook envelope (API-FACTS §12.1) and the event catalogue (§13).

export const API_VERSION = '2026-05-01';

export const PAYMENT_EVENTS = [
  'payment.created',
  'payment.pending',
  'payment.authorized',
  'payment.succeeded',
  'payment.failed',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.refund_failed',
  'payment.voided',
] as const;
export const SUBSCRIPTION_EVENTS = ['subscription.succeeded', 'subscription.failed', 'subscription.cancelled'] as const;
export type EventName = (typeof PAYMENT_EVENTS)[number] | (typeof SUBSCRIPTION_EVENTS)[number];

export interface WebhookEnvelope<D = Record<string, unknown>> {
  eventId: string;
  event: EventName | string;
  type: 'payment' | 'subscription' | 'refund';
  apiVersion: string;
  environment: 'live' | 'test';
  createdAt: string;
  data: D;
}
