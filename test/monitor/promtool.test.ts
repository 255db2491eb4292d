// What golive emits for Prometheus passes Prometheus's own tool: `promtool check rules` and
// `promtool test rules` (each alert fires on its case and stays quiet on a healthy one) on the
// emitted rules and unit tests, and `promtool check metrics` on the OpenMetrics textfile. Runs when
// promtool is installed (Debian's `prometheus`; .ci/run installs it and sets
// GOLIVE_REQUIRE_PROMTOOL=1, so CI never skips it silently). Grafana and Datadog output is checked
// for shape: every panel and monitor queries a metric the rules or the textfile define.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderOpenMetrics } from '../../src/monitor/render/openmetrics.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { toolAnswers } from '../helpers/chromium.js';
import { fixtureReport } from './fixtures.js';

const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const available = await toolAnswers(PROMTOOL);
const required = process.env.GOLIVE_REQUIRE_PROMTOOL === '1';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-promtool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function emit(kind: string, file: string, extra: string[] = []): Promise<string> {
  const r = await golive(['monitor', dir, '--emit', kind, '-o', path.join(dir, file), ...extra], { env: cleanEnv() });
  expect(r.exitCode, r.stderr).toBe(0);
  return path.join(dir, file);
}

describe('golive monitor --emit and --format openmetrics against promtool', { timeout: 120_000 }, () => {
  beforeEach((ctx) => {
    if (!available && !required) ctx.skip(`${PROMTOOL} is not installed (Debian's prometheus; .ci/run installs it and sets GOLIVE_REQUIRE_PROMTOOL=1)`);
  });

  it('is installed when CI requires it', () => {
    expect(available).toBe(true);
  });

  it('the emitted rules pass promtool check rules and their unit tests pass promtool test rules', async () => {
    const rules = await emit('prometheus-rules', 'golive-first-week.rules.yml');
    const tests = await emit('prometheus-tests', 'golive-first-week.tests.yml');
    const check = await execa(PROMTOOL, ['check', 'rules', rules], { reject: false });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 18 rules found/);
    const test = await execa(PROMTOOL, ['test', 'rules', tests], { cwd: dir, reject: false });
    expect(test.exitCode, test.stdout + test.stderr).toBe(0);
  });

  it('the unit tests can fail: a rule that never fires is caught', async () => {
    const rules = await emit('prometheus-rules', 'golive-first-week.rules.yml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(rules, (await readFile(rules, 'utf8')).replace('request_id_logged="false"', 'request_id_logged="never"'));
    const tests = await emit('prometheus-tests', 'golive-first-week.tests.yml');
    const test = await execa(PROMTOOL, ['test', 'rules', tests], { cwd: dir, reject: false });
    expect(test.exitCode).not.toBe(0);
    expect(test.stdout + test.stderr).toMatch(/GoliveRequestIdMissing/);
  });

  it('the OpenMetrics textfile passes promtool check metrics, alerts and healthy alike', async () => {
    for (const incidents of [true, false]) {
      const file = path.join(dir, `golive-${incidents}.prom`);
      await writeFile(file, renderOpenMetrics(await fixtureReport({ incidents })));
      const r = await execa('sh', ['-c', `${PROMTOOL} check metrics < "${file}"`], { reject: false });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toBe('');
    }
  });
});

describe('Grafana and Datadog definitions', () => {
  it('query only metrics the rules record or golive writes', async () => {
    const grafana = JSON.parse(await import('node:fs/promises').then((fs) => emit('grafana', 'dash.json').then((f) => fs.readFile(f, 'utf8'))));
    const datadog = JSON.parse(await import('node:fs/promises').then((fs) => emit('datadog', 'dd.json').then((f) => fs.readFile(f, 'utf8'))));
    const om = renderOpenMetrics(await fixtureReport());
    const textfile = new Set([...om.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
    const recorded = new Set(['golive:webhook_attempt_ratio:1h', 'golive:webhook_answer_seconds:p95_15m', 'golive:payment_failures:increase1h', 'golive:past_due_churn_ratio:7d']);
    const exprs = (grafana.panels as Array<{ targets: Array<{ expr: string }> }>).flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    for (const e of exprs) {
      const names = [...e.matchAll(/\b(golive[:_][a-z0-9_:]+|http_request_duration_seconds_bucket|mintcash_api_errors_total)\b/g)].map((m) => m[1]!);
      expect(names.length, e).toBeGreaterThan(0);
      for (const n of names) expect(recorded.has(n) || textfile.has(n) || /^(http_request|mintcash_)/.test(n), n).toBe(true);
    }
    expect(datadog).toHaveLength(6);
    for (const m of datadog as Array<{ type: string; query: string; options: { thresholds: { critical: number } } }>) {
      expect(m.type).toBe('query alert');
      const metric = /golive\.(golive_firstweek_[a-z_]+)/.exec(m.query)?.[1];
      expect(metric && textfile.has(metric), m.query).toBe(true);
      expect(typeof m.options.thresholds.critical).toBe('number');
      // Datadog refuses a metric monitor whose query's comparison differs from options.thresholds.critical.
      expect(m.query, m.query).toMatch(/^(avg|max|min|sum)\(last_\d+[mhd]\):(avg|max|min|sum):[\w.]+\{[^}]*\} (<|>|<=|>=) -?[\d.]+$/);
      expect(Number(/(?:<|>|<=|>=) (-?[\d.]+)$/.exec(m.query)![1]), m.query).toBe(m.options.thresholds.critical);
    }
  });
});
