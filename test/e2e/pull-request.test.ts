// Pull-request mode, end to end: `golive check --history <range>` with the built CLI, and the
// Action's script on a pull_request event checked out as actions/checkout does it (GitHub's merge
// ref, fetch-depth 1) from a real "origin" repository in a temp dir.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from './cli.js';
import { tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ID = 'credentials.no-secrets-in-source';
const OLD = fakeKey('sk', 'live', 'pr-e2e-old');
const ADDED = fakeKey('sk', 'live', 'pr-e2e-added');
let origin: TempRepo;
const temps: TempDir[] = [];

beforeAll(async () => {
  // origin: main had a key long ago; the pull request adds one and removes it again before review.
  origin = await tempRepo();
  await origin.write({ 'README.md': '# shop\n', 'src/old.ts': `const k = '${OLD}';\n` });
  await origin.commit('init');
  await origin.write({ 'src/old.ts': 'const k = process.env.MINTCASH_SECRET_KEY;\n' });
  await origin.commit('remove the old key');
  await origin.git('checkout', '-q', '-b', 'feature');
  await origin.write({ 'src/pay.ts': `export const key = '${ADDED}';\n` });
  await origin.commit('add payments');
  await origin.write({ 'src/pay.ts': 'export const key = process.env.MINTCASH_SECRET_KEY;\n' });
  await origin.commit('key from the environment');
  await origin.git('checkout', '-q', 'main');
  await origin.write({ 'docs/a.md': 'main moved on\n' });
  await origin.commit('docs');
  // GitHub's refs/pull/1/merge: the pull request merged into the base, what a pull_request run checks out.
  await origin.git('checkout', '-q', '--detach', 'main');
  await origin.git('merge', '-q', '--no-ff', '--no-edit', 'feature');
  await origin.git('update-ref', 'refs/pull/1/merge', 'HEAD');
  await origin.git('checkout', '-q', 'main');
}, 60_000);
afterAll(async () => {
  await origin.cleanup();
  for (const t of temps) await t.cleanup();
});

/** A checkout as actions/checkout makes it: the given ref at depth 1 (or whole), detached. */
async function checkout(ref: string, depth?: number): Promise<string> {
  const ws = await tempDir('golive-ws-');
  temps.push(ws);
  const git = (...args: string[]) => execa('git', args, { cwd: ws.dir, env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
  await git('init', '-q');
  await git('remote', 'add', 'origin', `file://${origin.dir}`);
  await git('fetch', '-q', '--no-tags', ...(depth ? [`--depth=${depth}`] : []), 'origin', `+${ref}:refs/remotes/checkout`);
  await git('checkout', '-q', '--detach', 'refs/remotes/checkout');
  return ws.dir;
}

async function runAction(ws: string, args: string, github: Record<string, string>) {
  const outFile = path.join(ws, '..', `${path.basename(ws)}-output.txt`);
  const env = cleanEnv({
    GOLIVE_ACTION_PATH: REPO,
    GOLIVE_INPUT_PATH: '.',
    GOLIVE_INPUT_FORMAT: 'json',
    GOLIVE_INPUT_ARGS: args,
    GITHUB_OUTPUT: outFile,
    GITHUB_ACTIONS: 'true',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...github,
  });
  const r = await execa('bash', [path.join(REPO, 'scripts/action-run.sh')], { cwd: ws, env, extendEnv: false, reject: false });
  const outputs = Object.fromEntries((await readFile(outFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const report = JSON.parse(await readFile(path.join(ws, 'golive-report/golive.json'), 'utf8').catch(() => 'null')) as Obj | null;
  return { r, outputs, report };
}

const keysIn = (report: Obj | null): string[] => (report?.checks.find((c: Obj) => c.id === ID)?.findings ?? []).map((f: Obj) => String(f.message));
const masked = (key: string) => `sk_live_…${key.slice(-4)}`;

describe('golive check --history <range>', () => {
  it('scans only the range; the JSON report says which; whole history still finds everything', async () => {
    const ws = await checkout('refs/pull/1/merge');
    await execa('git', ['fetch', '-q', 'origin', '+refs/heads/main:refs/remotes/origin/main'], { cwd: ws });
    const pr = await golive(['check', ws, '--offline', '--only', ID, '--history', 'origin/main..HEAD', '--format', 'json']);
    expect(pr.exitCode).toBe(1);
    const report = JSON.parse(pr.stdout) as Obj;
    expect(report.options.historyRange).toBe('origin/main..HEAD');
    expect((report.checks as Obj[]).find((c) => c.id === ID)?.summary).toMatch(/and 3 commits of git history \(origin\/main\.\.HEAD\)\./);
    expect(keysIn(report)).toEqual([expect.stringContaining(`${masked(ADDED)} was removed from the tree but is still in git history`)]);

    const all = await golive(['check', ws, '--offline', '--only', ID, '--history', '--format', 'json']);
    const whole = JSON.parse(all.stdout) as Obj;
    expect(whole.options.historyRange).toBeUndefined();
    expect(keysIn(whole).join('\n')).toContain(masked(OLD));
    expect(keysIn(whole).join('\n')).toContain(masked(ADDED));
  });

  it('a range the clone cannot resolve: one line naming what to fetch, exit 2', async () => {
    const ws = await checkout('refs/pull/1/merge', 1);
    const r = await golive(['check', ws, '--offline', '--history', 'origin/main..HEAD']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('golive: --history origin/main..HEAD: origin/main is not in this clone; fetch it first: git fetch --no-tags origin main (in GitHub Actions, actions/checkout with fetch-depth: 0 fetches every branch)\n');
  });

  it('`golive check --history <dir>` still means that directory, all of its history', async () => {
    const ws = await checkout('refs/heads/main');
    const r = await golive(['check', '--offline', '--only', ID, '--format', 'json', '--history', path.basename(ws)], { cwd: path.dirname(ws) });
    const report = JSON.parse(r.stdout) as Obj;
    // The directory was the target (reports name it from its repository root: the root itself).
    expect(report.target).toMatchObject({ dir: '.', repo: { path: '' } });
    expect(report.options).toMatchObject({ history: true });
    expect(report.options.historyRange).toBeUndefined();
    expect(keysIn(report).join('\n')).toContain(masked(OLD));
  });
});

describe('the Action on a pull request', () => {
  const pr = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature', GITHUB_REF: 'refs/pull/1/merge' };

  it('a bare --history scans the pull request\'s commits (origin/<base>..HEAD), fetching the base and the history a depth-1 checkout lacks', async () => {
    const ws = await checkout('refs/pull/1/merge', 1);
    const { r, outputs, report } = await runAction(ws, `--offline --only ${ID} --history`, pr);
    expect(outputs['exit-code']).toBe('1');
    expect(report?.options.historyRange).toBe('origin/main..HEAD');
    const check = (report?.checks as Obj[]).find((c) => c.id === ID)!;
    // Complete (fail, not error): the key added and removed inside the pull request is found.
    expect(check.status).toBe('fail');
    expect(check.summary).toMatch(/3 commits of git history \(origin\/main\.\.HEAD\)/);
    expect(keysIn(report)).toEqual([expect.stringContaining(masked(ADDED))]);
    expect(r.stdout + r.stderr).not.toContain(ADDED);
  });

  it('--history=all (or a range) in args wins; a push scans the whole history', async () => {
    const ws = await checkout('refs/pull/1/merge');
    const all = await runAction(ws, `--offline --only ${ID} --history=all`, pr);
    expect(all.report?.options.historyRange).toBeUndefined();
    expect(keysIn(all.report).join('\n')).toContain(masked(OLD));
    const push = await runAction(await checkout('refs/heads/main'), `--offline --only ${ID} --history`, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' });
    expect(push.report?.options.historyRange).toBeUndefined();
    expect((push.report?.checks as Obj[]).find((c) => c.id === ID)?.summary).toMatch(/of git history\./);
    expect(keysIn(push.report).join('\n')).toContain(masked(OLD));
  });

  it('a base branch origin does not have: a warning, then golive\'s one-line error naming what to fetch (exit code 2)', async () => {
    const ws = await checkout('refs/pull/1/merge', 1);
    const { r, outputs } = await runAction(ws, `--offline --history`, { ...pr, GITHUB_BASE_REF: 'release' });
    expect(outputs['exit-code']).toBe('2');
    expect(r.stdout).toContain('::warning title=golive::could not fetch the base branch release for --history');
    expect(r.stderr).toContain('golive: --history origin/release..HEAD: origin/release is not in this clone; fetch it first: git fetch --no-tags origin release');
  });

  it('a base name that is not a branch name is never passed to git', async () => {
    const ws = await checkout('refs/pull/1/merge');
    const { report } = await runAction(ws, `--offline --only ${ID} --history`, { ...pr, GITHUB_BASE_REF: '--upload-pack=touch /tmp/x' });
    expect(report?.options.historyRange).toBeUndefined();
  });
});

