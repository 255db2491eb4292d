// History that is all there or says it is not, over real repositories: shallow and partial
// clones, merge resolutions, stashes, commit messages, bare repositories and a lost object.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { collectHistory } from '../../src/evidence/history.js';
import { collectContext, tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

const history = async (root: string) => collectHistory(await collectContext(root, { options: { history: true } }));

async function repoWith(commits: Array<Record<string, string>>): Promise<TempRepo> {
  const repo = await tempRepo();
  cleanups.push(repo);
  for (const [i, files] of commits.entries()) {
    await repo.write(files);
    await repo.commit(`c${i}`, `2024-01-0${i + 1}T10:00:00Z`);
  }
  return repo;
}

async function clone(repo: TempRepo, ...flags: string[]): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir);
  const to = path.join(dir.dir, 'clone');
  await repo.git('clone', '-q', ...flags, `file://${repo.dir}`, to);
  return to;
}

describe('history that is not all there says so', () => {
  it('a shallow clone is incomplete and says to fetch the whole history', async () => {
    const old = fakeKey('sk', 'live', 'shallow');
    const repo = await repoWith([{ 'a.txt': `k=${old}\n` }, { 'a.txt': 'k=env\n' }, { 'b.txt': 'b\n' }]);
    const h = await history(await clone(repo, '--depth', '1'));
    expect(h.enabled).toBe(true);
    expect(h.commitsScanned).toBe(1);
    expect(h.incomplete).toMatch(/shallow clone/);
    expect(h.incomplete).toMatch(/fetch-depth: 0/);
    expect(h.incomplete).toMatch(/git fetch --unshallow/);
    // The full clone sees the key and is complete.
    const full = await history(await clone(repo));
    expect(full.incomplete).toBeUndefined();
    expect(full.keys.map((k) => k.value)).toEqual([old]);
  });

  it('a partial clone (objects left out) is incomplete', async () => {
    const repo = await repoWith([{ 'a.txt': 'a\n' }, { 'a.txt': 'b\n' }]);
    await repo.git('config', 'uploadpack.allowFilter', 'true');
    const h = await history(await clone(repo, '--filter=blob:none', '--no-checkout'));
    expect(h.incomplete).toMatch(/partial clone \(remote "origin"/);
  });

  it('a lost object: git log fails, and git\'s own message says what is missing', async () => {
    const repo = await repoWith([{ 'a.txt': 'first version\n' }, { 'a.txt': 'second version\n' }, { 'b.txt': 'b\n' }]);
    const blob = (await repo.git('rev-parse', 'HEAD~2:a.txt')).trim();
    await rm(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const h = await history(repo.dir);
    expect(h.incomplete).toMatch(/git log failed on 2 of 3 commits \([0-9a-f]{7}, [0-9a-f]{7}\): (fatal|error): .*; 1 of 3 were scanned/);
    expect(h.incomplete).toContain(blob.slice(0, 7));
    expect(h.incomplete).toMatch(/git fsck/);
  });

  it('a complete history has no `incomplete`', async () => {
    const repo = await repoWith([{ 'a.txt': 'a\n' }, { 'b.txt': 'b\n' }]);
    const h = await history(repo.dir);
    expect(h).toMatchObject({ enabled: true, commitsScanned: 2 });
    expect(h.incomplete).toBeUndefined();
  });
});

describe('a long history is split between git processes', () => {
  it('4,100 commits: every commit counted once, each key at its oldest commit across the slices', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    const key = fakeKey('sk', 'live', 'slices');
    const other = fakeKey('sk', 'test', 'slices');
    const data = (t: string) => `data ${Buffer.byteLength(t)}\n${t}\n`;
    let stream = '';
    for (let i = 1; i <= 4100; i++) {
      // Commits 10 and 17 (in different slices) share a timestamp and both add `key` to f3.txt:
      // the older one in git's order (10) must win.
      const time = i === 17 ? 1_600_000_010 : 1_600_000_000 + i;
      stream += `commit refs/heads/main\nmark :${i}\ncommitter t <t@example.invalid> ${time} +0000\n${data(`c${i}`)}`;
      if (i > 1) stream += `from :${i - 1}\n`;
      const body = i === 10 || i === 17 ? `k=${key}\n` : i === 3000 ? `k=${other}\n` : `v=${i}\n`;
      stream += `M 100644 inline f${i % 7}.txt\n${data(body)}`;
    }
    await execa('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: stream });
    const marks = (await repo.git('rev-list', '--reverse', 'main')).split('\n');
    const ctx = await collectContext(repo.dir, { options: { history: true } });
    let commits = 0;
    Object.assign(ctx, { progress: (kind: string, n = 1) => kind === 'commits' && (commits += n) });
    const h = await collectHistory(ctx);
    expect(commits).toBe(4100);
    expect(h.commitsScanned).toBe(4100);
    expect(h.incomplete).toBeUndefined();
    expect(h.keys.map((k) => [k.file, k.value, k.commit])).toEqual([
      ['f3.txt', key, marks[9]],
      ['f4.txt', other, marks[2999]],
    ]);
  }, 60_000);
});

describe('history sees every place a key can be committed', () => {
  it('a key that only exists in a merge resolution is found at the merge commit', async () => {
    const key = fakeKey('sk', 'live', 'merge');
    const repo = await repoWith([{ 'conf.txt': 'key=none\n' }]);
    await repo.git('checkout', '-q', '-b', 'feature');
    await repo.write({ 'conf.txt': 'key=feature\n' });
    await repo.commit('feature', '2024-02-01T10:00:00Z');
    await repo.git('checkout', '-q', 'main');
    await repo.write({ 'conf.txt': 'key=main\n' });
    await repo.commit('main', '2024-02-02T10:00:00Z');
    await repo.git('merge', '-q', 'feature').catch(() => undefined); // conflicts, as intended
    await repo.write({ 'conf.txt': `key=${key}\n` });
    const merge = await repo.commit('merge feature', '2024-02-03T10:00:00Z');
    expect((await repo.git('rev-list', '--parents', '-n', '1', 'HEAD')).split(' ')).toHaveLength(3);
    await repo.write({ 'conf.txt': 'key=env\n' });
    await repo.commit('remove', '2024-02-04T10:00:00Z');
    const h = await history(repo.dir);
    expect(h.keys.map((k) => [k.file, k.line, k.value, k.commit, k.removed])).toEqual([['conf.txt', 1, key, merge, true]]);
  });

  it('a key slipped into a clean merge (no conflict, an "evil merge") is found at the merge, with its line', async () => {
    const key = fakeKey('sk', 'test', 'evil');
    const repo = await repoWith([{ 'a.txt': 'a\n', 'cfg.txt': 'one\ntwo\nthree\n' }]);
    await repo.git('checkout', '-q', '-b', 'side');
    await repo.write({ 'b.txt': 'b\n' });
    await repo.commit('side', '2024-03-01T10:00:00Z');
    await repo.git('checkout', '-q', 'main');
    await repo.git('merge', '-q', '--no-ff', '--no-commit', 'side');
    await repo.write({ 'cfg.txt': `one\ntwo\nk=${key}\nthree\n` });
    const merge = await repo.commit('merge side', '2024-03-02T10:00:00Z');
    const h = await history(repo.dir);
    expect(h.keys.map((k) => [k.file, k.line, k.commit])).toEqual([['cfg.txt', 3, merge]]);
  });

  it('keys in stashes are found: the latest, an older one in the reflog, and untracked files stashed with -u', async () => {
    const older = fakeKey('sk', 'live', 'stash-old');
    const latest = fakeKey('sk', 'test', 'stash-new');
    const untracked = fakeKey('sk', 'live', 'stash-u');
    const repo = await repoWith([{ 'app.env': 'K=\n' }]);
    await repo.write({ 'app.env': `K=${older}\n` });
    await repo.git('stash', 'push', '-q');
    await repo.write({ 'new.env': `K=${untracked}\n` });
    await repo.git('stash', 'push', '-q', '-u');
    await repo.write({ 'app.env': `K=${latest}\n` });
    await repo.git('stash', 'push', '-q');
    expect((await repo.git('stash', 'list')).split('\n')).toHaveLength(3);
    const h = await history(repo.dir);
    expect(h.keys.map((k) => [k.file, k.value]).sort()).toEqual([['app.env', older], ['app.env', latest], ['new.env', untracked]].sort());
    expect(h.incomplete).toBeUndefined();
  });

  it('a key in a commit message is found and marked as such', async () => {
    const key = fakeKey('sk', 'live', 'message');
    const repo = await repoWith([{ 'a.txt': 'a\n' }]);
    await repo.write({ 'b.txt': 'b\n' });
    await repo.git('add', '-A');
    await repo.git('commit', '-q', '-m', 'rotate keys', '-m', `+ old one was ${key}`);
    const sha = (await repo.git('rev-parse', 'HEAD')).trim();
    const h = await history(repo.dir);
    expect(h.keys).toEqual([expect.objectContaining({ file: '', inMessage: true, line: 3, value: key, commit: sha })]);
  });

  it('a bare repository is scanned: it has history even without a work tree', async () => {
    const key = fakeKey('sk', 'live', 'bare');
    const repo = await repoWith([{ 'a.txt': `${key}\n` }, { 'a.txt': 'gone\n' }]);
    const dir = await tempDir();
    cleanups.push(dir);
    const bare = path.join(dir.dir, 'r.git');
    await repo.git('clone', '-q', '--bare', repo.dir, bare);
    expect(await readdir(bare)).toContain('HEAD');
    const h = await history(bare);
    expect(h).toMatchObject({ enabled: true, commitsScanned: 2 });
    expect(h.keys.map((k) => [k.file, k.value, k.removed])).toEqual([['a.txt', key, true]]);
    expect(h.notes.map((n) => n.message)).toEqual([expect.stringMatching(/bare repository/)]);
  });
});
