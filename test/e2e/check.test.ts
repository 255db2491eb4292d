// End to end: the built CLI over real git repositories in temp dirs.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';
import { cleanEnv, golive } from './cli.js';

let repo: TempRepo;
let dir: string;

async function commitFile(file: string, content: string, message = `add ${file}`) {
  await repo.write({ [file]: content });
  await repo.commit(message);
}

beforeEach(async () => {
  repo = await tempRepo('golive-e2e-');
  dir = repo.dir;
  await commitFile('README.md', '# shop\n');
});
afterEach(async () => {
  await repo.cleanup();
});

describe('golive check (end to end)', () => {
  it('passes a clean repository with exit 0', async () => {
    await commitFile('src/app.js', 'export const pay = () => fetch(process.env.API_URL);\n');
    const r = await golive(['check', dir, '--offline', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, summary: { gate: 'pass' } });
    expect(report.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    for (const c of report.checks) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'section', 'title', 'status', 'severity', 'summary', 'durationMs', 'findings']));
    }
  });

  it('fails on a committed live secret, names file and line, and --history finds it after removal', async () => {
    const key = fakeKey('sk', 'live');
    await commitFile('config/settings.js', `// settings\nexport const mintcash = {\n  secret: "${key}",\n};\n`);
    const r = await golive(['check', dir, '--offline', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    const leak = report.checks.find((c: { id: string }) => c.id === 'credentials.no-secrets-in-source');
    expect(leak.status).toBe('fail');
    expect(leak.findings[0]).toMatchObject({ file: 'config/settings.js', line: 3, severity: 'error' });
    expect(r.stdout + r.stderr).not.toContain(key);
    expect(r.stdout).toContain(key.slice(-4));

    await commitFile('config/settings.js', 'export const mintcash = { secret: process.env.MINTCASH_SECRET_KEY };\n', 'move secret to env');
    const clean = await golive(['check', dir, '--offline', '--format', 'json']);
    expect(clean.exitCode).toBe(0);
    const hist = await golive(['check', dir, '--offline', '--history', '--format', 'json']);
    expect(hist.exitCode).toBe(1);
    const h = JSON.parse(hist.stdout).checks.find((c: { id: string }) => c.id === 'credentials.no-secrets-in-source');
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0].file).toBe('config/settings.js');
    expect(h.findings[0].commit).toMatch(/^[0-9a-f]{7,40}$/);
    expect(hist.stdout).not.toContain(key);
  });

  it('exits 2 listing every config problem at once', async () => {
    await writeFile(path.join(dir, 'golive.config.json'), JSON.stringify({ environment: 'prod', webhook: { url: 'ftp://x', nope: 1 }, checks: { 'credentials.nope': 'off' } }));
    const r = await golive(['check', dir, '--offline']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('golive.config.json has 4 problems');

    for (const p of ['environment:', 'webhook.url:', 'webhook.nope: unknown key', 'checks.credentials.nope:']) expect(r.stderr).toContain(p);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('never shows a planted key unmasked in any format, file or stream', async () => {
    const sk = fakeKey('sk', 'live');
    const skTest = fakeKey('sk', 'test');
    const pk = fakeKey('pk', 'test');
    const wh = fakeWebhookSecret();
    await commitFile('src/keys.py', `SECRET = "${sk}"\nTEST = "${skTest}"\nPUB = "${pk}"\n`);
    await commitFile('.env.production', `MINTCASH_PUBLIC_KEY=${pk}\nMINTCASH_SECRET_KEY=${skTest}\n`);
    const env = cleanEnv({ MINTCASH_PUBLIC_KEY: pk, MINTCASH_SECRET_KEY: sk, MINTCASH_WEBHOOK_SECRET: wh, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') });
    const outDir = path.join(dir, 'out');
    const streams: string[] = [];
    for (const format of ['pretty', 'json', 'markdown', 'html', 'sarif', 'junit', 'codequality']) {
      const r = await golive(['check', dir, '--offline', '--history', '--verbose', '--format', format, '--report-dir', outDir], { env });
      expect(r.exitCode).toBe(1);
      streams.push(r.stdout, r.stderr);
    }
    const files = await readdir(outDir);
    expect(files.sort()).toEqual(['golive-report.html', 'golive-report.json', 'golive-report.md', 'golive-report.sarif', 'golive-report.xml']);
    for (const f of files) streams.push(await readFile(path.join(outDir, f), 'utf8'));
    streams.push(await readFile(path.join(dir, 'summary.md'), 'utf8'));
    const all = streams.join('\n');
    for (const secret of [sk, skTest, pk, wh]) expect(all).not.toContain(secret);
    expect(all).toContain('::error');
  }, 120_000); // seven sequential CLI runs: a loaded 2-core machine needs more than the default

  it('emits GitHub annotations without breaking machine-readable stdout, and honours colour settings', async () => {
    await commitFile('app.js', `const k = "${fakeKey('sk', 'live')}";\n`);
    const gh = cleanEnv({ GITHUB_ACTIONS: 'true' });
    const json = await golive(['check', dir, '--offline', '--format', 'json'], { env: gh });
    expect(JSON.parse(json.stdout).summary.gate).toBe('fail');
    expect(json.stderr).toMatch(/^::error file=app\.js,line=1,col=\d+,title=/m);
    const pretty = await golive(['check', dir, '--offline'], { env: gh });
    expect(pretty.stdout).toMatch(/^::error file=app\.js/m);
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    const { NO_COLOR: _drop, ...noColorUnset } = cleanEnv();
    expect((await golive(['check', dir, '--offline'], { env: { ...noColorUnset, FORCE_COLOR: '1' } })).stdout).toMatch(ansi);
    expect((await golive(['check', dir, '--offline'], { env: cleanEnv({ NO_COLOR: '1' }) })).stdout).not.toMatch(ansi);
  });

  it('survives hostile repository content: huge, binary, looping, dangling and non-UTF-8 files', async () => {
    const { symlink } = await import('node:fs/promises');
    const key = fakeKey('sk', 'live');
    await writeFile(path.join(dir, 'huge.log'), Buffer.alloc(9 * 1024 * 1024, 'a'));
    await writeFile(path.join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0, 255, 0]));
    await writeFile(path.join(dir, 'latin1.txt'), Buffer.concat([Buffer.from('caf\xe9 \xff\xfe ', 'latin1'), Buffer.from(`${key}\n`)]));
    await symlink('loop-b', path.join(dir, 'loop-a'));
    await symlink('loop-a', path.join(dir, 'loop-b'));
    await symlink('missing-target', path.join(dir, 'dangling'));
    await repo.commit('hostile');
    const r = await golive(['check', dir, '--offline', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const leak = report.checks.find((c: { id: string }) => c.id === 'credentials.no-secrets-in-source');
    expect(leak.findings.map((f: { file: string }) => f.file)).toEqual(['latin1.txt']);
    // The huge and the binary file are read now (streamed; searched as bytes): only the links are notes.
    const noted = report.notes.map((n: { file?: string }) => n.file);
    expect(noted).toEqual(expect.arrayContaining(['loop-a', 'dangling']));
    expect(noted).not.toContain('huge.log');
    expect(leak.status).toBe('fail');
    expect(r.stdout).not.toContain(key);
  });

  it('re-renders a saved report and honours a baseline', async () => {
    await commitFile('a.js', `const k = "${fakeKey('sk', 'live')}";\n`);
    const saved = path.join(dir, 'run.json');
    const first = await golive(['check', dir, '--offline', '--format', 'json', '--output', saved]);
    expect(first.exitCode).toBe(1);
    const md = await golive(['report', saved, '--format', 'markdown']);
    expect(md.exitCode).toBe(1);
    expect(md.stdout).toContain('credentials.no-secrets-in-source');
    const withBaseline = await golive(['check', dir, '--offline', '--format', 'json', '--baseline', saved]);
    expect(withBaseline.exitCode).toBe(0);
    await commitFile('b.js', `const k = "${fakeKey('sk', 'live')}";\n`);
    const newLeak = await golive(['check', dir, '--offline', '--format', 'json', '--baseline', saved]);
    expect(newLeak.exitCode).toBe(1);
  });

  it.each([
    [['check', '/definitely/not/here'], /directory not found/],
    [['check', '.', '--format', 'yaml'], /--format must be one of/],
    [['check', '.', '--webhook-url', 'not a url'], /expected an absolute http\(s\) URL/],
    [['check', '.', '--only', 'credentails'], /unknown check or section: credentails/],
    [['check', '.', '--baseline', 'missing.json'], /missing\.json/],
    [['check', '.', '--config', 'nope.yaml'], /config file not found/],
    [['explain', 'credentials.live-key'], /Did you mean credentials.live-keys/],
    [['report', 'missing.json'], /missing\.json/],
    [['frobnicate'], /unknown command/],
  ])('bad input %j gets one clear line and exit 2', async (args, message) => {
    const r = await golive(args, { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a missing --dotenv', async () => {
    // --dotenv, not --env-file: Node (20, 22 and 24 alike) claims --env-file anywhere on its command
    // line and stops with exit 9 before golive runs when the file is missing.
    const r = await golive(['check', '.', '--offline', '--dotenv', 'missing.env'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('missing.env');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help with examples and exit codes, and the version', async () => {
    const help = await golive(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('130');
    const checkHelp = await golive(['check', '--help']);
    expect(checkHelp.stdout).toContain('--fail-on');
    expect(checkHelp.stdout).toContain('Examples:');
    const v = await golive(['--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists and explains checks', async () => {
    const list = await golive(['list', '--format', 'json']);
    const ids = JSON.parse(list.stdout).map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['credentials.live-keys', 'credentials.no-secrets-in-source', 'credentials.no-test-keys-in-prod']));
    const ex = await golive(['explain', 'credentials.no-secrets-in-source']);
    expect(ex.exitCode).toBe(0);
    expect(ex.stdout).toContain('How to fix');
  });
});
