// The output boundary through the CLI: a secret golive knows of (environment, --env-file, a
// production config file) never appears in any format, the report dir or the step summary, even
// when a server echoes it back; and a file name cannot inject a GitHub workflow command.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';
import { makeCa } from '../helpers/tls.js';

let repo: TempRepo;
let server: https.Server;
let url: string;
const envSecret = fakeWebhookSecret();
const fileSecret = 'opaque' + 'Q7x2Lm9Vb4Nc8Kz1Wp5R';
const configSecret = fakeKey('sk', 'live');

beforeAll(async () => {
  repo = await tempRepo('golive-hostile-boundary-');
  const ca = makeCa();
  const leaf = ca.issue();
  // A hostile (or just chatty) endpoint that echoes every secret it knows back in its answer.
  server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end(`nope ${envSecret} ${fileSecret} ${configSecret}\n::error::from the server`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await repo.write({
    'ca.pem': ca.cert,
    'prod.env': `MINTCASH_PUBLIC_KEY=${fakeKey('pk', 'live')}\nMINTCASH_SECRET_KEY=${fileSecret}\n`,
    'config/production.json': JSON.stringify({ mintcash: { secretKey: configSecret } }),
    'golive.config.json': JSON.stringify({ webhook: { url, allowPrivateNetwork: true, probes: { count: 1 } } }),
    [`docs/a\n::error file=x::pwned.md`]: 'hello\n',
  });
  await repo.commit('shop');
}, 60_000);
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await repo.cleanup();
});

describe('one output boundary', () => {
  it('masks secrets from the environment, an env file and a config file in every output', async () => {
    const summary = path.join(repo.dir, 'summary.md');
    const env = cleanEnv({ MINTCASH_WEBHOOK_SECRET: envSecret, NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem'), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    const outputs: string[] = [];
    for (const format of ['pretty', 'json', 'markdown', 'sarif', 'junit', 'html']) {
      const r = await golive(['check', repo.dir, '--env-file', path.join(repo.dir, 'prod.env'), '--format', format, '-v', '--only', 'webhook,credentials.live-keys,credentials.no-secrets-in-source', '--report-dir', path.join(repo.dir, 'out')], { env });
      expect(r.exitCode, `${format}: ${r.stderr}`).toBe(1);
      outputs.push(r.stdout, r.stderr);
    }
    for (const f of await readdir(path.join(repo.dir, 'out'))) outputs.push(await readFile(path.join(repo.dir, 'out', f), 'utf8'));
    outputs.push(await readFile(summary, 'utf8'));
    const all = outputs.join("\n");
    // Each secret was seen and reported (so this test can fail), in masked form only.
    for (const s of [envSecret, fileSecret, configSecret]) expect(all).toContain(`…${s.slice(-4)}`);
    for (const s of [envSecret, fileSecret, configSecret]) expect(all).not.toContain(s);
    // No line of any output starts a workflow command except golive's own annotations.
    const commands = all.split('\n').filter((l) => /^\s*::/.test(l));
    for (const c of commands) expect(c).toMatch(/^::(error|warning|notice) (file=|title=)/);
    expect(all).not.toMatch(/^::error::from the server/m);
  }, 120_000);

  it('a file name with a newline and ::error cannot inject a workflow command', async () => {
    const r = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source'], { env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
    expect(r.stdout).not.toMatch(/^\s*::error file=x::/m);
  });
});

describe('what the runner teaches the output boundary', () => {
  it('masks a secret a check quotes, whichever source it came from, even when it is not key-shaped', async () => {
    const { runChecks } = await import('../../src/engine/runner.js');
    const { validateConfig } = await import('../../src/config/load.js');
    const opaque = 'opaque' + 'Zr4Tq8Wn2Ly6Hb1';
    const quoting = {
      id: 'credentials.quoting', section: 'credentials', kind: 'static', title: 't', failureTitle: 'f', why: 'w', fix: 'x', defaultSeverity: 'error', requires: ['keys'],
      run: ({ evidence }: { evidence: { keys: { items: { value: string }[] } } }) => ({ findings: evidence.keys.items.map((i) => ({ messageId: 'quoted', message: `value ${i.value} in\nfile` })) }),
    } as never;
    const { Secrets } = await import('../../src/output/secrets.js');
    const { cleanDeep } = await import('../../src/output/escape.js');
    const secrets = new Secrets();
    const raw = await runChecks({
      secrets,
      root: '/r', config: validateConfig({}, 't'), options: { offline: true, history: false, requireRehearsal: false }, checks: [quoting], env: {}, version: 't', failOn: 'error',
      evidence: { keys: { environment: 'live', items: [{ source: 'env-file', name: 'MINTCASH_WEBHOOK_SECRET', role: 'webhookSecret', file: 'prod.env', line: 1, value: opaque }], productionFiles: [], notes: [] } },
    });
    const report = cleanDeep(raw, (t) => secrets.mask(t));
    const msg = report.checks[0]!.findings[0]!.message;
    expect(msg).not.toContain(opaque);
    expect(msg).toBe('value …6Hb1 in\\nfile');
  });
});

describe('golive report on a hostile saved report', () => {
  it('re-renders through the same boundary: no workflow command, no raw key', async () => {
    const key = fakeKey('sk', 'live');
    const first = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json'], { env: cleanEnv() });
    const saved = JSON.parse(first.stdout);
    const c = saved.checks[0];
    c.findings.push({ messageId: 'x', message: `leak ${key}`, severity: 'error', file: 'a\n::error file=y::owned.js', line: 1 });
    await repo.write({ 'saved.json': JSON.stringify(saved) });
    for (const format of ['pretty', 'markdown', 'sarif']) {
      const r = await golive(['report', path.join(repo.dir, 'saved.json'), '--format', format], { env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
      expect(r.stdout).not.toMatch(/^\s*::error file=y/m);
      expect(r.stdout).not.toContain(key);
    }
  });
});
