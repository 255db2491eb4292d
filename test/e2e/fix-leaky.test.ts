// Proof that a fixed handler works: examples/leaky-shop in a temp repository, served over real
// HTTPS on loopback (a CA and certificate made now), fails the webhook probes webhook.signature and
// webhook.raw-body; `golive fix --write` and the raw-body suggestion (picked in a real terminal)
// fix the code; served again, the same probes pass.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { makeCa } from '../helpers/tls.js';
import { listeningUrl } from '../helpers/shop.js';
import { cleanEnv, golive } from './cli.js';
import { hasScript, typeThrough } from '../rehearsal/pty.js';

const LEAKY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/leaky-shop');
const PROBED = ['webhook.signature', 'webhook.raw-body'];

let repo: TempRepo | undefined;
let server: ChildProcess | undefined;
afterAll(async () => {
  await stop();
  await repo?.cleanup();
});

async function stop(): Promise<void> {
  const s = server;
  server = undefined;
  if (!s || s.exitCode !== null) return;
  const gone = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  await gone;
}

/** Starts the shop's own server over HTTPS on port 0; resolves with its URL. */
async function serve(dir: string, tls: { cert: string; key: string }, secret: string): Promise<string> {
  const child = spawn(process.execPath, ['src/server.js'], {
    cwd: dir,
    env: { ...cleanEnv(), PORT: '0', TLS_CERT: tls.cert, TLS_KEY: tls.key, MINTCASH_WEBHOOK_SECRET: secret, MINTCASH_ENVIRONMENT: 'live', SLOW_MS: '10' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = child;
  return listeningUrl(child, 'the leaky shop');
}

async function probe(dir: string, url: string, ca: string, secret: string): Promise<Record<string, { status: string; ids: string[] }>> {
  await writeFile(path.join(dir, 'golive.config.json'), JSON.stringify({ webhook: { url: `${url}/webhooks/mintcash`, allowPrivateNetwork: true, probes: { count: 2 } } }));
  const r = await golive(['check', dir, '--only', PROBED.join(','), '--format', 'json'], { env: cleanEnv({ NODE_EXTRA_CA_CERTS: ca, MINTCASH_WEBHOOK_SECRET: secret }) });
  const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; findings: { messageId: string }[] }[] };
  return Object.fromEntries(report.checks.filter((c) => PROBED.includes(c.id)).map((c) => [c.id, { status: c.status, ids: c.findings.map((f) => f.messageId) }]));
}

describe('golive fix on the leaky shop, proven over HTTPS', () => {
  it('turns failing webhook.signature and webhook.raw-body probes into passing ones', async (ctx) => {
    if (!(await hasScript())) return ctx.skip('util-linux `script` is not installed (needed for a real terminal)');
    repo = await tempRepo('golive-fix-leaky-');
    await cp(LEAKY, repo.dir, { recursive: true });
    await repo.commit('leaky shop');
    const ca = makeCa('golive fix e2e CA');
    const leaf = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    const tls = { ca: `${repo.dir}.ca.pem`, cert: `${repo.dir}.cert.pem`, key: `${repo.dir}.key.pem` };
    await Promise.all([writeFile(tls.ca, ca.cert), writeFile(tls.cert, leaf.cert), writeFile(tls.key, leaf.key, { mode: 0o600 })]);
    const secret = fakeWebhookSecret();

    const before = await probe(repo.dir, await serve(repo.dir, tls, secret), tls.ca, secret);
    await stop();
    expect(before['webhook.raw-body']!.status).toBe('fail');
    expect(before['webhook.signature']!.status).toBe('fail');
    expect(before['webhook.signature']!.ids).toEqual(expect.arrayContaining(['crash-missing-signature', 'crash-wrong-length']));

    const write = await golive(['fix', repo.dir, '--write']);
    expect(write.stdout).toMatch(/applied 1 safe fix; wrote src\/webhook\.js/);
    const picked = await typeThrough(['fix', repo.dir, '--suggestions', '--only', 'webhook.code-raw-body'], {}, [['Apply this suggestion?', '\r']]);
    expect(picked.screen).toMatch(/applied; wrote src\/webhook\.js/);
    const code = await readFile(path.join(repo.dir, 'src/webhook.js'), 'utf8');
    expect(code).toContain("createHmac('sha256', secret).update(raw).digest('hex')");
    expect(code).toContain('  if (Buffer.from(signature).length !== Buffer.from(expected).length) {\n    res.writeHead(401).end();\n    return;\n  }\n  if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {');

    const after = await probe(repo.dir, await serve(repo.dir, tls, secret), tls.ca, secret);
    expect(after).toEqual({ 'webhook.signature': { status: 'pass', ids: [] }, 'webhook.raw-body': { status: 'pass', ids: [] } });
  }, 240_000);
});
