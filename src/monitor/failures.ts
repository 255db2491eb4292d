// payment.failed rate by failureCode: distinct payments (once per externalId, the merchant's own
// key), hourly, with spike detection against a trailing baseline (an hour's rate of one code at
// spikeFactor times the trailing baselineHours' rate, with a minimum count and rate) and codes that
// signal configuration drift (auth, permission, invalid argument…) flagged on first sight.
import type { MonitorConfig } from './config.js';
import { key53 } from './key.js';
import { NumberMap } from './number-map.js';
import { HOUR, dayOf, hourOf, iso, pct, short } from './time.js';
import type { Alert, CodeSeries, EventRecord, MetricResult } from './types.js';

/** Failure codes come from logs: bounded and safe as a label anywhere they are shown. */
export function cleanCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_').slice(0, 64) || 'unknown';
}

/** At most this many codes are tracked by name; the rest are `other` (logs are untrusted input). */
const MAX_CODES = 50;

export class FailuresMetric {
  /**
   * Per payment key, packed in one number (a week of a busy shop is millions of payments): the
   * hour of its outcome times 1024 plus the index of its failure code (0: a success).
   */
  private readonly payments = new NumberMap();
  private readonly codeIds = new Map<string, number>();
  private readonly codeNames: string[] = [''];
  seen = false;
  private readonly drift: RegExp[];

  constructor(private readonly cfg: MonitorConfig['failures']) {
    this.drift = cfg.driftCodes.map((d) => new RegExp(d, 'i'));
  }

  isDrift(code: string): boolean {
    return this.drift.some((d) => d.test(code));
  }

  addEvent(e: EventRecord): void {
    const outcome = e.event === 'payment.failed' ? 'failed' : e.event === 'payment.succeeded' ? 'succeeded' : undefined;
    if (!outcome) return;
    const key = key53(e.externalId ?? e.objectId ?? e.eventId);
    // Once per payment: payment.failed is terminal, and a redelivery or a second source repeats it.
    if (this.payments.has(key)) return;
    let code = 0;
    if (outcome === 'failed') {
      let name = cleanCode(e.failureCode ?? 'unknown');
      if (!this.codeIds.has(name) && this.codeNames.length > MAX_CODES) name = 'other';
      code = this.codeIds.get(name) ?? this.codeNames.push(name) - 1;
      this.codeIds.set(name, code);
    }
    this.payments.set(key, (hourOf(e.created ?? e.t) / HOUR) * 1024 + code);
  }

  result(hours: readonly number[], days: readonly string[], inputs: { events: boolean }): { metric: MetricResult; codes: CodeSeries[] } {
    const c = this.cfg;
    const index = new Map(hours.map((h, i) => [h, i]));
    const attempts = new Array<number>(hours.length).fill(0);
    const byCode = new Map<string, number[]>();
    let failed = 0;
    const firstSeen = new Map<string, number>();
    for (const packed of this.payments.values()) {
      const h = Math.floor(packed / 1024) * HOUR;
      const i = index.get(h);
      if (i === undefined) continue;
      attempts[i]!++;
      const code = this.codeNames[packed % 1024]!;
      if (!code) continue;
      failed++;
      const series = byCode.get(code) ?? new Array<number>(hours.length).fill(0);
      series[i]!++;
      byCode.set(code, series);
      firstSeen.set(code, Math.min(firstSeen.get(code) ?? Infinity, h));
    }
    const total = this.payments.size;
    const alerts: Alert[] = [];
    const codes: CodeSeries[] = [...byCode].map(([code, perHour]) => ({ code, total: perHour.reduce((a, b) => a + b, 0), drift: this.isDrift(code), perHour }));
    codes.sort((a, b) => b.total - a.total || (a.code < b.code ? -1 : 1));
    for (const s of codes) {
      const spikes: Array<{ i: number; rate: number; base: number; n: number }> = [];
      for (let i = 0; i < hours.length; i++) {
        const n = s.perHour[i]!;
        if (n < c.spikeMinCount || attempts[i]! === 0) continue;
        const rate = n / attempts[i]!;
        let bn = 0;
        let ba = 0;
        for (let j = Math.max(0, i - c.baselineHours); j < i; j++) {
          bn += s.perHour[j]!;
          ba += attempts[j]!;
        }
        const base = ba > 0 ? bn / ba : 0;
        if (rate >= c.spikeMinRate && rate >= c.spikeFactor * base) spikes.push({ i, rate, base, n });
      }
      if (s.drift) {
        const at = firstSeen.get(s.code)!;
        const peak = spikes.sort((a, b) => b.n - a.n)[0];
        alerts.push({
          id: 'failures.drift-code',
          at: iso(at),
          message: `failureCode \`${s.code}\` (a configuration problem, not a customer's card) failed ${s.total} payment${s.total === 1 ? '' : 's'}, first at ${short(at)}${peak ? `, peaking at ${peak.n} in the hour from ${short(hours[peak.i]!)} (${pct(peak.rate)} of payments)` : ''}.`,
          next: 'Codes like this mean drift in credentials, permissions or the request your code sends (a rotated key, a changed provider setting, a deploy): compare with the last deploy and quote the requestIds of failing calls to MintCash support.',
          data: { code: s.code, payments: s.total },
        });
      } else if (spikes.length > 0) {
        const peak = spikes.sort((a, b) => b.n - a.n)[0]!;
        alerts.push({
          id: 'failures.spike',
          at: iso(hours[peak.i]!),
          message: `failureCode \`${s.code}\` spiked: ${peak.n} payments (${pct(peak.rate)}) in the hour from ${short(hours[peak.i]!)} against ${pct(peak.base)} over the previous ${c.baselineHours} h.`,
          next: 'A sudden spike usually means configuration drift, not customers: check deploys and provider settings around that hour, and ask MintCash support with the failing payments\' ids.',
          data: { code: s.code, count: peak.n, rate: Math.round(peak.rate * 1000) / 1000, baseline: Math.round(peak.base * 1000) / 1000 },
        });
      }
    }
    const daily = days.map((d) => {
      let n = 0;
      let f = 0;
      hours.forEach((h, i) => {
        if (dayOf(h) !== d) return;
        n += attempts[i]!;
        for (const s of codes) f += s.perHour[i]!;
      });
      return { day: d, value: n > 0 ? f / n : null };
    });
    const rate = total > 0 ? failed / total : null;
    const top = codes.slice(0, 3).map((s) => `${s.code} ${s.total}`).join(', ');
    return {
      codes,
      metric: {
        id: 'failures',
        title: 'payment.failed rate by error code',
        status: !inputs.events ? 'pending' : alerts.length ? 'alert' : 'ok',
        summary: !inputs.events ? 'pending: needs the event ledger or app log lines with payment events' : total === 0 ? 'no payment outcomes in this window' : `${pct(rate)} of ${total} payments failed${top ? ` (${top})` : ''}`,
        values: { payments: total, failed, failureRate: rate, codes: codes.length },
        alerts,
        pending: inputs.events ? [] : [{ input: 'events', flag: '--events or --app-log', why: 'payment.failed and payment.succeeded events, with failureCode, come from the event ledger export or the app log' }],
        daily,
        notes: [],
      },
    };
  }
}

export { HOUR };
