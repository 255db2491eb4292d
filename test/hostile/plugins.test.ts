// Hostile plugins through the CLI: whatever a plugin does at import or in a check, golive ends with
// a plugin error (exit 2) or an `error` check (exit 1), never a silent exit 0, and never hands it a secret.
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
    ['process.exit(0)', 'process.exit(0);', /exited with code 0 while loading/],
    ['an infinite loop', 'for (;;) {}', /did not finish loading within 10 s/],
    ['a top-level await that never settles', 'await new Promise(() => {});', /did not finish loading within 10 s|exited with code 13 while loading/],
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
  it('sees no environment, cannot write or spawn, and gets keys masked', async () => {
    const secret = fakeKey('sk', 'live');
    const body = `async () => {
      const fs = await import('node:fs'); const cp = await import('node:child_process');
      const out = ['env=' + JSON.stringify(process.env)];
      try { fs.writeFileSync(${JSON.stringify('/tmp/golive-evil')}, 'x'); out.push('wrote'); } catch (e) { out.push('write ' + e.code); }
      try { cp.execSync('id'); out.push('spawned'); } catch (e) { out.push('spawn ' + e.code); }
      return { findings: out.map((message) => ({ messageId: 'saw', message })) };
    }`;
    const r = await run({ 'p.mjs': plugin([check('peek', body)]) }, [], { MINTCASH_SECRET_KEY: secret, GITHUB_TOKEN: 'ghs_' + 'x'.repeat(30) });
    const msgs = JSON.parse(r.stdout).checks[0].findings.map((f: { message: string }) => f.message);
    expect(msgs).toEqual(expect.arrayContaining(['env={}', 'write ERR_ACCESS_DENIED', 'spawn ERR_ACCESS_DENIED']));
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it.each([
    ["status: 'bogus'", "() => ({ status: 'bogus' })", 'status = "bogus"'],
    ["status: 'skip' hiding an error finding", "() => ({ status: 'skip', findings: [{ messageId: 'x', message: 'real problem' }] })", 'a skipped check cannot report findings'],
    ["severity: 'info'", "() => ({ findings: [{ messageId: 'x', message: 'm', severity: 'info' }] })", 'findings[0].severity = "info"'],
    ['line: 1.5', "() => ({ findings: [{ messageId: 'x', message: 'm', file: 'a.js', line: 1.5 }] })", 'findings[0].line = 1.5'],
    ['process.exit(0) in a check', '() => process.exit(0)', 'exited with code 0 while running evil/x'],
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

describe('one process per plugin', () => {
  it("a plugin's checks share one started process; two plugins get two", async () => {
    const pid = "() => ({ summary: 'pid ' + process.pid })";
    await tmp.write({
      'p.mjs': plugin([check('a', pid), check('b', pid), check('c', pid)]),
      'q.mjs': `export default { apiVersion: 1, namespace: 'other', checks: [${check('d', pid)}] };`,
      'golive.config.json': JSON.stringify({ plugins: ['./p.mjs', './q.mjs'] }),
    });
    const r = await golive(['check', tmp.dir, '--offline', '--format', 'json', '--only', 'evil,other'], { env: cleanEnv() });
    const pids = JSON.parse(r.stdout).checks.map((c: { summary: string }) => c.summary);
    expect(new Set(pids.slice(0, 3)).size).toBe(1);
    expect(pids[3]).not.toBe(pids[0]);
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
  it('a TypeScript plugin importing mintcash-golive and a .cjs plugin requiring it both load', async () => {
    const cj = await tempDir('golive-cjs-');
    try {
      const meta = "section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: ['repo']";
      await cj.write({
        'package.json': JSON.stringify({ name: 'shop', version: '1.0.0', type: 'commonjs' }),
        'golive/ts-plugin.ts': `import { defineCheck, definePlugin, PLUGIN_API_VERSION } from 'mintcash-golive';\nconst c = defineCheck({ id: 'typed', ${meta}, run: ({ evidence }) => ({ summary: evidence.repo.files.length + ' files' }) });\nexport default definePlugin({ apiVersion: PLUGIN_API_VERSION, namespace: 'tsco', checks: [c] });\n`,
        'golive/req.cjs': `const { defineCheck, PLUGIN_API_VERSION } = require('mintcash-golive');\nmodule.exports = { apiVersion: PLUGIN_API_VERSION, namespace: 'cjs', checks: [defineCheck({ id: 'required', ${meta}, run: () => ({}) })] };\n`,
        'golive.config.json': JSON.stringify({ plugins: ['./golive/ts-plugin.ts', './golive/req.cjs'] }),
      });
      const r = await golive(['check', cj.dir, '--offline', '--format', 'json', '--only', 'tsco,cjs'], { env: cleanEnv() });
      expect(r.stderr).toBe('');
      const by = Object.fromEntries(JSON.parse(r.stdout).checks.map((c: { id: string; status: string }) => [c.id, c.status]));
      expect(by).toEqual({ 'tsco/typed': 'pass', 'cjs/required': 'pass' });
    } finally {
      await cj.cleanup();
    }
  });
});
