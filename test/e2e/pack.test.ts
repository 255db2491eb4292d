// The published package: `npm pack`, install the tarball into a fresh project, run the bin.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(files).toEqual(expect.arrayContaining(['bin/golive.js', 'dist/src/cli/main.js', 'dist/src/api.js', 'dist/src/api.d.ts', 'dist/src/testing/index.js', 'README.md', 'package.json']));
    expect(files.filter((f) => /^(test|bench|examples|src|checks)\//.test(f) || f.endsWith('.test.js') || f.startsWith('dist/test/'))).toEqual([]);
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
  });
});
