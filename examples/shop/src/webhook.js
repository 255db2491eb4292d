// MintCash webhook handler: verify the HMAC over the raw bytes with a constant-time compare,
// refuse the wrong environment, drop duplicate eventIds, acknowledge fast and work afterwards.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { handleEvent } from './orders.js';
import { log, serializeError } from './log.js';

const processed = new Set();

export function verifySignature(rawBody, signature, secret) {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function handleWebhook(req, res, { secret, environment }) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const rawBody = Buffer.concat(chunks);

  if (!verifySignature(rawBody, req.headers['x-signature'], secret)) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"unauthenticated"}');
    return;
  }
  let event;
  try {
    event = JSON.parse(rawBody.toString('utf8'));
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (event.environment !== environment) {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"wrong_environment"}');
    return;
  }
  if (processed.has(event.eventId)) {
    res.writeHead(200).end('{"duplicate":true}');
    return;
  }
  processed.add(event.eventId);
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  // Heavy work happens after the acknowledgement, well inside MintCash's 10 s budget.
  setImmediate(() =>
    handleEvent(event).then(
      () => log.info({ eventId: event.eventId, event: event.event, objectId: event.data?.id, externalId: event.data?.externalId, failureCode: event.data?.failureCode ?? undefined, objectStatus: event.data?.status }, 'webhook processed'),
      (e) => log.error({ eventId: event.eventId, event: event.event, err: serializeError(e) }, 'event failed'),
    ),
  );
}
