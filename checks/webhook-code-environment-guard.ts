// webhook.code-environment-guard: a live handler must refuse events whose `environment` is "test";
// otherwise a sandbox event (or a replayed one) can trigger live fulfilment.
import { defineCheck } from '../src/engine/types.js';
import { codeCheck, judgeGuard, type Language } from './lib/code-index.js';

const GUARD: Record<Language, string> = {
  js: "`if (event.environment !== 'live') return res.status(400).end();`",
  ts: "`if (event.environment !== 'live') return res.status(400).end();`",
  python: '`if event["environment"] != "live": abort(400)`',
  go: '`if evt.Environment != "live" { w.WriteHeader(http.StatusBadRequest); return }`',
  ruby: "`halt 400 unless event['environment'] == 'live'`",
  php: "`if ($event['environment'] !== 'live') { abort(400); }`",
  java: '`if (!"live".equals(event.getEnvironment())) return ResponseEntity.badRequest().build();`',
};

export const webhookCodeEnvironmentGuard = codeCheck(defineCheck({
  id: 'webhook.code-environment-guard',
  section: 'webhook',
  kind: 'static',
  title: 'Webhook handler checks the event environment',
  failureTitle: 'Webhook handler does not check the event environment',
  why: 'Sandbox and live events are signed the same way. A live handler that does not compare `environment` will act on test events, e.g. ship an order for a sandbox payment.',
  fix: 'Right after verifying the signature, compare the event\'s `environment` with the deployment\'s ("live" in production) and refuse a mismatch.',
  defaultSeverity: 'warning',
  requires: ['code'],
  run({ evidence, options }) {
    return judgeGuard(
      evidence.code,
      'environmentChecks',
      (at) => `The event environment is compared at ${at.file}:${at.line}.`,
      'no-environment-guard',
      (h) => `This webhook handler never compares the event's \`environment\`: refuse events for the other environment, e.g. ${GUARD[h.language]}.`,
      options,
    );
  },
}));

export default webhookCodeEnvironmentGuard;
