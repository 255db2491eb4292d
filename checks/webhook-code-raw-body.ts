// webhook.code-raw-body: MintCash signs the raw body bytes. An HMAC over re-serialised JSON (or a
// JSON parser that consumes the body before the webhook route) fails on real deliveries.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { redactText } from '../src/engine/mask.js';
import { codeCheck, atCode, noHandlerOutcome, productionHandlers, senderOf, type Language } from './lib/code-index.js';

const RAW_BODY: Record<Language, string> = {
  js: "compute the HMAC over the raw bytes: mount `express.raw({ type: 'application/json' })` on the webhook route (or keep `req.rawBody` with a `verify` hook), or use `await req.text()` in a route handler",
  ts: "compute the HMAC over the raw bytes: mount `express.raw({ type: 'application/json' })` on the webhook route (or keep `req.rawBody` with a `verify` hook), or use `await req.text()` in a route handler",
  python: 'compute the HMAC over `request.get_data()` (Flask) or `await request.body()` (FastAPI), and parse JSON only after verifying',
  go: 'read `body, err := io.ReadAll(r.Body)` once, compute the HMAC over `body`, then `json.Unmarshal(body, &evt)`',
  ruby: 'compute the HMAC over `request.body.read` (rewind first if needed), then parse it',
  php: "compute the HMAC over `file_get_contents('php://input')` (or `$request->getContent()`), then json_decode it",
  java: 'take the body as `byte[]`/`String` (`@RequestBody byte[] body`), compute the HMAC over it, then map it to JSON',
};

export const webhookCodeRawBody = codeCheck(defineCheck({
  id: 'webhook.code-raw-body',
  section: 'webhook',
  kind: 'static',
  title: 'Webhook HMAC is computed over the raw body',
  failureTitle: 'Webhook HMAC is computed over re-serialised JSON',
  why: 'MintCash signs the exact bytes it sends. Parsing and re-serialising JSON changes spacing, key order and number formats, so valid deliveries fail verification (or the handler is tempted to skip it).',
  fix: 'Verify the x-signature over the raw request body, before any JSON parsing; parse the same bytes afterwards.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence, options }) {
    const handlers = productionHandlers(evidence.code);
    if (handlers.length === 0) return noHandlerOutcome(options, evidence.code);
    const findings: FindingInput[] = [];
    for (const h of handlers) {
      for (const input of h.hmacInputs) {
        if (input.kind !== 'reserialized') continue;
        const text = redactText(input.text);
        const sender = senderOf(h);
        const message = `The HMAC is computed over re-serialised JSON (\`${text}\`), which never matches ${sender}'s bytes exactly: ${RAW_BODY[h.language]}.`;
        findings.push(atCode('hmac-over-reserialized-json', message, input, text, h.language));
      }
      for (const p of h.jsonParsers) {
        const message = p.nextPages
          ? "Next.js parses this pages-router API route's body as JSON by default, so the HMAC cannot see the raw bytes: add `export const config = { api: { bodyParser: false } }` and compute the HMAC over the raw body (e.g. `await buffer(req)` from micro)."
          : `\`${p.text}\` parses the body before the webhook route${p.file !== h.file ? ` in ${h.file}` : ''} and keeps no raw copy: ${RAW_BODY[h.language]}.`;
        findings.push(atCode('json-parser-before-webhook', message, p, p.text, h.language));
      }
    }
    return { findings };
  },
}));

export default webhookCodeRawBody;
