// The shared judgement of the four firstweek.* checks (`golive check --require-first-week`). Only a
// verified report counts: digest and Ed25519 signature valid, signer pinned in rehearsal.signers
// (the same signers as the rehearsal sign-off), covering at least 7 days. The newest such report
// is used and named; its metric must be ok. Pure: the collector read and verified the files.
import type { CheckOutcome } from '../engine/types.js';
import { signatureRejection } from '../rehearsal/judge.js';
import type { FirstWeekEvidence, FirstWeekFact } from '../evidence/types.js';

export const FIRST_WEEK_DAYS = 7;

function rejection(r: FirstWeekFact, ev: FirstWeekEvidence): string | undefined {
  const unsigned = signatureRejection(r, ev.pinnedSigners);
  if (unsigned) return unsigned;
  if ((r.window?.days ?? 0) < FIRST_WEEK_DAYS) return `${r.file} covers ${r.window?.days ?? 0} day(s); the first week needs ${FIRST_WEEK_DAYS}`;
  return undefined;
}

export function judgeFirstWeekMetric(ev: FirstWeekEvidence, metric: string, label: string): CheckOutcome {
  const judged = ev.reports.map((r) => ({ r, why: rejection(r, ev) }));
  const used = judged.find((j) => j.why === undefined)?.r;
  if (!used) {
    const evidence = { verifiedReport: false, looked: ev.dir, reportsFound: ev.reports.length, ...(judged.length ? { rejected: judged.map((j) => `${j.why}`) } : {}) };
    if (judged.length === 0) return { status: 'pending', summary: `No signed first-week report in ${ev.dir}/: after a week of live traffic, run \`golive monitor --sign\` with the week's logs to prove the ${label}.`, evidence };
    return { status: 'pending', summary: `No verified first-week report for the ${label}: ${judged[0]!.why}.`, evidence };
  }
  const state = used.metrics?.[metric] ?? 'missing';
  const from = `report ${used.file} (${used.window?.first?.slice(0, 10)} to ${used.window?.last?.slice(0, 10)}, signed by ${used.signer?.name})`;
  const evidence = { verifiedReport: true, report: used.file, signer: `${used.signer?.name} (${used.signer?.fingerprint})`, generatedAt: used.generatedAt, days: used.window?.days, metric, state, alerts: used.alerts?.[metric] ?? [] };
  if (state === 'ok') return { summary: `The ${label} was healthy for the first week: ${from}.`, evidence };
  if (state === 'alert') {
    return {
      findings: [{ messageId: 'first-week-alert', message: `The ${label} alerted in ${from}: ${(used.alerts?.[metric] ?? []).join(', ')}. Fix it, then sign a new report over a healthy week.`, fingerprintOf: `${metric}:${used.file}` }],
      evidence,
    };
  }
  return { status: 'pending', summary: `The ${label} was not measured in ${from} (its input was missing); run \`golive monitor --sign\` with it.`, evidence };
}
