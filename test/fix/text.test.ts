// What golive cannot apply itself: text suggestions with the exact lines for Python, Go, Ruby, PHP
// and Java (never written, even when picked at a terminal), templates for eventId dedup per
// framework and database client, and the key-literal suggestion (a key made at run time). Per
// language, a handler with every mistake (text-<language>/before) gets each suggestion, and the
// lines applied by hand (after/) remove exactly those findings and leave a correct twin; the
// correct merchants and idioms of each language are offered nothing.
import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { FIXTURES, PLANTED, expectLeftAlone, expectRemoved, findings, fix, leftAloneTests, minus, repoOf } from './helpers.js';
import { FIXABLE } from '../../src/fix/session.js';

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
  ['idioms/php-unnamed-compare', 'webhook.timing-safe-compare', ['shopify-webhook.php:7', '- if ($hash != $headers[$name]) {', '+ if (!hash_equals($hash, (string) $headers[$name])) {']],
  ['idioms/py-unnamed-compare', 'webhook.timing-safe-compare', ['-     if hash != request_headers.get(HEADER, ""):', '+     if not hmac.compare_digest(hash, request_headers.get(HEADER, "")):']],
  ['idioms/rb-unnamed-compare', 'webhook.timing-safe-compare', ['+     return head :unauthorized unless Rack::Utils.secure_compare(hash, request.env[HEADER].to_s)']],
  ['idioms/java-unnamed-compare', 'webhook.timing-safe-compare', ['+     return MessageDigest.isEqual(hash.getBytes(StandardCharsets.UTF_8), Objects.toString(sent, "").getBytes(StandardCharsets.UTF_8));', 'needs `import java.security.MessageDigest;` and `import java.nio.charset.StandardCharsets;` and `import java.util.Objects;`']],
  ['merchants/flask-shop', 'webhook.code-raw-body', ['+     expected = hmac.new(os.environ["MINTCASH_WEBHOOK_SECRET"].encode(), request.get_data(), hashlib.sha256).hexdigest()']],
  ['merchants/flask-shop', 'idempotency.external-id-quality', ['set in the body: "externalId" set to order["id"]']],
  // The guard names the handler's own variable (`payload`), not a guessed `event`.
  ['merchants/sinatra-shop', 'webhook.code-environment-guard', ['app.rb:10 (after this line)', "+   halt 400 unless payload['environment'] == 'live'"]],
  ['merchants/sinatra-shop', 'webhook.code-raw-body', ["+   expected = OpenSSL::HMAC.hexdigest('SHA256', ENV['MINTCASH_WEBHOOK_SECRET'], request.body.read)"]],
  // A Spring handler with no `body` in sight yet: the note says to take it as `@RequestBody String body`.
  ['idioms/java-jackson-reserialized', 'webhook.code-raw-body', ['MintCashWebhookController.java:28', '-     String payload = objectMapper.writeValueAsString(event);', '+     String payload = body;', 'take the body as `@RequestBody String body`']],
  // A Rails controller (known by its ApplicationController) reads `request.raw_post`, which needs no rewind.
  ['idioms/rb-to-json-reserialized', 'webhook.code-raw-body', ['-     canonical = payload.to_json', '+     canonical = request.raw_post']],
];

const KEY = PLANTED.__MINTCASH_SK_LIVE__!;

/** Every mistake of text-<language>/before, as findings. */
const EVERY = ['credentials.no-secrets-in-source live-secret-in-source', 'idempotency.external-id missing-external-id', 'webhook.code-dedup no-event-dedup', 'webhook.code-environment-guard no-environment-guard', 'webhook.code-raw-body hmac-over-reserialized-json', 'webhook.timing-safe-compare non-constant-time-compare'];

/** Per language: the file and lines the suggestions must show; the suggestions (and the dedup template) remove EVERY finding. */
const LANGUAGES: Record<string, { file: string; lines: string[] }> = {
  python: {
    file: 'app.py',
    lines: ['+ SECRET_KEY = os.environ["MINTCASH_SECRET_KEY"]', 'app.py:18 (after this line)', '+     if payload["environment"] != "live": abort(400)', '"externalId" set to order["id"]'],
  },
  ruby: {
    file: 'app.rb',
    // `payload.to_json`: the re-serialised HMAC as Ruby usually writes it.
    lines: ['+ SECRET_KEY = ENV.fetch("MINTCASH_SECRET_KEY")', "+   halt 400 unless payload['environment'] == 'live'", '"externalId" set to order[\'id\']', "-   expected = OpenSSL::HMAC.hexdigest('SHA256', ENV.fetch('MINTCASH_WEBHOOK_SECRET'), payload.to_json)", "+   expected = OpenSSL::HMAC.hexdigest('SHA256', ENV.fetch('MINTCASH_WEBHOOK_SECRET'), request.body.read)"],
  },
  go: {
    file: 'main.go',
    // A constant cannot hold os.Getenv; one value now, not two; after the error branch, not in it.
    lines: ['+ var secretKey = os.Getenv("MINTCASH_SECRET_KEY")', '+ \tcanonical := body', 'main.go:38 (after this line)\n    }\n  + \tif evt.Environment != "live" {', '"externalId" set to order.ID'],
  },
  php: {
    file: 'app/Http/Controllers/MintCashController.php',
    lines: ["getenv('MINTCASH_SECRET_KEY'))", "+         if ($event['environment'] !== 'live')", '"externalId" set to $order->id'],
  },
  java: {
    file: 'src/main/java/shop/MintCashController.java',
    // First in the method body, not among its parameters; the HMAC over Jackson's `mapper.writeValueAsString(event)` becomes the raw body.
    lines: ['+   private static final String SECRET_KEY = System.getenv("MINTCASH_SECRET_KEY");', 'String signature) throws Exception {\n  +     if (!"live".equals(event.getEnvironment()))', '"externalId" set to order.getId()', '+     String expected = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));'],
  },
};

/**
 * Kotlin: only the secret scan reads .kt and .kts files (the code index does not), so the key is
 * the one suggestion a Kotlin file gets, and it is Kotlin: a `const val` cannot hold a value read
 * at run time, an elvis fallback to the key goes, a raw string goes whole.
 */
const KOTLIN_FILES = ['scripts/refund.main.kts', 'src/main/kotlin/shop/MintCashController.kt', 'src/main/kotlin/shop/MintCashKeys.kt'];
const KOTLIN_LINES = [
  '+ private val SECRET_KEY = System.getenv("MINTCASH_SECRET_KEY")',
  '+   val secretKey: String = System.getenv("MINTCASH_SECRET_KEY")',
  '+ val secretKey = System.getenv("MINTCASH_SECRET_KEY")',
];
/** What a Java line would carry: none of it compiles as written in Kotlin. */
const JAVA_ONLY = /getBytes\(|StandardCharsets|Objects\.toString|\.equals\(|getEnvironment\(\)|getId\(\)|@RequestBody String|^ {2}\+ .*;\s*$|import [\w.]+;/m;

/** Correct code of each language golive must leave alone, with every fixable check passing. */
const CORRECT = ['merchants/go-shop', 'merchants/fastapi-shop', 'merchants/laravel-shop'];
const IDIOMS_OK = ['go', 'java', 'js', 'php', 'py', 'rb'].map((l) => `idioms/${l}-unnamed-compare-ok`);

describe('golive fix: text suggestions and templates', () => {
  it.each(Object.entries(LANGUAGES))('text-%s: every suggestion shown; its lines applied by hand remove exactly its findings and leave a correct twin', async (lang, { file, lines }) => {
    const removed = EVERY;
    const name = `text-${lang}`;
    const repo = await repoOf(name);
    try {
      const before = await findings(repo.dir);
      const shown = await fix(repo.dir);
      expect(shown.code).toBe(1);
      expect(shown.stdout + shown.stderr).not.toContain(KEY);
      for (const l of lines) expect(shown.stdout).toContain(l);
      expect(shown.stdout).toMatch(new RegExp(`${removed.length - 1} text suggestions to apply by hand`));
      expect(shown.stdout).toMatch(/^\[template\] webhook\.code-dedup /m);
      const picked = await fix(repo.dir, { suggestions: true }, []);
      expect(picked.stdout).not.toMatch(/applied/);
      expect(await repo.git('status', '--porcelain')).toBe('');

      // Every line golive says to add is in after/, every line it says to change is gone.
      const after = await readFile(path.join(FIXTURES, name, 'after', file), 'utf8');
      const afterLines = after.split('\n');
      const added = shown.stdout.split('\n').filter((l) => l.startsWith('  + ')).map((l) => l.slice(4));
      const changed = shown.stdout.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
      expect(added.length).toBe(removed.length - 2); // all but the externalId instruction and the template
      for (const l of added) expect(afterLines, l).toContain(l);
      for (const l of changed) expect(afterLines, l).not.toContain(l);

      await rm(path.join(repo.dir, file));
      await cp(path.join(FIXTURES, name, 'after'), repo.dir, { recursive: true });
      await expectRemoved(repo.dir, before, removed.map((r) => `${r} ${file}`));
      await repo.commit('suggestions applied by hand');
      await expectLeftAlone(repo, FIXABLE);
    } finally {
      await repo.cleanup();
    }
  });

  it('text-kotlin: the key suggestion in Kotlin for each .kt and .kts file, never a Java line; its lines applied by hand remove exactly those findings', async () => {
    const name = 'text-kotlin';
    const repo = await repoOf(name);
    try {
      const before = await findings(repo.dir);
      // Nothing but the secret scan names a Kotlin file: no compare, raw-body, guard or externalId finding.
      expect(before.filter((f) => /\.kts?$/.test(f)).sort()).toEqual(KOTLIN_FILES.map((file) => `credentials.no-secrets-in-source live-secret-in-source ${file}`));
      const shown = await fix(repo.dir);
      expect(shown.code).toBe(1);
      expect(shown.stdout + shown.stderr).not.toContain(KEY);
      for (const l of KOTLIN_LINES) expect(shown.stdout).toContain(l);
      expect(shown.stdout).toMatch(/^3 text suggestions to apply by hand/m);
      expect(shown.stdout).not.toMatch(JAVA_ONLY);
      expect(await repo.git('status', '--porcelain')).toBe('');

      // Per file: every line golive says to add is in after/, every line it says to change is gone.
      let file = '';
      const seen = new Set<string>();
      for (const l of shown.stdout.split('\n')) {
        const at = /^ {2}(\S+\.kts?):\d+$/.exec(l);
        if (at) file = at[1]!;
        if (!/^ {2}[-+] /.test(l)) continue;
        const afterLines = (await readFile(path.join(FIXTURES, name, 'after', file), 'utf8')).split('\n');
        if (l.startsWith('  + ')) expect(afterLines, l).toContain(l.slice(4));
        else expect(afterLines, l).not.toContain(l.slice(4));
        seen.add(file);
      }
      expect([...seen].sort()).toEqual(KOTLIN_FILES);

      await cp(path.join(FIXTURES, name, 'after'), repo.dir, { recursive: true });
      await expectRemoved(repo.dir, before, KOTLIN_FILES.map((f) => `credentials.no-secrets-in-source live-secret-in-source ${f}`));
      await repo.commit('suggestions applied by hand');
      await expectLeftAlone(repo, ['credentials.no-secrets-in-source']);
    } finally {
      await repo.cleanup();
    }
  });

  // The Kotlin twin: a Spring handler written correctly in Kotlin is offered nothing.
  leftAloneTests(/^text-/, { 'text-kotlin-ok': ['credentials.no-secrets-in-source'] }, {});

  it.each([...CORRECT, ...IDIOMS_OK])('%s: correct code is offered nothing and left byte for byte (built CLI)', async (dir) => {
    const repo = await repoFrom(path.join(FIXTURE_ROOT, dir));
    try {
      const checks = dir.startsWith('idioms/') ? ['webhook.timing-safe-compare'] : FIXABLE;
      await expectLeftAlone(repo, checks);
    } finally {
      await repo.cleanup();
    }
  });

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
