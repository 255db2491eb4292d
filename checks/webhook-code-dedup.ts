// webhook.code-dedup: MintCash delivers at least once, so a handler must drop an eventId it has
// already processed; the index records where the code looks an eventId up or stores it.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import type { EvidenceMap } from '../src/evidence/types.js';

type CodeIndex = EvidenceMap['code'];

type Language = CodeIndex['files'][number]['language'];

const DEDUP: Record<Language, string> = {
  js: '`if (await processed.has(event.eventId)) return res.sendStatus(200);` and record it after handling',
  ts: '`if (await processed.has(event.eventId)) return res.sendStatus(200);` and record it after handling',
  python: '`if already_processed(event["eventId"]): return "", 200` and record it after handling',
  go: '`if seen(evt.EventID) { w.WriteHeader(http.StatusOK); return }` and record it after handling',
  ruby: "`return 200 if ProcessedEvent.exists?(event_id: event['eventId'])` and record it after handling",
  php: "`if (ProcessedEvent::where('event_id', $event['eventId'])->exists()) { return response('', 200); }` and record it after handling",
  java: '`if (processedEvents.existsById(event.getEventId())) return ResponseEntity.ok().build();` and record it after handling',
};

export const webhookCodeDedup = defineCheck({
  id: 'webhook.code-dedup',
  section: 'webhook',
  kind: 'static',
  title: 'Webhook handler deduplicates on eventId',
  failureTitle: 'Webhook handler does not deduplicate on eventId',
  why: 'MintCash retries until it gets a timely 2xx and delivers at least once, so the same eventId can arrive several times. Without dedup, one payment can be fulfilled twice.',
  fix: 'Store each processed eventId (a unique index works); when a delivery carries an eventId already stored, answer 200 and do nothing.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence }) {
    const code = evidence.code;
    const handlers = code.handlers.filter((h) => !h.isTest);
    if (handlers.length === 0) {
      return { status: 'skip', summary: 'No webhook handler found in the code (nothing reads x-signature or computes an HMAC).' };
    }
    if (handlers.some((h) => h.dedupChecks.length > 0) || code.dedupChecks.length > 0) {
      const at = [...handlers.flatMap((h) => h.dedupChecks), ...code.dedupChecks][0]!;
      return { summary: `The eventId is looked up or recorded at ${at.file}:${at.line}.` };
    }
    const findings: FindingInput[] = handlers.map((h) => ({
      messageId: 'no-event-dedup',
      message: `This webhook handler never looks up or records the event's \`eventId\`: drop repeats, e.g. ${DEDUP[h.language]}.`,
      file: h.file, line: h.line, column: h.column,
      fingerprintOf: h.file,
      evidence: { language: h.language },
    }));
    return { findings };
  },
});

export default webhookCodeDedup;
