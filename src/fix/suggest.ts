// Suggestions and templates by check: JS/TS get diffs (re-checked, applied only when a person
// picks them), the other languages the exact lines as text, eventId dedup a template.
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex } from '../evidence/code/types.js';
import { planRawBody } from './js-raw-body.js';
import { planEnvironmentGuard, planExternalId, planKeyLiteral } from './js-suggest.js';
import { planDedupTemplate } from './templates.js';
import { textFor } from './text.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';

const JS = /\.[cm]?[jt]sx?$/;

export async function planSuggestions(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  if (check.id === 'webhook.code-dedup') return planDedupTemplate(s, check, f);
  if (!f.file) return [];
  if (!JS.test(f.file)) return textFor(s, check, f, s.evidence.code as CodeIndex);
  switch (check.id) {
    case 'webhook.code-raw-body':
      return planRawBody(s, check, f);
    case 'webhook.code-environment-guard':
      return planEnvironmentGuard(s, check, f);
    case 'idempotency.external-id':
    case 'idempotency.external-id-quality':
      return planExternalId(s, check, f);
    case 'credentials.no-secrets-in-source':
      return planKeyLiteral(s, check, f);
    default:
      return [];
  }
}
