// Pure helpers the webhook checks share to read probe records: when a check cannot judge (not
// configured, offline, endpoint unreachable, no secret), how a response is classed, and the
// masked per-probe evidence shown in reports. No I/O; no verdicts beyond "could this run".
import { couldNotProve, notYetProven } from '../engine/outcomes.js';
import type { CheckOutcome, RunOptions } from '../engine/types.js';
import type { ProbeRecord, WebhookEvidence } from '../evidence/types.js';

export type ResponseClass = '2xx' | '3xx' | '4xx' | '5xx' | 'other' | 'no-answer';

/** How the endpoint answered one probe; a response cut mid-way counts as no answer. */
export function classOf(rec: ProbeRecord | undefined): ResponseClass {
  const r = rec?.result;
  if (!r || r.error || r.status === undefined) return 'no-answer';
  if (r.status >= 200 && r.status < 300) return '2xx';
  if (r.status >= 300 && r.status < 400) return '3xx';
  if (r.status >= 400 && r.status < 500) return '4xx';
  if (r.status >= 500 && r.status < 600) return '5xx';
  return 'other';
}

/** "HTTP 401", or what went wrong instead ("timeout", "reset after HTTP 200"). */
export function describeAnswer(rec: ProbeRecord | undefined): string {
  const r = rec?.result;
  if (!rec?.ran || !r) return 'not sent';
  if (r.error) {
    const what = r.error.kind === 'other' ? (r.error.code ?? 'error') : r.error.kind;
    return r.status !== undefined ? `${what} after HTTP ${r.status}` : what;
  }
  return `HTTP ${r.status}`;
}

/**
 * When the collector sent nothing a check could judge: offline is the user's choice (`skip`); a
 * missing URL is not proven yet (`pending`, or `skip` in a scoped run); a bad URL is an `error`.
 */
export function notProbed(ev: WebhookEvidence, options: Pick<RunOptions, 'scoped'>): CheckOutcome | undefined {
  if (ev.state === 'offline') return { status: 'skip', summary: 'Offline: the endpoint was not probed.' };
  if (ev.state === 'not-configured') {
    return notYetProven(options, 'No webhook URL is configured', 'set webhook.url in golive.config.json or pass --webhook-url <deployed URL>');
  }
  if (ev.state === 'invalid-url') return couldNotProve(ev.reason ?? 'The webhook URL is not an http(s) URL.');
  return undefined;
}

/**
 * For checks that need the endpoint to answer. When webhook.https / webhook.public explain why no
 * probe was sent, this item was not proven either: `error` pointing there, never `skip`.
 */
export function blockedOutcome(ev: WebhookEvidence, options: Pick<RunOptions, 'scoped'>): CheckOutcome | undefined {
  const first = notProbed(ev, options);
  if (first) return first;
  if (ev.blocked) return couldNotProve(`Not proven: no probe was sent because ${ev.blocked} (see webhook.https); fix that first.`, endpointEvidence(ev));
  return undefined;
}

/**
 * When any of the given probes was not sent. Without the webhook secret nothing valid can be
 * signed: the endpoint is there to judge, so the item is pending even in a scoped run (only an
 * absent subject, like no URL at all, is out of scope there). Any other reason (the endpoint
 * stopped answering, the time budget) means golive tried and could not prove it: error.
 */
export function unsentOutcome(ev: WebhookEvidence, recs: Array<ProbeRecord | undefined>): CheckOutcome | undefined {
  const missing = recs.find((r) => !r?.ran);
  if (!missing) return undefined;
  const evidence = probeEvidence(ev, recs);
  if (!ev.secretAvailable) {
    return notYetProven({ scoped: false }, `${ev.secretVar} is not set, so no validly signed event could be sent`, `export ${ev.secretVar} (the endpoint's signing secret) and run again`, evidence);
  }
  const reason = (missing?.reason ?? 'not sent').replace(/^not sent: /, '');
  return couldNotProve(`Not proven: a probe was not sent (${reason}).`, evidence);
}

export function endpointEvidence(ev: WebhookEvidence): Record<string, unknown> {
  return { url: ev.url, addresses: ev.dns?.addresses.map((a) => a.address) ?? [] };
}

/** One line per probe: status, timings, a signature prefix (never the whole value). */
export function probeEvidence(ev: WebhookEvidence, recs: Array<ProbeRecord | undefined>): Record<string, unknown> {
  const probes: Record<string, unknown> = {};
  for (const rec of recs) {
    if (!rec) continue;
    const r = rec.result;
    const row: Record<string, unknown> = { answer: describeAnswer(rec) };
    if (!rec.ran) row.reason = rec.reason;
    if (r?.status !== undefined) row.status = r.status;
    if (r) row.ms = r.timings.totalMs;
    if (rec.signaturePrefix) row.signature = `${rec.signaturePrefix}…`;
    if (rec.environment) row.environment = rec.environment;
    if (r?.location) row.location = r.location;
    if (r?.error) row.error = `${r.error.kind}${r.error.code ? ` (${r.error.code})` : ''}`;
    probes[rec.name] = row;
  }
  return { url: ev.url, probes };
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}
