// Issue 12 end to end: the built CLI over a real git repository shaped like a real monorepo without
// MintCash: a docs tree of placeholder keys, yarn's bundled plugin, other providers' webhook
// handlers and the platform's own /payments SDK. Only real keys are reported; no code finding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { cleanEnv, golive } from './cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepo('golive-real-');
});
afterEach(async () => {
  await repo.cleanup();
});

const CODE = /^(webhook\.(timing-safe-compare|code-)|idempotency\.)/;
const placeholder = (body: string): string => 'sk_' + 'live_' + body;

const GITHUB = `import crypto from 'node:crypto';
export function verify(req, raw) {
  const sent = String(req.get('X-Hub-Signature-256') ?? '');
  const signature = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(raw).digest('hex');
  return sent.length === signature.length && crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(signature));
}
`;
const YARN_PLUGIN = `module.exports={name:"plugin",factory:function(r){var c=r("crypto");function h(q,s){var sig=q.headers["x-signature"];var e=c.createHmac("sha256",s).update(JSON.stringify(q.body)).digest("hex");return sig===e}return{h:h}}};\n`;
const SDK = "export const refund = (client, id, amount) => client.fetch(`/admin/payments/${id}/refund`, { method: 'POST', body: { amount } });\n";

describe('a real repository without MintCash', () => {
  it('reports no code finding and only the real keys; placeholders are counted', async () => {
    const realInDocs = fakeKey('sk', 'live', 'docs-real');
    const realInBundle = fakeKey('sk', 'live', 'bundle-real');
    const docs: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      docs[`docs/guide-${i}.md`] = `Set \`${placeholder('x'.repeat(24))}\` or \`${placeholder('X'.repeat(32))}\`, e.g. ${placeholder('0'.repeat(24))}.\n`;
    }
    docs['docs/guide-7.md'] += `Old leaked example: ${realInDocs}\n`;
    await repo.write({
      ...docs,
      '.yarn/plugins/@yarnpkg/plugin-interactive-tools.cjs': YARN_PLUGIN.replace('name:"plugin"', `name:"plugin",k:"${realInBundle}"`),
      'src/hooks/github.js': GITHUB,
      'packages/js-sdk/src/admin/payment.ts': SDK,
    });
    await repo.commit('monorepo');
    const r = await golive(['check', repo.dir, '--offline', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    for (const c of report.checks.filter((x: { id: string }) => CODE.test(x.id))) expect({ id: c.id, findings: c.findings }).toEqual({ id: c.id, findings: [] });
    const secrets = byId['credentials.no-secrets-in-source'];
    expect(secrets.findings.map((f: { file: string }) => f.file).sort()).toEqual(['.yarn/plugins/@yarnpkg/plugin-interactive-tools.cjs', 'docs/guide-7.md']);
    expect(secrets.evidence).toMatchObject({ placeholders: 90 });
    expect(r.stdout).not.toContain(realInDocs);
    expect(byId['webhook.code-dedup'].summary).toMatch(/No MintCash webhook handler.*src\/hooks\/github\.js \(GitHub/);
    expect(byId['idempotency.external-id'].summary).toMatch(/other APIs/);
  });

  it('still judges a MintCash handler in the same repository, and takes the config globs', async () => {
    await repo.write({
      'src/hooks/github.js': GITHUB,
      'src/hooks/mintcash.js': GITHUB.replace("req.get('X-Hub-Signature-256')", "req.headers['x-signature']").replace('GITHUB_WEBHOOK_SECRET', 'MINTCASH_WEBHOOK_SECRET'),
      'legacy/hooks.js': GITHUB.replace('sent.length === signature.length && ', '').replace("req.get('X-Hub-Signature-256')", "req.headers['x-signature']"),
      'golive.config.json': JSON.stringify({ vendored: ['legacy/**'] }),
    });
    await repo.commit('both');
    const r = await golive(['check', repo.dir, '--offline', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    expect(byId['webhook.timing-safe-compare'].findings).toEqual([]);
    expect(byId['webhook.code-dedup'].findings.map((f: { file: string }) => f.file)).toEqual(['src/hooks/mintcash.js']);
    expect(byId['webhook.code-environment-guard'].findings.map((f: { file: string }) => f.file)).toEqual(['src/hooks/mintcash.js']);

    await repo.write({ 'golive.config.json': JSON.stringify({ vendor: ['legacy/**'] }) });
    const bad = await golive(['check', repo.dir, '--offline', '--format', 'json']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/vendor/);
  });
});

// Issue 14: the secret scan tells the code index which source files have something to look at, so
// each file is read once. Whichever thread reads them, or if the index reads them itself (no
// secret scan in the run), the code checks must judge exactly the same.
describe('code checks judge the same however the files were read', () => {
  const HANDLER = `import crypto from 'node:crypto';
export function onEvent(req, res) {
  const sent = String(req.headers['x-signature'] ?? '');
  const expected = crypto.createHmac('sha256', process.env.MINTCASH_WEBHOOK_SECRET).update(JSON.stringify(req.body)).digest('hex');
  if (sent !== expected) return res.status(401).end();
  return handle(req.body);
}
`;
  const GUARDS = `export function handle(event, seen) {
  if (event.environment !== 'live') return;
  if (seen.has(event.eventId)) return;
  seen.add(event.eventId);
}
`;
  const CLIENT = "const BASE = 'https://api.mintcash.me';\nexport const pay = (order) => fetch(`${BASE}/payments`, { method: 'POST', body: JSON.stringify({ amount: order.total, currency: 'USD' }) });\n";
  const GENERATED = `// Code generated by openapi-gen. DO NOT EDIT.\nexport const verify = (req, s) => req.headers['x-signature'] == s;\n`;

  it('inline, by worker threads alone, and without a secret scan', async () => {
    const filler: Record<string, string> = {};
    // Enough files that the scan starts worker threads (it reads small repositories inline).
    for (let i = 0; i < 1600; i++) filler[`src/util/u${i}.js`] = `export const u${i} = ${i};\n`;
    await repo.write({ ...filler, 'src/hooks/mintcash.js': HANDLER, 'src/lib/guards.js': GUARDS, 'src/pay.js': CLIENT, 'src/gen/api.js': GENERATED });
    await repo.commit('shop');
    const codeChecks = async (args: string[], env: Record<string, string>) => {
      const r = await golive(['check', repo.dir, '--offline', '--format', 'json', ...args], { env: cleanEnv(env) });
      const report = JSON.parse(r.stdout);
      return report.checks
        .filter((c: { id: string }) => CODE.test(c.id))
        .map((c: { id: string; status: string; findings: { file: string; line: number; messageId: string }[] }) => ({
          id: c.id,
          status: c.status,
          findings: c.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`),
        }));
    };
    const inline = await codeChecks([], { GOLIVE_SCAN_WORKERS: '0' });
    expect(Object.fromEntries(inline.map((c: { id: string; status: string }) => [c.id, c.status]))).toEqual({
      'webhook.timing-safe-compare': 'fail',
      'webhook.code-raw-body': 'warn',
      'webhook.code-environment-guard': 'pass',
      'webhook.code-dedup': 'pass',
      'idempotency.external-id': 'fail',
      'idempotency.external-id-quality': 'skip',
    });
    // The generated file's loose compare is not judged: only the handler's own.
    expect(inline.find((c: { id: string }) => c.id === 'webhook.timing-safe-compare').findings).toEqual([expect.stringMatching(/^src\/hooks\/mintcash\.js:5 /)]);
    expect(await codeChecks([], { GOLIVE_SCAN_WORKERS: '2', GOLIVE_SCAN_MAIN: '0' })).toEqual(inline);
    const only = inline.map((c: { id: string }) => c.id).join(',');
    expect(await codeChecks(['--only', only], {})).toEqual(inline);
  });
});
