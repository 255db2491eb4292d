// The trusted policy through the built CLI, on real git repositories with a base branch and a
// pull-request branch: what the pull request weakens in golive.config.json is a blocking
// policy.unchanged finding and takes no effect (the base's values govern, a plugin it adds never
// runs, the API it names hears nothing, a signer it pins signs nothing off); the same config on the
// base is honoured; --policy outranks the ref; "off" is never "Ready to go live" unless the trusted
// policy marks the item not applicable with a reason.
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from './cli.js';
import { tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { loadOrCreateOperatorKey } from '../../src/rehearsal/signing.js';
import { buildSignOff, renderSignOffJson } from '../../src/rehearsal/signoff.js';
import { STEP_IDS, emptyStep, type RehearsalState } from '../../src/rehearsal/types.js';

interface Finding { messageId: string; message: string; file?: string; line?: number; severity: string }
interface Check { id: string; status: string; summary: string; findings: Finding[] }
interface Report {
  target: { policy?: { source: string; ref?: string; commit?: string; file?: string } };
  summary: { gate: string; verdict: string; off: string[]; notApplicable?: Array<{ id: string; reason: string }>; notProven?: Array<{ id: string; why: string }> };
  checks: Check[];
}

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(cleanup.map((f) => f()));
});

/** A loopback HTTP server that only counts what reaches it. */
async function countingServer(): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"no"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests };
}

async function repo(files: Record<string, string>): Promise<TempRepo> {
  const r = await tempRepo('golive-policy-');
  cleanup.push(() => r.cleanup());
  await r.write({ 'README.md': '# shop\n', 'src/app.js': 'export const port = 3000;\n', ...files });
  await r.commit('base');
  return r;
}

async function branch(r: TempRepo, name: string, files: Record<string, string>, remove: string[] = []): Promise<void> {
  await r.git('checkout', '-q', '-b', name);
  await r.write(files);
  for (const f of remove) await r.git('rm', '-q', f);
  await r.commit(name);
}

async function check(dir: string, args: string[], env: Record<string, string> = {}) {
  const json = await golive(['check', dir, ...args, '--format', 'json'], { env: cleanEnv(env) });
  expect(json.stderr).not.toMatch(/at .*\.js:\d+/); // never a stack trace
  if (json.exitCode === 2) return { exitCode: 2, stderr: json.stderr, report: undefined as unknown as Report, byId: {} as Record<string, Check> };
  const report = JSON.parse(json.stdout) as Report;
  return { exitCode: json.exitCode, stderr: json.stderr, report, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

const where = (c: Check | undefined) => (c?.findings ?? []).map((f) => `${f.file ?? ''}:${f.line ?? ''} ${f.messageId}`);

const keyPair = () => ({ MINTCASH_PUBLIC_KEY: fakeKey('pk', 'test', 'policy'), MINTCASH_SECRET_KEY: fakeKey('sk', 'test', 'policy') });

/** A signed, complete, live sign-off by a key made here (outside the repository). */
async function signOff(tmp: TempDir, name: string): Promise<{ json: string; publicKey: string }> {
  const key = await loadOrCreateOperatorKey(path.join(tmp.dir, `${name}.pem`), path.join(tmp.dir, 'no-repo'));
  const steps = Object.fromEntries(STEP_IDS.map((k) => [k, { ...emptyStep(), status: 'done' }])) as RehearsalState['steps'];
  const now = new Date().toISOString();
  // A sign-off is aged from its charge's creation time at MintCash.
  steps.charge.ids.paymentId = 'pay-1';
  steps.charge.facts.paidAt = now;
  steps.charge.mintcash = { payment: { object: 'payment', id: 'pay-1', status: 'succeeded', amount: 100, currency: 'USD', externalId: 'golive-rehearsal-20260513-abc234-charge', createdAt: now, readAt: now } };
  const state: RehearsalState = {
    schemaVersion: 1,
    id: '20260513-abc234',
    createdAt: now,
    updatedAt: now,
    status: 'completed',
    target: { baseUrl: 'https://api.mintcash.me', baseUrlKind: 'production', keyEnvironment: 'live', publicKey: 'pk_live_…abcd' },
    operator: { name, username: 'x', hostname: 'y' },
    settings: { amount: 100, currency: 'USD', amountCap: 100, billingIntervalDays: 7, subscriptionAmount: 100, returnUrl: 'https://shop.example/' },
    steps,
    sessions: [],
  };
  return { json: renderSignOffJson(buildSignOff(state, '0.1.0', key)), publicKey: key.publicKey };
}

describe('a pull request that weakens the policy (--policy-ref is the base)', () => {
  let r: TempRepo;
  let trusted: { url: string; requests: string[] };
  let attacker: { url: string; requests: string[] };
  let prConfig: Record<string, unknown>;
  let tmp: TempDir;
  let ada: { json: string; publicKey: string };
  /** The line of the pull request's config that holds `needle`. */
  const at = (needle: string) => JSON.stringify(prConfig, null, 2).split('\n').findIndex((l) => l.includes(needle)) + 1;
  let mallory: { json: string; publicKey: string };

  beforeAll(async () => {
    [trusted, attacker, tmp] = await Promise.all([countingServer(), countingServer(), tempDir('golive-policy-keys-')]);
    cleanup.push(() => tmp.cleanup());
    [ada, mallory] = await Promise.all([signOff(tmp, 'Ada'), signOff(tmp, 'Mallory')]);
    const base = {
      environment: 'test',
      api: { baseUrl: trusted.url },
      checks: { 'webhook.code-dedup': 'error' },
      rehearsal: { signers: [{ name: 'Ada', publicKey: ada.publicKey }] },
    };
    r = await repo({ 'golive.config.json': `${JSON.stringify(base, null, 2)}\n` });
    prConfig = {
      environment: 'test',
      api: { baseUrl: attacker.url },
      checks: { 'credentials.no-secrets-in-source': 'off', 'credentials.live-keys': 'off', 'webhook.code-dedup': 'warning' },
      ignore: ['config/**'],
      waivers: [{ id: 'idempotency.external-id', path: '**', reason: 'later', owner: 'pr-author', expires: '2099-01-01' }],
      rehearsal: { signers: [{ name: 'Ada', publicKey: ada.publicKey }, { name: 'Mallory', publicKey: mallory.publicKey }] },
      plugins: ['./golive/evil.mjs'],
    };
    await branch(r, 'pr', {
      'golive.config.json': `${JSON.stringify(prConfig, null, 2)}\n`,
      'config/keys.js': `export const secret = '${fakeKey('sk', 'live', 'hidden-by-pr')}';\n`,
      // A sandboxed plugin cannot connect anywhere (test/hostile/plugin-sandbox.test.ts), so the
      // report, not a connection, witnesses whether it ran.
      'golive/evil.mjs': [
        "const pass = { id: 'always-pass', section: 'credentials', kind: 'static', title: 'ok', failureTitle: 'bad', why: 'w', fix: 'f', defaultSeverity: 'error', requires: [], run: () => ({}) };",
        "export default { apiVersion: 1, namespace: 'evil', checks: [pass] };",
        '',
      ].join('\n'),
      'golive-rehearsal/golive-rehearsal-20260513-abc234.json': mallory.json,
    });
  });

  it('names every weakening with file and line, blocks, and the base values govern the run', async () => {
    const { exitCode, report, byId } = await check(r.dir, ['--policy-ref', 'main', '--only', 'credentials'], keyPair());
    expect(exitCode).toBe(1);
    expect(report.target.policy).toMatchObject({ source: 'ref', ref: 'main', file: 'golive.config.json' });
    expect(report.target.policy?.commit).toMatch(/^[0-9a-f]{40}$/);
    const policy = byId['policy.unchanged']!;
    expect(policy.status).toBe('fail');
    expect(where(policy)).toEqual([
      `golive.config.json:${at('"baseUrl"')} api-changed`,
      `golive.config.json:${at('"credentials.no-secrets-in-source"')} check-off`,
      `golive.config.json:${at('"credentials.live-keys"')} check-off`,
      `golive.config.json:${at('"webhook.code-dedup"')} check-downgraded`,
      `golive.config.json:${at('"config/**"')} scope-narrowed`,
      `golive.config.json:${at('"idempotency.external-id"') - 1} waiver-added`,
      `golive.config.json:${at('"Mallory"') - 1} signer-added`,
      `golive.config.json:${at('"./golive/evil.mjs"')} plugin-added`,
    ]);
    expect(policy.findings.every((f) => f.severity === 'error')).toBe(true);
    expect(policy.findings.find((f) => f.messageId === 'signer-added')?.message).toContain('"Mallory"');
    expect(report.summary).toMatchObject({ gate: 'fail', verdict: 'not-ready' });
    // Turned off and ignored by the pull request, judged by the base's policy: the key it hides is found.
    expect(byId['credentials.no-secrets-in-source']).toMatchObject({ status: 'fail' });
    expect(where(byId['credentials.no-secrets-in-source'])).toEqual(['config/keys.js:1 live-secret-in-source']);
    expect(byId['credentials.live-keys']!.status).not.toBe('skip');
    // The API the pull request names hears nothing; the base's does.
    expect(attacker.requests).toEqual([]);
    expect(trusted.requests.some((q) => q.startsWith('GET /merchant/api-keys'))).toBe(true);
    // The plugin it adds never ran: no check of it.
    expect(report.checks.some((c) => c.id.startsWith('evil/'))).toBe(false);
  });

  it('a signer the pull request pins signs nothing off, and --verify takes the signers from the base', async () => {
    const gate = await check(r.dir, ['--policy-ref', 'main', '--only', 'rehearsal', '--require-rehearsal'], keyPair());
    expect(gate.exitCode).toBe(1);
    expect(gate.byId['rehearsal.charge']).toMatchObject({ status: 'pending' });
    expect(gate.byId['rehearsal.charge']!.summary).toContain('Mallory');
    expect(where(gate.byId['policy.unchanged'])).toContain(`golive.config.json:${at('"Mallory"') - 1} signer-added`);
    const file = 'golive-rehearsal/golive-rehearsal-20260513-abc234.json';
    const verify = await golive(['report', '--verify', '--policy-ref', 'main', file], { cwd: r.dir, env: cleanEnv() });
    expect(verify.exitCode).toBe(1);
    expect(verify.stdout).toMatch(/^FAILED: .*not one of the 1 key\(s\) pinned/);
    expect(verify.stderr).toContain('weakens golive.config.json on main');
  });

  it('without a trusted policy the same pull request steers the run: the control that proves the test can fail', async () => {
    const { report, byId } = await check(r.dir, ['--only', 'credentials,rehearsal', '--require-rehearsal'], keyPair());
    expect(report.target.policy).toEqual({ source: 'worktree', file: 'golive.config.json' });
    expect(byId['policy.unchanged']).toBeUndefined();
    expect(byId['credentials.no-secrets-in-source']!.status).toBe('skip');
    expect(byId['rehearsal.charge']!.status).toBe('pass');
    expect(report.checks.some((c) => c.id === 'evil/always-pass')).toBe(true);
    expect(attacker.requests.length).toBeGreaterThan(0);
    const verify = await golive(['report', '--verify', 'golive-rehearsal/golive-rehearsal-20260513-abc234.json'], { cwd: r.dir, env: cleanEnv() });
    expect(verify.exitCode).toBe(0);
  });

  it('in a pull-request build given no trusted policy, policy.unchanged is pending and says what to pass', async () => {
    const { exitCode, byId } = await check(r.dir, ['--offline', '--only', 'policy'], { GITHUB_ACTIONS: 'true', GITHUB_BASE_REF: 'main' });
    expect(exitCode).toBe(1);
    expect(byId['policy.unchanged']).toMatchObject({ status: 'pending' });
    expect(byId['policy.unchanged']!.summary).toContain('Pass --policy-ref origin/main');
  });

  it('--policy <file> (or GOLIVE_POLICY) outranks the ref, and is honoured', async () => {
    const { plugins: _plugins, ...withoutPlugin } = prConfig;
    const file = path.join(tmp.dir, 'policy.json');
    await writeFile(file, JSON.stringify(withoutPlugin));
    for (const [args, env] of [[['--policy', file, '--policy-ref', 'main'], {}], [['--policy-ref', 'main'], { GOLIVE_POLICY: file }]] as const) {
      const { exitCode, report, byId } = await check(r.dir, [...args, '--offline', '--only', 'credentials'], env);
      expect(report.target.policy).toEqual({ source: 'file', file });
      expect(where(byId['policy.unchanged'])).toEqual([`golive.config.json:${at('"./golive/evil.mjs"')} plugin-added`]);
      expect(byId['policy.unchanged']!.summary).toContain('--policy outranks --policy-ref main');
      expect(byId['credentials.no-secrets-in-source']!.status).toBe('skip');
      expect(exitCode).toBe(1);
    }
  });

  it('a missing ref or an unreadable policy is one line and exit 2, naming what to do', async () => {
    const missing = await golive(['check', r.dir, '--policy-ref', 'origin/main'], { env: cleanEnv() });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^golive: policy ref origin\/main is not a commit in this repository\n {2}Fetch the base first \(git fetch origin main; with actions\/checkout set fetch-depth: 0\), or pass --policy <file>\.\n$/);
    const option = await golive(['check', r.dir, '--policy-ref=--output=x'], { env: cleanEnv() });
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('is not a revision');
    const gone = await golive(['check', r.dir, '--policy', path.join(tmp.dir, 'nope.json')], { env: cleanEnv() });
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr.split('\n')[0]).toMatch(/^golive: policy file not found: .*nope\.json$/);
    const dir = path.join(tmp.dir, 'a-dir');
    await mkdir(dir, { recursive: true });
    const notFile = await golive(['check', r.dir, '--policy', dir], { env: cleanEnv() });
    expect(notFile.exitCode).toBe(2);
    expect(notFile.stderr).toMatch(/^golive: policy file .*a-dir is a directory, not a regular file/);
    const bad = path.join(tmp.dir, 'bad.json');
    await writeFile(bad, '{ "checks": { "webhook.https": "of" } }');
    const invalid = await golive(['check', r.dir, '--policy', bad], { env: cleanEnv() });
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toMatch(/^golive: policy file .*bad\.json has 1 problem\n {2}- checks\.webhook\.https: /);
  });
});

describe('the same config on the base is honoured', () => {
  it('checks off on the base are off, with no policy finding, and the verdict is never "ready"', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ checks: { 'webhook.code-dedup': 'off', 'idempotency.external-id-quality': 'warning' } }) });
    await branch(r, 'pr', { 'src/more.js': 'export const b = 2;\n' });
    const { report, byId } = await check(r.dir, ['--policy-ref', 'main', '--offline']);
    expect(byId['policy.unchanged']).toMatchObject({ status: 'pass' });
    expect(byId['policy.unchanged']!.summary).toMatch(/as strict as golive\.config\.json on main/);
    expect(byId['webhook.code-dedup']).toMatchObject({ status: 'skip', summary: 'Turned off in config.' });
    expect(report.summary.off).toEqual(['webhook.code-dedup']);
  });

  it('a change that only strengthens is no finding, and takes effect', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ checks: { 'credentials.no-secrets-in-source': 'off' }, ignore: ['config/**'] }) });
    await branch(r, 'pr', { 'golive.config.json': JSON.stringify({}), 'config/keys.js': `export const k = '${fakeKey('sk', 'live', 'strict')}';\n` });
    const { exitCode, byId } = await check(r.dir, ['--policy-ref', 'main', '--offline', '--only', 'credentials']);
    expect(byId['policy.unchanged']!.status).toBe('pass');
    expect(where(byId['credentials.no-secrets-in-source'])).toEqual(['config/keys.js:1 live-secret-in-source']);
    expect(exitCode).toBe(1);
  });
});

describe('monorepo: which file governs a package is policy too', () => {
  it('a root config added above a package is named, and does not govern it', async () => {
    const r = await repo({ 'services/shop/src/app.js': 'export const a = 1;\n', 'services/shop/config/k.js': `export const k = '${fakeKey('sk', 'live', 'mono')}';\n` });
    await branch(r, 'pr', { 'golive.config.json': JSON.stringify({ checks: { 'credentials.no-secrets-in-source': 'off' } }, null, 2) });
    const { exitCode, report, byId } = await check(path.join(r.dir, 'services/shop'), ['--policy-ref', 'main', '--offline', '--only', 'credentials']);
    expect(exitCode).toBe(1);
    expect(report.target.policy).toMatchObject({ source: 'ref', ref: 'main' });
    expect(report.target.policy?.file).toBeUndefined();
    expect(where(byId['policy.unchanged'])).toEqual(['golive.config.json:1 config-added', 'golive.config.json:3 check-off']);
    expect(byId['policy.unchanged']!.findings[0]!.message).toMatch(/golive\.config\.json is a new config, above services\/shop: on main no golive config governs services\/shop/);
    expect(byId['credentials.no-secrets-in-source']!.status).toBe('fail');
  });

  it('a package config deleted so that the root one governs is named, and the deleted one still governs', async () => {
    const r = await repo({
      'golive.config.json': JSON.stringify({ checks: { 'credentials.no-secrets-in-source': 'off' } }),
      'services/shop/golive.config.json': JSON.stringify({ checks: { 'webhook.code-dedup': 'error' } }),
      'services/shop/config/k.js': `export const k = '${fakeKey('sk', 'live', 'mono2')}';\n`,
    });
    await branch(r, 'pr', {}, ['services/shop/golive.config.json']);
    const { byId } = await check(path.join(r.dir, 'services/shop'), ['--policy-ref', 'main', '--offline', '--only', 'credentials']);
    expect(where(byId['policy.unchanged']).sort()).toEqual(['golive.config.json:1 check-off', 'golive.config.json:1 config-replaced', 'golive.config.json:1 check-downgraded'].sort());
    expect(byId['policy.unchanged']!.findings.find((f) => f.messageId === 'config-replaced')!.message).toContain('where services/shop/golive.config.json does on main');
    expect(byId['credentials.no-secrets-in-source']!.status).toBe('fail');
  });
});

describe('which file is the policy', () => {
  it('a config deleted by the pull request still governs, and the deletion is named', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ checks: { 'credentials.no-secrets-in-source': 'error' } }) });
    await branch(r, 'pr', {}, ['golive.config.json']);
    const { report, byId } = await check(r.dir, ['--policy-ref', 'main', '--offline', '--only', 'credentials']);
    expect(where(byId['policy.unchanged'])).toEqual(['golive.config.json: check-downgraded', 'golive.config.json: config-deleted']);
    expect(byId['policy.unchanged']!.findings[1]!.message).toBe('golive.config.json is deleted: on main it governs the repository root, and it still does');
    expect(report.target.policy).toMatchObject({ source: 'ref', file: 'golive.config.json' });
  });

  it('a policy file inside the repository under check is honoured with a warning', async () => {
    const r = await repo({ 'ci/golive-policy.json': JSON.stringify({ checks: { 'webhook.code-dedup': 'off' } }) });
    const { byId, report } = await check(r.dir, ['--policy', path.join(r.dir, 'ci/golive-policy.json'), '--offline']);
    expect(report.target.policy?.source).toBe('file');
    expect(byId['policy.unchanged']).toMatchObject({ status: 'warn' });
    expect(where(byId['policy.unchanged'])).toEqual([': policy-file-in-repo']);
    expect(byId['webhook.code-dedup']!.status).toBe('skip');
  });
});

describe('off is not proven', () => {
  let ids: string[];
  const KEEP = ['policy.unchanged', 'credentials.no-secrets-in-source', 'credentials.no-test-keys-in-prod'];
  const notApplicable = () => ids.filter((id) => !KEEP.includes(id)).map((id) => ({ id, reason: 'handled by the payments service' }));

  beforeAll(async () => {
    ids = (JSON.parse((await golive(['list', '--format', 'json'])).stdout) as Array<{ id: string }>).map((c) => c.id);
  });

  it('items the trusted policy marks not applicable with a reason still allow "Ready to go live", and are listed', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ notApplicable: notApplicable() }, null, 2) });
    await branch(r, 'pr', { 'src/more.js': 'export const b = 2;\n' });
    const { exitCode, report } = await check(r.dir, ['--policy-ref', 'main']);
    expect(exitCode).toBe(0);
    expect(report.summary.verdict).toBe('ready');
    expect(report.summary.notApplicable).toHaveLength(ids.length - KEEP.length);
    const text = await golive(['check', r.dir, '--policy-ref', 'main'], { env: cleanEnv() });
    expect(text.stdout).toContain('✔ Ready to go live: every checklist item that applies is proven');
    expect(text.stdout).toMatch(/Not applicable \(trusted policy\): credentials\.live-keys,\s[\s\S]*\(handled by the payments\s+service\)\./);
    for (const format of ['markdown', 'junit', 'sarif']) {
      const out = await golive(['check', r.dir, '--policy-ref', 'main', '--format', format], { env: cleanEnv() });
      expect(out.stdout).toContain('Not applicable (trusted policy)');
      expect(out.stdout).toMatch(/policy from golive\.config\.json on main|"source": "ref"/);
    }
  });

  it('a check off without a trusted reason never prints "Ready to go live", whoever turned it off', async () => {
    const na = notApplicable();
    const r = await repo({ 'golive.config.json': JSON.stringify({ notApplicable: na, checks: { 'credentials.no-test-keys-in-prod': 'off' } }) });
    await branch(r, 'pr', { 'src/more.js': 'export const b = 2;\n' });
    const base = await check(r.dir, ['--policy-ref', 'main']);
    expect(base.exitCode).toBe(0);
    expect(base.report.summary).toMatchObject({ verdict: 'no-blockers', off: ['credentials.no-test-keys-in-prod'] });
    const text = await golive(['check', r.dir, '--policy-ref', 'main'], { env: cleanEnv() });
    expect(text.stdout).not.toMatch(/ready to go live/i);
    expect(text.stdout).toContain('Not proven, turned off in config: credentials.no-test-keys-in-prod.');
    expect(text.stdout).toContain('notApplicable');

    // The pull request turns another one off, or calls it not applicable: a policy finding, not a pass.
    await r.git('checkout', '-q', '-b', 'pr2');
    await r.write({ 'golive.config.json': JSON.stringify({ notApplicable: [...na, { id: 'credentials.no-secrets-in-source', reason: 'trust me' }], checks: { 'credentials.no-test-keys-in-prod': 'off' } }) });
    await r.commit('pr2');
    const pr = await check(r.dir, ['--policy-ref', 'main']);
    expect(pr.exitCode).toBe(1);
    expect(pr.byId['policy.unchanged']!.findings.map((f) => f.messageId)).toEqual(['not-applicable-added']);
    expect(pr.byId['credentials.no-secrets-in-source']!.status).toBe('pass');
  });

  it('--require-rehearsal runs rehearsal steps the policy turned off or called not applicable', async () => {
    const r = await repo({ 'golive.config.json': JSON.stringify({ checks: { 'rehearsal.charge': 'off' }, notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }) });
    const { exitCode, byId } = await check(r.dir, ['--offline', '--only', 'rehearsal', '--require-rehearsal']);
    expect(exitCode).toBe(1);
    expect(byId['rehearsal.charge']).toMatchObject({ status: 'pending' });
    expect(byId['rehearsal.renewal']).toMatchObject({ status: 'pending' });
  });
});
