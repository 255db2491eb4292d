// Plugin capabilities and options (issue 22 part 4), through the built CLI: the example plugin's
// check with an option and a granted file read; nothing granted by default (pending, with the line
// that grants it); options validated against the plugin's schema with every problem's path; a
// granted HTTPS fetch to a real loopback server with a test-time CA; a plugin's own section.
// Grant matching itself is a table: hosts and paths compared after normalisation, never by prefix.
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchGranted, planCapabilities, readGranted } from '../../src/plugins/capabilities.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { makeCa } from '../helpers/tls.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(REPO, 'examples/plugins/acme-policy/index.ts');
let repo: TempRepo;

const report = (stdout: string) => JSON.parse(stdout) as { checks: { id: string; status: string; summary: string; section: string; findings: { messageId: string; file?: string; line?: number; message: string }[] }[] };
const checkOf = (stdout: string, id: string) => report(stdout).checks.find((c) => c.id === id)!;

beforeAll(async () => {
  repo = await tempRepo('golive-capabilities-');
  await repo.write({
    'README.md': '# shop\n',
    'package-lock.json': '{}\n',
    'config/payments.json': '{\n  "currencies": [\n    "USD",\n    "JPY"\n  ]\n}\n',
    'config/other.json': '{}\n',
  });
  await repo.commit('shop');
}, 60_000);
afterAll(() => repo.cleanup());

async function withConfig(plugins: unknown[], args: string[] = []) {
  await repo.write({ 'golive.config.json': JSON.stringify({ plugins }) });
  return golive(['check', repo.dir, '--offline', '--format', 'json', ...args], { env: cleanEnv() });
}

describe('the example plugin: an option and a granted read', () => {
  it('with the grant, golive reads the file for the check and the option decides', async () => {
    const r = await withConfig([{ use: EXAMPLE, options: { currencies: ['USD', 'EUR'] }, grants: { reads: ['config/**'] } }], ['--only', 'acme/allowed-currencies']);
    const c = checkOf(r.stdout, 'acme/allowed-currencies');
    expect(c).toMatchObject({ status: 'fail', section: 'acme' });
    expect(c.findings).toEqual([expect.objectContaining({ messageId: 'unapproved-currency', file: 'config/payments.json', line: 4 })]);
    expect(r.exitCode).toBe(1);
    const ok = await withConfig([{ use: EXAMPLE, options: { currencies: ['USD', 'JPY'] }, grants: { reads: ['config/payments.json'] } }], ['--only', 'acme/allowed-currencies']);
    expect(checkOf(ok.stdout, 'acme/allowed-currencies').status).toBe('pass');
  });

  it('without a grant nothing is read: the check is pending and says how to grant it, the other checks run', async () => {
    const r = await withConfig([EXAMPLE], ['--only', 'acme']);
    const c = checkOf(r.stdout, 'acme/allowed-currencies');
    expect(c.status).toBe('pending');
    expect(c.summary).toContain(`"grants": {"reads":["config/payments.json"]}`);
    expect(checkOf(r.stdout, 'acme/lockfile-present').status).toBe('pass');
    // A grant for other files does not cover it.
    const other = await withConfig([{ use: EXAMPLE, grants: { reads: ['config/other.json', 'docs/**'] } }], ['--only', 'acme/allowed-currencies']);
    expect(checkOf(other.stdout, 'acme/allowed-currencies').status).toBe('pending');
  });

  it('the schema default applies when no options are given', async () => {
    const r = await withConfig([{ use: EXAMPLE, grants: { reads: ['config/**'] } }], ['--only', 'acme/allowed-currencies']);
    expect(checkOf(r.stdout, 'acme/allowed-currencies').summary).toBe('2 currencies configured; approved: USD.');
  });

  it('options that break the schema: exit 2, every problem with its path, at once', async () => {
    await repo.write({ 'golive.config.json': JSON.stringify({ plugins: [{ use: EXAMPLE, options: { currencies: ['USD', 'eur', 'USD'], curency: ['GBP'] } }] }) });
    const r = await golive(['check', repo.dir, '--offline'], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/options must NOT have additional properties \("curency"\)/);
    expect(r.stderr).toMatch(/options\.currencies\[1\] must match pattern "\^\[A-Z\]\{3\}\$"/);
    expect(r.stderr).toMatch(/options\.currencies must NOT have duplicate items/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the plugin has its own section in the checklist, titled by the plugin', async () => {
    await repo.write({ 'golive.config.json': JSON.stringify({ plugins: [{ use: EXAMPLE, grants: { reads: ['config/**'] } }] }) });
    const pretty = await golive(['check', repo.dir, '--offline', '--only', 'acme', '--format', 'markdown'], { env: cleanEnv() });
    const sections = pretty.stdout.split('\n').filter((l) => /^##+ /.test(l));
    expect(sections.join('\n')).toMatch(/Credentials[\s\S]*ACME policies/);
  });
});

describe('plugin options and grants, refused where they make no sense', () => {
  it('options for a plugin with no schema, fetches on a static check, a bad grant: named, exit 2', async () => {
    await repo.write({
      'p.mjs': `export default { apiVersion: 1, namespace: 'p', checks: [{ id: 'a', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [], fetches: ['https://status.example.invalid/x'], run: () => ({}) }] };\n`,
      'golive.config.json': JSON.stringify({ plugins: [{ use: './p.mjs', options: { x: 1 } }, { use: './q.mjs', grants: { fetches: ['http://plain.example/'] } }] }),
    });
    const r = await golive(['check', repo.dir, '--offline'], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/plugins\.1\.grants\.fetches\.0|plugins\[1\]\.grants\.fetches\[0\]/);
    await repo.write({ 'golive.config.json': JSON.stringify({ plugins: [{ use: './p.mjs', options: { x: 1 } }] }) });
    const r2 = await golive(['check', repo.dir, '--offline'], { env: cleanEnv() });
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/takes no options \(it declares no `schema`\)/);
    expect(r2.stderr).toMatch(/p\/a: a check that declares fetches must be kind: "network"/);
  });
});

describe('a granted HTTPS fetch', () => {
  let server: https.Server;
  let port: number;
  const hits: string[] = [];
  beforeAll(async () => {
    const ca = makeCa();
    const leaf = ca.issue();
    writeFileSync(path.join(repo.dir, 'ca.pem'), ca.cert);
    server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
      hits.push(`${req.method} ${req.url}`);
      if (req.url === '/status/payments') res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"operational"}');
      else if (req.url === '/status/moved') res.writeHead(302, { location: 'https://elsewhere.example/' }).end();
      else res.writeHead(404).end('no');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is made by golive, GET, to the URL with the option filled in; the check judges the answer', async () => {
    const meta = "section: 'webhook', kind: 'network', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: []";
    await repo.write({
      'status.mjs': `export default { apiVersion: 1, namespace: 'status', schema: { type: 'object', properties: { service: { type: 'string' } }, required: ['service'] }, checks: [
        { id: 'up', ${meta}, fetches: ['https://127.0.0.1:${port}/status/{service}'], run: ({ evidence }) => {
          const f = evidence.fetches[0];
          return JSON.parse(f.body).state === 'operational' ? { summary: f.status + ' ' + f.url } : { findings: [{ messageId: 'down', message: f.body }] };
        } },
        { id: 'moved', ${meta}, fetches: ['https://127.0.0.1:${port}/status/moved'], run: ({ evidence }) => ({ summary: evidence.fetches[0].status + ' to ' + evidence.fetches[0].location }) },
      ] };\n`,
      'golive.config.json': JSON.stringify({ plugins: [{ use: './status.mjs', options: { service: 'payments' }, grants: { fetches: [`https://127.0.0.1:${port}/status/`] } }] }),
    });
    hits.length = 0;
    const r = await golive(['check', repo.dir, '--format', 'json', '--only', 'status'], { env: cleanEnv({ NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem') }) });
    expect(checkOf(r.stdout, 'status/up')).toMatchObject({ status: 'pass', summary: `200 https://127.0.0.1:${port}/status/payments` });
    // A redirect is reported, never followed.
    expect(checkOf(r.stdout, 'status/moved')).toMatchObject({ status: 'pass', summary: '302 to https://elsewhere.example/' });
    expect(hits.sort()).toEqual(['GET /status/moved', 'GET /status/payments']);
    // Under --offline the network check is skipped and nothing is requested.
    hits.length = 0;
    const off = await golive(['check', repo.dir, '--offline', '--format', 'json', '--only', 'status'], { env: cleanEnv({ NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem') }) });
    expect(checkOf(off.stdout, 'status/up').status).toBe('skip');
    expect(hits).toEqual([]);
  });
});

describe('grant matching', () => {
  const url = (s: string) => new URL(s);
  it.each([
    ['https://status.acme.example/api/v1', ['https://status.acme.example/api/'], true],
    ['https://STATUS.acme.example:443/api/v1', ['https://status.acme.example/api/'], true],
    ['https://status.acme.example/api', ['https://status.acme.example/api'], true],
    ['https://status.acme.example/api/v1', ['https://status.acme.example/api'], true],
    // A string prefix is not a path prefix, nor a host prefix.
    ['https://status.acme.example/apiary', ['https://status.acme.example/api'], false],
    ['https://status.acme.example.evil.test/api/v1', ['https://status.acme.example'], false],
    ['https://status.acme.example@evil.test/api/', ['https://status.acme.example/'], false],
    // Dot segments (also percent-encoded) are resolved before comparing.
    ['https://status.acme.example/api/%2e%2e/admin', ['https://status.acme.example/api/'], false],
    ['https://status.acme.example/api/../admin', ['https://status.acme.example/api/'], false],
    // HTTPS only, on both sides; another port is another origin.
    ['http://status.acme.example/api/v1', ['https://status.acme.example/api/'], false],
    ['https://status.acme.example/api/v1', ['http://status.acme.example/api/'], false],
    ['https://status.acme.example:8443/api/v1', ['https://status.acme.example/api/'], false],
    ['https://status.acme.example/api/v1', [], false],
  ])('%s with %j: %s', (u, grants, want) => {
    expect(fetchGranted(url(u), grants)).toBe(want);
  });

  it.each([
    ['config/**', ['config/**'], true],
    ['config/*.json', ['config/**'], true],
    ['config/payments.json', ['**/*.json'], true],
    ['config/**', ['config/*.json'], false],
    ['secrets/**', ['config/**'], false],
    ['config/**', [], false],
  ])('reads %s with %j: %s', (pattern, grants, want) => {
    expect(readGranted(pattern, grants)).toBe(want);
  });

  it('a fetch template needs its option; only HTTPS can be planned', () => {
    const grants = { reads: [], fetches: ['https://status.acme.example/'] };
    expect(planCapabilities({ fetches: ['https://status.acme.example/{service}'] }, grants, { service: 'a b' }).fetches).toEqual([{ declared: 'https://status.acme.example/{service}', url: 'https://status.acme.example/a%20b' }]);
    expect(planCapabilities({ fetches: ['https://status.acme.example/{service}'] }, grants, {}).problems[0]).toMatch(/needs the option "service"/);
    expect(planCapabilities({ fetches: ['http://status.acme.example/'] }, grants, {}).problems[0]).toMatch(/is not HTTPS/);
    expect(planCapabilities({ fetches: ['https://other.example/x'] }, grants, {}).ungranted.fetches).toEqual(['https://other.example/x']);
  });
});

describe('golive explain: what a plugin check may read and fetch, and where that was granted', () => {
  const STATUS = [
    "export default { apiVersion: 1, namespace: 'status', schema: { type: 'object', properties: { service: { type: 'string' } } },",
    "  checks: [{ id: 'up', section: 'webhook', kind: 'network', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [],",
    "    reads: ['config/payments.json', 'deploy/**'], fetches: ['https://status.acme.example/api/{service}'], run: () => ({}) }] };",
    '',
  ].join('\n');
  const explain = (args: string[] = []) => golive(['explain', 'status/up', ...args], { cwd: repo.dir, env: cleanEnv() });

  it('names each granted capability with the grant that allows it and the config entry it is in', async () => {
    await repo.write({
      'golive/status.mjs': STATUS,
      'golive.config.json': JSON.stringify({ plugins: [EXAMPLE, { use: './golive/status.mjs', options: { service: 'pay' }, grants: { reads: ['config/**', 'deploy/**'], fetches: ['https://status.acme.example/api/'] } }] }),
    });
    const r = await explain();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Capabilities (granted in golive.config.json plugins[1].grants)');
    expect(r.stdout).toContain('  reads config/payments.json: granted by "config/**"');
    expect(r.stdout).toContain('  reads deploy/**: granted by "deploy/**"');
    expect(r.stdout).toContain('  fetches https://status.acme.example/api/{service} (https://status.acme.example/api/pay): granted by "https://status.acme.example/api/"');
    const json = JSON.parse((await explain(['--format', 'json'])).stdout) as { capabilities: { grantedIn: string; granted: unknown[] } };
    expect(json.capabilities.grantedIn).toBe('golive.config.json plugins[1].grants');
    expect(json.capabilities.granted).toHaveLength(3);
  });

  it('says what is not granted and the line that grants it; a built-in check has no such block', async () => {
    await repo.write({ 'golive.config.json': JSON.stringify({ plugins: [{ use: './golive/status.mjs', options: { service: 'pay' }, grants: { reads: ['config/*.json'] } }] }) });
    const r = await explain();
    expect(r.stdout).toContain('  reads config/payments.json: granted by "config/*.json"');
    expect(r.stdout).toContain('  reads deploy/**: not granted (the check is pending until it is)');
    expect(r.stdout).toContain('  fetches https://status.acme.example/api/{service}: not granted');
    expect(r.stdout).toContain('To grant: add {"reads":["deploy/**"],"fetches":["https://status.acme.example/api/pay"]} to golive.config.json plugins[0].grants');
    const builtin = await golive(['explain', 'webhook.signature'], { cwd: repo.dir, env: cleanEnv() });
    expect(builtin.stdout).not.toContain('Capabilities');
  });

  it('under a trusted policy, the grants are the policy\'s, and explain says so', async () => {
    const policy = path.join(path.dirname(repo.dir), `${path.basename(repo.dir)}-policy.json`);
    // Kept outside the repository; its plugin paths are relative to its own folder, so this one is absolute.
    writeFileSync(policy, JSON.stringify({ plugins: [{ use: path.join(repo.dir, 'golive/status.mjs'), options: { service: 'pay' }, grants: { reads: ['config/**'] } }] }));
    // The working tree tries to grant itself more: the policy's grants are the ones in effect.
    await repo.write({ 'golive.config.json': JSON.stringify({ plugins: [{ use: './golive/status.mjs', options: { service: 'pay' }, grants: { reads: ['**'], fetches: ['https://status.acme.example/'] } }] }) });
    const r = await golive(['explain', 'status/up', '--policy', policy], { cwd: repo.dir, env: cleanEnv() });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Capabilities \(granted in the policy file \S*-policy\.json plugins\[0\]\.grants\)/);
    expect(r.stdout).toContain('  reads deploy/**: not granted');
    const viaEnv = await golive(['explain', 'status/up'], { cwd: repo.dir, env: cleanEnv({ GOLIVE_POLICY: policy }) });
    expect(viaEnv.stdout).toMatch(/granted in the policy file \S*-policy\.json plugins\[0\]\.grants/);
  });
});
