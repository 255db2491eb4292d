// Outcomes for a check that has nothing it can judge yet. Whether that is `skip` or `pending`
// depends on the run, not on the check: in a run the user narrowed (--offline, --only, --skip) a
// missing URL, key or handler is out of scope; in a full run it is an item not yet proven, which
// blocks the gate and says exactly what to do.
import type { CheckOutcome, RunOptions } from './types.js';

/**
 * `gap` says what is missing ("No webhook URL is configured"); `todo` says how to prove the item
 * ("set webhook.url in golive.config.json or pass --webhook-url").
 */
export function notYetProven(
  options: Pick<RunOptions, 'scoped'>,
  gap: string,
  todo: string,
  evidence?: Record<string, unknown>,
): CheckOutcome {
  const extra = evidence ? { evidence } : {};
  if (options.scoped) return { status: 'skip', summary: `${gap}; not checked in this scoped run (to check it: ${todo}).`, ...extra };
  return { status: 'pending', summary: `Not proven: ${lower(gap)}. ${upper(todo)}.`, ...extra };
}

/** A prerequisite failed or part of the item could not be examined: nothing was proven. */
export function couldNotProve(reason: string, evidence?: Record<string, unknown>): CheckOutcome {
  return { status: 'error', summary: reason, ...(evidence ? { evidence } : {}) };
}

function lower(s: string): string {
  // "No webhook URL…" reads on after "Not proven:"; a name like MINTCASH_… keeps its case.
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function upper(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
