// Hostile plugins through the CLI: whatever a plugin does at import or in a check, golive ends with
// a plugin error (exit 2) or an `error` check (exit 1), never a silent exit 0, and never hands it a
// secret. The sandbox's own boundary (signals, files, network, memory) is test/hostile/plugin-sandbox.test.ts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

let tmp: TempDir;
const check = (id: string, body: string, extra = '') =>
  `{ id: '${id}', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 'ok', failureTitle: 'bad', why: 'w', fix: 'f', requires: ['repo'], ${extra} run: ${body} }`;
const plugin = (checks: string[], top = '') => `${top}\nexport default { apiVersion: 1, namespace: 'evil', checks: [${checks.join(',')}] };\n`;

async function run(files: Record<string, string>, args: string[] = [], env: Record<string, string> = {}) {
  await tmp.write({ 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }), ...files });
  return golive(['check', tmp.dir, '--offline', '--format', 'json', '--only', 'evil', ...args], { env: cleanEnv(env) });
}

beforeAll(async () => {
  tmp = await tempDir('golive-hostile-plugins-');
  await tmp.write({ 'README.md': '# shop\n' });
});
afterAll(() => tmp.cleanup());

describe('a hostile plugin at import', () => {
  it.each([
    ['process.exit(0) (the sandbox has no process)', 'process.exit(0);', /cannot be loaded: ReferenceError: 'process' is not defined/],
    ['an infinite loop', 'for (;;) {}', /did not finish loading within 10 s/],
    ['a top-level await that never settles', 'await new Promise(() => {});', /top-level await never settles: the sandbox has no timers and no I\/O/],
    ['a thrown error', "throw new Error('boom');", /cannot be loaded: boom/],
    ['a thrown error quoting a key and a newline', "throw new Error('bad sk_' + 'live_' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm\\n::error::x');", /cannot be loaded: bad sk_live_…o4Nm$/m],
  ])('%s is a plugin error with exit 2', async (_name, top, message) => {
    const r = await run({ 'p.mjs': plugin([check('a', '() => ({})')], top) });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/^::|Zx9Yw8/m);
  }, 40_000);
});

describe('a hostile plugin check', () => {
  it('has no process, environment, require, timers or network, and gets keys masked', async () => {
    const secret = fakeKey('sk', 'live');
    const body = `() => {
      const g = globalThis;
      const names = ['process', 'require', 'module', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval', 'queueMicrotask', 'Worker', 'WebAssembly', 'Deno', 'Bun', 'std', 'os'];
      const out = names.map((n) => n + '=' + typeof g[n]);
      out.push('ctor=' + typeof this?.constructor?.constructor('return typeof process')());
      out.push('fn=' + Function('return typeof process')());
      return { findings: out.map((message) => ({ messageId: 'saw', message })) };
    }`;
    const r = await run({ 'p.mjs': plugin([check('peek', body)]) }, [], { MINTCASH_SECRET_KEY: secret, GITHUB_TOKEN: 'ghs_' + 'x'.repeat(30) });
    const msgs = JSON.parse(r.stdout).checks[0].findings.map((f: { message: string }) => f.message);
    // console exists (it prints nothing); everything that reaches outside the sandbox does not.
    for (const n of ['process', 'require', 'module', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval', 'Worker', 'WebAssembly', 'Deno', 'Bun', 'std', 'os']) expect(msgs).toContain(`${n}=undefined`);
    expect(msgs).toEqual(expect.arrayContaining(['ctor=undefined', 'fn=undefined']));
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it.each([
    ["status: 'bogus'", "() => ({ status: 'bogus' })", 'status = "bogus"'],
    ["status: 'skip' hiding an error finding", "() => ({ status: 'skip', findings: [{ messageId: 'x', message: 'real problem' }] })", 'a skipped check cannot report findings'],
    ["severity: 'info'", "() => ({ findings: [{ messageId: 'x', message: 'm', severity: 'info' }] })", 'findings[0].severity = "info"'],
    ['line: 1.5', "() => ({ findings: [{ messageId: 'x', message: 'm', file: 'a.js', line: 1.5 }] })", 'findings[0].line = 1.5'],
    ['process.exit(0) in a check', '() => process.exit(0)', "ReferenceError: 'process' is not defined"],
  ])('%s becomes status error and fails the gate, in every format', async (_n, body, summary) => {
    await tmp.write({ 'p.mjs': plugin([check('x', body)]), 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }) });
    for (const format of summary.startsWith('status =') ? ['json', 'sarif', 'markdown', 'junit', 'html', 'pretty'] : ['json', 'pretty']) {
      const r = await golive(['check', tmp.dir, '--offline', '--format', format, '--only', 'evil'], { env: cleanEnv() });
      expect(r.exitCode, format).toBe(1);
      if (format === 'json') {
        const c = JSON.parse(r.stdout).checks[0];
        expect(c.status).toBe('error');
        expect(c.summary).toContain(summary);
      }
    }
  }, 90_000);

  it('a network-kind plugin check is skipped under --offline without being run', async () => {
    const r = await run({ 'p.mjs': plugin([check('net', "() => { throw new Error('ran') }", "kind: 'network',").replace("kind: 'static', ", '')]) });
    const c = JSON.parse(r.stdout).checks[0];
    expect(c).toMatchObject({ id: 'evil/net', status: 'skip' });
    expect(c.summary).toMatch(/--offline/);
  });

  it('-v shows the plugin stack, masked; without -v only the message', async () => {
    const secret = fakeKey('sk', 'live');
    const body = `function deep() { throw new Error('bad ' + ${JSON.stringify(secret)}) }`;
    await tmp.write({ 'p.mjs': plugin([check('thrower', '() => deep()')], body), 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }) });
    const quiet = await golive(['check', tmp.dir, '--offline', '--only', 'evil'], { env: cleanEnv() });
    const loud = await golive(['check', tmp.dir, '--offline', '--only', 'evil', '-v'], { env: cleanEnv() });
    expect(quiet.stdout).not.toMatch(/p\.mjs:\d+/);
    expect(loud.stdout).toMatch(/deep .*p\.mjs:\d+/);
    expect(quiet.stdout + loud.stdout).not.toContain(secret);
    expect(loud.stdout).toContain('sk_live_…');
  });
});

describe('a hostile options schema', () => {
  // ajv compiles the plugin's schema into code, so it runs in the sandbox, each options check in a
  // QuickJS instance of its own: a schema that hangs the validator is its plugin's problem only.
  it('a catastrophic pattern is stopped at the load limit; the next plugin\'s options are checked by a validator of its own', async () => {
    const meta = (ns: string, schema: object) => `export default { apiVersion: 1, namespace: '${ns}', schema: ${JSON.stringify(schema)}, checks: [${check('a', '() => ({})')}] };\n`;
    await tmp.write({
      'slow.mjs': meta('slow', { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } }),
      'strict.mjs': meta('strict', { type: 'object', properties: { level: { enum: ['strict'] } }, additionalProperties: false }),
      'golive.config.json': JSON.stringify({ plugins: [{ use: './slow.mjs', options: { name: `${'a'.repeat(40)}!` } }, { use: './strict.mjs', options: { level: 'lax' } }] }),
    });
    const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv({ GOLIVE_CACHE: 'off' }) });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/plugin \.\/slow\.mjs .*: its options could not be checked: timed out after 10000 ms \(stopped\)/);
    expect(r.stderr).toMatch(/plugin \.\/strict\.mjs .*: options\.level must be equal to one of the allowed values/);
  }, 40_000);
});

describe('a check is a pure function', () => {
  it('every check runs in a fresh sandbox: what one check leaves behind, the next does not see', async () => {
    const top = 'let calls = 0;';
    const leaves = "() => { calls++; globalThis.left = 'by a'; return { summary: 'calls ' + calls } }";
    const looks = "() => { calls++; return { summary: 'calls ' + calls + ', left ' + String(globalThis.left) } }";
    await tmp.write({
      'p.mjs': plugin([check('a', leaves), check('b', looks), check('c', looks)], top),
      'q.mjs': `${top}\nexport default { apiVersion: 1, namespace: 'other', checks: [${check('d', looks)}] };`,
      'golive.config.json': JSON.stringify({ plugins: ['./p.mjs', './q.mjs'] }),
    });
    const r = await golive(['check', tmp.dir, '--offline', '--format', 'json', '--only', 'evil,other'], { env: cleanEnv() });
    const out = Object.fromEntries(JSON.parse(r.stdout).checks.map((c: { id: string; summary: string }) => [c.id, c.summary]));
    expect(out).toEqual({ 'evil/a': 'calls 1', 'evil/b': 'calls 1, left undefined', 'evil/c': 'calls 1, left undefined', 'other/d': 'calls 1, left undefined' });
  });
});

describe('plugin namespaces', () => {
  it('refuses a local plugin without a namespace and a reserved one, naming field and value', async () => {
    await tmp.write({ 'a.mjs': `export const apiVersion = 1; export const checks = [${check('a', '() => ({})')}];`, 'b.mjs': `export default { apiVersion: 1, namespace: 'credentials', checks: [${check('b', '() => ({})')}] };`, 'golive.config.json': JSON.stringify({ plugins: ['./a.mjs', './b.mjs'] }) });
    const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/a\.mjs.*must declare its namespace/);
    expect(r.stderr).toMatch(/b\.mjs.*namespace = "credentials" is reserved/);
  });

  it('--only <namespace> selects every check of that plugin', async () => {
    await run({ 'p.mjs': plugin([check('one', '() => ({})'), check('two', '() => ({})')]) });
    const r = await golive(['check', tmp.dir, '--offline', '--format', 'json', '--only', 'evil'], { env: cleanEnv() });
    expect(JSON.parse(r.stdout).checks.map((c: { id: string }) => c.id)).toEqual(['evil/one', 'evil/two']);
  });
});

describe('plugins in a CommonJS project (npm init -y)', () => {
  it('loads a .mts plugin importing mintcash-golive and a .cjs plugin requiring it; refuses ESM in a .ts file, as Node would', async () => {
    const cj = await tempDir('golive-cjs-');
    try {
      const meta = "section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: ['repo']";
      await cj.write({
        'package.json': JSON.stringify({ name: 'shop', version: '1.0.0', type: 'commonjs' }),
        'golive/ts-plugin.mts': `import { defineCheck, definePlugin, PLUGIN_API_VERSION } from 'mintcash-golive';\nconst c = defineCheck({ id: 'typed', ${meta}, run: ({ evidence }) => ({ summary: evidence.repo.files.length + ' files' }) });\nexport default definePlugin({ apiVersion: PLUGIN_API_VERSION, namespace: 'tsco', checks: [c] });\n`,
        'golive/req.cjs': `const { defineCheck, PLUGIN_API_VERSION } = require('mintcash-golive');\nmodule.exports = { apiVersion: PLUGIN_API_VERSION, namespace: 'cjs', checks: [defineCheck({ id: 'required', ${meta}, run: () => ({}) })] };\n`,
        'golive.config.json': JSON.stringify({ plugins: ['./golive/ts-plugin.mts', './golive/req.cjs'] }),
      });
      const r = await golive(['check', cj.dir, '--offline', '--format', 'json', '--only', 'tsco,cjs'], { env: cleanEnv() });
      expect(r.stderr).toBe('');
      const by = Object.fromEntries(JSON.parse(r.stdout).checks.map((c: { id: string; status: string }) => [c.id, c.status]));
      expect(by).toEqual({ 'tsco/typed': 'pass', 'cjs/required': 'pass' });
      // The same ES module as a .ts file: Node (type stripping) would load it as CommonJS and fail.
      await cj.write({ 'golive/esm.ts': await readFile(path.join(cj.dir, 'golive/ts-plugin.mts'), 'utf8'), 'golive.config.json': JSON.stringify({ plugins: ['./golive/esm.ts'] }) });
      const refused = await golive(['check', cj.dir, '--offline'], { env: cleanEnv() });
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toMatch(/golive\/esm\.ts uses import\/export, but Node loads it as CommonJS \(\S*package\.json has "type": "commonjs"\): rename it to \.mts/);
    } finally {
      await cj.cleanup();
    }
  });
});
