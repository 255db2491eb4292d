// Harmless probe events for a deployed webhook endpoint (GUIDE §5): a `payment.created` for a
// made-up payment id, carrying a documented marker (the `x-golive-probe: 1` header and
// `data.metadata.goliveProbe = true`), never a success or refund event. One builder per probe
// the webhook checks need; signing is the real MintCash scheme from ./signature.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { API_VERSION, type WebhookEnvelope } from './events.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

/** The documented marker a merchant can recognise and ignore. */
export const PROBE_HEADER = 'x-golive-probe';
export const PROBE_EVENT = 'payment.created';
export const PROBE_ID_PREFIX = 'golive_probe_';

export const PROBE_KINDS = [
  'valid',
  'missing-signature',
  'wrong-secret',
  'wrong-length',
  'tampered-body',
  'non-canonical',
  'wrong-environment',
  'duplicate',
] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** The probes that cannot be built without the merchant's webhook secret. */
export const NEEDS_SECRET: ReadonlySet<ProbeKind> = new Set(['valid', 'tampered-body', 'non-canonical', 'wrong-environment', 'duplicate']);

/** What each probe sends, for reports. */
export const PROBE_DESCRIPTIONS: Record<ProbeKind, string> = {
  valid: 'correctly signed event',
  'missing-signature': 'no x-signature header',
  'wrong-secret': 'signed with the wrong secret',
  'wrong-length': 'signature cut to 32 hex characters',
  'tampered-body': 'valid signature over a different body',
  'non-canonical': 'correctly signed, unusual whitespace and key order',
  'wrong-environment': 'correctly signed, wrong environment',
  duplicate: 'same signed eventId delivered twice',
};

export interface ProbeRequest {
  kind: ProbeKind;
  eventId: string;
  environment: 'live' | 'test';
  body: string;
  headers: Record<string, string>;
  /** First 8 hex characters of the signature sent, for reports: a full signature is secret-derived. */
  signaturePrefix?: string;
}

export interface ProbeEnvelopeOptions {
  environment: 'live' | 'test';
  eventId?: string;
  now?: Date;
}

const rand = (bytes: number) => randomBytes(bytes).toString('hex');

/** A `payment.created` envelope for a payment that does not exist, marked as a probe. */
export function probeEnvelope(opts: ProbeEnvelopeOptions): WebhookEnvelope {
  const id = PROBE_ID_PREFIX + rand(8);
  const at = (opts.now ?? new Date()).toISOString();
  return {
    eventId: opts.eventId ?? randomUUID(),
    event: PROBE_EVENT,
    type: 'payment',
    apiVersion: API_VERSION,
    environment: opts.environment,
    createdAt: at,
    data: {
      id,
      externalId: id,
      status: 'created',
      // Requests use minor units, webhooks major units (API-FACTS §19.1); we mirror the webhook side.
      amount: 0.01,
      currency: 'USD',
      amountRefunded: 0,
      amountRefundable: 0,
      failureCode: null,
      failureMessage: null,
      createdAt: at,
      updatedAt: at,
      metadata: { goliveProbe: true, note: 'golive go-live probe: acknowledge with 2xx and do nothing' },
    },
  };
}

/**
 * The same JSON with odd whitespace, reversed key order and an escaped character: a handler that
 * re-serialises before computing the HMAC gets different bytes and rejects it.
 */
export function nonCanonicalJson(value: unknown, depth = 0): string {
  const pad = depth % 2 === 0 ? '\n\t ' : '  ';
  if (Array.isArray(value)) return `[ ${value.map((v) => nonCanonicalJson(v, depth + 1)).join(' ,  ')} ]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).reverse();
    const inner = entries.map(([k, v]) => `${pad}${JSON.stringify(k)} :${nonCanonicalJson(v, depth + 1)}`).join(' ,');
    return `{${inner}\n}`;
  }
  if (typeof value === 'string') {
    const plain = JSON.stringify(value);
    return plain.includes('\\') ? plain : plain.replace(/\//g, '\\/').replace(/e/, '\\u0065');
  }
  return JSON.stringify(value);
}

function signed(kind: ProbeKind, env: WebhookEnvelope, body: string, signature: string | undefined): ProbeRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', [PROBE_HEADER]: '1' };
  if (signature !== undefined) headers[SIGNATURE_HEADER] = signature;
  const req: ProbeRequest = { kind, eventId: env.eventId, environment: env.environment, body, headers };
  if (signature !== undefined) req.signaturePrefix = signature.slice(0, 8);
  return req;
}

/**
 * Builds one probe. `secret` may be undefined only for kinds outside NEEDS_SECRET.
 * `environment` is the deployment's environment; the wrong-environment probe uses the other one.
 */
export function buildProbe(kind: ProbeKind, secret: string | undefined, environment: 'live' | 'test', now?: Date): ProbeRequest {
  if (NEEDS_SECRET.has(kind) && !secret) throw new Error(`the ${kind} probe needs the webhook secret`);
  const key = secret ?? '';
  const env = probeEnvelope({ environment: kind === 'wrong-environment' ? (environment === 'live' ? 'test' : 'live') : environment, now });
  const body = JSON.stringify(env);
  switch (kind) {
    case 'valid':
    case 'duplicate':
    case 'wrong-environment':
      return signed(kind, env, body, signBody(key, body));
    case 'missing-signature':
      return signed(kind, env, body, undefined);
    case 'wrong-secret':
      return signed(kind, env, body, signBody(rand(32), body));
    case 'wrong-length':
      // Correct when the secret is known, so only the length is wrong; 32 characters either way.
      return signed(kind, env, body, (secret ? signBody(secret, body) : rand(32)).slice(0, 32));
    case 'tampered-body': {
      const tampered = JSON.stringify({ ...env, data: { ...env.data, amount: 1000 } });
      return signed(kind, env, tampered, signBody(key, body));
    }
    case 'non-canonical': {
      const odd = nonCanonicalJson(env);
      return signed(kind, env, odd, signBody(key, odd));
    }
  }
}
