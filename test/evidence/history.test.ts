// History scan over real git repositories with real commits in temp dirs.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectHistory, scanHistory, unquoteGitPath } from '../../src/evidence/history.js';
import { collectContext, tempDir, tempRepo, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

const history = async (root: string, ignore: string[] = []) =>
  collectHistory(await collectContext(root, { options: { history: true }, config: { ignore } }));

describe('collectHistory', () => {
  it('is disabled without --history', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    const h = await collectHistory(await collectContext(repo.dir));
    expect(h).toEqual({ enabled: false, reason: 'run with --history to scan every commit', keys: [], commitsScanned: 0, notes: [] });
  });

  it('is disabled with a reason outside a git repository', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    const h = await history(dir.dir);
    expect(h.enabled).toBe(false);
    expect(h.reason).toMatch(/not a git repository/);
  });

  it('is enabled and empty in a repository with no commits', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    const h = await history(repo.dir);
    expect(h).toMatchObject({ enabled: true, keys: [], commitsScanned: 0, notes: [] });
  });

  it('finds a key added then removed (removed: true) at the adding commit, and a key still present', async () => {
    const gone = fakeKey('sk', 'live', 'gone');
    const kept = fakeKey('pk', 'test', 'kept');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'README.md': '# shop\n' });
    await repo.commit('init', '2024-01-01T10:00:00Z');
    await repo.write({ 'src/config.ts': `export const a = 1;\nexport const b = 2;\nconst k = '${gone}';\n`, 'web/app.js': `pk('${kept}')\n` });
    const adding = await repo.commit('add keys', '2024-02-01T10:00:00Z');
    await repo.write({ 'src/config.ts': 'export const a = 1;\nexport const b = 2;\nconst k = process.env.MINTCASH_SECRET_KEY;\n' });
    await repo.commit('remove secret', '2024-03-01T10:00:00Z');
    // The same secret re-added later in the same file must still point at the first commit.
    await repo.write({ 'src/config.ts': `const k = '${gone}';\n` });
    await repo.commit('oops again', '2024-04-01T10:00:00Z');
    await repo.write({ 'src/config.ts': 'const k = process.env.MINTCASH_SECRET_KEY;\n' });
    await repo.commit('remove again', '2024-05-01T10:00:00Z');

    const h = await history(repo.dir);
    expect(h.enabled).toBe(true);
    expect(h.commitsScanned).toBe(5);
    expect(h.notes).toEqual([]);
    expect(h.keys).toEqual([
      { file: 'src/config.ts', line: 3, kind: 'sk', env: 'live', value: gone, commit: adding, date: '2024-02-01T10:00:00+00:00', removed: true },
      { file: 'web/app.js', line: 1, kind: 'pk', env: 'test', value: kept, commit: adding, date: '2024-02-01T10:00:00+00:00', removed: false },
    ]);
    expect(adding).toMatch(/^[0-9a-f]{40}$/);
  });

  it('scans other branches, reports paths relative to a subdirectory target, and applies ignore globs', async () => {
    const k1 = fakeKey('sk', 'test', 'branch');
    const k2 = fakeKey('sk', 'live', 'fixture');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'app/index.ts': 'x\n', 'outside.txt': `${fakeKey('sk', 'live', 'out')}\n` });
    await repo.commit('init');
    await repo.git('checkout', '-q', '-b', 'feature');
    await repo.write({ 'app/lib/pay.ts': `// header\nconst s = "${k1}"\n`, 'app/fixtures/keys.txt': `${k2}\n` });
    const sha = await repo.commit('feature work');
    await repo.git('checkout', '-q', 'main');

    const h = await history(path.join(repo.dir, 'app'), ['fixtures/**']);
    expect(h.keys.map((k) => [k.file, k.line, k.value, k.commit, k.removed])).toEqual([['lib/pay.ts', 2, k1, sha, true]]);
  });

  it('does not mistake an added line starting with "++ " for a file header, and counts hunk lines', async () => {
    const k = fakeKey('sk', 'live', 'plus');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'notes.txt': 'one\ntwo\nthree\nfour\n' });
    await repo.commit('init');
    await repo.write({ 'notes.txt': `one\n++ ${k}\ntwo\nthree\nfour\nfive ${k}\n` });
    const sha = await repo.commit('add');
    const h = await history(repo.dir);
    expect(h.keys.map((m) => [m.file, m.line, m.commit])).toEqual([['notes.txt', 2, sha]]);
  });

  it('handles unusual file names', async () => {
    const k = fakeKey('pk', 'live', 'odd');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'we ird/ü "q".env': `K=${k}\n` });
    await repo.commit('add');
    const h = await history(repo.dir);
    expect(h.keys.map((m) => m.file)).toEqual(['we ird/ü "q".env']);
  });
});

describe('collectHistory robustness', () => {
  it('skips binary diffs, deletions and renames without losing line numbers', async () => {
    const k = fakeKey('sk', 'test', 'bin');
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'img.png': Buffer.concat([Buffer.from([0x89, 0, 1, 2]), Buffer.from(k)]), 'old.txt': `a\n${k}\n` });
    const first = await repo.commit('binary and text');
    await repo.git('mv', 'old.txt', 'new.txt');
    await repo.write({ 'gone.txt': 'x\n' });
    await repo.commit('rename');
    await repo.git('rm', '-q', 'gone.txt');
    await repo.commit('delete');
    const h = await history(repo.dir);
    expect(h.commitsScanned).toBe(3);
    expect(h.keys.map((m) => [m.file, m.line, m.commit, m.removed])).toEqual([['old.txt', 2, first, false]]);
  });

  it('stops at the output bound and says history is incomplete', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    for (let i = 0; i < 6; i++) {
      await repo.write({ [`f${i}.txt`]: `${'filler line\n'.repeat(200)}${fakeKey('pk', 'live', String(i))}\n` });
      await repo.commit(`c${i}`);
    }
    const h = await scanHistory(await collectContext(repo.dir, { options: { history: true } }), 4096);
    expect(h.enabled).toBe(true);
    expect(h.keys.length).toBeLessThan(6);
    expect(h.incomplete).toMatch(/larger than 4096 bytes.*older commits were not scanned/);
  });
});

describe('unquoteGitPath', () => {
  it.each([
    ['b/plain.ts', 'b/plain.ts'],
    ['"b/a\\nb.ts"', 'b/a\nb.ts'],
    ['"b/\\303\\274.ts"', 'b/ü.ts'],
    ['"b/q\\"t\\\\.ts"', 'b/q"t\\.ts'],
  ])('%s', (raw, expected) => {
    expect(unquoteGitPath(raw)).toBe(expected);
  });
});
