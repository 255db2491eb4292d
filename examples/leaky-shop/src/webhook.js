// DON'T COPY: the classic webhook mistakes, on purpose (see README.md).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { handleEvent } from './orders.js';

const seen = new Map();

export async function handleWebhook(req, res, { secret }) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  let event;
  try {
    event = JSON.parse(raw);
  } catch {
    res.writeHead(400).end();
    return;
  }
  // Mistake: the HMAC is computed over re-serialised JSON, not the bytes MintCash signed.
  const expected = createHmac('sha256', secret).update(JSON.stringify(event)).digest('hex');
  const signature = String(req.headers['x-signature'] ?? '');
  // Mistake: timingSafeEqual throws when the lengths differ, so a short or missing signature
  // crashes the handler (a 500 instead of a 401).
  if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    res.writeHead(401).end();
    return;
  }
  // Mistake: no environment check, so test events are processed in production.
  // Mistake: a repeated eventId crashes instead of being acknowledged.
  if (seen.has(event.eventId)) throw new Error(`event ${event.eventId} already stored`);
  seen.set(event.eventId, Date.now());
  // Mistake: the work happens before the acknowledgement.
  await handleEvent(event);
  res.writeHead(200).end('ok');
}
