// The MintCash webhook envelope (API-FACTS §12.1) and the event catalogue (§13).
import { randomUUID } from 'node:crypto';

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

/** A fresh envelope. `eventId` is a UUID as documented (§12.1), and stays the same on every retry. */
export function buildEnvelope<D>(init: {
  event: EventName;
  type: WebhookEnvelope['type'];
  environment: 'live' | 'test';
  data: D;
  eventId?: string;
  createdAt?: string;
}): WebhookEnvelope<D> {
  return {
    eventId: init.eventId ?? randomUUID(),
    event: init.event,
    type: init.type,
    apiVersion: API_VERSION,
    environment: init.environment,
    createdAt: init.createdAt ?? new Date().toISOString(),
    data: init.data,
  };
}

/** Webhook retry schedule as printed (§10), read as delays since the first attempt. */
export const WEBHOOK_RETRY_SCHEDULE_MS = [0, 30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;
/** Deliveries stop after this, whatever the schedule says. */
export const WEBHOOK_GIVE_UP_MS = 24 * 3_600_000;
/** An answer slower than this counts as a timeout (§10). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
