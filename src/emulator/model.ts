// The emulator's data: merchants, keys, payments, refunds, subscriptions and card tokens, as plain
// JSON-able records so the whole state can be saved to and restored from one file. Amounts are
// integer minor units here; views.ts converts to MintCash's major-unit responses.
import { randomBytes, randomUUID } from 'node:crypto';

export type Env = 'live' | 'test';
export type Outcome = 'succeed' | 'decline';

export interface ApiKeyRec {
  id: string;
  merchantId: string;
  environment: Env;
  publicKey: string;
  /** Emulator-issued; real MintCash stores a hash and never returns it. */
  secretKey: string;
  isActive: boolean;
  createdAt: string;
  revokedAt: string | null;
}

export interface MerchantRec {
  id: string;
  active: boolean;
  /** Source IPs allowed for LIVE keys; empty means any (API-FACTS §2: allow lists are live-only). */
  allowedIps: string[];
}

export interface CardRec {
  brand: string;
  last4: string;
  first6: string;
  mask: string;
  expMonth: string;
  expYear: string;
}

export interface CustomerRec {
  id: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  phone: string | null;
}

/** What payments and subscriptions share: one merchant's charge in one environment, keyed by externalId. */
export interface OrderRec {
  id: string;
  merchantId: string;
  environment: Env;
  externalId: string;
  requestHash: string;
  status: string;
  amount: number;
  currency: string;
  customer: CustomerRec | null;
  returnUrl: string | null;
  redirectUrl: string | null;
  cardToken: string | null;
  description: string | null;
  metadata: unknown;
  createdAt: string;
  updatedAt: string;
}

/** MintCash's documented payment `billingAddress` (API-FACTS §12.2): every field may be null. */
export interface BillingAddressRec {
  country: string | null;
  postalCode: string | null;
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
}

export const BILLING_FIELDS = ['country', 'postalCode', 'name', 'line1', 'line2', 'city', 'state'] as const;

export interface PaymentRec extends OrderRec {
  /** Absent on records saved before billing addresses were kept: read as all null. */
  billingAddress?: BillingAddressRec;
  amountRefunded: number;
  card: CardRec | null;
  providerTransactionId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface RefundRec {
  id: string;
  paymentId: string;
  externalId: string;
  requestHash: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: number;
  currency: string;
  reason: string | null;
  providerRefundId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: string;
  /** Emulator clock time (ms) at which a pending refund settles. */
  settleAt: number;
}

export interface SubscriptionRec extends OrderRec {
  billingIntervalDays: number;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  /** Emulator clock time (ms) of the next renewal or dunning attempt; null when none is due. */
  nextChargeAt: number | null;
  /** Failed attempts in the current dunning run (0 when in good standing). */
  failedAttempts: number;
  /** What the stored card does on the next renewals (a test hook can flip it). */
  renewalOutcome: Outcome;
}

export interface TokenRec {
  token: string;
  merchantId: string;
  environment: Env;
  card: CardRec;
  outcome: Outcome;
}

export interface EmulatorState {
  version: 1;
  clockOffsetMs: number;
  merchants: Record<string, MerchantRec>;
  keys: ApiKeyRec[];
  webhookSecret: string;
  payments: Record<string, PaymentRec>;
  refunds: Record<string, RefundRec>;
  subscriptions: Record<string, SubscriptionRec>;
  tokens: Record<string, TokenRec>;
  /** `<kind>:<scope>:<externalId>` -> entity id. */
  idempotency: Record<string, string>;
  /** Webhook events not yet acknowledged, by eventId: their next attempt survives a restart. */
  deliveries: Record<string, PendingDelivery>;
  /** Every delivery attempt, keyed `<eventId>#<attempt>`, oldest first. */
  deliveryLog: Record<string, DeliveryAttempt>;
  /** Every event fired, by eventId, oldest first (`GET /__emulator/events`); survives a restart. */
  events: Record<string, unknown>;
}

/** The emulator clock stays within a century of real time: beyond that, dates stop meaning anything. */
export const MAX_CLOCK_OFFSET_MS = 36_500 * 86_400_000;
/** One `POST /__emulator/clock` moves it at most ten years. */
export const MAX_CLOCK_ADVANCE_MS = 3_650 * 86_400_000;

export interface PendingDelivery {
  eventId: string;
  environment: Env;
  url: string;
  /** The exact bytes sent on every attempt (the signature covers them). */
  body: string;
  /** Index of the next attempt in the retry schedule. */
  attempt: number;
  /** Emulator-clock ms of the first attempt; retries are due relative to it, on the emulator clock. */
  firstAt: number;
  dueAt: number;
}

export interface DeliveryAttempt {
  eventId: string;
  event: string;
  environment: string;
  attempt: number;
  url: string;
  /** Nominal delay of this attempt after the first one, from the documented schedule. */
  scheduledAfterMs: number;
  at: string;
  status: number | null;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  /** True on the last attempt of an event that never got a 2xx. */
  gaveUp: boolean;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/**
 * Emulator keys use MintCash's real prefixes so every part of golive (prefix checks, pairing,
 * masking, the pre-flight environment rule) treats them exactly like real ones.
 */
export function issueKey(merchantId: string, environment: Env, at: string): ApiKeyRec {
  return {
    id: randomUUID(),
    merchantId,
    environment,
    publicKey: `pk_${environment}_${randomAlnum(24)}`,
    secretKey: `sk_${environment}_${randomAlnum(32)}`,
    isActive: true,
    createdAt: at,
    revokedAt: null,
  };
}

export function freshState(at: string, webhookSecret?: string): EmulatorState {
  const merchant: MerchantRec = { id: randomUUID(), active: true, allowedIps: [] };
  return {
    version: 1,
    clockOffsetMs: 0,
    merchants: { [merchant.id]: merchant },
    keys: [issueKey(merchant.id, 'test', at), issueKey(merchant.id, 'live', at)],
    webhookSecret: webhookSecret ?? `whsec_${randomAlnum(32)}`,
    payments: {},
    refunds: {},
    subscriptions: {},
    tokens: {},
    idempotency: {},
    deliveries: {},
    deliveryLog: {},
    events: {},
  };
}

/** A loaded state file is trusted only as far as its shape. */
export function isEmulatorState(v: unknown): v is EmulatorState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Partial<EmulatorState>;
  return (
    s.version === 1 &&
    typeof s.clockOffsetMs === 'number' &&
    Number.isFinite(s.clockOffsetMs) &&
    typeof s.merchants === 'object' &&
    Array.isArray(s.keys) &&
    typeof s.webhookSecret === 'string' &&
    typeof s.payments === 'object' &&
    typeof s.refunds === 'object' &&
    typeof s.subscriptions === 'object' &&
    typeof s.tokens === 'object' &&
    typeof s.idempotency === 'object'
  );
}

/** Key-order independent JSON, so `{a,b}` and `{b,a}` are the same payload. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
