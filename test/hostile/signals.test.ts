// Signals on a terminal and off it: Ctrl-C is exit 130 and SIGTERM exit 143, each with one line on
// stderr, after children (git, esbuild's service) are killed and awaited. The terminal case runs in
// a real pseudo-terminal (util-linux `script`) that reports 0 columns, where the old spinner
// redrew forever at 100% CPU and ignored both signals.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { generatedHistory, tempDir, type TempDir } from '../helpers/git.js';

let hung: http.Server;
let url: string;
let requests = 0;
let tmp: TempDir;

beforeAll(async () => {
  hung = http.createServer(() => void requests++);
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/hook`;
  tmp = await tempDir('golive-hostile-signals-');
  await tmp.write({ 'README.md': '# shop\n' });
});
afterAll(async () => {
  hung.closeAllConnections();
  hung.close();
  await tmp.cleanup();
});

async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** golive in a pseudo-terminal of 0 columns; prints its pid first. */
function inPty(args: string[]): { child: ResultPromise; out: () => string; pid: () => number | undefined } {
  const cmd = `stty cols 0 rows 0; echo PID=$$; exec node ${BIN} ${args.map((a) => `'${a}'`).join(' ')}`;
  const child = execa('script', ['-qfec', cmd, '/dev/null'], { env: cleanEnv({ TERM: 'xterm' }), extendEnv: false, reject: false, stdin: 'pipe', encoding: 'utf8' });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  return { child, out: () => out, pid: () => Number(/PID=(\d+)/.exec(out)?.[1]) || undefined };
}

describe('on a terminal with 0 columns', () => {
  it('Ctrl-C is exit 130 with one line, and the spinner does not spin the CPU', async () => {
    const before = requests;
    const run = inPty(['check', tmp.dir, '--webhook-url', url, '--only', 'webhook.latency']);
    await until(() => requests > before && /Probing the webhook endpoint|Checking/.test(run.out()));
    // The spinner is drawing; its process must be mostly idle (the old one looped at 100%).
    const pid = run.pid()!;
    const cpu = async () => Number((await execa('ps', ['-o', 'times=', '-p', String(pid)])).stdout.trim());
    const t0 = await cpu();
    await new Promise((r) => setTimeout(r, 2000));
    expect((await cpu()) - t0).toBeLessThanOrEqual(1);
    run.child.stdin!.write('\x03');
    const r = await run.child;
    expect(r.exitCode).toBe(130);
    expect(run.out()).toContain('golive: interrupted');
    expect(run.out()).not.toMatch(/\n\s+at /);
  }, 40_000);

  it('SIGTERM is exit 143 with one line', async () => {
    const before = requests;
    const run = inPty(['check', tmp.dir, '--webhook-url', url, '--only', 'webhook.latency']);
    await until(() => requests > before && run.pid() !== undefined);
    process.kill(run.pid()!, 'SIGTERM');
    const r = await run.child;
    expect(r.exitCode).toBe(143);
    expect(run.out()).toContain('golive: terminated');
  }, 40_000);
});

describe('off a terminal', () => {
  it('SIGTERM is exit 143 with one line', async () => {
    const before = requests;
    const child = execa('node', [BIN, 'check', tmp.dir, '--webhook-url', url, '--only', 'webhook.latency'], { env: cleanEnv(), extendEnv: false, reject: false });
    await until(() => requests > before);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(String(r.stderr).trim()).toBe('golive: terminated');
  }, 40_000);

  // A plugin check that never ends (a CPU loop in the sandbox thread, up to the 30 s check limit)
  // must not hold golive: the signal ends the run at once, and esbuild's service process, golive's
  // one child on a plugin run (started afresh with the cache off), is stopped and awaited first.
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during a plugin check that never ends exits at once and leaves no child', async (signal) => {
    await tmp.write({
      'p.mjs': `export default { apiVersion: 1, namespace: 'slow', checks: [{ id: 'loops', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [], run: () => { for (;;) {} } }] };`,
      'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }),
    });
    const child = execa('node', [BIN, 'check', tmp.dir, '--offline', '--only', 'slow'], { env: cleanEnv({ GOLIVE_CACHE: 'off' }), extendEnv: false, reject: false });
    let kids: number[] = [];
    await until(async () => {
      const r = await execa('pgrep', ['-P', String(child.pid)], { reject: false });
      kids = r.stdout.split('\n').filter(Boolean).map(Number);
      return kids.length > 0 || child.exitCode !== null;
    });
    // The loop now runs for up to 30 s; a run that had already ended would fail the exit code below.
    await new Promise((r) => setTimeout(r, 1500));
    child.kill(signal);
    const r = await child;
    expect(kids.length).toBeGreaterThan(0);
    expect(r.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(String(r.stderr).trim()).toBe(signal === 'SIGINT' ? 'golive: interrupted' : 'golive: terminated');
    // Gone, or a zombie waiting for init to reap it (its parent, golive, has exited): either is dead.
    const ps = (await execa('ps', ['-o', 'stat=,args=', '-p', kids.join(',')], { reject: false })).stdout;
    expect(ps.split('\n').filter((l) => l.trim() && !l.trim().startsWith('Z'))).toEqual([]);
  }, 40_000);

  it('SIGTERM during --history kills and awaits git log', async () => {
    // A generated history long enough that `git log -p` is still running seconds after it starts.
    const repo = await generatedHistory({ commits: 10_000, linesPerFile: 100, prefix: 'golive-sigterm-' });
    const child = execa('node', [BIN, 'check', repo.dir, '--offline', '--history', '--only', 'credentials.no-secrets-in-source'], { env: cleanEnv(), extendEnv: false, reject: false });
    let git: number | undefined;
    await until(async () => {
      const r = await execa('pgrep', ['-P', String(child.pid), '-f', '^git .*log'], { reject: false });
      git = Number(r.stdout.split('\n')[0]) || undefined;
      return git !== undefined;
    }, 30_000);
    child.kill('SIGTERM');
    const r = await child;
    await repo.cleanup();
    expect(r.exitCode).toBe(143);
    expect(alive(git!)).toBe(false);
  }, 120_000);
});
