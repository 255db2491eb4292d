// `golive monitor --follow`: reads what the log gains, off a terminal prints a line when a metric's
// state changes, and on Ctrl-C writes the final report and exits with its code (1: an alert).
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
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

describe('golive monitor --follow', () => {
  it('follows a growing log, reports the change, and ends on Ctrl-C with the final report', { timeout: 60_000 }, async () => {
    const log = path.join(dir, 'access.log');
    const out = path.join(dir, 'final.json');
    await writeFile(log, lines(0, 60, 200));
    const child = execa('node', [BIN, 'monitor', dir, '--follow', '--interval', '0.3', '--access-log', log, '--webhook-path', '/webhooks/mintcash', '--format', 'json', '-o', out], { env: cleanEnv(), extendEnv: false, reject: false });
    let seen = '';
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in: ${seen}`)), 30_000);
        const check = () => {
          if (re.test(seen)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', (c) => {
          seen += String(c);
          check();
        });
        check();
      });
    await waitFor(/healthy: delivery ok/);
    // Two hours of 502s, written in two pieces, the second without its final newline yet.
    const bad = lines(60, 130, 502);
    await appendFile(log, bad.slice(0, 5000));
    await appendFile(log, bad.slice(5000));
    await waitFor(/alert: delivery alert/);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.metrics[0].values).toMatchObject({ attempts: 190, attemptsOk: 60 });
    expect(report.inputs[0]).toMatchObject({ lines: 190, malformed: 0 });
    expect(report.metrics[0].alerts.map((a: { id: string }) => a.id)).toContain('delivery.persistent-failure');
  });
});
