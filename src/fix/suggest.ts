// Suggestions: shown as diffs, applied only when a person picks them (see fix-run.ts).
import type { CheckResult, Finding } from '../engine/types.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';

export async function planSuggestions(s: Session, check: CheckResult, f: Finding): Promise<Fix[]> {
  void s;
  void check;
  void f;
  return [];
}
