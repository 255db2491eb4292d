// The ordered checklist: every built-in check, in the order of MintCash's go-live checklist.
// Adding a check: one file named after its id, then one line here.
import type { Check } from '../src/engine/types.js';

export const builtinChecks: Check[] = [
  // 1. Credentials
  // 2. Webhook endpoint
  // 3. Idempotency
  // 4. Dress rehearsal
] as Check[];
