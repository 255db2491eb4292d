// The pre-commit hooks through pre-commit itself (https://pre-commit.com): `pre-commit install` in a
// merchant repository, then real `git commit`s. The `golive` hook is installed by pre-commit from a
// git repository holding this checkout's files (language: node: pre-commit 4.6.2+ has npm install it
// from git, which builds it through `prepare`); `golive-system` runs the project's own golive.
// .ci/run installs Debian's pre-commit (3.0.4 on Debian 12) and sets GOLIVE_REQUIRE_PRE_COMMIT;
// elsewhere this skips with the reason unless it is on PATH (or named by GOLIVE_PRE_COMMIT). With a
// pre-commit older than the `golive` hook asks for, the test checks that it refuses the hook in one
// line, and installs golive as 4.6.2 would (the same npm command) to commit through the installed bin.
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOOKS = parse(readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; minimum_pre_commit_version: string }>;
const NODE_HOOK_MIN = HOOKS.find((h) => h.id === 'golive')!.minimum_pre_commit_version;
/** a < b for dotted release numbers (pre-commit's own versions are plain x.y.z). */
const older = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((x![i] ?? 0) !== (y![i] ?? 0)) return (x![i] ?? 0) < (y![i] ?? 0);
  return false;
};
const PRE_COMMIT = process.env.GOLIVE_PRE_COMMIT || 'pre-commit';
const LIVE = fakeKey('sk', 'live', 'pre-commit-real');
const mask = (k: string) => `${k.slice(0, 8)}…${k.slice(-4)}`;
const GIT_ID = { GIT_AUTHOR_NAME: 'merchant', GIT_AUTHOR_EMAIL: 'm@example.invalid', GIT_COMMITTER_NAME: 'merchant', GIT_COMMITTER_EMAIL: 'm@example.invalid', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

let version: string | undefined;
let hookRepo: TempDir;
let rev: string;
let home: TempDir;
const repos: TempRepo[] = [];

beforeAll(async () => {
  version = await execa(PRE_COMMIT, ['--version']).then((r) => /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1], () => undefined);
  if (!version) return;
  // The hook repository pre-commit clones: this checkout's files as they are now (tracked and new,
  // nothing git ignores), committed in a temp repository.
  hookRepo = await tempDir('golive-hook-repo-');
  const { stdout } = await execa('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: REPO });
  await execa('cp', ['--parents', '-t', hookRepo.dir, ...stdout.split('\0').filter(Boolean)], { cwd: REPO });
  const git = (...a: string[]) => execa('git', a, { cwd: hookRepo.dir, env: GIT_ID });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'golive hooks');
  rev = (await git('rev-parse', 'HEAD')).stdout.trim();
  home = await tempDir('golive-pre-commit-home-');
}, 120_000);
afterAll(async () => {
  for (const r of repos) await r.cleanup();
  await hookRepo?.cleanup();
  await home?.cleanup();
});

function skipUnlessInstalled(ctx: { skip: (note: string) => void }): void {
  if (version) return;
  if (process.env.GOLIVE_REQUIRE_PRE_COMMIT) throw new Error(`GOLIVE_REQUIRE_PRE_COMMIT is set but ${PRE_COMMIT} does not run`);
  ctx.skip('pre-commit is not installed (apt-get install pre-commit or pip install pre-commit, or name it in GOLIVE_PRE_COMMIT); test/e2e/pre-commit-hook.test.ts runs the hooks\' entries without it');
}

/** The hook repository's hook by id, as a merchant's .pre-commit-config.yaml lists it. */
const remote = (hookId: string) => `repos:\n  - repo: ${hookRepo.dir}\n    rev: ${rev}\n    hooks:\n      - id: ${hookId}\n`;

/** A merchant repository with this pre-commit config and pre-commit's git hook installed. */
async function merchant(config: string, extraEnv: Record<string, string> = {}): Promise<{ repo: TempRepo; commit: (msg: string) => Promise<{ exitCode: number; out: string }> }> {
  const repo = await tempRepo('golive-merchant-');
  repos.push(repo);
  await repo.write({ '.gitignore': 'node_modules/\n', '.pre-commit-config.yaml': config, 'README.md': '# shop\n' });
  // npm_config_prefer_offline: the npm a node hook's install runs uses the cache as the test below does.
  const env = cleanEnv({ ...GIT_ID, PRE_COMMIT_HOME: home.dir, PRE_COMMIT_COLOR: 'never', npm_config_prefer_offline: 'true', ...extraEnv });
  await execa(PRE_COMMIT, ['install'], { cwd: repo.dir, env, extendEnv: false });
  await execa('git', ['add', '-A'], { cwd: repo.dir, env });
  const commit = async (msg: string) => {
    const r = await execa('git', ['commit', '-m', msg], { cwd: repo.dir, env, extendEnv: false, reject: false, all: true });
    return { exitCode: r.exitCode ?? -1, out: String(r.all) };
  };
  return { repo, commit };
}

/** Setup passes; a staged live key is refused; the staged fix passes while an unstaged key stays out. */
async function refusesTheKeyThenPassesTheFix(repo: TempRepo, commit: (msg: string) => Promise<{ exitCode: number; out: string }>): Promise<void> {
  const first = await commit('setup');
  expect(first.out, first.out).toMatch(/golive \(MintCash go-live checks\)\.+Passed/);
  const head = await repo.git('rev-parse', 'HEAD');

  await repo.write({ 'src/pay.js': `export const key = '${LIVE}';\n` });
  await repo.git('add', 'src/pay.js');
  const refused = await commit('add payments');
  expect(refused.exitCode).toBe(1);
  expect(refused.out).toMatch(/golive \(MintCash go-live checks\)\.+Failed/);
  expect(refused.out).toContain(`src/pay.js:1:21  Live secret key ${mask(LIVE)} is committed`);
  expect(refused.out).not.toContain(LIVE);
  expect(await repo.git('rev-parse', 'HEAD')).toBe(head);

  // The fix is staged; the work tree still has the key in an unstaged edit, which pre-commit sets aside.
  await repo.write({ 'src/pay.js': 'export const key = process.env.MINTCASH_SECRET_KEY;\n' });
  await repo.git('add', 'src/pay.js');
  await repo.write({ 'src/pay.js': `export const key = process.env.MINTCASH_SECRET_KEY ?? '${LIVE}';\n` });
  const passed = await commit('add payments');
  expect(passed.out).toMatch(/golive \(MintCash go-live checks\)\.+Passed/);
  expect(passed.exitCode).toBe(0);
  expect(await repo.git('show', 'HEAD:src/pay.js')).not.toContain('sk_');
  expect(await readFile(path.join(repo.dir, 'src/pay.js'), 'utf8')).toContain(LIVE); // restored, still unstaged
}

describe('pre-commit runs golive on the staged files', () => {
  it('the `golive` hook (installed by pre-commit from git) refuses a commit that stages a live key, and lets the fixed one through while an unstaged key stays out of it', async (ctx) => {
    skipUnlessInstalled(ctx);
    if (older(version!, NODE_HOOK_MIN)) ctx.skip(`pre-commit ${version} is older than ${NODE_HOOK_MIN}, which the golive hook needs: the next test installs golive as ${NODE_HOOK_MIN} does`);
    const { repo, commit } = await merchant(remote('golive')); // the first commit installs it (npm from git, then the build)
    await refusesTheKeyThenPassesTheFix(repo, commit);
  }, 900_000);

  it(`an older pre-commit refuses the \`golive\` hook, naming the version it needs; golive installed the way pre-commit ${NODE_HOOK_MIN} installs it gates real commits`, async (ctx) => {
    skipUnlessInstalled(ctx);
    if (!older(version!, NODE_HOOK_MIN)) ctx.skip(`pre-commit ${version} installs the golive hook itself (the test above)`);
    const old = await merchant(remote('golive'));
    const refused = await old.commit('setup');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.out).toContain(`The hook \`golive\` requires pre-commit version ${NODE_HOOK_MIN} but version ${version} is installed.`);
    expect(refused.out).not.toMatch(/Traceback|unexpected error/);
    await expect(old.repo.git('rev-parse', '--verify', '-q', 'HEAD')).rejects.toThrow();

    // pre-commit 4.6.2's install of a node hook (pre_commit/languages/node.py): npm's git install
    // (clone, npm install in the clone, whose prepare builds, pack, global install) into the hook
    // environment's prefix; it then runs the entry, `golive check`, from that prefix's bin.
    const prefix = await tempDir('golive-hook-env-');
    try {
      // prefer-offline: the packages are in npm's cache from this checkout's own install, and
      // revalidating each one with the registry was half of this test's time (57 -> 31 s here);
      // what npm installs, and how, is the same.
      const npmEnv = { ...cleanEnv(), NPM_CONFIG_PREFIX: prefix.dir, npm_config_prefix: prefix.dir, npm_config_prefer_offline: 'true' };
      const installed = await execa('npm', ['install', '--allow-git=root', '--install-links', '-g', `git+file://${hookRepo.dir}`], { env: npmEnv, extendEnv: false, reject: false, all: true });
      expect(installed.exitCode, String(installed.all)).toBe(0);
      const local = `repos:\n  - repo: local\n    hooks:\n      - id: golive\n        name: golive (MintCash go-live checks)\n        entry: golive check\n        language: system\n        pass_filenames: true\n        require_serial: true\n`;
      const { repo, commit } = await merchant(local, { PATH: `${path.join(prefix.dir, 'bin')}${path.delimiter}${process.env.PATH}` });
      await refusesTheKeyThenPassesTheFix(repo, commit);
    } finally {
      await prefix.cleanup();
    }
  }, 900_000);

  it('the `golive-system` hook runs the golive the project installed', async (ctx) => {
    skipUnlessInstalled(ctx);
    const { repo, commit } = await merchant(remote('golive-system'));
    await mkdir(path.join(repo.dir, 'node_modules/.bin'), { recursive: true });
    await symlink(BIN, path.join(repo.dir, 'node_modules/.bin/golive'));
    await repo.write({ 'config/prod.yaml': `mintcash:\n  secretKey: ${LIVE}\n` });
    await repo.git('add', '-A');
    const refused = await commit('prod config');
    expect(refused.exitCode).toBe(1);
    expect(refused.out).toMatch(/golive \(MintCash go-live checks, the project's own golive\)\.+Failed/);
    expect(refused.out).toContain(mask(LIVE));
    expect(refused.out).not.toContain(LIVE);
  }, 300_000);
});
