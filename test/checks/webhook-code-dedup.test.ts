// webhook.code-dedup: the handler looks an eventId up or records it; logging it is not dedup.
import { describe, expect, it } from 'vitest';
import { webhookCodeDedup } from '../../checks/webhook-code-dedup.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';

const cases: [string, Record<string, string>, string[]][] = [
  ['js: eventId only logged and echoed', { 'h.js': "export function hook(req, res) {\n  const sig = req.headers['x-signature'];\n  console.log('event', req.body.eventId);\n  res.json({ id: req.body.eventId });\n}\n" }, ['h.js:2 no-event-dedup']],
  ['python: eventId only printed', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    logger.info("got %s", event["eventId"])\n' }, ['h.py:2 no-event-dedup']],
  ['go: no eventId at all', { 'h.go': 'package main\nfunc hook(r *http.Request) { _ = r.Header.Get("X-Signature") }\n' }, ['h.go:2 no-event-dedup']],
  ['java: eventId only logged', { 'H.java': 'class H {\n  void hook(@RequestHeader("X-Signature") String sig, Event event) {\n    log.info("event {}", event.getEventId());\n  }\n}\n' }, ['H.java:2 no-event-dedup']],
  // ok
  ['js redis lookup', { 'h.js': "export async function hook(req) {\n  const sig = req.headers['x-signature'];\n  if (await redis.exists(`evt:${req.body.eventId}`)) return;\n}\n" }, []],
  ['js destructured eventId compared', { 'h.ts': "export function hook(req, last) {\n  const sig = req.headers['x-signature'];\n  const { eventId } = req.body;\n  if (eventId === last) return;\n}\n" }, []],
  ['python set membership', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    event_id = payload["eventId"]\n    if event_id in processed:\n        return "", 200\n' }, []],
  ['python SQL insert', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    cur.execute("INSERT INTO events (event_id) VALUES (%s)", (payload["eventId"],))\n' }, []],
  ['ruby exists?', { 'h.rb': "post '/hook' do\n  sig = request.env['HTTP_X_SIGNATURE']\n  halt 200 if ProcessedEvent.exists?(event_id: payload['eventId'])\nend\n" }, []],
  ['go map lookup', { 'h.go': 'package main\nfunc hook(r *http.Request) {\n\t_ = r.Header.Get("X-Signature")\n\tif seen[evt.EventID] {\n\t\treturn\n\t}\n\tmarkSeen(evt.EventID)\n}\n' }, []],
  ['java repository getter', { 'H.java': 'class H {\n  void hook(@RequestHeader("X-Signature") String sig, Event event) {\n    if (processedEvents.existsById(event.getEventId())) return;\n  }\n}\n' }, []],
];

describe('webhook.code-dedup', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(webhookCodeDedup, await indexSources(asMintCash(files)));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it('skips without a webhook handler', async () => {
    expect((await judgeCode(webhookCodeDedup, await indexSources({ 'a.rb': "puts 'hi'\n" }))).verdict).toBe('skip');
  });
});
