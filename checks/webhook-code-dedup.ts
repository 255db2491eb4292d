// webhook.code-dedup: MintCash delivers at least once, so a handler must drop an eventId it has
// already processed; the index records where the code looks an eventId up or stores it.
import { defineCheck } from '../src/engine/types.js';
import { codeCheck, judgeGuard, type Language } from './lib/code-index.js';

const DEDUP: Record<Language, string> = {
  js: '`if (await processed.has(event.eventId)) return res.sendStatus(200);` and record it after handling',
  ts: '`if (await processed.has(event.eventId)) return res.sendStatus(200);` and record it after handling',
  python: '`if already_processed(event["eventId"]): return "", 200` and record it after handling',
  go: '`if seen(evt.EventID) { w.WriteHeader(http.StatusOK); return }` and record it after handling',
  ruby: "`return 200 if ProcessedEvent.exists?(event_id: event['eventId'])` and record it after handling",
  php: "`if (ProcessedEvent::where('event_id', $event['eventId'])->exists()) { return response('', 200); }` and record it after handling",
  java: '`if (processedEvents.existsById(event.getEventId())) return ResponseEntity.ok().build();` and record it after handling',
};

export const webhookCodeDedup = codeCheck(defineCheck({
  id: 'webhook.code-dedup',
  section: 'webhook',
  kind: 'static',
  title: 'Webhook handler deduplicates on eventId',
  failureTitle: 'Webhook handler does not deduplicate on eventId',
  why: 'MintCash retries until it gets a timely 2xx and delivers at least once, so the same eventId can arrive several times. Without dedup, one payment can be fulfilled twice.',
  fix: 'Store each processed eventId (a unique index works); when a delivery carries an eventId already stored, answer 200 and do nothing.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence, options }) {
    return judgeGuard(
      evidence.code,
      'dedupChecks',
      (at) => `The eventId is looked up or recorded at ${at.file}:${at.line}.`,
      'no-event-dedup',
      (h) => `This webhook handler never looks up or records the event's \`eventId\`: drop repeats, e.g. ${DEDUP[h.language]}.`,
      options,
    );
  },
}));

export default webhookCodeDedup;
