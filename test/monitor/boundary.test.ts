// golive monitor leaves through the one output boundary: a live key and a known secret planted in
// its inputs, and an input file named `##[stop-commands]…` (reached through a glob, as rotated logs
// are), never reach stdout, stderr or a report file raw, and nothing it prints runs as a GitHub
// Actions or Azure Pipelines command (judged by test/helpers/ci-parsers.ts, models of the runners'
// own parsers). Through the built CLI, in every format.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../src/monitor/types.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { azureAgent, githubRunner } from '../helpers/ci-parsers.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';
import { fixtureWeek } from './fixtures.js';

const HOSTILE = '##[stop-commands]tok.log';
const liveKey = fakeKey('sk', 'live', 'monitor-boundary');
const webhookSecret = fakeWebhookSecret('monitor-boundary');
const env = () => cleanEnv({ MINTCASH_WEBHOOK_SECRET: webhookSecret, GITHUB_ACTIONS: 'true' });

let dir: string;
let args: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-monitor-boundary-'));
  const w = fixtureWeek({ incidents: false });
  await mkdir(path.join(dir, 'logs'));
  // Malformed lines quoting the key, the secret and commands (the last an indented `::error::` line
  // of its own): shown as examples, masked and cut short.
  const hostileLines = [`${liveKey} not a log line ##[add-mask]x`, `${webhookSecret}\n  ::error::from a log line`];
  await writeFile(path.join(dir, 'logs', HOSTILE), `${[...w.access, ...hostileLines].join('\n')}\n`);
  await writeFile(path.join(dir, 'app.ndjson'), `${[...w.app, `{"msg": "${liveKey}`].join('\n')}\n`);
  args = ['monitor', dir, '--access-log', path.join(dir, 'logs', '*.log'), '--webhook-path', '/webhooks/mintcash', '--app-log', path.join(dir, 'app.ndjson')];
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function noSecretNoCommand(text: string): void {
  expect(text).not.toContain(liveKey);
  expect(text).not.toContain(webhookSecret);
  const run = githubRunner(text);
  expect(run.stopped).toBe(false);
  expect(run.commands).toEqual([]);
  expect(azureAgent(text)).toEqual([]);
}

describe('golive monitor output', { timeout: 120_000 }, () => {
  it.each(['pretty', 'markdown', 'html', 'openmetrics'])('%s on stdout: nothing raw, no command', async (format) => {
    const r = await golive([...args, '--format', format], { env: env() });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.exitCode).toBeLessThan(2);
    noSecretNoCommand(r.stdout + r.stderr);
    // The hostile name was printed (so the assertions above can fail), in neutralised form.
    if (format === 'pretty') expect(r.stdout).toContain('##\\[stop-commands]tok.log');
    if (format === 'pretty') expect(r.stdout).toContain('sk_live_…');
  });

  it('json on stdout stays exact JSON (the file name intact once parsed) and runs nothing', async () => {
    const r = await golive([...args, '--format', 'json'], { env: env() });
    noSecretNoCommand(r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as MonitorReport;
    const access = report.inputs.find((i) => i.name === 'accessLog')!;
    expect(access.files.some((f) => f.endsWith(HOSTILE))).toBe(true);
    expect(access.malformed).toBe(3);
    expect(access.examples.map((e) => e.excerpt)).toEqual([expect.stringMatching(/^sk_live_…\S{4} not a log line ##\[add-mask\]x$/), 'whsec_…' + webhookSecret.slice(-4), '  ::error::from a log line']);
  });

  it('report files in every format hold no secret; the summary on stderr runs nothing', async () => {
    const out = path.join(dir, 'out');
    await mkdir(out, { recursive: true });
    const files = { json: 'r.json', markdown: 'r.md', html: 'r.html', openmetrics: 'r.prom', pretty: 'r.txt' };
    const r = await golive([...args, ...Object.entries(files).flatMap(([f, name]) => ['--format', f, '-o', path.join(out, name)])], { env: env() });
    expect(r.exitCode, r.stderr).toBeLessThan(2);
    noSecretNoCommand(r.stdout + r.stderr);
    for (const name of Object.values(files)) {
      const text = await readFile(path.join(out, name), 'utf8');
      expect(text, name).not.toContain(liveKey);
      expect(text, name).not.toContain(webhookSecret);
    }
    const report = JSON.parse(await readFile(path.join(out, 'r.json'), 'utf8')) as MonitorReport;
    expect(report.inputs.find((i) => i.name === 'accessLog')!.examples).toHaveLength(3);
  });
});
