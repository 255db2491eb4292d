// The published package: `npm pack`, install the tarball into a fresh project, run the bin.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { cleanEnv } from './cli.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'golive-pack-'));
  // dist/ is fresh: `npm test` builds first, so the prepack build is skipped here.
  const { stdout } = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO });
  const info = JSON.parse(stdout)[0] as { filename: string; files: { path: string }[] };
  tarball = path.join(work, path.basename(info.filename));
  files = info.files.map((f) => f.path);
  await writeFile(path.join(work, 'package.json'), JSON.stringify({ name: 'merchant', version: '1.0.0', private: true, type: 'module' }));
  await execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: work });
}, 240_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships only what it needs', () => {
    expect(files).toEqual(expect.arrayContaining(['bin/golive.js', 'dist/src/cli/main.js', 'dist/src/api.js', 'dist/src/api.d.ts', 'dist/src/testing/index.js', 'schema/golive.config.schema.json', 'README.md', 'package.json']));
    expect(files.filter((f) => /^(test|bench|examples|src|checks)\//.test(f) || f.endsWith('.test.js') || f.startsWith('dist/test/'))).toEqual([]);
  });

  it('carries the licence, the project links and what Node versions are tested', async () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    const installed = path.join(work, 'node_modules/mintcash-golive');
    expect(await readFile(path.join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const pkg = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\/.+\/issues$/);
    // The maintained lines (README "Node.js support"), each an exact release in .ci/run: the newest
    // runs the whole suite, the others the demo and the Node-sensitive end-to-end tests. Newer
    // majors may install.
    expect(pkg.engines.node).toBe('^22.12.0 || ^24.0.0 || >=26.0.0');
    const ci = await readFile(path.join(REPO, '.ci/run'), 'utf8');
    const tested = /NODE_VERSIONS=\(([^)]*)\)/.exec(ci)![1]!.trim().split(/\s+/).map((v) => v.split('.')[0]);
    expect(tested.slice().sort()).toEqual(['22', '24', '26']);
    expect(tested[0]).toBe('26');
    // The other lines' end-to-end files exist (a rename would otherwise drop them silently), the demo first.
    const others = /OTHER_LINES_E2E=\(([^)]*)\)/.exec(ci)![1]!.trim().split(/\s+/);
    expect(others[0]).toBe('test/e2e/demo.test.ts');
    for (const f of others) expect(existsSync(path.join(REPO, f)), f).toBe(true);
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    for (const line of ['22', '24', '26']) expect(readme).toMatch(new RegExp(`\\| ${line} \\|`));
  });

  it('ships a README whose links work on npm and whose first lines serve both a clone and an npm user', async () => {
    const readme = await readFile(path.join(work, 'node_modules/mintcash-golive/README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((l) => !/^https:\/\//.test(l) && !l.startsWith('#'))).toEqual([]);
    // Links into the repository point at files that exist here, so they do not rot.
    for (const l of links) {
      const m = /^https:\/\/github\.com\/mintcash\/golive\/blob\/main\/(.+)$/.exec(l);
      if (m) expect(existsSync(path.join(REPO, m[1]!.replace(/#.*$/, ''))), l).toBe(true);
    }
    const top = readme.split('\n').slice(0, 20).join('\n');
    expect(top).toContain('```sh\nnpm ci && npm run demo     # set up, then run golive on the built-in example merchants\nnpm test                   # run the test suite\n```');
    expect(top).toMatch(/npm install --save-dev mintcash-golive && npx golive check/);
  });

  it('installs and runs: --help, check, and the public API', async () => {
    const bin = path.join(work, 'node_modules/.bin/golive');
    const help = await execa(bin, ['--help'], { cwd: work, env: cleanEnv(), extendEnv: false });
    expect(help.stdout).toContain('Examples:');
    const check = await execa('npx', ['golive', 'check', '.', '--offline', '--format', 'json'], { cwd: work, env: cleanEnv(), extendEnv: false, reject: false });
    expect(check.exitCode).toBe(0);
    expect(JSON.parse(check.stdout).summary.gate).toBe('pass');
    const api = await execa('node', ['--input-type=module', '-e', "import { defineCheck, PLUGIN_API_VERSION } from 'mintcash-golive'; import { runCheck } from 'mintcash-golive/testing'; console.log(typeof defineCheck, PLUGIN_API_VERSION, typeof runCheck);"], { cwd: work });
    expect(api.stdout.trim()).toBe('function 1 function');
    expect(await readdir(path.join(work, 'node_modules/mintcash-golive'))).not.toContain('test');
  });

  it('golive init points $schema at the installed JSON Schema, which accepts the config it wrote (editor completion)', async () => {
    const init = await execa('npx', ['golive', 'init', '--yes', '--force', '--webhook-url', 'https://shop.example.com/webhooks/mintcash'], { cwd: work, env: cleanEnv(), extendEnv: false });
    expect(init.exitCode).toBe(0);
    const config = JSON.parse(await readFile(path.join(work, 'golive.config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.$schema).toBe('./node_modules/mintcash-golive/schema/golive.config.schema.json');
    const schema = JSON.parse(await readFile(path.join(work, config.$schema as string), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, enviroment: 'live' })).toBe(false);
    // Also reachable by package path, for tools that resolve it rather than read node_modules.
    const resolved = await execa('node', ['-p', "require.resolve('mintcash-golive/config.schema.json')"], { cwd: work });
    expect(resolved.stdout).toBe(path.join(work, 'node_modules/mintcash-golive/schema/golive.config.schema.json'));
    const check = await execa('npx', ['golive', 'check', '.', '--offline', '--format', 'json'], { cwd: work, env: cleanEnv(), extendEnv: false, reject: false });
    expect(JSON.parse(check.stdout).target.repo.configFile).toBe('golive.config.json');
    await rm(path.join(work, 'golive.config.json'));
  });

  it('works from CommonJS: require() of the API and the tester (a default `npm init -y` project)', async () => {
    await writeFile(path.join(work, 'plugin.cjs'), "const { defineCheck, PLUGIN_API_VERSION } = require('mintcash-golive');\nconst { runCheck } = require('mintcash-golive/testing');\nconsole.log(typeof defineCheck, PLUGIN_API_VERSION, typeof runCheck);\n");
    const r = await execa('node', ['plugin.cjs'], { cwd: work });
    expect(r.stdout.trim()).toBe('function 1 function');
  });

  it('its types compile without @types/node (the public API needs nothing beyond zod)', async () => {
    await writeFile(path.join(work, 'plugin.ts'), "import { defineCheck, definePlugin, PLUGIN_API_VERSION, type CollectContext } from 'mintcash-golive';\nimport { runCheck } from 'mintcash-golive/testing';\nexport const c = defineCheck({ id: 'x', section: 'credentials', kind: 'static', title: 't', failureTitle: 'f', why: 'w', fix: 'x', defaultSeverity: 'error', requires: ['keys'], run: ({ evidence }) => ({ summary: String(evidence.keys.items.length) }) });\nexport default definePlugin({ apiVersion: PLUGIN_API_VERSION, namespace: 'acme', checks: [c] });\nexport type Env = CollectContext['env'];\nvoid runCheck;\n");
    await writeFile(path.join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], skipLibCheck: false }, files: ['plugin.ts'] }));
    const r = await execa(path.join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: work, reject: false });
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  }, 120_000); // ~8 s of CPU: a type check of the package, which a busy shared machine stretches past 30 s
});
