// Repository inventory over real git repositories and plain directories in temp dirs.
import { chmod, mkdir, symlink, truncate, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectRepo, MAX_FILE_BYTES } from '../../src/evidence/repo.js';
import { collectContext, tempDir, tempRepo, type TempDir } from '../helpers/git.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

async function inventory(root: string, ignore: string[] = []) {
  return collectRepo(await collectContext(root, { config: { ignore } }));
}

const paths = (inv: { files: { path: string }[] }) => inv.files.map((f) => f.path);
const noteFor = (inv: { notes: { file?: string; message: string }[] }, file: string) => inv.notes.find((n) => n.file === file)?.message;

describe('collectRepo in a git repository', () => {
  it('lists tracked and untracked-not-ignored files, not ignored ones', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ '.gitignore': 'dist/\n*.log\n', 'src/a.ts': 'a', 'README.md': 'r' });
    await repo.commit('init');
    await repo.write({ 'src/new.ts': 'n', 'dist/out.js': 'o', 'debug.log': 'l', 'sub/.gitignore': 'secret.txt\n', 'sub/secret.txt': 's', 'sub/ok.txt': 'k' });
    const inv = await inventory(repo.dir);
    expect(inv.isGit).toBe(true);
    expect(inv.root).toBe(path.resolve(repo.dir));
    expect(paths(inv)).toEqual(['.gitignore', 'README.md', 'src/a.ts', 'src/new.ts', 'sub/.gitignore', 'sub/ok.txt']);
    expect(inv.files.find((f) => f.path === 'src/a.ts')?.size).toBe(1);
  });

  it('lists paths relative to a subdirectory target', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'app/x.ts': 'x', 'app/deep/y.ts': 'y', 'other/z.ts': 'z' });
    await repo.commit('init');
    const inv = await inventory(path.join(repo.dir, 'app'));
    expect(inv.isGit).toBe(true);
    expect(paths(inv)).toEqual(['deep/y.ts', 'x.ts']);
  });

  it('notes a tracked file deleted from the work tree', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'gone.ts': 'g', 'kept.ts': 'k' });
    await repo.commit('init');
    await rm(path.join(repo.dir, 'gone.ts'));
    const inv = await inventory(repo.dir);
    expect(paths(inv)).toEqual(['kept.ts']);
    expect(noteFor(inv, 'gone.ts')).toMatch(/missing from the work tree/);
  });

  it('handles file names with spaces, unicode and newlines', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a b/ü.ts': '1', 'odd\nname.ts': '2' });
    const inv = await inventory(repo.dir);
    expect(paths(inv)).toEqual(['a b/ü.ts', 'odd\nname.ts']);
  });
});

describe('collectRepo in a plain directory', () => {
  it('walks, honours nested .gitignore files and negations, skips .git and node_modules', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({
      '.gitignore': '*.log\nbuild/\n!keep.log\n',
      'a.ts': 'a',
      'x.log': 'x',
      'keep.log': 'k',
      'build/out.js': 'o',
      'node_modules/pkg/index.js': 'p',
      '.git/config': 'c',
      'pkg/.gitignore': 'local.json\n/only-here.txt\n',
      'pkg/local.json': 'l',
      'pkg/only-here.txt': 'o',
      'pkg/deeper/only-here.txt': 'd',
      'pkg/deeper/local.json': 'l',
      'pkg/index.ts': 'i',
      '.env.production': 'e',
    });
    const inv = await inventory(dir.dir);
    expect(inv.isGit).toBe(false);
    expect(paths(inv)).toEqual(['.env.production', '.gitignore', 'a.ts', 'keep.log', 'pkg/.gitignore', 'pkg/deeper/only-here.txt', 'pkg/index.ts']);
  });

  it('applies config ignore globs, dotfiles included, to files and whole folders', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'src/a.ts': 'a', 'vendor/lib/x.js': 'x', 'fixtures/.env': 'e', 'docs/b.md': 'b', 'src/c.min.js': 'c' });
    const inv = await inventory(dir.dir, ['vendor', '**/fixtures/**', '**/*.min.js']);
    expect(paths(inv)).toEqual(['docs/b.md', 'src/a.ts']);
  });

  it('lists files of any size: the secret scan streams them', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'big.bin': '', 'small.txt': 's' });
    await truncate(path.join(dir.dir, 'big.bin'), MAX_FILE_BYTES + 1);
    const inv = await inventory(dir.dir);
    expect(inv.files).toEqual([
      { path: 'big.bin', size: MAX_FILE_BYTES + 1 },
      { path: 'small.txt', size: 1 },
    ]);
    expect(inv.notes).toEqual([]);
  });

  it('takes sizes and types of tracked files from the index: submodules and symlinks are notes', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a.txt': 'hello', 'dir/b.txt': 'xy' });
    await symlink('a.txt', path.join(repo.dir, 'link'));
    await repo.commit('init');
    // A gitlink entry, as a submodule leaves in the index.
    await repo.git('update-index', '--add', '--cacheinfo', `160000,${await repo.git('rev-parse', 'HEAD')},vendor/sub`);
    const inv = await inventory(repo.dir);
    expect(inv.files).toEqual([
      { path: 'a.txt', size: 5 },
      { path: 'dir/b.txt', size: 2 },
    ]);
    expect(noteFor(inv, 'link')).toMatch(/symbolic link, not followed/);
    expect(noteFor(inv, 'vendor/sub')).toMatch(/submodule/);
  });

  it('a file outside a sparse checkout is a note, not a gap; sizes of big files come from the index', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    const big = 'x'.repeat(1_234_567);
    await repo.write({ 'keep/a.txt': 'hello', 'keep/big.txt': big, 'gone/b.txt': 'xy' });
    await repo.commit('init');
    await repo.git('sparse-checkout', 'set', 'keep');
    const inv = await inventory(repo.dir);
    expect(inv.files).toEqual([
      { path: 'keep/a.txt', size: 5 },
      { path: 'keep/big.txt', size: 1_234_567 },
    ]);
    expect(noteFor(inv, 'gone/b.txt')).toMatch(/outside the sparse checkout/);
  });

  it('a bare repository has no work tree to list, and says so', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'a.txt': 'a' });
    await repo.commit('init');
    const bare = await tempDir();
    cleanups.push(bare);
    await repo.git('clone', '-q', '--bare', repo.dir, path.join(bare.dir, 'r.git'));
    const inv = await inventory(path.join(bare.dir, 'r.git'));
    expect(inv.files).toEqual([]);
    expect(inv.notes.map((n) => n.message)).toEqual([expect.stringMatching(/bare repository/)]);
  });

  it('never follows symlinks: loops, dangling and good links become notes', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'real.ts': 'r' });
    await symlink('loop-b', path.join(dir.dir, 'loop-a'));
    await symlink('loop-a', path.join(dir.dir, 'loop-b'));
    await symlink('nowhere.ts', path.join(dir.dir, 'dangling.ts'));
    await symlink('real.ts', path.join(dir.dir, 'alias.ts'));
    await mkdir(path.join(dir.dir, 'd'));
    await symlink('..', path.join(dir.dir, 'd', 'up'));
    const inv = await inventory(dir.dir);
    expect(paths(inv)).toEqual(['real.ts']);
    expect(noteFor(inv, 'loop-a')).toMatch(/loop/);
    expect(noteFor(inv, 'dangling.ts')).toMatch(/dangling/);
    expect(noteFor(inv, 'alias.ts')).toMatch(/not followed/);
    expect(noteFor(inv, 'd/up')).toMatch(/not followed/);
  });

  it('symlinks listed by git are notes too', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    await repo.write({ 'real.ts': 'r' });
    await symlink('self', path.join(repo.dir, 'self'));
    await repo.commit('init');
    const inv = await inventory(repo.dir);
    expect(paths(inv)).toEqual(['real.ts']);
    // Known from the index entry's mode: never followed, never even lstat()ed.
    expect(noteFor(inv, 'self')).toMatch(/symbolic link, not followed/);
  });

  // Running as root, permission bits do not stop reads, so the case cannot happen there.
  it('lists an unreadable directory as unread (a gap, not a note)', async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip("running as root: mode 000 does not stop root's reads");
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'locked/a.ts': 'a', 'b.ts': 'b' });
    await chmod(path.join(dir.dir, 'locked'), 0o000);
    try {
      const inv = await inventory(dir.dir);
      expect(paths(inv)).toEqual(['b.ts']);
      expect(inv.unread).toEqual([{ file: 'locked', reason: expect.stringMatching(/^directory not listed: /) }]);
    } finally {
      await chmod(path.join(dir.dir, 'locked'), 0o755);
    }
  });

  it('returns an empty inventory for an empty directory', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    const inv = await inventory(dir.dir);
    expect(inv.files).toEqual([]);
    expect(inv.notes).toEqual([]);
  });
});
