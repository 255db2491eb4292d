// `golive monitor --follow` through the built CLI: reads what the log gains, off a terminal prints a
// line when a metric's state changes, and on Ctrl-C writes the final report and exits with its code
// (1: an alert). The log is rotated while it runs (rename + new file, copytruncate), or comes on
// stdin, which ends the run when it closes.
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeLocal } from '../../src/simulate/proxy.js';
import { BIN, cleanEnv } from '../e2e/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-follow-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 11, 8);
const lines = (from: number, n: number, status: number) =>
  Array.from({ length: n }, (_, i) => `10.0.0.1 - - [${timeLocal(T0 + (from + i) * 60_000)}] "POST /webhooks/mintcash HTTP/1.1" ${status} 17 "-" "MintCash/1"\n`).join('');

/** Starts a following monitor writing its final JSON report to `out`; waitFor() matches its stdout. */
function follow(name: string, inputs: string[], stdin: 'pipe' | 'ignore' = 'ignore') {
  const out = path.join(dir, `${name}.json`);
  const child = execa('node', [BIN, 'monitor', dir, '--follow', '--interval', '0.3', ...inputs, '--webhook-path', '/webhooks/mintcash', '--format', 'json', '-o', out], { env: cleanEnv(), extendEnv: false, reject: false, stdin });
  let seen = '';
  child.stdout!.on('data', (c) => (seen += String(c)));
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (re.test(seen)) {
          clearInterval(timer);
          clearTimeout(fail);
          resolve();
        }
      }, 50);
      const fail = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`no ${re} in: ${seen}`));
      }, 30_000);
    });
  const report = async () => JSON.parse(await readFile(out, 'utf8')) as { metrics: Array<{ values: unknown; alerts: Array<{ id: string }> }>; inputs: Array<{ lines: number; malformed: number; files: string[] }> };
  return { child: child as ResultPromise, waitFor, report, seen: () => seen };
}

/** Waits for the alert, ends the run with Ctrl-C (exit 1) and checks every line was counted, once. */
async function stopAndCheck(f: ReturnType<typeof follow>, attempts: number, attemptsOk: number) {
  await f.waitFor(/alert: delivery alert/);
  f.child.kill('SIGINT');
  expect((await f.child).exitCode).toBe(1);
  const report = await f.report();
  expect(report.metrics[0]!.values).toMatchObject({ attempts, attemptsOk });
  expect(report.inputs[0]).toMatchObject({ lines: attempts, malformed: 0 });
  return report;
}

describe('golive monitor --follow', () => {
  it('follows a growing log, reports the change, and ends on Ctrl-C with the final report', { timeout: 60_000 }, async () => {
    const log = path.join(dir, 'access.log');
    await writeFile(log, lines(0, 60, 200));
    const f = follow('grow', ['--access-log', log]);
    await f.waitFor(/healthy: delivery ok/);
    // Two hours of 502s, written in two pieces, the second without its final newline yet.
    const bad = lines(60, 130, 502);
    await appendFile(log, bad.slice(0, 5000));
    await appendFile(log, bad.slice(5000));
    const report = await stopAndCheck(f, 190, 60);
    expect(report.metrics[0]!.alerts.map((a) => a.id)).toContain('delivery.persistent-failure');
  });

  it('rename rotation while following: the lines written to the renamed file before the reopen and the new file are all counted, once', { timeout: 60_000 }, async () => {
    const log = path.join(dir, 'renamed.log');
    await writeFile(log, lines(0, 60, 200));
    const f = follow('renamed', ['--access-log', log]);
    await f.waitFor(/healthy: delivery ok/);
    await rename(log, `${log}.1`);
    await appendFile(`${log}.1`, lines(60, 10, 200)); // nginx still writes to the old file until USR1
    await writeFile(log, lines(70, 130, 502));
    await stopAndCheck(f, 200, 70);
  });

  it('copytruncate while following: the truncated log, written again past its old size, is read from its start', { timeout: 60_000 }, async () => {
    const log = path.join(dir, 'copied.log');
    await writeFile(log, lines(0, 60, 200));
    const f = follow('copied', ['--access-log', log]);
    await f.waitFor(/healthy: delivery ok/);
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, lines(60, 130, 502));
    await stopAndCheck(f, 190, 60);
  });

  it('a glob under copytruncate: lines that only reached the copy are read from it, nothing twice', { timeout: 60_000 }, async () => {
    const sub = path.join(dir, 'glob');
    const log = path.join(sub, 'access.log');
    await rm(sub, { recursive: true, force: true });
    await mkdir(sub);
    await writeFile(`${log}.1`, lines(0, 10, 200));
    await writeFile(log, lines(10, 50, 200));
    const f = follow('glob', ['--access-log', path.join(sub, 'access.log*')]);
    await f.waitFor(/healthy: delivery ok/);
    // Ten lines, then logrotate at once (before golive's next read): .1 → .2, copy, truncate.
    await appendFile(log, lines(60, 10, 200));
    await rename(`${log}.1`, `${log}.2`);
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, lines(70, 130, 502));
    await stopAndCheck(f, 200, 70);
  });

  it('stdin (-): shows lines as they come, even fewer than the 20 the format is guessed from, and ends with the final report when stdin closes', { timeout: 60_000 }, async () => {
    const f = follow('stdin', ['--access-log', '-'], 'pipe');
    const stdin = f.child.stdin!;
    const write = (s: string) => new Promise<void>((resolve, reject) => stdin.write(s, (e) => (e ? reject(e) : resolve())));
    // Five 502s spread over 80 minutes: a persistent failure, in fewer lines than `auto` waits for.
    for (const m of [0, 20, 40, 61, 80]) await write(lines(m, 1, 502));
    await f.waitFor(/alert: delivery alert/);
    await write(lines(81, 60, 200));
    stdin.end();
    const r = await f.child;
    expect(r.exitCode).toBe(1);
    const report = await f.report();
    expect(report.metrics[0]!.values).toMatchObject({ attempts: 65, attemptsOk: 60 });
    expect(report.inputs[0]).toMatchObject({ lines: 65, malformed: 0, files: ['-'] });
    expect(report.metrics[0]!.alerts.map((a) => a.id)).toContain('delivery.persistent-failure');
  });
});
