// The JSON report (GUIDE §4): the RunReport as built, keys in the order the runner wrote them.
import type { RunReport } from '../engine/types.js';
import { redactDeep, redactText } from '../engine/mask.js';

export function renderJson(report: RunReport): string {
  // redactDeep copies with Object.entries, so key order is preserved.
  return redactText(`${JSON.stringify(redactDeep(report), null, 2)}\n`);
}
