// webhook.code-environment-guard: the handler (or a service it delegates to) compares `environment`.
import { describe, expect, it } from 'vitest';
import { webhookCodeEnvironmentGuard } from '../../checks/webhook-code-environment-guard.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';

const cases: [string, Record<string, string>, string[]][] = [
  ['js without a guard', { 'h.js': "export function hook(req) {\n  const sig = req.headers['x-signature'];\n  return handle(req.body);\n}\n" }, ['h.js:2 no-environment-guard']],
  ['python: only the deployment env is compared', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    if os.getenv("ENVIRONMENT") == "production":\n        handle()\n' }, ['h.py:2 no-environment-guard']],
  ['environment named only in a comment', { 'h.go': 'package main\n// TODO: compare evt.Environment != "live"\nfunc hook(r *http.Request) { _ = r.Header.Get("X-Signature") }\n' }, ['h.go:3 no-environment-guard']],
  ['java: only the deployment environment is compared', { 'H.java': 'class H {\n  void hook(@RequestHeader("X-Signature") String sig) {\n    if ("production".equals(System.getenv("ENVIRONMENT"))) audit();\n  }\n}\n' }, ['H.java:2 no-environment-guard']],
  // ok
  ['js guard', { 'h.js': "export function hook(req, res) {\n  const sig = req.headers['x-signature'];\n  if (req.body.environment !== 'live') return res.sendStatus(400);\n}\n" }, []],
  ['js switch', { 'h.ts': "export function hook(req, event) {\n  const sig = req.headers['x-signature'];\n  switch (event.environment) { case 'live': return 1; default: return 0; }\n}\n" }, []],
  ['python guard', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    if event["environment"] != "live":\n        abort(400)\n' }, []],
  ['go guard', { 'h.go': 'package main\nfunc hook(r *http.Request) {\n\t_ = r.Header.Get("X-Signature")\n\tif evt.Environment != "live" {\n\t\treturn\n\t}\n}\n' }, []],
  ['ruby guard', { 'h.rb': "post '/hook' do\n  sig = request.env['HTTP_X_SIGNATURE']\n  halt 400 unless event['environment'] == 'live'\nend\n" }, []],
  ['php guard', { 'h.php': "<?php\n$sig = $_SERVER['HTTP_X_SIGNATURE'];\nif ($event['environment'] !== 'live') { http_response_code(400); }\n" }, []],
  ['java guard', { 'H.java': 'class H {\n  void hook(String sig) {\n    String h = req.getHeader("X-Signature");\n    if (event.environment != LIVE) return;\n  }\n}\n' }, []],
  // Java compares strings with equals, and reads fields through getters.
  ['java equals guard', { 'H.java': 'class H {\n  ResponseEntity<Void> hook(@RequestBody Event event, @RequestHeader("X-Signature") String sig) {\n    if (!"live".equals(event.getEnvironment())) return ResponseEntity.badRequest().build();\n    return ResponseEntity.ok().build();\n  }\n}\n' }, []],
  ['java Objects.equals guard', { 'H.java': 'class H {\n  ResponseEntity<Void> hook(@RequestBody Event event, @RequestHeader("X-Signature") String sig) {\n    if (!Objects.equals(event.getEnvironment(), expectedEnvironment)) return ResponseEntity.badRequest().build();\n    return ResponseEntity.ok().build();\n  }\n}\n' }, []],
  ['guard delegated to another file', { 'h.js': "export const hook = (req) => service.handle(req.headers['x-signature'], req.body);\n", 'service.js': "export function handle(sig, event) {\n  if (event.environment !== 'live') throw new Error('wrong environment');\n}\n" }, []],
];

describe('webhook.code-environment-guard', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(webhookCodeEnvironmentGuard, await indexSources(asMintCash(files)));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it('skips without a webhook handler', async () => {
    expect((await judgeCode(webhookCodeEnvironmentGuard, await indexSources({ 'a.js': 'export {};\n' }))).verdict).toBe('skip');
  });
});
