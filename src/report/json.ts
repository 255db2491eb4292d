// The JSON report (GUIDE §4): the RunReport as built, keys in the order the runner wrote them.
import type { RunReport } from '../engine/types.js';

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
