// Cases met on the real repositories of the precision corpus, pinned: a key of another provider
// (Stripe's and Paystack's keys look like MintCash's) gets no MintCash suggestion, a committed
// fallback key is dropped rather than renamed, a Python helper with no request at hand gets no
// raw-body line, a compare cut inside an f-string is not offered, the helper goes below the
// last require even when code sits between the requires (trailing spaces untouched), a PHP
// class constant (which cannot hold getenv()) gets no one-line key fix, and the raw body an
// Express verify hook keeps is signed with a fallback: a request the JSON parser skipped (no body,
// another content type) has no req.rawBody, and HMAC.update(undefined) throws, which in an async
// Express 4 handler is an unhandled rejection that stops the whole process.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { fix } from './helpers.js';

async function run(files: Record<string, string>, only: string[], write = false) {
  const repo = await tempRepo('golive-fix-edge-');
  try {
    await repo.write(files);
    await repo.commit('sources');
    const r = await fix(repo.dir, { only, ...(write ? { write: true } : {}) });
    return { ...r, files: write ? await repo.git('diff') : '' };
  } finally {
    await repo.cleanup();
  }
}

describe('golive fix on shapes met in real repositories', () => {
  it("leaves another provider's key alone and drops a committed fallback of a MintCash key", async () => {
    const stripe = fakeKey('sk', 'test');
    const ours = fakeKey('sk', 'live');
    const r = await run({
      'src/seed.ts': `export const STRIPE = { provider: 'STRIPE', secret_key: process.env.STRIPE_SECRET_KEY || '${stripe}' };\n`,
      'src/mintcash.ts': `const BASE = 'https://api.mintcash.me';\nexport const secretKey = process.env.MINTCASH_SECRET_KEY || '${ours}';\nexport { BASE };\n`,
    }, ['credentials']);
    expect(r.stdout).not.toMatch(/src\/seed\.ts/);
    expect(r.stdout).toContain('-export const secretKey = process.env.MINTCASH_SECRET_KEY || ');
    expect(r.stdout).toContain('+export const secretKey = process.env.MINTCASH_SECRET_KEY;');
    expect(r.stdout).toMatch(/drop the committed fallback key/);
    expect(r.stdout + r.stderr).not.toContain(ours);
  });

  it('offers no raw-body line where the request is not at hand, nor a compare cut inside an f-string', async () => {
    const r = await run({
      'hooks/verify.py': [
        'import hashlib, hmac, json, os',
        '',
        'def verify(payload, signature):',
        '    digest = hmac.new(os.environ["SECRET"].encode(), json.dumps(payload).encode(), hashlib.sha256).hexdigest()',
        '    if signature != f"sha256={digest}":',
        '        return False',
        '    return True',
        '',
      ].join('\n'),
    }, ['webhook']);
    expect(r.stdout).not.toMatch(/request\.get_data\(\)/);
    expect(r.stdout).not.toMatch(/\{d\)/);
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('  + '))) expect(line).toMatch(/^ {2}\+ .*\)[:]?$/);
  });

  it('offers no one-line key fix for a PHP class constant, which cannot hold getenv(), but does for a variable', async () => {
    const key = fakeKey('sk', 'live');
    const php = (decl: string) => `<?php\n// MintCash API settings.\nclass MintCashClient\n{\n    ${decl}\n    const BASE = 'https://api.mintcash.me';\n}\n`;
    const constant = await run({ 'src/MintCashClient.php': php(`private const SECRET_KEY = '${key}';`) }, ['credentials']);
    expect(constant.stdout).toMatch(/nothing to fix/);
    const variable = await run({ 'src/MintCashClient.php': php(`public static function secretKey() { return '${key}'; }`) }, ['credentials']);
    expect(variable.stdout).toContain("+     public static function secretKey() { return getenv('MINTCASH_SECRET_KEY'); }");
    expect(constant.stdout + constant.stderr + variable.stdout + variable.stderr).not.toContain(key);
  });

  it('puts the helper below the last require, leaving trailing spaces and the code between them as they are', async () => {
    const r = await run({
      'src/routes.js': [
        "const express = require('express');",
        'const router = express.Router();',
        "const crypto = require('crypto'); ",
        'router.post(\'/webhooks/shopify\', (req, res) => {',
        "  const digest = crypto.createHmac('sha256', process.env.SECRET).update(req.rawBody).digest('base64');",
        "  if (digest !== req.get('x-shopify-hmac-sha256')) return res.sendStatus(401);",
        '  res.sendStatus(200);',
        '});',
        'module.exports = router;',
        '',
      ].join('\n'),
    }, ['webhook.timing-safe-compare'], true);
    expect(r.files).toContain(" const crypto = require('crypto'); \n+\n+/** Constant-time string compare (added by golive fix)");
    expect(r.files).toContain('+  return x.length === y.length && crypto.timingSafeEqual(x, y);\n+}\n+\n router.post(');
    expect(r.files).toContain("+  if (!safeCompare(digest, req.get('x-shopify-hmac-sha256'))) return res.sendStatus(401);");
  });

  it('signs the raw body an Express verify hook keeps with a fallback, so a request with no body is rejected, not a crash', async () => {
    // Met on NGDigitals/tinkasave-webhook@4a4fdec: an unsigned POST with no body stopped the server.
    const r = await run({
      'app.js': [
        "const crypto = require('crypto');",
        "const express = require('express');",
        "const bodyParser = require('body-parser');",
        'const app = express();',
        'app.use(bodyParser.json());',
        "app.post('/webhook', async (req, res) => {",
        "  const hash = crypto.createHmac('sha512', process.env.SECRET).update(JSON.stringify(req.body)).digest('hex');",
        "  if (hash !== req.headers['x-signature']) return res.sendStatus(401);",
        '  res.sendStatus(200);',
        '});',
        'module.exports = app;',
        '',
      ].join('\n'),
    }, ['webhook.code-raw-body']);
    expect(r.stdout).toContain('+app.use(bodyParser.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));');
    const signed = /^\+ {2}const hash = crypto\.createHmac\('sha512', process\.env\.SECRET\)\.update\((.+)\)\.digest\('hex'\);$/m.exec(r.stdout)?.[1];
    expect(signed).toBeDefined();
    // The suggested HMAC input, run as the handler would run it.
    const hmacOf = new Function('crypto', 'req', `return crypto.createHmac('sha512', 'k').update(${signed}).digest('hex');`) as (c: typeof crypto, req: object) => string;
    expect(() => hmacOf(crypto, {})).not.toThrow();
    expect(hmacOf(crypto, {})).not.toBe(hmacOf(crypto, { rawBody: Buffer.from('{}') }));
    expect(hmacOf(crypto, { rawBody: Buffer.from('{"a":1}') })).toBe(crypto.createHmac('sha512', 'k').update('{"a":1}').digest('hex'));
  });
});

describe('golive fix: the NestJS raw-body suggestion', () => {
  it('signs req.rawBody with a fallback, so a request with no body is rejected, not a crash', async () => {
    // Nest keeps rawBody only when its parser ran: a POST with no body leaves it undefined.
    const r = await run({
      'src/main.ts': ["import { NestFactory } from '@nestjs/core';", "import { AppModule } from './app.module';", 'async function bootstrap() {', '  const app = await NestFactory.create(AppModule);', '  await app.listen(3000);', '}', 'bootstrap();', ''].join('\n'),
      'src/webhooks.controller.ts': [
        "import { Body, Controller, Headers, Post, UnauthorizedException } from '@nestjs/common';",
        "import { createHmac } from 'node:crypto';",
        "@Controller('webhooks')",
        'export class WebhooksController {',
        "  @Post('mintcash')",
        "  receive(@Body() body: unknown, @Headers('x-signature') signature: string) {",
        "    const expected = createHmac('sha256', process.env.MINTCASH_WEBHOOK_SECRET ?? '').update(JSON.stringify(body)).digest('hex');",
        '    if (expected !== signature) throw new UnauthorizedException();',
        '    return { received: true };',
        '  }',
        '}',
        '',
      ].join('\n'),
    }, ['webhook.code-raw-body']);
    expect(r.stdout).toContain('+  const app = await NestFactory.create(AppModule, { rawBody: true });');
    const signed = /^\+ {4}const expected = createHmac\('sha256', process\.env\.MINTCASH_WEBHOOK_SECRET \?\? ''\)\.update\((.+)\)\.digest\('hex'\);$/m.exec(r.stdout)?.[1];
    expect(signed).toBe('req.rawBody ?? Buffer.alloc(0)');
    const hmacOf = new Function('crypto', 'req', `return crypto.createHmac('sha256', 'k').update(${signed}).digest('hex');`) as (c: typeof crypto, req: object) => string;
    expect(() => hmacOf(crypto, {})).not.toThrow();
    expect(hmacOf(crypto, { rawBody: Buffer.from('{"a":1}') })).toBe(crypto.createHmac('sha256', 'k').update('{"a":1}').digest('hex'));
  });
});

// A header the request may not carry is null (nil, None) when the handler compares it: PHP 8's
// hash_equals throws a TypeError on null, Rack's secure_compare calls nil.bytesize, Python's
// compare_digest raises TypeError and Java's null.getBytes() throws NPE, where `==` rejected.
// Shapes from lockstep/pixelz_webhook_verification, dragosthealex/alexdradu-my-website,
// ggstroligo/improving-jaya-test, bagel-dawg/github-slack-mentions and AT-devloper/eBackend.
const TIMING = ['webhook.timing-safe-compare'];
const PHP_PARAM = [
  '<?php',
  "  define('APP_CODE', getenv('APP_CODE'));",
  '  function verify_webhook($data, $hmac_header) {',
  "    $calculated_hmac = base64_encode(hash_hmac('sha256', $data, APP_CODE, true));",
  '    return ($hmac_header == $calculated_hmac);',
  '  }',
  "  $hmac_header = getallheaders()['HTTP_X_HMAC_SHA256'];",
  "  $verified = verify_webhook(file_get_contents('php://input'), $hmac_header);",
  '',
].join('\n');
const PHP_LARAVEL = [
  '<?php',
  'namespace App\\Http\\Controllers;',
  'use Illuminate\\Http\\Request;',
  'class ApiController extends Controller',
  '{',
  '  public function githubHook(Request $request) {',
  "    $signature = $request->header('X-Hub-Signature');",
  "    $pass = 'sha1=' . hash_hmac('sha1', $request->getContent(), env('GIT_WEBHOOK_KEY'));",
  '    if ($pass == $signature) {',
  "      return 'ok';",
  '    }',
  '    abort(401);',
  '  }',
  '}',
  '',
].join('\n');
const RUBY_PARAM = [
  "require 'openssl'",
  "require 'sinatra'",
  'helpers do',
  '  def verify_webhook(data, hmac_header)',
  "    calculated_hmac = Base64.encode64(OpenSSL::HMAC.digest('sha256', ENV['SHARED_SECRET'], data)).strip",
  '    calculated_hmac == hmac_header',
  '  end',
  'end',
  "post '/' do",
  '  verified = verify_webhook(request.body.read, request.env["HTTP_X_HMAC_SHA256"])',
  'end',
  '',
].join('\n');
const RUBY_HEADERS = [
  'module WebhookAuth',
  '  def authenticate_webhook!',
  "    x_hub_signature = request.headers['X-Hub-Signature-256']",
  '    body = request.body.read',
  "    key = \"sha256=#{OpenSSL::HMAC.hexdigest(OpenSSL::Digest.new('sha256'), ENV['GITHUB_WEBHOOK_SECRET_KEY'], body)}\"",
  '    valid_credentials = x_hub_signature == key',
  '    return head :unauthorized unless valid_credentials',
  '  end',
  'end',
  '',
].join('\n');
const PY = [
  'import hashlib',
  'import hmac',
  'import os',
  'import re',
  '',
  'def verify_webhook_secret(signature, payload):',
  '    return hmac.new(os.environ["GITHUB_SECRET"].encode(), payload, hashlib.sha1).hexdigest() == re.sub("sha1=", "", signature)',
  '',
  'def verify_slack_secret(signature, timestamp, payload):',
  "    sig_basestring = 'v0:' + timestamp + ':' + payload",
  '    return \'v0=\' + hmac.new(os.environ["SLACK_APP_SIGNING_SECRET"].encode(), sig_basestring.encode(), hashlib.sha256).hexdigest() == signature',
  '',
].join('\n');
const JAVA = [
  'package com.example.Service;',
  '',
  'import javax.crypto.Mac;',
  'import javax.crypto.spec.SecretKeySpec;',
  'import java.nio.charset.StandardCharsets;',
  'import org.springframework.stereotype.Service;',
  '',
  '@Service',
  'public class WebhookService {',
  '    public boolean verify(String payload, String signature, String secret) throws Exception {',
  '        Mac mac = Mac.getInstance("HmacSHA256");',
  '        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));',
  '        byte[] hash = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));',
  '        StringBuilder hex = new StringBuilder();',
  '        for (byte b : hash) hex.append(String.format("%02x", b));',
  '        return hex.toString().equals(signature);',
  '    }',
  '}',
  '',
].join('\n');

describe('golive fix: a constant-time compare that rejects a missing header as `==` did', () => {
  it.each([
    ['PHP, a parameter (the request operand goes second, as hash_equals asks)', { 'verify_webhook.php': PHP_PARAM }, '+     return (hash_equals($calculated_hmac, (string) $hmac_header));'],
    ['PHP, Laravel $request->header()', { 'app/Http/Controllers/ApiController.php': PHP_LARAVEL }, '+     if (hash_equals($pass, (string) $signature)) {'],
    ['Ruby, a parameter', { 'verify_webhook.rb': RUBY_PARAM }, '+     Rack::Utils.secure_compare(calculated_hmac, hmac_header.to_s)'],
    ['Ruby, request.headers[]', { 'app/controllers/concerns/webhook_auth.rb': RUBY_HEADERS }, '+     valid_credentials = Rack::Utils.secure_compare(x_hub_signature.to_s, key)'],
    ['Python, a parameter', { 'verify_webhook_secret.py': PY }, "hashlib.sha256).hexdigest(), signature or '')"],
    ['Java, a parameter', { 'src/main/java/com/example/Service/WebhookService.java': JAVA }, '+         return MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.UTF_8), Objects.toString(signature, "").getBytes(StandardCharsets.UTF_8));'],
    // Spring answers 400 itself for a missing required header; `required = false` passes null.
    ['Java, an optional @RequestHeader', { 'src/main/java/shop/Hooks.java': JAVA.replace('public boolean verify(String payload, String signature, String secret)', 'public boolean verify(@RequestBody String payload, @RequestHeader(value = "X-Signature", required = false) String signature, String secret)') }, 'Objects.toString(signature, "").getBytes(StandardCharsets.UTF_8));'],
    ['Python, a one-argument .get()', { 'hooks.py': ['import hashlib', 'import hmac', 'import os', 'from flask import request', '', 'def verify():', '    signature = request.headers.get("X-Signature")', '    expected = hmac.new(os.environ["SECRET"].encode(), request.get_data(), hashlib.sha256).hexdigest()', '    return expected == signature', ''].join('\n') }, "+     return hmac.compare_digest(expected, signature or '')"],
  ] as const)('%s', async (_name, files, line) => {
    const r = await run(files, TIMING);
    expect(r.stdout).toContain(line);
  });

  it('leaves alone what cannot be null: a computed value, a defaulted header, a required Spring header', async () => {
    const r = await run({
      'verify_webhook_secret.py': PY,
      'src/main/java/shop/Hooks.java': JAVA.replace('public boolean verify(String payload, String signature, String secret)', 'public boolean verify(@RequestBody String payload, @RequestHeader("X-Signature") String signature, String secret)'),
      'hook.php': ['<?php', "$hash = base64_encode(hash_hmac('sha256', file_get_contents('php://input'), getenv('SECRET'), true));", "if ($hash != ($_SERVER['HTTP_X_HMAC'] ?? '')) { http_response_code(401); exit; }", ''].join('\n'),
    }, TIMING);
    // re.sub never returns None (it raises on None first, before the compare, as before).
    expect(r.stdout).toContain('hashlib.sha1).hexdigest(), re.sub("sha1=", "", signature))');
    expect(r.stdout).toContain("+ if (!hash_equals($hash, ($_SERVER['HTTP_X_HMAC'] ?? ''))) { http_response_code(401); exit; }");
    expect(r.stdout).not.toMatch(/re\.sub\([^\n]*\) or ''|\(string\) \(\$_SERVER/);
    expect(r.stdout).toContain('Hooks.java:16\n  -         return hex.toString().equals(signature);\n  +         return MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));');
  });
});

// Shapes from ara-ta3/github-webhook-secret-sample and flexprice/flexprice (Go),
// bagel-dawg/github-slack-mentions (Python) and AT-devloper/eBackend (Java): the file already
// imports what the compare needs, so the note would send the reader looking for nothing.
const GO = (imports: string) => [
  'package main',
  '',
  'import (',
  imports,
  '\t"crypto/sha1"',
  '\t"encoding/hex"',
  '\t"fmt"',
  ')',
  '',
  'func verifySignature(payload []byte, token, signature string) bool {',
  '\tmac := hmac.New(sha1.New, []byte(token))',
  '\tmac.Write(payload)',
  '\te := hex.EncodeToString(mac.Sum(nil))',
  '\treturn signature == fmt.Sprintf("sha1=%s", e)',
  '}',
  '',
].join('\n');

describe('golive fix: the import note of a text compare suggestion only when the import is missing', () => {
  it('says nothing of an import the file has, and names only the ones it lacks', async () => {
    const r = await run({ 'main.go': GO('\t"crypto/hmac"'), 'verify_webhook_secret.py': PY, 'src/main/java/com/example/Service/WebhookService.java': JAVA }, TIMING);
    expect(r.stdout).toContain('+ \treturn hmac.Equal([]byte(signature), []byte(fmt.Sprintf("sha1=%s", e)))');
    expect(r.stdout).not.toContain('"crypto/hmac"` in the imports');
    expect(r.stdout).not.toContain('`import hmac`');
    expect(r.stdout).toContain('needs `import java.security.MessageDigest;` and `import java.util.Objects;`\n');
    expect(r.stdout).not.toContain('`import java.nio.charset.StandardCharsets;`');
  });

  it('still says it when the import is missing', async () => {
    const r = await run({ 'main.go': GO('\t"crypto/sha256"'), 'verify_webhook_secret.py': PY.replace('import hmac\n', '') }, TIMING);
    expect(r.stdout).toContain('needs `"crypto/hmac"` in the imports');
    expect(r.stdout).toContain('needs `import hmac` at the top of the file');
  });
});
