// What golive cannot apply itself: text suggestions with the exact lines for Python, Go, Ruby, PHP
// and Java (never written, even when picked at a terminal), templates for eventId dedup per
// framework and database client, and the key-literal suggestion (a key made at run time).
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { FIXTURES, findings, fix, minus, repoOf } from './helpers.js';

const FIXTURE_ROOT = path.resolve(FIXTURES, '..');
const MERCHANTS = path.join(FIXTURE_ROOT, 'merchants');

async function repoFrom(dir: string, extra: Record<string, string> = {}) {
  const repo = await tempRepo('golive-fix-text-');
  await cp(dir, repo.dir, { recursive: true });
  await repo.write(extra);
  await repo.commit('fixture');
  return repo;
}

const TEXT: [string, string, string[]][] = [
  ['idioms/go-unnamed-compare', 'webhook.timing-safe-compare', ['hooks.go:20', '- \tif hash != r.Header.Get(header) {', '+ \tif !hmac.Equal([]byte(hash), []byte(r.Header.Get(header))) {']],
  ['idioms/php-unnamed-compare', 'webhook.timing-safe-compare', ['shopify-webhook.php:7', '- if ($hash != $headers[$name]) {', '+ if (!hash_equals($hash, $headers[$name])) {']],
  ['idioms/py-unnamed-compare', 'webhook.timing-safe-compare', ['-     if hash != request_headers.get(HEADER, ""):', '+     if not hmac.compare_digest(hash, request_headers.get(HEADER, "")):']],
  ['idioms/rb-unnamed-compare', 'webhook.timing-safe-compare', ['+     return head :unauthorized unless Rack::Utils.secure_compare(hash, request.env[HEADER])']],
  ['idioms/java-unnamed-compare', 'webhook.timing-safe-compare', ['+     return MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));']],
  ['merchants/flask-shop', 'webhook.code-raw-body', ['+     expected = hmac.new(os.environ["MINTCASH_WEBHOOK_SECRET"].encode(), request.get_data(), hashlib.sha256).hexdigest()']],
  ['merchants/flask-shop', 'idempotency.external-id-quality', ['set in the body: "externalId" set to order["id"]']],
  ['merchants/sinatra-shop', 'webhook.code-environment-guard', ['app.rb:10 (after this line)', "+   halt 400 unless event['environment'] == 'live'"]],
  ['merchants/sinatra-shop', 'webhook.code-raw-body', ["+   expected = OpenSSL::HMAC.hexdigest('SHA256', ENV['MINTCASH_WEBHOOK_SECRET'], request.body.read)"]],
];

describe('golive fix: text suggestions and templates', () => {
  it.each(TEXT)('%s %s: the exact lines, never written', async (dir, only, lines) => {
    const repo = await repoFrom(path.join(FIXTURE_ROOT, dir));
    try {
      const shown = await fix(repo.dir, { only: [only] });
      expect(shown.code).toBe(1);
      for (const l of lines) expect(shown.stdout).toContain(l);
      expect(shown.stdout).toMatch(/1 text suggestion to apply by hand/);
      // Picking at a terminal offers no text suggestion to apply: golive cannot re-check it.
      const picked = await fix(repo.dir, { suggestions: true, only: [only] }, []);
      expect(picked.stdout).not.toMatch(/applied/);
      expect(await repo.git('status', '--porcelain')).toBe('');
    } finally {
      await repo.cleanup();
    }
  });

  it.each([
    ['express-shop', {}, /For express with pg, in src\/server\.js .*\n\s+const \{ rows: \[seen\] \} = await pool\.query\('SELECT 1 FROM processed_webhook_events WHERE event_id = \$1'/],
    ['express-shop', { 'package.json': '{ "dependencies": { "@prisma/client": "^5.0.0" } }' }, /with Prisma[\s\S]*if \(seen\) return res\.sendStatus\(200\);[\s\S]*model ProcessedWebhookEvent/],
    ['flask-shop', { 'requirements.txt': 'flask\nSQLAlchemy\n' }, /For flask with SQLAlchemy[\s\S]*return "", 200[\s\S]*alembic revision/],
    ['sinatra-shop', {}, /For sinatra with ActiveRecord[\s\S]*halt 200 if ProcessedWebhookEvent\.exists\?[\s\S]*bin\/rails generate model ProcessedWebhookEvent event_id:string:uniq/],
  ] as const)('%s: a dedup template for its framework and database client, never applied', async (name, extra, want) => {
    const repo = await repoFrom(path.join(MERCHANTS, name), { ...extra, ...(name === 'express-shop' && !('package.json' in extra) ? { 'package.json': '{ "dependencies": { "pg": "^8.0.0", "express": "^4.0.0" } }' } : {}) });
    try {
      const shown = await fix(repo.dir, { write: true, only: ['webhook.code-dedup'] });
      expect(shown.stdout).toMatch(/^\[template\] webhook\.code-dedup /m);
      expect(shown.stdout).toMatch(want);
      expect(shown.stdout).toMatch(/1 template to adapt by hand: golive never applies it\./);
      expect(await repo.git('status', '--porcelain')).toBe('');
    } finally {
      await repo.cleanup();
    }
  });

  // The acknowledgement is the detected framework's own: a Next.js route handler needs no
  // NextResponse to be one, a pages-router route has no res.sendStatus, and a plain Node one
  // returns only on a duplicate.
  it.each([
    ['guard-nextjs', /For a Next\.js route handler with your SQL client[\s\S]*\n {4}if \(seen\) return new Response\(null, \{ status: 200 \}\);\n/],
    ['suggest-raw-nextjs', /For a Next\.js route handler with[\s\S]*\n {4}if \(seen\) return new Response\(null, \{ status: 200 \}\);\n/],
    ['suggest-raw-next-pages', /For a Next\.js pages-router API route with[\s\S]*\n {4}if \(seen\) return res\.status\(200\)\.end\(\);\n/],
    ['suggest-env-fastify', /For fastify with[\s\S]*\n {4}if \(seen\) return reply\.code\(200\)\.send\(\);\n/],
    ['suggest-env-nestjs', /For nest with[\s\S]*\n {4}if \(seen\) return \{ duplicate: true \};\n/],
    ['suggest-raw-node', /For a plain Node handler with[\s\S]*\n {4}if \(seen\) \{ res\.writeHead\(200\)\.end\(\); return; \}\n/],
  ] as const)('%s: the dedup template answers a duplicate as its framework does', async (name, want) => {
    const repo = await repoOf(name);
    try {
      const shown = await fix(repo.dir, { write: true, only: ['webhook.code-dedup'] });
      expect(shown.stdout).toMatch(/^\[template\] webhook\.code-dedup /m);
      expect(shown.stdout).toMatch(want);
      expect(shown.stdout).not.toMatch(/res\.sendStatus/);
      expect(await repo.git('status', '--porcelain')).toBe('');
    } finally {
      await repo.cleanup();
    }
  });

  it('suggests process.env for a key literal in JS, never printing the key, and re-checks it away', async () => {
    const key = fakeKey('sk', 'live');
    const repo = await tempRepo('golive-fix-key-');
    try {
      await repo.write({ 'src/mintcash.js': `export const client = { secretKey: '${key}', baseUrl: 'https://api.mintcash.me' };\n` });
      await repo.commit('key');
      const before = await findings(repo.dir);
      const shown = await fix(repo.dir, { only: ['credentials'] });
      expect(shown.stdout + shown.stderr).not.toContain(key);
      expect(shown.stdout).toContain("+export const client = { secretKey: process.env.MINTCASH_SECRET_KEY, baseUrl: 'https://api.mintcash.me' };");
      expect(shown.stdout).toMatch(/still in git history: Ask your MintCash account manager to rotate it/);
      const picked = await fix(repo.dir, { suggestions: true, only: ['credentials'] }, ['apply']);
      expect(picked.stdout + picked.stderr).not.toContain(key);
      expect(minus(before, await findings(repo.dir))).toEqual(['credentials.no-secrets-in-source live-secret-in-source src/mintcash.js']);
    } finally {
      await repo.cleanup();
    }
  });
});
