// Tests, benches, scripts and sources must work on any machine: none may name an absolute path of
// a developer's machine (a home folder, this workplace's folders, a fetched repository's mirror).
// Real repositories come only through GOLIVE_REAL_REPOS (test/helpers/real-repos.ts); temp files
// through os.tmpdir(). The pattern is assembled here from parts so this file does not match it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GUARDED = ['test', 'bench', 'scripts', 'src', 'checks', '.ci'];

const ROOTS = ['work', 'farm', 'home', 'Users', 'root', 'mnt', 'media', 'Volumes'];
/** An absolute path under a machine-specific root, not part of a relative path or a URL. */
const DEVELOPER_PATH = new RegExp(
  [
    `(?<![\\w.~-])/(?:${ROOTS.join('|')})/`,
    `\\b[A-Za-z]:\\\\{1,2}(?:Users|Documents and Settings)\\\\`,
    `\\.${'mirror'}/`,
  ].join('|'),
);

function offenders(text: string): string[] {
  return text.split('\n').flatMap((line, i) => (DEVELOPER_PATH.test(line) ? [`${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

describe('no test, bench, script or source names a developer machine path', () => {
  it('the pattern finds such paths and leaves relative paths and URLs alone', () => {
    const abs = (root: string, rest: string) => `/${root}/${rest}`;
    for (const bad of [`cwd: '${abs('work', 'real/saleor')}'`, `"${abs('home', 'alice/src/shop')}"`, `x=${abs('Users', 'bob/repo')}`, `${abs('root', '.cache')}`, ['C:', 'Users', 'carol', 'shop'].join('\\'), `/tmp/x/.${'mirror'}/medusa`]) {
      expect(offenders(bad), bad).toHaveLength(1);
    }
    for (const good of ['src/home/index.ts', 'https://example.com/home/about', 'path.join(os.tmpdir(), "x")', './work/a.js', '~/work/notes', '/tmp/golive-x', '/proc/self/environ', 'app/Users/list.tsx']) {
      expect(offenders(good), good).toEqual([]);
    }
  });

  it('no test skips itself statically: a skip says why, at run time, with ctx.skip(reason)', async () => {
    // A static skip (skip, skipIf, runIf on it/test/describe) hides in the "N skipped" count; a
    // ctx.skip(reason) is listed with its reason after every run (test/helpers/skip-reporter.ts).
    const STATIC = new RegExp(`\\b(?:it|test|describe)\\.(?:${['skip', 'skipIf', 'runIf', 'todo'].join('|')})\\b`);
    const { stdout } = await execa('git', ['ls-files', '-z', '--', 'test', 'examples'], { cwd: ROOT });
    const found: string[] = [];
    for (const file of stdout.split('\0').filter((f) => /\.test\.[cm]?[jt]s$/.test(f))) {
      readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        if (STATIC.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it(`holds for every tracked file under ${GUARDED.join(', ')}`, async () => {
    const { stdout } = await execa('git', ['ls-files', '-z', '--', ...GUARDED], { cwd: ROOT });
    const files = stdout.split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(path.join(ROOT, file));
      if (bytes.includes(0)) continue; // binary fixtures hold no paths worth reading
      for (const o of offenders(bytes.toString('utf8'))) found.push(`${file}:${o}`);
    }
    expect(found, 'use os.tmpdir(), a path relative to the repository, or GOLIVE_REAL_REPOS').toEqual([]);
  });
});
