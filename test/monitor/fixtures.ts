// A deterministic week of merchant data, generated in memory (no emulator): combined-format access
// log lines, a ledger of MintCash envelopes and app log lines, with an outage, a drift code, a
// churning cohort and MintCash errors with and without requestId. For renderer and parser tests.
import { Readable } from 'node:stream';
import { Monitor } from '../../src/monitor/run.js';
import { defaultMonitorConfig } from '../../src/monitor/config.js';
import type { MonitorReport } from '../../src/monitor/types.js';
import { timeLocal } from '../../src/simulate/proxy.js';

export const T0 = Date.UTC(2026, 11, 7);
const H = 3_600_000;

export interface FixtureWeek {
  access: string[];
  ledger: string[];
  app: string[];
}

export function fixtureWeek(opts: { incidents?: boolean } = {}): FixtureWeek {
  const bad = opts.incidents ?? true;
  const access: string[] = [];
  const ledger: string[] = [];
  const app: string[] = [];
  let n = 0;
  const env = (event: string, t: number, data: Record<string, unknown>) =>
    JSON.stringify({ eventId: `evt-${++n}`, event, type: event.split('.')[0], environment: 'live', apiVersion: '2026-05-01', createdAt: new Date(t).toISOString(), data, receivedAt: new Date(t + 300).toISOString() });
  for (let h = 0; h < 7 * 24; h++) {
    const t = T0 + h * H;
    const down = bad && h >= 58 && h < 86;
    for (let i = 0; i < 6; i++) {
      const at = t + i * 9 * 60_000;
      access.push(`10.0.0.${i} - - [${timeLocal(at)}] "POST /webhooks/mintcash HTTP/1.1" ${down ? 502 : 200} 17 "-" "MintCash/1" 0.0${(i % 9) + 1}${i} ${'ab'.repeat(16)} "-"`);
      if (down) continue;
      const k = h * 6 + i;
      const drift = bad && h >= 100 && h < 102;
      const failed = drift || k % 17 === 0;
      ledger.push(env(failed ? 'payment.failed' : 'payment.succeeded', at, { id: `pay-${k}`, externalId: `order_${k}`, status: failed ? 'failed' : 'succeeded', failureCode: drift ? 'provider_auth_failed' : failed ? (k % 2 ? 'card_declined' : 'insufficient_funds') : null }));
    }
    access.push(`10.0.0.9 - - [${timeLocal(t)}] "GET /health HTTP/1.1" 200 2 "-" "kube-probe" 0.001 ${'cd'.repeat(16)} "-"`);
    if (h % 12 === 5) app.push(JSON.stringify({ level: 50, time: t, msg: 'MintCash call failed', req: { id: h }, orderId: `${h}`, err: { type: 'MintcashError', code: 'invalid_argument', status: 400, details: bad && h > 120 ? '[Redacted]' : { requestId: `req_${String(h).padStart(26, 'A')}` } } }));
  }
  // Subscriptions: 4 recover after one failed attempt; with incidents 6 more are cancelled.
  for (let s = 0; s < 10; s++) {
    const t = T0 + 24 * H + s * 60_000;
    const data = (status: string) => ({ id: `sub-${s}`, externalId: `sub_${s}`, status });
    ledger.push(env('subscription.succeeded', t, data('active')));
    if (s >= 4 && !bad) continue;
    ledger.push(env('subscription.failed', t + 24 * H, data('past_due')));
    ledger.push(s < 4 ? env('subscription.succeeded', t + 48 * H, data('active')) : env('subscription.cancelled', t + 36 * H, data('cancelled')));
  }
  return { access, ledger, app };
}

export async function fixtureReport(opts: { incidents?: boolean } = {}): Promise<MonitorReport> {
  const w = fixtureWeek(opts);
  const mon = new Monitor({ config: defaultMonitorConfig(), webhookPaths: ['/webhooks/mintcash'], version: '0.1.0' });
  const src = (label: string) => ({ label, file: null });
  await mon.readAccess(src('access.log'), Readable.from([`${w.access.join('\n')}\n`]), 'auto');
  await mon.readApp(src('app.ndjson'), Readable.from([`${w.app.join('\n')}\n`]));
  await mon.readExport('events', src('ledger.ndjson'), Readable.from([`${w.ledger.join('\n')}\n`]));
  return mon.report(T0 + 7 * 24 * H);
}
