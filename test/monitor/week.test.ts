// `golive monitor` through the built CLI over a simulated first week (src/simulate/first-week.ts):
// each injected incident is found and nothing else alerts; the figures match the emulator's own
// delivery log; each missing input gives the right `pending`; malformed lines are counted and
// shown; a secret planted in the logs is masked in every output; --reconcile finds exactly the
// payments whose outcome event MintCash gave up on; --sign writes a verifiable first-week report.
import { appendFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFirstWeek, type Week } from '../../src/simulate/first-week.js';
import type { MonitorReport } from '../../src/monitor/types.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { fakeKey } from '../helpers/keys.js';
import { fixtureWeek } from './fixtures.js';

let work: string;
let week: Week;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'golive-week-'));
  week = await simulateFirstWeek({ dir: path.join(work, 'week') });
}, 300_000);

afterAll(async () => {
  await week?.close();
  await rm(work, { recursive: true, force: true });
});

async function monitorJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number; report: MonitorReport; stderr: string }> {
  const out = path.join(work, `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await golive(['monitor', week.dir, '--format', 'json', '-o', out, '--quiet', ...args], { env: cleanEnv(env) });
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  return { code: r.exitCode, report: JSON.parse(await readFile(out, 'utf8')) as MonitorReport, stderr: r.stderr };
}

const metric = (r: MonitorReport, id: string) => r.metrics.find((m) => m.id === id)!;
const ids = (r: MonitorReport, id: string) => metric(r, id).alerts.map((a) => a.id).sort();
const HOUR = 3_600_000;

describe('golive monitor over a simulated first week', { timeout: 120_000 }, () => {
  it('finds each injected incident and raises no other alert', async () => {
    const { code, report } = await monitorJson([]);
    expect(code).toBe(1);
    expect(report.metrics.map((m) => [m.id, m.status])).toEqual([
      ['delivery', 'alert'],
      ['failures', 'alert'],
      ['churn', 'alert'],
      ['request-id', 'alert'],
    ]);
    // The outage: one failing run covering the injected window, longer than MintCash's retries.
    const inj = week.injected;
    expect(ids(report, 'delivery')).toEqual(['delivery.attempt-rate', 'delivery.outage-lost']);
    const outage = metric(report, 'delivery').alerts.find((a) => a.id === 'delivery.outage-lost')!;
    expect(Math.abs(Date.parse(outage.at!) - Date.parse(inj.outage!.from))).toBeLessThan(HOUR);
    expect(Math.abs(Date.parse(outage.until!) - Date.parse(inj.outage!.to))).toBeLessThan(HOUR);
    // The drift code, and no spike of any customer-side code.
    expect(ids(report, 'failures')).toEqual(['failures.drift-code']);
    const drift = metric(report, 'failures').alerts[0]!;
    expect(drift.data?.code).toBe('provider_auth_failed');
    expect(Date.parse(drift.at!)).toBeGreaterThanOrEqual(Date.parse(inj.drift!.from) - HOUR);
    expect(Date.parse(drift.at!)).toBeLessThan(Date.parse(inj.drift!.to));
    // The churning cohort: exactly the subscriptions support cancelled during dunning.
    expect(ids(report, 'churn')).toEqual(['churn.past-due-cancelled']);
    expect(metric(report, 'churn').values).toMatchObject({ cancelled: inj.churn!.cancelled.length, recovered: inj.healthyDunning.length, open: inj.churn!.cohort.length - inj.churn!.cancelled.length });
    // requestIds lost after the redacting deploy, and only then.
    expect(ids(report, 'request-id')).toEqual(['request-id.missing']);
    const rid = metric(report, 'request-id').alerts[0]!;
    expect(Date.parse(rid.at!)).toBeGreaterThanOrEqual(Date.parse(inj.requestIds!.from));
    expect(report.series.requestIds.filter((x) => !x.requestId).every((x) => Date.parse(x.at) >= Date.parse(inj.requestIds!.from))).toBe(true);
    expect(report.series.requestIds.filter((x) => x.requestId).every((x) => Date.parse(x.at) < Date.parse(inj.requestIds!.from))).toBe(true);
  });

  it("agrees with the emulator's delivery log, attempt for attempt", async () => {
    const { report } = await monitorJson([]);
    const d = metric(report, 'delivery').values;
    expect(d.attempts).toBe(week.deliveries.length);
    expect(d.attemptsOk).toBe(week.deliveries.filter((a) => a.ok).length);
    // Every event the emulator got a 2xx for is in the merchant's data as acknowledged.
    const acked = new Set(week.deliveries.filter((a) => a.ok).map((a) => a.eventId));
    expect(d.eventsAcknowledged).toBe(acked.size);
  });

  it('counts and shows malformed lines, and leaves golive probes out', async () => {
    const { report } = await monitorJson([]);
    const access = report.inputs.find((s) => s.name === 'accessLog')!;
    const app = report.inputs.find((s) => s.name === 'appLog')!;
    expect(access.malformed).toBe(week.injected.malformedAccessLines);
    expect(access.examples.map((e) => e.reason)).toEqual(['unreadable request line', 'unreadable request line']);
    expect(access.examples[0]!.file).toContain('access.log');
    expect(access.probesExcluded).toBe(week.injected.probes);
    expect(app.malformed).toBe(week.injected.malformedAppLines);
    expect(app.examples[0]).toMatchObject({ reason: 'not valid JSON' });
    // Every line is either a record, blank or malformed: none dropped silently.
    expect(access.records + access.malformed).toBe(access.lines);
  });

  it('names the input each pending metric needs', async () => {
    const none = await golive(['monitor', work, '--format', 'json'], { env: cleanEnv() });
    expect(none.exitCode).toBe(0);
    const empty = JSON.parse(none.stdout) as MonitorReport;
    expect(empty.status).toBe('pending');
    expect(empty.metrics.map((m) => m.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(metric(empty, 'request-id').pending).toEqual([expect.objectContaining({ input: 'appLog', flag: '--app-log' })]);

    const onlyLedger = await golive(['monitor', work, '--events', week.files.events, '--format', 'json'], { env: cleanEnv() });
    const r = JSON.parse(onlyLedger.stdout) as MonitorReport;
    expect(metric(r, 'delivery').status).not.toBe('pending');
    expect(metric(r, 'delivery').pending.map((p) => p.input)).toEqual(['accessLog']);
    expect(metric(r, 'failures').status).toBe('alert');
    expect(metric(r, 'request-id')).toMatchObject({ status: 'pending', pending: [expect.objectContaining({ flag: '--app-log' })] });

    const onlyAccess = await golive(['monitor', work, '--access-log', week.files.accessLog, '--webhook-path', '/webhooks/mintcash', '--format', 'json'], { env: cleanEnv() });
    const a = JSON.parse(onlyAccess.stdout) as MonitorReport;
    expect(metric(a, 'delivery').pending.map((p) => p.input)).toEqual(['events']);
    expect(metric(a, 'failures').pending.map((p) => p.flag)).toEqual(['--events or --app-log']);
    expect(metric(a, 'churn').pending[0]!.flag).toContain('--subscriptions');
  });

  it('masks a secret planted in the logs in every output', async () => {
    const dir = path.join(work, 'leaky-week');
    await cp(week.dir, dir, { recursive: true });
    const secret = fakeKey('sk', 'live', 'planted-in-a-log');
    const whsec = `whsec_${'Zx9'.repeat(10)}`;
    const t = Date.parse(week.end) - HOUR;
    await appendFile(path.join(dir, 'app.ndjson'), `${JSON.stringify({ level: 50, time: t, msg: 'MintCash call failed', orderId: secret, err: { code: 'unauthenticated', status: 401, details: { requestId: `req_${whsec}` } } })}\n`);
    await appendFile(path.join(dir, 'access.log'), `oops Authorization: Basic ${Buffer.from(`pk:${secret}`).toString('base64')} ${secret} ${whsec}\n`);
    const env = cleanEnv({ MINTCASH_WEBHOOK_SECRET: whsec, GOLIVE_OPERATOR_KEY_FILE: path.join(work, 'keys', 'op.pem') });
    const outs = ['json', 'markdown', 'html', 'openmetrics'].map((f) => [f, path.join(work, `leak.${f}`)] as const);
    const r = await golive(['monitor', dir, '--sign', '--sign-dir', path.join(work, 'leak-signed'), ...outs.flatMap(([f, o]) => ['--format', f, '-o', o]), '--format', 'pretty', '-o', '-'], { env });
    expect(r.exitCode).toBe(1);
    const texts = [r.stdout, r.stderr, ...(await Promise.all(outs.map(([, o]) => readFile(o, 'utf8'))))];
    const signed = await readdir(path.join(work, 'leak-signed'));
    texts.push(await readFile(path.join(work, 'leak-signed', signed[0]!), 'utf8'));
    for (const text of texts) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(whsec);
      expect(text).not.toContain(Buffer.from(`pk:${secret}`).toString('base64'));
    }
    expect(r.stdout).toContain(`sk_live_…${secret.slice(-4)}`);
  });

  it('--reconcile finds exactly the payments whose outcome event MintCash gave up on', async () => {
    const lostOutcome = new Set(
      week.deliveries.filter((a) => a.gaveUp && /^payment\.(succeeded|failed)$/.test(a.event)).map((a) => week.events[a.eventId]!.objectId),
    );
    expect(lostOutcome.size).toBeGreaterThan(0);
    const { report } = await monitorJson(['--reconcile'], { MINTCASH_PUBLIC_KEY: week.keys.publicKey, MINTCASH_SECRET_KEY: week.keys.secretKey });
    expect(report.reconcile.ran).toBe(true);
    expect(report.reconcile.errors).toEqual([]);
    const found = new Set(report.reconcile.findings.filter((f) => f.kind === 'payment').map((f) => f.id));
    expect([...found].sort()).toEqual([...lostOutcome].sort());
    // Subscriptions flagged only where one of their events was really lost.
    const lostSubs = new Set(week.deliveries.filter((a) => a.gaveUp && a.event.startsWith('subscription.')).map((a) => week.events[a.eventId]!.objectId));
    for (const f of report.reconcile.findings.filter((x) => x.kind === 'subscription')) expect(lostSubs.has(f.id)).toBe(true);
    expect(metric(report, 'delivery').values.eventsLost).toBe(report.reconcile.findings.length);
  });

  it('--reconcile refuses live keys anywhere but MintCash\'s live API, before any request', async () => {
    const r = await golive(['monitor', week.dir, '--reconcile', '--api-base-url', week.emulatorUrl], {
      env: cleanEnv({ MINTCASH_PUBLIC_KEY: fakeKey('pk', 'live', 'a'), MINTCASH_SECRET_KEY: fakeKey('sk', 'live', 'b') }),
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/refused before any request/);
  });

  it('--sign writes a first-week report that golive report --verify accepts, and rejects when edited', async () => {
    const env = cleanEnv({ GOLIVE_OPERATOR_KEY_FILE: path.join(work, 'keys', 'op.pem') });
    const dir = path.join(work, 'signed');
    const r = await golive(['monitor', week.dir, '--sign', '--sign-dir', dir, '--quiet', '--operator', 'Ada'], { env });
    expect(r.exitCode).toBe(1);
    const [name] = await readdir(dir);
    const file = path.join(dir, name!);
    const ok = await golive(['report', '--verify', file], { env, cwd: work });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: .* is intact and signed by key SHA256:\S+ .*the document names "Ada"/m);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.metrics[0].status = 'ok';
    await writeFile(file, JSON.stringify(doc));
    const bad = await golive(['report', '--verify', file], { env, cwd: work });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/FAILED/);
  });

  it('golive check --require-first-week gates on the signed report; without the flag the first week never blocks', async () => {
    const env = cleanEnv({ GOLIVE_OPERATOR_KEY_FILE: path.join(work, 'keys', 'op.pem') });
    const repo = path.join(work, 'repo');
    await cp(path.resolve(import.meta.dirname, '../../examples/shop'), repo, { recursive: true });
    const signed = await golive(['monitor', repo, '-c', week.config, '--sign', '--quiet'], { env });
    expect(signed.exitCode).toBe(1);
    // Pin the signer, as the organisation would.
    const { loadOrCreateOperatorKey } = await import('../../src/rehearsal/signing.js');
    const key = await loadOrCreateOperatorKey(path.join(work, 'keys', 'op.pem'), repo);
    await writeFile(path.join(repo, 'golive.config.json'), JSON.stringify({ rehearsal: { signers: [{ name: 'ops', publicKey: key.publicKey }] } }));
    const gated = await golive(['check', repo, '--offline', '--only', 'firstweek', '--require-first-week', '--format', 'json'], { env });
    expect(gated.exitCode).toBe(1);
    const checks = Object.fromEntries((JSON.parse(gated.stdout).checks as Array<{ id: string; status: string }>).map((c) => [c.id, c.status]));
    expect(checks).toEqual({
      'firstweek.request-id-logged': 'pass',
      'firstweek.delivery-success': 'fail',
      'firstweek.payment-failures': 'fail',
      'firstweek.past-due-churn': 'fail',
      'firstweek.request-id-correlation': 'fail',
    });
    const open = await golive(['check', repo, '--offline', '--only', 'firstweek', '--format', 'json'], { env });
    expect(open.exitCode).toBe(0);
  });
});

describe('golive monitor over a healthy week', () => {
  it('raises no alert and exits 0 (no false alarms from normal declines, probes or recoveries)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'golive-healthy-'));
    try {
      const w = fixtureWeek({ incidents: false });
      await writeFile(path.join(dir, 'access.log'), `${w.access.join('\n')}\n`);
      await writeFile(path.join(dir, 'app.ndjson'), `${w.app.join('\n')}\n`);
      await writeFile(path.join(dir, 'ledger.ndjson'), `${w.ledger.join('\n')}\n`);
      const r = await golive(['monitor', dir, '--access-log', path.join(dir, 'access.log'), '--webhook-path', '/webhooks/mintcash', '--app-log', path.join(dir, 'app.ndjson'), '--events', path.join(dir, 'ledger.ndjson'), '--format', 'json'], { env: cleanEnv() });
      expect(r.exitCode).toBe(0);
      const report = JSON.parse(r.stdout) as MonitorReport;
      expect(report.status).toBe('healthy');
      expect(report.metrics.map((m) => [m.id, m.status, m.alerts.length])).toEqual([
        ['delivery', 'ok', 0],
        ['failures', 'ok', 0],
        ['churn', 'ok', 0],
        ['request-id', 'ok', 0],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

