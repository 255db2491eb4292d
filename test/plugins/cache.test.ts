// golive's cache of compiled plugins (src/plugins/cache.ts, compile-cache.ts), through the built
// CLI: a second run uses it (esbuild is not even started), and it is never trusted across a
// change of what the plugin was compiled from, even one that keeps each file's size and time.
// What a forged or planted entry cannot do is in test/hostile/plugin-cache.test.ts.
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';

let tmp: TempDir;
let cache: string;

// The plugin's check says what its code says: the finding's message comes from ./words.mjs.
const PLUGIN = [
  "import { word } from './words.mjs';",
  "import { dep } from 'dep';",
  "export default { apiVersion: 1, namespace: 'cached', checks: [{ id: 'says', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [],",
  "  run: ({ pluginOptions }) => ({ findings: [{ messageId: 'said', message: [word, dep, String(pluginOptions.n)].join(' ') }] }) }],",
  "  schema: { type: 'object', properties: { n: { type: 'integer', maximum: 9, default: 1 } }, additionalProperties: false } };",
  '',
].join('\n');

beforeEach(async () => {
  tmp = await tempDir('golive-cache-');
  cache = path.join(tmp.dir, 'cache');
  await tmp.write({
    'shop/README.md': '# shop\n',
    'shop/golive.config.json': JSON.stringify({ plugins: [{ use: '../plugin/index.mjs', options: { n: 3 } }] }),
    'plugin/package.json': JSON.stringify({ name: 'p', type: 'module', dependencies: { dep: '1' } }),
    'plugin/index.mjs': PLUGIN,
    'plugin/words.mjs': "export const word = 'alpha';\n",
    // Installed above the plugin's folder, as a workspace's hoisted dependency is.
    'node_modules/dep/package.json': JSON.stringify({ name: 'dep', main: 'one.js' }),
    'node_modules/dep/one.js': "exports.dep = 'one';\n",
    'node_modules/dep/two.js': "exports.dep = 'two';\n",
  });
});
afterEach(() => tmp.cleanup());

async function said(env: Record<string, string> = {}) {
  const r = await golive(['check', path.join(tmp.dir, 'shop'), '--offline', '--format', 'json', '--only', 'cached'], { env: cleanEnv({ GOLIVE_CACHE_DIR: cache, ...env }) });
  if (r.exitCode === 2) return { error: r.stderr };
  const report = JSON.parse(r.stdout) as { checks: { id: string; findings: { message: string }[] }[] };
  return { message: report.checks.find((c) => c.id === 'cached/says')!.findings[0]!.message };
}

/** esbuild cannot start (its binary is a script that exits): a run that still loads the plugin used the cache. */
const noEsbuild = async () => {
  const fake = path.join(tmp.dir, 'not-esbuild');
  await writeFile(fake, '#!/bin/sh\nexit 3\n', { mode: 0o755 });
  return { ESBUILD_BINARY_PATH: fake };
};

/** Rewrites a file with content of the same size, and puts its times back. */
async function sameSizeSameTime(rel: string, from: string, to: string) {
  expect(to.length).toBe(from.length);
  const file = path.join(tmp.dir, rel);
  const st = await stat(file);
  await writeFile(file, (await readFile(file, 'utf8')).replace(from, to));
  await utimes(file, st.atime, st.mtime);
}

describe('the compile cache', () => {
  it('a second run uses it: without esbuild, the plugin still runs', async () => {
    const env = await noEsbuild();
    expect(await said(env)).toMatchObject({ error: expect.stringMatching(/plugin \.\.\/plugin\/index\.mjs .*cannot be loaded/) });
    expect(await said()).toEqual({ message: 'alpha one 3' });
    expect(await said(env)).toEqual({ message: 'alpha one 3' });
    const kinds = await readdir(cache);
    expect(kinds.sort()).toEqual(['descriptions', 'key', 'options', 'plugins']);
  });

  it('is not used after a plugin file changes, even with the same size and time', async () => {
    expect(await said()).toEqual({ message: 'alpha one 3' });
    await sameSizeSameTime('plugin/words.mjs', 'alpha', 'gamma');
    expect(await said()).toEqual({ message: 'gamma one 3' });
    await sameSizeSameTime('plugin/index.mjs', ".join(' ')", ".join('+')");
    expect(await said()).toEqual({ message: 'gamma+one+3' });
  });

  it('is not used after a dependency changes: its file, its package.json, a nearer copy', async () => {
    expect(await said()).toEqual({ message: 'alpha one 3' });
    await sameSizeSameTime('node_modules/dep/one.js', "'one'", "'uno'");
    expect(await said()).toEqual({ message: 'alpha uno 3' });
    await sameSizeSameTime('node_modules/dep/package.json', 'one.js', 'two.js');
    expect(await said()).toEqual({ message: 'alpha two 3' });
    await tmp.write({ 'plugin/node_modules/dep/package.json': JSON.stringify({ name: 'dep' }), 'plugin/node_modules/dep/index.js': "exports.dep = 'near';\n" });
    expect(await said()).toEqual({ message: 'alpha near 3' });
  });

  it('checks options again when they change', async () => {
    expect(await said()).toEqual({ message: 'alpha one 3' });
    await tmp.write({ 'shop/golive.config.json': JSON.stringify({ plugins: [{ use: '../plugin/index.mjs', options: { n: 12 } }] }) });
    expect(await said()).toMatchObject({ error: expect.stringContaining('options.n must be <= 9') });
    await tmp.write({ 'shop/golive.config.json': JSON.stringify({ plugins: ['../plugin/index.mjs'] }) });
    expect(await said()).toEqual({ message: 'alpha one 1' });
  });

  it('GOLIVE_CACHE=off keeps nothing; without GOLIVE_CACHE_DIR it is under XDG_CACHE_HOME/golive', async () => {
    expect(await said({ GOLIVE_CACHE: 'off' })).toEqual({ message: 'alpha one 3' });
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
    const xdg = path.join(tmp.dir, 'xdg');
    const env = { ...cleanEnv({ XDG_CACHE_HOME: xdg }) };
    delete env.GOLIVE_CACHE_DIR;
    const r = await golive(['check', path.join(tmp.dir, 'shop'), '--offline', '--format', 'json', '--only', 'cached'], { env });
    expect(r.exitCode, r.stderr).toBe(1);
    expect((await readdir(path.join(xdg, 'golive', 'plugins'))).length).toBe(1);
  });
});
