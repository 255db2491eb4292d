// golive loads a plugin exactly as Node would (issue 26 item 10): the module type comes from the
// file's extension or the nearest package.json's "type" (syntax detection when it has none). Each
// plugin file below is also imported by the Node running this test, and golive must refuse exactly
// the files Node fails on, in one line saying why and what to rename.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';

let tmp: TempDir;
const check = "{ id: 'a', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [], run: () => ({}) }";
const esm = (ns: string) => `export default { apiVersion: 1, namespace: '${ns}', checks: [${check}] };\n`;
const cjs = (ns: string) => `module.exports = { apiVersion: 1, namespace: '${ns}', checks: [${check}] };\n`;

// [file, content]: the folder's package.json says what its "type" is.
const CASES: [string, string][] = [
  ['commonjs/esm.js', esm('c-esm-js')],
  ['commonjs/esm.mjs', esm('c-esm-mjs')],
  ['commonjs/cjs.js', cjs('c-cjs-js')],
  ['commonjs/esm.cjs', esm('c-esm-cjs')],
  ['module/cjs.js', cjs('m-cjs-js')],
  ['module/cjs.cjs', cjs('m-cjs-cjs')],
  ['module/esm.js', esm('m-esm-js')],
  ['module/cjs.mjs', cjs('m-cjs-mjs')],
  ['untyped/esm.js', esm('u-esm-js')],
  ['untyped/cjs.js', cjs('u-cjs-js')],
];

beforeAll(async () => {
  tmp = await tempDir('golive-module-type-');
  await tmp.write({
    'commonjs/package.json': JSON.stringify({ name: 'c', type: 'commonjs' }),
    'module/package.json': JSON.stringify({ name: 'm', type: 'module' }),
    'untyped/package.json': JSON.stringify({ name: 'u' }),
    'README.md': '# shop\n',
    'import.mjs': 'await import(process.argv[2]);\n',
    ...Object.fromEntries(CASES),
  });
});
afterAll(() => tmp.cleanup());

/**
 * Whether the Node running this test imports (and so evaluates) the file or package without an error. From a
 * script file: `node -e` makes Node's built-in modules globals (`module` among them), which would
 * hide the very ReferenceError this is about.
 */
async function nodeLoads(file: string): Promise<boolean> {
  // A file by its URL; a package by its name, resolved from the test folder as golive resolves it.
  const target = path.isAbsolute(file) ? pathToFileURL(file).href : file;
  const r = await execa('node', ['--no-warnings', path.join(tmp.dir, 'import.mjs'), target], { reject: false });
  return r.exitCode === 0;
}

describe('module type, as Node decides it', () => {
  it('golive refuses exactly the plugins Node cannot load, one line each with the fix', async () => {
    const expected = await Promise.all(CASES.map(async ([f]) => [f, await nodeLoads(path.join(tmp.dir, f))] as const));
    // Sanity: the table covers both outcomes.
    expect(expected.filter(([, ok]) => ok).length).toBeGreaterThan(3);
    expect(expected.filter(([, ok]) => !ok).length).toBeGreaterThan(2);
    await tmp.write({ 'golive.config.json': JSON.stringify({ plugins: CASES.map(([f]) => `./${f}`) }) });
    const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    const refused = CASES.map(([f]) => f).filter((f) => r.stderr.includes(`plugin ./${f} (`));
    expect(refused.sort()).toEqual(expected.filter(([, ok]) => !ok).map(([f]) => f).sort());
    expect(r.stderr).toMatch(/commonjs\/esm\.js uses import\/export, but Node loads it as CommonJS \(\S*commonjs\/package\.json has "type": "commonjs"\): rename it to \.mjs, or set "type": "module" in its package\.json/);
    expect(r.stderr).toMatch(/module\/cjs\.js uses require\(\)\/module\.exports, but Node loads it as an ES module \(\S*module\/package\.json has "type": "module"\), where they do not exist: rename it to \.cjs/);
    expect(r.stderr).toMatch(/commonjs\/esm\.cjs uses import\/export, but Node loads it as CommonJS \(its extension is \.cjs\)/);
    expect(r.stderr).toMatch(/module\/cjs\.mjs uses require\(\)\/module\.exports, but Node loads it as an ES module \(its extension is \.mjs\)/);
  });

  it('the plugins Node loads, golive loads and runs', async () => {
    const loads = [];
    for (const [f] of CASES) if (await nodeLoads(path.join(tmp.dir, f))) loads.push(f);
    await tmp.write({ 'golive.config.json': JSON.stringify({ plugins: loads.map((f) => `./${f}`) }) });
    const r = await golive(['check', tmp.dir, '--offline', '--format', 'json'], { env: cleanEnv() });
    expect(r.stderr).toBe('');
    const ran = (JSON.parse(r.stdout) as { checks: { id: string; status: string }[] }).checks.filter((c) => c.id.includes('/'));
    expect(ran).toHaveLength(loads.length);
    for (const c of ran) expect(c.status).toBe('pass');
  });

  it('a TypeScript file follows the same rule as .js (Node strips its types, then loads it by package.json)', async () => {
    await tmp.write({
      'commonjs/plugin.ts': `const n: number = 1;\n${esm('c-esm-ts')}`,
      'commonjs/plugin.mts': `const n: number = 1;\n${esm('c-esm-mts')}`,
      'golive.config.json': JSON.stringify({ plugins: ['./commonjs/plugin.ts', './commonjs/plugin.mts'] }),
    });
    const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/commonjs\/plugin\.ts uses import\/export, but Node loads it as CommonJS .*: rename it to \.mts/);
    expect(r.stderr).not.toMatch(/plugin\.mts/);
  });

  describe('inside node_modules: installed plugin packages and the dependencies a plugin imports', () => {
    // Each plugin below is also imported by this Node; golive must agree with it file by file.
    const PACKAGES: Record<string, string> = {
      // An installed plugin whose package says commonjs while its file is an ES module: Node fails.
      'node_modules/golive-plugin-typed/package.json': JSON.stringify({ name: 'golive-plugin-typed', type: 'commonjs', main: 'index.js' }),
      'node_modules/golive-plugin-typed/index.js': esm('typed'),
      // `module` names a file Node never loads (and would fail on); `main` is the plugin Node runs.
      'node_modules/golive-plugin-fields/package.json': JSON.stringify({ name: 'golive-plugin-fields', main: 'main.cjs', module: 'broken.js', type: 'commonjs' }),
      'node_modules/golive-plugin-fields/main.cjs': cjs('fields-main'),
      'node_modules/golive-plugin-fields/broken.js': esm('fields-module'),
      // exports: Node takes the first key whose condition it has; "module" is not one of them.
      'node_modules/golive-plugin-exports/package.json': JSON.stringify({ name: 'golive-plugin-exports', type: 'module', exports: { '.': { module: './broken.js', default: './ok.js' } } }),
      'node_modules/golive-plugin-exports/ok.js': esm('exports-default'),
      'node_modules/golive-plugin-exports/broken.js': cjs('exports-module'),
      // A local plugin importing dependencies: one whose file Node refuses, one whose `module` field
      // points at a file Node would refuse but never loads.
      'deps/package.json': JSON.stringify({ name: 'deps', type: 'module', dependencies: { 'bad-dep': '1', 'dual-dep': '1' } }),
      'deps/uses-bad.js': `import { v } from 'bad-dep';\n${esm('uses-bad')}`,
      'deps/uses-dual.js': `import { v } from 'dual-dep';\n${esm('uses-dual')}`,
      'deps/node_modules/bad-dep/package.json': JSON.stringify({ name: 'bad-dep', type: 'module', main: 'index.js' }),
      'deps/node_modules/bad-dep/index.js': 'exports.v = 1;\n',
      'deps/node_modules/dual-dep/package.json': JSON.stringify({ name: 'dual-dep', type: 'commonjs', main: 'cjs.js', module: 'esm.js' }),
      'deps/node_modules/dual-dep/cjs.js': 'exports.v = 1;\n',
      'deps/node_modules/dual-dep/esm.js': 'export const v = 1;\n',
    };
    const PLUGINS = ['golive-plugin-typed', 'golive-plugin-fields', 'golive-plugin-exports', './deps/uses-bad.js', './deps/uses-dual.js'];

    it('golive refuses exactly what Node refuses, and loads the file Node loads', async () => {
      await tmp.write(PACKAGES);
      const nodeOk = await Promise.all(PLUGINS.map((p) => nodeLoads(p.startsWith('.') ? path.join(tmp.dir, p) : p)));
      expect(nodeOk).toEqual([false, true, true, false, true]);
      await tmp.write({ 'golive.config.json': JSON.stringify({ plugins: PLUGINS }) });
      const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv() });
      expect(r.exitCode).toBe(2);
      const refused = PLUGINS.filter((p) => r.stderr.includes(`plugin ${p} (`));
      expect(refused).toEqual(PLUGINS.filter((_p, i) => !nodeOk[i]));
      expect(r.stderr).toMatch(/node_modules\/golive-plugin-typed\/index\.js uses import\/export, but Node loads it as CommonJS \(\S*golive-plugin-typed\/package\.json has "type": "commonjs"\)/);
      expect(r.stderr).toMatch(/node_modules\/bad-dep\/index\.js uses require\(\)\/module\.exports, but Node loads it as an ES module/);

      await tmp.write({ 'golive.config.json': JSON.stringify({ plugins: PLUGINS.filter((_p, i) => nodeOk[i]) }) });
      const ok = await golive(['check', tmp.dir, '--offline', '--format', 'json'], { env: cleanEnv() });
      expect(ok.stderr).toBe('');
      const ids = (JSON.parse(ok.stdout) as { checks: { id: string }[] }).checks.map((c) => c.id).filter((id) => id.includes('/'));
      // The files Node loads: main.cjs (not `module`), ok.js (not the "module" condition's file).
      expect(ids.sort()).toEqual(['exports-default/a', 'fields-main/a', 'uses-dual/a']);
    });
  });
});
