// The Action against a workspace it must not trust, through scripts/action-run.sh as action.yml
// runs it: committed symlinks where the reports would go are never written through (the reports
// go to a fresh folder), `args` is one shell argument list across lines (quotes respected, nothing
// evaluated) or one clear error, and third-party actions are pinned by commit.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from './cli.js';
import { tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let repo: TempRepo | undefined;
let outside: TempDir | undefined;
afterEach(async () => {
  await repo?.cleanup();
  await outside?.cleanup();
  repo = undefined;
  outside = undefined;
});

async function shop(extra: Record<string, string> = {}): Promise<TempRepo> {
  const r = await tempRepo('golive-action-');
  await r.write({ 'README.md': '# shop\n', 'src/config.ts': `export const key = '${fakeKey('sk', 'live', 'action-ws')}';\n`, ...extra });
  await r.commit('shop');
  return r;
}

async function runAction(dir: string, inputs: Record<string, string>) {
  const outFile = path.join(path.dirname(dir), `${path.basename(dir)}-github-output.txt`);
  await writeFile(outFile, '');
  const env = cleanEnv({
    GOLIVE_ACTION_PATH: REPO,
    GITHUB_OUTPUT: outFile,
    GITHUB_WORKSPACE: dir,
    GITHUB_ACTIONS: 'true',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`GOLIVE_INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
  });
  const r = await execa('bash', [path.join(REPO, 'scripts/action-run.sh')], { cwd: dir, env, extendEnv: false, reject: false });
  const outputs = Object.fromEntries(
    (await readFile(outFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { r, outputs };
}

const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('the Action writes only into a fresh folder it creates', () => {
  it('a committed golive-report/golive.sarif symlink to .git/config is never written through', { timeout: 120_000 }, async () => {
    repo = await shop();
    await mkdir(path.join(repo.dir, 'golive-report'));
    await symlink('../.git/config', path.join(repo.dir, 'golive-report/golive.sarif'));
    await symlink('../.git/config', path.join(repo.dir, 'golive-report/golive-junit.xml'));
    await repo.commit('a trap');
    const before = await sha(path.join(repo.dir, '.git/config'));
    const { r, outputs } = await runAction(repo.dir, { path: '.', format: 'sarif,junit', args: '--offline --only credentials' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(outputs).toMatchObject({ 'exit-code': '1', 'report-dir': 'golive-report-2', sarif: 'golive-report-2/golive.sarif' });
    expect(r.stdout).toContain('::notice title=golive::golive-report already exists');
    // .git/config untouched, git still works, the links still point where they did.
    expect(await sha(path.join(repo.dir, '.git/config'))).toBe(before);
    expect((await execa('git', ['status', '--porcelain'], { cwd: repo.dir, reject: false })).exitCode).toBe(0);
    expect(await readlink(path.join(repo.dir, 'golive-report/golive.sarif'))).toBe('../.git/config');
    expect(JSON.parse(await readFile(path.join(repo.dir, 'golive-report-2/golive.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it.each([
    ['a symlink to a folder outside the workspace', async (dir: string, out: string) => symlink(out, path.join(dir, 'golive-report'))],
    ['a dangling symlink', async (dir: string, out: string) => symlink(path.join(out, 'not-yet'), path.join(dir, 'golive-report'))],
    ['a regular file', async (dir: string) => writeFile(path.join(dir, 'golive-report'), 'x')],
  ])('golive-report as %s: a fresh folder is used, nothing lands outside', { timeout: 120_000 }, async (_name, plant) => {
    repo = await shop();
    outside = await tempDir('golive-action-outside-');
    await plant(repo.dir, outside.dir);
    const { r, outputs } = await runAction(repo.dir, { path: '.', format: 'sarif,json', args: '--offline --only credentials' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(outputs).toMatchObject({ 'exit-code': '1', 'report-dir': 'golive-report-2' });
    expect(existsSync(path.join(outside.dir, 'golive.sarif'))).toBe(false);
    expect(existsSync(path.join(outside.dir, 'not-yet'))).toBe(false);
    expect((await lstat(path.join(repo.dir, 'golive-report-2'))).isDirectory()).toBe(true);
  });
});

describe('--fresh-output (what the Action asks golive for)', () => {
  it('refuses a symlink, an existing file and a symlinked folder with one line, writing nothing', { timeout: 60_000 }, async () => {
    repo = await shop();
    outside = await tempDir('golive-fresh-');
    await writeFile(path.join(outside.dir, 'victim'), 'keep me\n');
    await mkdir(path.join(repo.dir, 'out'));
    await symlink(path.join(outside.dir, 'victim'), path.join(repo.dir, 'out/link.sarif'));
    await writeFile(path.join(repo.dir, 'out/old.sarif'), 'old\n');
    await symlink(outside.dir, path.join(repo.dir, 'linked-dir'));
    for (const [file, why] of [
      ['out/link.sarif', /it is a symbolic link \(not followed\)/],
      ['out/old.sarif', /it already exists/],
      ['linked-dir/new.sarif', /its directory .* is a symbolic link/],
      ['missing-dir/new.sarif', /its directory .* does not exist/],
    ] as const) {
      const r = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--fresh-output', '--format', 'sarif', '--output', path.join(repo.dir, file)], { env: cleanEnv() });
      expect(r.exitCode, file).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await readFile(path.join(outside.dir, 'victim'), 'utf8')).toBe('keep me\n');
    expect(await readFile(path.join(repo.dir, 'out/old.sarif'), 'utf8')).toBe('old\n');
    expect(existsSync(path.join(outside.dir, 'new.sarif'))).toBe(false);
    // A new file in a real folder is written.
    const ok = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--fresh-output', '--format', 'sarif', '--output', path.join(repo.dir, 'out/new.sarif')], { env: cleanEnv() });
    expect(ok.exitCode, ok.stderr).toBe(1);
    expect(JSON.parse(await readFile(path.join(repo.dir, 'out/new.sarif'), 'utf8')).version).toBe('2.1.0');
    // --report-dir: a new folder is made; a symlinked one is refused, nothing lands behind it.
    const dirRun = (d: string) => golive(['check', repo!.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--fresh-output', '--report-dir', d], { env: cleanEnv() });
    expect((await dirRun(path.join(repo.dir, 'reports'))).exitCode).toBe(1);
    expect(existsSync(path.join(repo.dir, 'reports/golive-report.sarif'))).toBe(true);
    const linked = await dirRun(path.join(repo.dir, 'linked-dir'));
    expect(linked.exitCode).toBe(2);
    expect(linked.stderr).toMatch(/its directory .* is a symbolic link/);
    expect(existsSync(path.join(outside.dir, 'golive-report.json'))).toBe(false);
  });
});

describe('the args input', () => {
  it('is one argument list across lines: every line counts, quotes are respected, comments ignored', { timeout: 120_000 }, async () => {
    repo = await shop();
    const args = ['--offline', '  --only "credentials.no-secrets-in-source,credentials.live-keys"   # the static ones', "--fail-on 'warning'", '--history \\', '  --verbose'].join('\n');
    const { r, outputs } = await runAction(repo.dir, { path: '.', format: 'json', args });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(outputs['exit-code']).toBe('1');
    const report = JSON.parse(await readFile(path.join(repo.dir, 'golive-report/golive.json'), 'utf8'));
    // The flags of every line reached golive (read -a kept only the first line).
    expect(report.options).toMatchObject({ offline: true, history: true, failOn: 'warning', only: ['credentials.no-secrets-in-source', 'credentials.live-keys'] });
  });

  it.each([
    ['a command substitution', '--only $(echo credentials)', /unquoted \$ at line 1, column 8/],
    ['a variable', '--offline\n--only "$CHECKS"', /\$ inside "…" at line 2, column 9/],
    ['backquotes', '--only `id`', /unquoted ` at line 1/],
    ['a glob', '--baseline reports/*.json', /unquoted \* at line 1, column 20/],
    ['an unclosed quote', "--offline\n--only 'credentials", /unclosed ' \(opened at line 2, column 8\)/],
    ['a pipe', '--offline | tee x', /unquoted \| at line 1/],
    ['a tilde', '--config ~/golive.json', /unquoted ~ at line 1, column 10/],
  ])('%s fails the step with one line and runs nothing', { timeout: 60_000 }, async (_name, args, why) => {
    repo = await shop();
    const { r, outputs } = await runAction(repo.dir, { path: '.', format: 'sarif', args });
    expect(r.exitCode).toBe(0);
    expect(outputs['exit-code']).toBe('2');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=golive::the args input cannot be used: /);
    expect(lines[0]).toMatch(why);
    expect(existsSync(path.join(repo.dir, 'golive-report'))).toBe(false);
  });
});

describe('the args parser (scripts/action-args.mjs), as a shell reads words', () => {
  const parse = async (text: string) => {
    const r = await execa('node', [path.join(REPO, 'scripts/action-args.mjs')], { env: { GOLIVE_INPUT_ARGS: text }, extendEnv: false, reject: false });
    return r.exitCode === 0 ? String(r.stdout).split('\0').slice(0, -1) : String(r.stderr);
  };
  it.each<[string, string, string[]]>([
    ['quotes and escapes', `a 'b c' "d \\"e\\" \\$f" g\\ h`, ['a', 'b c', 'd "e" $f', 'g h']],
    ['an empty quoted argument', `--x ''`, ['--x', '']],
    ['a # inside a word is not a comment', '--x=1#2', ['--x=1#2']],
    ['a comment line', '# only a comment\n--y', ['--y']],
    ['CRLF line ends', '--a\r\n--b', ['--a', '--b']],
    ['a backslash before another letter in double quotes stays', '"a\\nb"', ['a\\nb']],
    ['nothing at all', '  \n\t ', []],
    ['single quotes keep $ and *', `'$HOME/*.json'`, ['$HOME/*.json']],
  ])('%s', async (_name, text, expected) => {
    expect(await parse(text)).toEqual(expected);
  });
});

describe('pinning', () => {
  const USES = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm;
  it.each(['action.yml', 'examples/ci/github-actions.yml'])('%s pins every third-party action by full commit SHA, with its version in a comment', (file) => {
    const text = readFileSync(path.join(REPO, file), 'utf8');
    const uses = [...text.matchAll(USES)].map((m) => [m[1]!, m[2]!.trim()] as const).filter(([u]) => !u.startsWith('mintcash/golive@') && !u.startsWith('./'));
    expect(uses.length).toBeGreaterThan(0);
    for (const [u, comment] of uses) {
      expect(u, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(comment, u).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });
});

describe('each Action run gets its own report folder, and its outputs say where', () => {
  it('two services checked in one job: golive-report-services-acme and golive-report-services-shop, each with its own reports', { timeout: 180_000 }, async () => {
    repo = await shop({
      'services/acme/README.md': '# acme\n',
      'services/acme/src/pay.ts': `export const k = '${fakeKey('sk', 'live', 'action-acme')}';\n`,
      'services/shop/README.md': '# shop\n',
      'services/shop/src/pay.ts': `export const k = '${fakeKey('sk', 'live', 'action-shop')}';\n`,
    });
    const acme = await runAction(repo.dir, { path: 'services/acme', format: 'sarif,junit,json', args: '--offline --only credentials' });
    const shopRun = await runAction(repo.dir, { path: './services/shop/', format: 'sarif,junit,json', args: '--offline --only credentials' });
    expect(acme.r.exitCode, acme.r.stderr).toBe(0);
    expect(acme.outputs).toEqual({
      'exit-code': '1',
      'report-dir': 'golive-report-services-acme',
      sarif: 'golive-report-services-acme/golive.sarif',
      junit: 'golive-report-services-acme/golive-junit.xml',
      json: 'golive-report-services-acme/golive.json',
      markdown: '',
      html: '',
      codequality: '',
    });
    expect(shopRun.outputs).toMatchObject({ 'report-dir': 'golive-report-services-shop', sarif: 'golive-report-services-shop/golive.sarif' });
    // Each folder holds its own service's findings, placed from the repository root.
    const uris = (dir: string) =>
      (JSON.parse(readFileSync(path.join(repo!.dir, dir, 'golive.sarif'), 'utf8')).runs[0].results as Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>).map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris('golive-report-services-acme')).toEqual(['services/acme/src/pay.ts']);
    expect(uris('golive-report-services-shop')).toEqual(['services/shop/src/pay.ts']);
    // The same path again in the same job: its own fresh folder, never the first run's.
    const again = await runAction(repo.dir, { path: 'services/acme', format: 'sarif', args: '--offline --only credentials' });
    expect(again.outputs['report-dir']).toBe('golive-report-services-acme-2');
  });

  it('the report-dir input names the folder; anything but one plain name fails the step in one line', { timeout: 120_000 }, async () => {
    repo = await shop();
    const named = await runAction(repo.dir, { path: '.', format: 'markdown,codequality', 'report-dir': 'golive-acme', args: '--offline --only credentials' });
    expect(named.outputs).toMatchObject({ 'report-dir': 'golive-acme', markdown: 'golive-acme/golive.md', codequality: 'golive-acme/gl-code-quality.json', sarif: '' });
    expect(existsSync(path.join(repo.dir, 'golive-acme/golive.md'))).toBe(true);
    for (const bad of ['../out', 'a/b', '..', '$(touch x)']) {
      const r = await runAction(repo.dir, { path: '.', 'report-dir': bad });
      expect(r.outputs['exit-code'], bad).toBe('2');
      expect(r.r.stdout.trim(), bad).toMatch(/^::error title=golive::report-dir must be one folder name/);
    }
    expect(existsSync(path.join(repo.dir, 'x'))).toBe(false);
  });
});
