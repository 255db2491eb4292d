// Structured application logs (NDJSON from pino, pino-http, winston, bunyan): each line may be a
// processed webhook event, a MintCash API error, or the creation of a payment or subscription. A
// field map (config `monitor.appLog.fields`) names where each fact sits; the defaults fit pino-http
// (`req.id`, `res.statusCode`, `err.*`) and the envelope names MintCash documents.
import { first, jsonObject, parseAnyTime } from './access-formats.js';
import type { EventRecord, MintcashErrorRecord, ObjectRecord } from './types.js';

export interface AppLogFields {
  time: string[];
  level: string[];
  message: string[];
  eventId: string[];
  event: string[];
  objectId: string[];
  externalId: string[];
  failureCode: string[];
  objectStatus: string[];
  /** What the handler answered MintCash, when the line says (pino-http's res.statusCode). */
  httpStatus: string[];
  mintcashCode: string[];
  mintcashStatus: string[];
  requestId: string[];
  appRequestId: string[];
  orderId: string[];
  paymentId: string[];
  subscriptionId: string[];
}

export const DEFAULT_APP_FIELDS: AppLogFields = {
  time: ['time', 'timestamp', '@timestamp', 'ts'],
  level: ['level', 'severity'],
  message: ['msg', 'message'],
  eventId: ['eventId', 'event_id', 'webhook.eventId'],
  event: ['event', 'eventType', 'webhook.event'],
  objectId: ['objectId', 'data.id'],
  externalId: ['externalId', 'data.externalId'],
  failureCode: ['failureCode', 'data.failureCode'],
  objectStatus: ['objectStatus', 'data.status'],
  httpStatus: ['res.statusCode', 'statusCode'],
  mintcashCode: ['err.code', 'error.code', 'mintcash.code', 'code'],
  mintcashStatus: ['err.status', 'error.status', 'mintcash.status'],
  requestId: ['err.details.requestId', 'error.details.requestId', 'details.requestId', 'mintcash.requestId', 'requestId'],
  appRequestId: ['req.id', 'reqId', 'traceId'],
  orderId: ['orderId', 'order.id', 'externalId'],
  paymentId: ['paymentId', 'payment.id'],
  subscriptionId: ['subscriptionId', 'subscription.id'],
};

/** MintCash's error codes (API-FACTS §5.2, plus the ones its other pages name). */
export const MINTCASH_ERROR_CODES = new Set([
  'invalid_argument', 'unauthenticated', 'permission_denied', 'not_found', 'already_exists', 'aborted', 'unavailable', 'internal',
  'failed_precondition', 'out_of_range', 'ip_not_allowed',
]);

export type AppLine =
  | { kind: 'event'; event: EventRecord }
  | { kind: 'mintcash-error'; error: MintcashErrorRecord }
  | { kind: 'object'; object: ObjectRecord }
  | { kind: 'other' };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const ERROR_LEVELS = /^(warn|warning|error|fatal|crit|critical|alert|emerg)$/i;

/** A pino level (40 warn, 50 error) or a winston/bunyan name. */
function atLeastWarn(level: unknown): boolean {
  return typeof level === 'number' ? level >= 40 : typeof level === 'string' && ERROR_LEVELS.test(level);
}

/** A MintCash requestId as documented (`req_…`), not pino's numeric request counter. */
const requestIdOf = (v: unknown): string | null => {
  const s = str(v);
  return s && s !== '[Redacted]' && !/^\d+$/.test(s) ? s : null;
};

export function appLineParser(fields: AppLogFields, mintcashPattern: RegExp) {
  return (line: string): AppLine | string | null => {
    const o = jsonObject(line);
    if (o === null || typeof o === 'string') return o;
    const t = parseAnyTime(first(o, fields.time));
    if (!Number.isFinite(t)) return 'no readable time';
    const eventId = str(first(o, fields.eventId));
    const event = str(first(o, fields.event));
    if (eventId && event && /^[a-z_]+\.[a-z_]+$/.test(event)) {
      const status = Number(first(o, fields.httpStatus));
      return {
        kind: 'event',
        event: {
          eventId,
          event,
          t,
          created: null,
          receivedAt: t,
          objectId: str(first(o, fields.objectId)),
          externalId: str(first(o, fields.externalId)),
          failureCode: str(first(o, fields.failureCode)),
          status: str(first(o, fields.objectStatus)),
          acknowledged: Number.isFinite(status) && status > 0 ? status >= 200 && status < 300 : !atLeastWarn(first(o, fields.level)),
        },
      };
    }
    const code = str(first(o, fields.mintcashCode));
    const known = code !== null && MINTCASH_ERROR_CODES.has(code);
    const msg = `${str(first(o, fields.message)) ?? ''} ${str(first(o, ['err.type', 'err.name', 'error.type'])) ?? ''}`;
    const rid = requestIdOf(first(o, fields.requestId));
    if (atLeastWarn(first(o, fields.level)) && (known || (rid !== null && rid.startsWith('req_')) || mintcashPattern.test(msg))) {
      const hs = Number(first(o, fields.mintcashStatus));
      return {
        kind: 'mintcash-error',
        error: {
          t,
          code: known ? code : null,
          httpStatus: Number.isInteger(hs) && hs >= 100 ? hs : null,
          requestId: rid,
          appRequestId: str(first(o, fields.appRequestId)),
          orderId: str(first(o, fields.orderId)),
        },
      };
    }
    const pid = str(first(o, fields.paymentId));
    if (pid) return { kind: 'object', object: { kind: 'payment', id: pid, t } };
    const sid = str(first(o, fields.subscriptionId));
    if (sid) return { kind: 'object', object: { kind: 'subscription', id: sid, t } };
    return { kind: 'other' };
  };
}
