// The secret scan and history scan through the built CLI: what a user sees (exit code, status,
// summary) when keys hide in UTF-16, binary, huge or one-line files, when files cannot be read,
// and when history is shallow, lost or only in a merge. Scanned inline and by worker threads alike.
import { chmod, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedHistory, tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { realRepo } from '../helpers/real-repos.js';
import { fakeKey } from '../helpers/keys.js';
import { BIN, cleanEnv, golive } from './cli.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

const ID = 'credentials.no-secrets-in-source';

interface Report {
  checks: Array<{ id: string; status: string; summary: string; findings: Array<{ messageId: string; message: string; file?: string; line?: number; evidence?: Record<string, unknown> }> }>;
}

async function scan(dir: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await golive(['check', dir, '--offline', '--only', ID, '--format', 'json', ...extra], { env: cleanEnv(env) });
  const report = JSON.parse(r.stdout) as Report;
  return { ...r, check: report.checks.find((c) => c.id === ID)! };
}

const WINDOW_EDGE = 4 * 1024 * 1024 + 4 * 1024;

async function leakyRepo(): Promise<{ repo: TempRepo; keys: Record<string, string> }> {
  const keys = {
    le: fakeKey('sk', 'live', 'e2e-le'),
    be: fakeKey('sk', 'live', 'e2e-be'),
    db: fakeKey('sk', 'live', 'e2e-db'),
    big: fakeKey('sk', 'live', 'e2e-big'),
    line: fakeKey('sk', 'live', 'e2e-line'),
  };
  const repo = await tempRepo();
  cleanups.push(repo);
  const db = Buffer.alloc(64 * 1024, 0);
  Buffer.from('SQLite format 3\0').copy(db, 0);
  Buffer.from(`'${keys.db}'`).copy(db, 40_000);
  // The key straddles the first window edge of the streamed read.
  const head = `${'x'.repeat(WINDOW_EDGE - 11)} `;
  await repo.write({
    'win/settings.ini': Buffer.from(`\ufeff[mintcash]\r\nsecret=${keys.le}\r\n`, 'utf16le'),
    'win/legacy.cfg': Buffer.from(`secret=${keys.be}\n`, 'utf16le').swap16(),
    'data/app.sqlite': db,
    'logs/huge.log': `${head}${keys.big}\n${'tail\n'.repeat(1000)}`,
    'public/bundle.min.js': `${'var a=1;'.repeat(1_500_000)}window.k="${keys.line}";`,
    'README.md': 'clean\n',
  });
  await repo.commit('leaks everywhere');
  return { repo, keys };
}

describe('golive check: the secret scan reads everything', () => {
  it.each([
    ['inline', { GOLIVE_SCAN_WORKERS: '0' }],
    ['by worker threads alone', { GOLIVE_SCAN_WORKERS: '2', GOLIVE_SCAN_MAIN: '0' }],
    ['by the main thread and a worker', { GOLIVE_SCAN_WORKERS: '1' }],
  ])('finds keys in UTF-16, binary, huge and one-line files (%s)', async (_name, env) => {
    const { repo, keys } = await leakyRepo();
    const r = await scan(repo.dir, [], env);
    expect(r.exitCode).toBe(1);
    expect(r.check.status).toBe('fail');
    const found = r.check.findings.map((f) => [f.file, f.line, f.evidence?.byteOffset, f.evidence?.encoding]);
    expect(found).toEqual([
      ['data/app.sqlite', undefined, 40_001, 'binary'],
      ['logs/huge.log', 1, undefined, undefined],
      ['public/bundle.min.js', 1, undefined, undefined],
      ['win/legacy.cfg', 1, undefined, 'utf-16be'],
      ['win/settings.ini', 2, undefined, 'utf-16le'],
    ]);
    expect(r.check.findings[0]?.message).toMatch(/binary file, byte offset 40001/);
    // Masked everywhere: no full key in any output.
    for (const k of Object.values(keys)) expect(r.stdout + r.stderr).not.toContain(k);
  });

  it('a clean repository with a binary and a UTF-16 file passes', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a.sqlite': Buffer.from([0, 1, 2, 3, 0x73, 0x6b, 0x5f]), 'b.txt': Buffer.from('\ufeffno keys here, sk_live_ too short', 'utf16le') });
    await repo.commit('clean');
    const r = await scan(repo.dir);
    expect(r.check.status).toBe('pass');
    expect(r.exitCode).toBe(0);
  });

  // Root reads anything (CAP_DAC_OVERRIDE), so as root golive runs with every capability dropped
  // (setpriv): still uid 0, so it reaches the checkout wherever it lives, but mode 000 stops it.
  const asUser = (args: string[]) =>
    process.getuid?.() === 0 ? ['setpriv', ['--bounding-set=-all', '--inh-caps=-all', 'node', BIN, ...args]] as const : ['node', [BIN, ...args]] as const;

  it('an unreadable file makes the check error (not pass), naming the file and the fix; with a key too it fails', async (ctx) => {
    if (process.getuid?.() === 0 && !existsSync('/usr/bin/setpriv')) return ctx.skip('running as root without setpriv (util-linux): nothing can make a file unreadable to golive');
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'ok.txt': 'fine\n', 'secret.env': 'x\n' });
    await chmod(path.join(dir.dir, 'ok.txt'), 0o644);
    await chmod(path.join(dir.dir, 'secret.env'), 0o000);
    const run = async () => {
      const [cmd, args] = asUser(['check', dir.dir, '--offline', '--only', ID, '--format', 'json']);
      const r = await execa(cmd, [...args], { env: cleanEnv(), extendEnv: false, reject: false });
      return { exitCode: r.exitCode, check: (JSON.parse(String(r.stdout)) as Report).checks[0]! };
    };
    const clean = await run();
    expect(clean.exitCode).toBe(1);
    expect(clean.check.status).toBe('error');
    expect(clean.check.summary).toMatch(/1 file could not be read: secret\.env \(permission denied\); make them readable/);

    await dir.write({ 'leak.txt': `${fakeKey('sk', 'live', 'with-gap')}\n` });
    await chmod(path.join(dir.dir, 'leak.txt'), 0o644);
    const leaky = await run();
    expect(leaky.exitCode).toBe(1);
    expect(leaky.check.status).toBe('fail');
    expect(leaky.check.findings.map((f) => f.messageId).sort()).toEqual(['live-secret-in-source', 'not-examined']);
  });
});

describe('golive check --history: all there or says it is not', () => {
  it('a shallow clone: error telling to fetch the whole history, exit 1', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a.txt': `${fakeKey('sk', 'live', 'old')}\n` });
    await repo.commit('one');
    await repo.write({ 'a.txt': 'clean\n' });
    await repo.commit('two');
    const to = await tempDir();
    cleanups.push(to);
    await repo.git('clone', '-q', '--depth', '1', `file://${repo.dir}`, path.join(to.dir, 'c'));
    const r = await scan(path.join(to.dir, 'c'), ['--history']);
    expect(r.exitCode).toBe(1);
    expect(r.check.status).toBe('error');
    expect(r.check.summary).toMatch(/shallow clone.*fetch-depth: 0/);
  });

  it('a key that only ever existed in a merge resolution fails the check', async () => {
    const key = fakeKey('sk', 'live', 'e2e-merge');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'c.txt': 'v=0\n' });
    await repo.commit('base');
    await repo.git('checkout', '-q', '-b', 'f');
    await repo.write({ 'c.txt': 'v=f\n' });
    await repo.commit('f');
    await repo.git('checkout', '-q', 'main');
    await repo.write({ 'c.txt': 'v=m\n' });
    await repo.commit('m');
    await repo.git('merge', '-q', 'f').catch(() => undefined);
    await repo.write({ 'c.txt': `v=${key}\n` });
    await repo.commit('merge');
    await repo.write({ 'c.txt': 'v=env\n' });
    await repo.commit('clean up');
    const r = await scan(repo.dir, ['--history']);
    expect(r.exitCode).toBe(1);
    expect(r.check.status).toBe('fail');
    expect(r.check.findings.map((f) => f.messageId)).toEqual(['live-secret-in-history']);
  });

  it('a history with a missing object: error with git\'s own message', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a.txt': 'one\n' });
    await repo.commit('one');
    await repo.write({ 'a.txt': 'two\n' });
    await repo.commit('two');
    const blob = (await repo.git('rev-parse', 'HEAD~1:a.txt')).trim();
    await execa('rm', [path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2))]);
    const r = await scan(repo.dir, ['--history']);
    expect(r.exitCode).toBe(1);
    expect(r.check.status).toBe('error');
    expect(r.check.summary).toMatch(/git log failed on 2 of 2 commits \([0-9a-f]{7}, [0-9a-f]{7}\): (fatal|error): /);
  });

  it('lost objects in the middle of a long history: error naming them, and the scan goes on past them', async () => {
    const repo = await generatedHistory({ commits: 120, loose: true, prefix: 'golive-lost-' });
    cleanups.push(repo);
    // Lose one commit's tree, as a damaged disk or a pruned alternate would: git log can diff
    // neither that commit nor its child (diffed against it); everything else is there.
    const tree = (await repo.git('rev-parse', 'HEAD~40^{tree}')).trim();
    await rm(path.join(repo.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const r = await scan(repo.dir, ['--history']);
    expect(r.check.status).toBe('error');
    const m = /git log failed on (\d+) of 120 commits \([0-9a-f, ]+.*\): (fatal|error): .*; (\d+) of 120 were scanned/.exec(r.check.summary);
    expect(m).not.toBeNull();
    expect({ unreadable: Number(m![1]), scanned: Number(m![3]) }).toEqual({ unreadable: 2, scanned: 118 });
    // Named exactly: the commit whose tree is lost and its child, not the commit git printed last
    // before it died (git diffs the trees before printing a commit's header).
    const short = async (rev: string) => (await repo.git('rev-parse', '--short=7', rev)).trim();
    expect(r.check.summary).toContain(`(${await short('HEAD~39')}, ${await short('HEAD~40')})`);
    expect(r.exitCode).toBe(1);
  }, 120_000);

  it('a real repository with lost objects (GOLIVE_REAL_REPOS/medusa) is an error, not a pass', async (ctx) => {
    const real = realRepo('medusa');
    if (!real.dir) return ctx.skip(real.missing);
    const r = await scan(real.dir, ['--history']);
    expect(r.check.status).toBe('error');
    expect(r.check.summary).toMatch(/git log failed on \d+ of \d+ commits \([0-9a-f, ]+.*\): fatal: .*; \d+ of \d+ were scanned/);
    expect(r.exitCode).toBe(1);
  }, 120_000);
});

describe('interrupts', () => {
  it('Ctrl-C during --history stops git log: no git child outlives golive', async () => {
    const repo = await generatedHistory({ commits: 10_000, linesPerFile: 100, prefix: 'golive-sigint-' });
    cleanups.push(repo);
    const child = execa('node', [BIN, 'check', repo.dir, '--offline', '--history', '--only', ID, '--format', 'json'], { env: cleanEnv(), extendEnv: false, reject: false });
    const gitPid = await waitForChild(child.pid!, 'log', 60_000);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(alive(gitPid)).toBe(false);
  }, 120_000);
});

/** The pid of a `git <sub>` child of parent, polled from /proc. */
async function waitForChild(parent: number, sub: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        if (ppid === parent && argv[0] === 'git' && argv.includes(sub)) return Number(p);
      } catch {
        // the process ended while we looked
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no git ${sub} child of ${parent} within ${timeoutMs} ms`);
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
