// Plugins end to end: local TS and JS files, an npm package installed into a temp project, every
// failure mode reported at once with exit 2, isolation of broken checks, and list/explain/report.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(REPO, 'examples/plugins/acme-policy/index.ts');
let tmp: TempDir;
let dir: string;

const check = (id: string, body: string, extra = '') => `{
  id: '${id}', section: 'idempotency', kind: 'static', defaultSeverity: 'error',
  title: 'ok', failureTitle: 'bad', why: 'because', fix: 'do it', requires: ['repo'], ${extra}
  run: ${body},
}`;

async function write(rel: string, content: string) {
  await tmp.write({ [rel]: content });
}

async function config(plugins: string[], extra: object = {}) {
  await write('golive.config.json', JSON.stringify({ plugins, ...extra }));
}

beforeAll(async () => {
  tmp = await tempDir('golive-plugins-');
  dir = tmp.dir;
  await write('README.md', '# shop\n');
  // A plugin package, installed into the temp project by npm as a user would.
  await write('pkg/package.json', JSON.stringify({ name: 'golive-plugin-zeta', version: '1.0.0', type: 'module', exports: { '.': { import: './main.js' } } }));
  await write('pkg/main.js', `export const apiVersion = 1;\nexport const checks = [${check('has-readme', `({ evidence }) => ({ findings: evidence.repo.files.some((f) => f.path === 'README.md') ? [] : [{ messageId: 'no-readme', message: 'add a README' }] })`)}];\n`);
  await write('package.json', JSON.stringify({ name: 'shop', version: '1.0.0', private: true, type: 'module' }));
  await execa('npm', ['install', '--no-audit', '--no-fund', '--offline', './pkg'], { cwd: dir });
  await write('plugins/local.js', `export default { apiVersion: 1, namespace: 'mine', checks: [
    ${check('throws', `() => { throw new Error('plugin bug') }`)},
    ${check('hangs', `() => new Promise(() => {})`, 'timeoutMs: 100,')},
    ${check('spins', `() => { for (;;) {} }`, 'timeoutMs: 300,')},
    ${check('sees', `(ctx) => ({ findings: Object.keys(ctx.evidence).map((k) => ({ messageId: 'saw', message: k })) })`)},
    ${check('garbage', `() => 'nonsense'`)},
    ${check('fine', `({ evidence }) => ({ summary: evidence.repo.files.length + ' files' })`)},
  ] };\n`);
  await write('plugins/ts-plugin.ts', `import { helper } from './ts-helper.ts';\ninterface Out { findings: { messageId: string; message: string }[] }\nexport const apiVersion: number = 1;\nexport const namespace = 'typed';\nexport default ${check('typed', `(): Out => ({ findings: [{ messageId: 'typed', message: helper() }] })`)};\n`);
  await write('plugins/ts-helper.ts', `export const helper = (): string => 'from TypeScript';\n`);
}, 60_000);
afterAll(async () => {
  await tmp.cleanup();
});

describe('plugins', () => {
  it('loads a local JS file, a local TS file, an installed package and the example plugin', async () => {
    await config(['./plugins/local.js', './plugins/ts-plugin.ts', 'golive-plugin-zeta', EXAMPLE]);
    const r = await golive(['check', dir, '--offline', '--format', 'json', '--only', 'idempotency,credentials']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const by = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    expect(by['zeta/has-readme']).toMatchObject({ status: 'pass', source: 'golive-plugin-zeta' });
    expect(by['typed/typed']).toMatchObject({ status: 'fail', source: './plugins/ts-plugin.ts' });
    expect(by['typed/typed'].findings[0].message).toBe('from TypeScript');
    // A broken plugin check is an error for that check only; the others still run.
    expect(by['mine/throws'].status).toBe('error');
    expect(by['mine/throws'].summary).toContain('plugin bug');
    expect(by['mine/hangs'].status).toBe('error');
    expect(by['mine/garbage'].status).toBe('error');
    // A synchronous infinite loop is stopped too: plugin checks run in a worker thread.
    expect(by['mine/spins'].status).toBe('error');
    expect(by['mine/spins'].summary).toContain('timed out');
    // It sees only the evidence it declared.
    expect(by['mine/sees'].findings.map((f: { message: string }) => f.message)).toEqual(['repo']);
    expect(by['mine/fine'].status).toBe('pass');
    // npm install wrote a package-lock.json; the preset made the check a warning.
    expect(by['acme/lockfile-present']).toMatchObject({ status: 'pass', severity: 'warning' });
    expect(by['credentials.no-secrets-in-source'].status).toBe('pass');
    expect(r.exitCode).toBe(1);
  });

  it('lists and explains plugin checks with their source, and config can set their severity', async () => {
    await config([EXAMPLE], { checks: { 'acme/lockfile-present': 'off' } });
    const list = await golive(['list'], { cwd: dir });
    expect(list.stdout).toMatch(/acme\/credentials-from-vault .*\[plugin .*acme-policy\/index.ts\]/);
    const ex = await golive(['explain', 'acme/credentials-from-vault'], { cwd: dir });
    expect(ex.exitCode).toBe(0);
    expect(ex.stdout).toContain('Source:   plugin');
    const r = await golive(['check', dir, '--offline', '--format', 'json', '--only', 'acme/lockfile-present']);
    expect(JSON.parse(r.stdout).checks[0]).toMatchObject({ status: 'skip', severity: 'off' });
  });

  it('reports every broken plugin at once with its name and path, exit 2', async () => {
    await write('plugins/no-version.js', `export const checks = [${check('a', '() => ({})')}];\n`);
    await write('plugins/future.js', `export const apiVersion = 2;\nexport const checks = [];\n`);
    await write('plugins/syntax.js', `export const apiVersion = 1; export const checks = [;\n`);
    await write('plugins/explodes.js', `throw new Error('cannot start');\n`);
    await write('plugins/malformed.js', `export const apiVersion = 1;\nexport const namespace = 'bad';\nexport const checks = [{ id: 'x', section: 'nowhere', requires: ['telepathy'], run: 1 }];\n`);
    await write('plugins/clash-a.js', `export const apiVersion = 1; export const namespace = 'dup';\nexport const checks = [${check('same', '() => ({})')}];\n`);
    await write('plugins/clash-b.js', `export const apiVersion = 1; export const namespace = 'dup';\nexport const checks = [${check('same', '() => ({})')}];\n`);
    await write('plugins/squatter.js', `export const apiVersion = 1; export const namespace = 'sq';\nexport const checks = [${check('acme/credentials-from-vault', '() => ({})')}];\n`);
    await config(['./plugins/no-version.js', './plugins/future.js', './plugins/syntax.js', './plugins/explodes.js', './plugins/missing.js', 'golive-plugin-nope', './plugins/malformed.js', './plugins/clash-a.js', './plugins/clash-b.js', './plugins/squatter.js']);
    const r = await golive(['check', dir, '--offline']);
    expect(r.exitCode).toBe(2);
    const err = r.stderr;
    expect(err).toMatch(/plugin \.\/plugins\/no-version\.js \(.*no-version\.js\): does not declare the plugin API version/);
    expect(err).toMatch(/future\.js.*needs plugin API version 2, but this golive provides version 1/);
    expect(err).toMatch(/syntax\.js.*cannot be loaded/);
    expect(err).toMatch(/explodes\.js.*cannot be loaded: cannot start/);
    expect(err).toMatch(/missing\.js.*file not found/);
    expect(err).toMatch(/golive-plugin-nope.*package not installed/);
    expect(err).toMatch(/bad\/x \(plugin \.\/plugins\/malformed\.js\): unknown section "nowhere"/);
    expect(err).toMatch(/requires unknown evidence "telepathy"/);
    expect(err).toMatch(/dup\/same \(plugin \.\/plugins\/clash-b\.js\): duplicate id/);
    expect(err).toMatch(/squatter\.js.*check id "acme\/credentials-from-vault" must be in the plugin's namespace "sq\/"/);
    expect(err).not.toMatch(/\n\s+at /);
  });
});
