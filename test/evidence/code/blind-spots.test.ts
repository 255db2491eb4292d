// Issue 24: the idioms and false alarms real handlers showed, one whole-file fixture per case
// (written for golive, not copied), each with a correct twin where there is one. Every code check
// runs over each fixture; checks not named must raise nothing.
import { describe, expect, it } from 'vitest';
import { webhookCodeDedup } from '../../../checks/webhook-code-dedup.js';
import { webhookCodeEnvironmentGuard } from '../../../checks/webhook-code-environment-guard.js';
import { webhookTimingSafeCompare } from '../../../checks/webhook-timing-safe-compare.js';
import { CODE_CHECKS, indexSources, judgeCode, whereAll } from '../../helpers/code.js';

const CHECKS = CODE_CHECKS;
type Expect = Partial<Record<keyof typeof CHECKS, string[]>>;

const where = async (files: Record<string, string>): Promise<Record<string, string[]>> => whereAll(await indexSources(files));
const expectOnly = (e: Expect): Record<string, string[]> => Object.fromEntries((Object.keys(CHECKS) as (keyof typeof CHECKS)[]).map((k) => [k, [...(e[k] ?? [])].sort()]));

// ---- Membership compares ----------------------------------------------------------------------
const JS_INCLUDES = `import crypto from 'node:crypto';
// Accepts any of the signatures the Acme relay lists (key rotation).
export function verify(req, secrets) {
  const expected = secrets.map((s) => crypto.createHmac('sha256', s).update(req.rawBody).digest('hex'));
  const sent = String(req.headers['x-acme-signature'] ?? '');
  return expected.includes(sent);
}
`;
const JS_SOME = `import crypto from 'node:crypto';
export function verify(req, secrets) {
  const sent = String(req.headers['x-acme-signature'] ?? '');
  return secrets.some((s) => crypto.createHmac('sha256', s).update(req.rawBody).digest('hex') === sent);
}
`;
const JS_SOME_OK = `import crypto from 'node:crypto';
export function verify(req, secrets) {
  const sent = Buffer.from(String(req.headers['x-acme-signature'] ?? ''));
  return secrets.some((s) => {
    const mac = Buffer.from(crypto.createHmac('sha256', s).update(req.rawBody).digest('hex'));
    return mac.length === sent.length && crypto.timingSafeEqual(mac, sent);
  });
}
`;
const PY_IN = `import hashlib
import hmac

def verify(request, secrets):
    sent = request.headers.get("X-Acme-Signature", "")
    digests = [hmac.new(s, request.get_data(), hashlib.sha256).hexdigest() for s in secrets]
    return sent in digests
`;
const RB_INCLUDE = `class AcmeHooksController < ApplicationController
  def create
    sent = request.headers['X-Acme-Signature']
    digests = SECRETS.map { |s| OpenSSL::HMAC.hexdigest('SHA256', s, request.raw_post) }
    return head :unauthorized unless digests.include?(sent)
    head :ok
  end
end
`;
const PHP_IN_ARRAY = `<?php
function acme_verified(array $secrets): bool {
    $body = file_get_contents('php://input');
    $sent = $_SERVER['HTTP_X_ACME_SIGNATURE'] ?? '';
    $digests = array_map(fn ($s) => hash_hmac('sha256', $body, $s), $secrets);
    return in_array($sent, $digests, true);
}
`;
const JAVA_CONTAINS = `package shop.hooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.List;

class AcmeSignatures {
  boolean verify(String signature, byte[] body, List<String> secrets) throws Exception {
    List<String> expected = secrets.stream().map(s -> hmac(s, body)).toList();
    return expected.contains(signature);
  }

  static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }
}
`;

// ---- HMACs from other libraries and under other names -----------------------------------------
const TS_NOBLE = `import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

export function isValid(secret: string, sent: string, rawBody: Uint8Array): boolean {
  const mine = bytesToHex(hmac(sha256, new TextEncoder().encode(secret), rawBody));
  return mine === sent;
}
`;
const JS_CRYPTOJS = `import CryptoJS from 'crypto-js';

export function verify(req) {
  const mine = CryptoJS.HmacSHA256(JSON.stringify(req.body), process.env.ACME_SECRET).toString(CryptoJS.enc.Hex);
  return mine === req.headers['x-acme-signature'];
}
`;
const JS_ALIAS = `import { createHmac as mac, timingSafeEqual as same } from 'node:crypto';

export function verify(req) {
  const mine = Buffer.from(mac('sha256', process.env.ACME_SECRET).update(req.rawBody).digest('hex'));
  const sent = Buffer.from(String(req.headers['x-acme-signature'] ?? ''));
  return same(mine, sent);
}
`;
const PY_ALIAS = `from hashlib import sha256
from hmac import new as keyed

def verify(request, secret):
    sent = request.headers.get("X-Acme-Signature")
    return keyed(secret, request.get_data(), sha256).hexdigest() == sent
`;
const GO_ALIAS = `package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	h "crypto/hmac"
	"net/http"
)

func Verify(r *http.Request, body []byte, key []byte) bool {
	m := h.New(sha256.New, key)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil)) == r.Header.Get("X-Acme-Signature")
}
`;
const JS_NACL_OK = `import nacl from 'tweetnacl';

export function verify(req, publicKey) {
  const sig = Buffer.from(String(req.headers['x-signature-ed25519'] ?? ''), 'hex');
  const ts = String(req.headers['x-signature-timestamp'] ?? '');
  return nacl.sign.detached.verify(Buffer.from(ts + req.rawBody), sig, publicKey);
}
`;

// ---- Re-serialised bodies that arrive as parameters -------------------------------------------
const JS_PARAM_SAME_FILE = `const crypto = require('crypto');

function signatureOf(payload, secret) {
  return crypto.createHmac('sha512', secret).update(JSON.stringify(payload)).digest('hex');
}

exports.hook = (req, res) => {
  const ok = crypto.timingSafeEqual(Buffer.from(signatureOf(req.body, process.env.ACME_SECRET)), Buffer.from(String(req.headers['x-acme-signature'])));
  res.sendStatus(ok ? 200 : 401);
};
`;
const TS_SERVICE = `import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';

@Injectable()
export class AcmeWebhookService {
  verify(payload: unknown, signature: string): boolean {
    const mine = createHmac('sha256', process.env.ACME_SECRET ?? '').update(JSON.stringify(payload)).digest('hex');
    return mine.length === signature.length && timingSafeEqual(Buffer.from(mine), Buffer.from(signature));
  }
}
`;
const TS_CONTROLLER = `import { Body, Controller, Headers, Post, UnauthorizedException } from '@nestjs/common';
import { AcmeWebhookService } from './acme-webhook.service';

@Controller('webhooks/acme')
export class AcmeWebhookController {
  constructor(private readonly hooks: AcmeWebhookService) {}

  @Post()
  receive(@Body() event: Record<string, unknown>, @Headers('x-acme-signature') signature: string) {
    if (!this.hooks.verify(event, signature)) throw new UnauthorizedException();
    return { received: true };
  }
}
`;
const TS_CONTROLLER_RAW = TS_CONTROLLER.replace('receive(@Body() event: Record<string, unknown>,', 'receive(@Req() req: { rawBody: Buffer },').replace('this.hooks.verify(event, signature)', 'this.hooks.verify(req.rawBody, signature)').replace('Body, Controller', 'Req, Controller');
const TS_CALLER_SERIALISES = `import { Body, Controller, Headers, Post } from '@nestjs/common';
import { verifySignature } from './verify';

@Controller('webhooks')
export class WebhooksController {
  @Post('acme')
  receive(@Body() body: object, @Headers('x-acme-signature') sig: string) {
    const raw = JSON.stringify(body);
    return { ok: verifySignature(raw, sig) };
  }
}
`;
const TS_VERIFY = `import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifySignature(rawBody: string, sig: string): boolean {
  const mine = createHmac('sha256', process.env.ACME_SECRET ?? '').update(rawBody).digest('hex');
  return mine.length === sig.length && timingSafeEqual(Buffer.from(mine), Buffer.from(sig));
}
`;
const PY_HELPER = `import hashlib
import hmac
import json
import os


def check_acme(signature, event):
    mine = hmac.new(os.environ["ACME_SECRET"].encode(), json.dumps(event).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(mine, signature)
`;
const PY_ROUTE = `import json

from hooks.verify import check_acme


def handler(event, context):
    body = json.loads(event["body"])
    if not check_acme(event["headers"]["X-Acme-Signature"], body):
        return {"statusCode": 401}
    return {"statusCode": 200}
`;

// ---- Compare functions judged by their body, constants, numbers, logs -------------------------
const TS_LOCAL_SAFE = `export async function verify(rawBody: string, sent: string, secret: string): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(rawBody));
  const mine = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return timingSafeEqual(mine, sent);
}

// Constant time, with its own length check: not Node's, so nothing to guard.
function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
`;
const JS_LOCAL_LEAKY = `import crypto from 'node:crypto';

// Named like a safe compare, but it is not one.
function safeCompare(a, b) {
  return a === b;
}

export function verify(req) {
  const mine = crypto.createHmac('sha256', process.env.ACME_SECRET).update(req.rawBody).digest('hex');
  return safeCompare(mine, String(req.headers['x-acme-signature']));
}
`;
const TS_CONSTANTS_OK = `import { createHmac, timingSafeEqual } from 'node:crypto';

enum SignatureAlgorithm { HmacSha256 = 'hmac-sha256', Ed25519 = 'ed25519' }
const SIGNATURE_VERSION = 'v1';

export function verify(headers: Headers, rawBody: string, secret: string): boolean {
  const [version, algorithm, sent] = (headers.get('x-acme-signature') ?? '').split(':');
  if (version !== SIGNATURE_VERSION) return false;
  if (algorithm !== SignatureAlgorithm.HmacSha256) return false;
  const mine = createHmac('sha256', secret).update(rawBody).digest('hex');
  return sent.length === mine.length && timingSafeEqual(Buffer.from(sent), Buffer.from(mine));
}
`;
const TS_SIGNED_COOKIE_OK = `import { createHmac, timingSafeEqual } from 'node:crypto';

export function tokenOf(signedValue: string, secret: string): string | null {
  const lastDot = signedValue.lastIndexOf('.');
  if (lastDot <= 0 || lastDot === signedValue.length - 1) return null;
  const token = signedValue.slice(0, lastDot);
  const signature = Buffer.from(signedValue.slice(lastDot + 1));
  const expected = Buffer.from(createHmac('sha256', secret).update(token).digest('base64'));
  return expected.length === signature.length && timingSafeEqual(expected, signature) ? token : null;
}
`;
const JS_LOGGED = `import crypto from 'node:crypto';

export function verify(req) {
  const sent = String(req.headers['x-acme-signature'] ?? '');
  const mine = crypto.createHmac('sha256', process.env.ACME_SECRET).update(req.rawBody).digest('hex');
  console.log('acme signature matches?', sent === mine);
  return sent === mine;
}
`;
const JS_TRY_500 = `import crypto from 'node:crypto';

export function hook(req, res) {
  try {
    const mine = Buffer.from(crypto.createHmac('sha256', process.env.ACME_SECRET).update(req.rawBody).digest('hex'));
    if (!crypto.timingSafeEqual(mine, Buffer.from(String(req.headers['x-acme-signature'])))) return res.status(401).end();
    return res.status(200).end();
  } catch (err) {
    return res.status(500).send('Internal Server Error');
  }
}
`;
const JS_TRY_401_OK = JS_TRY_500.replace("res.status(500).send('Internal Server Error')", 'res.status(401).end()');

const PY_LOCAL_LEAKY = `import hashlib
import hmac


def safe_compare(a, b):
    return a == b


def verify(request, secret):
    mine = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()
    return safe_compare(mine, request.headers.get("X-Acme-Signature", ""))
`;
const RB_LOCAL_SAFE = `class AcmeHooks
  def verify(request)
    mine = OpenSSL::HMAC.hexdigest('SHA256', SECRET, request.raw_post)
    secure_equal?(mine, request.headers['X-Acme-Signature'].to_s)
  end

  def secure_equal?(a, b)
    return false unless a.bytesize == b.bytesize
    l = a.unpack('C*')
    res = 0
    b.each_byte { |byte| res |= byte ^ l.shift }
    res == 0
  end
end
`;
const PHP_USE_FUNCTION = `<?php
use function hash_hmac as sign;

function acme_verified(string $sent, string $secret): bool {
    $body = file_get_contents('php://input');
    return sign('sha256', $body, $secret) == $sent;
}
`;
const JAVA_STATIC_IMPORT_OK = `package shop.hooks;

import static java.security.MessageDigest.isEqual;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

class AcmeHook {
  boolean verify(byte[] signature, byte[] body, byte[] key) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return isEqual(mac.doFinal(body), signature);
  }
}
`;

// ---- Next.js pages router: the body parser matters only where the HMAC reads the parsed body ----
const NEXT_HELPER_OK = `import crypto from 'crypto';
import type { NextApiRequest } from 'next';

export async function validAcmeHook(req: NextApiRequest, rawBody: Buffer): Promise<boolean> {
  try {
    const digest = Buffer.from(crypto.createHmac('sha256', process.env.ACME_SECRET ?? '').update(rawBody).digest('hex'));
    return crypto.timingSafeEqual(digest, Buffer.from(String(req.headers['x-acme-signature'])));
  } catch {
    return false;
  }
}
`;
const NEXT_ROUTE_OK = `import type { NextApiRequest, NextApiResponse } from 'next';
import getRawBody from 'raw-body';
import { validAcmeHook } from './validAcmeHook';

export const config = { api: { bodyParser: false } };

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const raw = await getRawBody(req);
  if (!(await validAcmeHook(req, raw))) return res.status(401).end();
  return res.status(200).end();
}
`;
const NEXT_FIELDS_OK = `import crypto from 'crypto';
import type { NextApiRequest, NextApiResponse } from 'next';

// The HMAC covers two fields the client posts, not the body's bytes.
export default function handler(req: NextApiRequest, res: NextApiResponse) {
  const payload = req.body.orderId + '|' + req.body.paymentId;
  const mine = Buffer.from(crypto.createHmac('sha256', process.env.ACME_SECRET ?? '').update(payload).digest('hex'));
  const sent = Buffer.from(String(req.body.signature));
  res.status(mine.length === sent.length && crypto.timingSafeEqual(mine, sent) ? 200 : 400).end();
}
`;

// An edge API route reads its own raw bytes with request.text(): the default parser never runs.
const NEXT_EDGE_TEXT_OK = `import crypto from 'crypto';

export const config = { runtime: 'edge' };

export default async function handler(request: Request): Promise<Response> {
  const raw = await request.text();
  const mine = Buffer.from(crypto.createHmac('sha256', process.env.ACME_SECRET ?? '').update(raw).digest('hex'));
  const sent = Buffer.from(request.headers.get('x-acme-signature') ?? '');
  if (mine.length !== sent.length || !crypto.timingSafeEqual(mine, sent)) return new Response(null, { status: 401 });
  return new Response(null, { status: 200 });
}
`;
// A signature looked up by position in the accepted list.
const JS_INDEX_OF = `import crypto from 'node:crypto';
export function verify(req, secrets) {
  const sent = String(req.headers['x-acme-signature'] ?? '');
  const expected = secrets.map((s) => crypto.createHmac('sha256', s).update(req.rawBody).digest('hex'));
  return expected.indexOf(sent) !== -1;
}
`;
// jose verifies a signed token itself, in constant time.
const TS_JOSE_OK = `import { jwtVerify } from 'jose';

export async function verify(request: Request, secret: Uint8Array): Promise<unknown> {
  const token = request.headers.get('x-acme-signature') ?? '';
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
  return payload;
}
`;

// ---- Whose handler: MintCash only on MintCash evidence ----------------------------------------
const GRIDLIKE = `package relay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
)

const SignatureHeader = "X-Signature"

func Verify(r *http.Request, body []byte, key []byte) bool {
	m := hmac.New(sha512.New, key)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil)) == r.Header.Get(SignatureHeader)
}
`;

const ng: [string, Record<string, string>, Expect][] = [
  ['js includes', { 'src/acme.js': JS_INCLUDES }, { timing: ['src/acme.js:6 non-constant-time-compare'] }],
  ['js indexOf(…) !== -1', { 'src/acme.js': JS_INDEX_OF }, { timing: ['src/acme.js:5 non-constant-time-compare'] }],
  ['js some(x => x === …)', { 'src/acme.js': JS_SOME }, { timing: ['src/acme.js:4 non-constant-time-compare'] }],
  ['python in', { 'hooks/acme.py': PY_IN }, { timing: ['hooks/acme.py:7 non-constant-time-compare'] }],
  ['ruby include?', { 'app/controllers/acme_hooks_controller.rb': RB_INCLUDE }, { timing: ['app/controllers/acme_hooks_controller.rb:5 non-constant-time-compare'] }],
  ['php in_array', { 'hooks/acme.php': PHP_IN_ARRAY }, { timing: ['hooks/acme.php:6 non-constant-time-compare'] }],
  ['java contains', { 'src/main/java/shop/hooks/AcmeSignatures.java': JAVA_CONTAINS }, { timing: ['src/main/java/shop/hooks/AcmeSignatures.java:10 non-constant-time-compare'] }],
  ['@noble/hashes hmac', { 'src/paradym.ts': TS_NOBLE }, { timing: ['src/paradym.ts:7 non-constant-time-compare'] }],
  ['crypto-js HmacSHA256 over the parsed body', { 'src/acme.js': JS_CRYPTOJS }, { timing: ['src/acme.js:5 non-constant-time-compare'], raw: ['src/acme.js:4 hmac-over-reserialized-json'] }],
  ['python hmac.new under another name', { 'hooks/acme.py': PY_ALIAS }, { timing: ['hooks/acme.py:6 non-constant-time-compare'] }],
  ['go crypto/hmac imported as h', { 'hooks/acme.go': GO_ALIAS }, { timing: ['hooks/acme.go:13 non-constant-time-compare'] }],
  ['js parsed body passed to a signing helper in the same file', { 'src/acme.js': JS_PARAM_SAME_FILE }, { raw: ['src/acme.js:4 hmac-over-reserialized-json'], timing: ['src/acme.js:8 timing-safe-equal-without-length-guard'] }],
  ['ts @Body() passed to a service in another file', { 'src/acme-webhook.service.ts': TS_SERVICE, 'src/acme-webhook.controller.ts': TS_CONTROLLER }, { raw: ['src/acme-webhook.service.ts:7 hmac-over-reserialized-json'] }],
  ['ts controller serialises the body for a verifier in another file', { 'src/verify.ts': TS_VERIFY, 'src/webhooks.controller.ts': TS_CALLER_SERIALISES }, { raw: ['src/webhooks.controller.ts:8 hmac-over-reserialized-json'] }],
  ['python parsed body passed to a helper module', { 'hooks/verify.py': PY_HELPER, 'hooks/route.py': PY_ROUTE }, { raw: ['hooks/verify.py:8 hmac-over-reserialized-json'] }],
  ['a local compare function that is not constant-time', { 'src/acme.js': JS_LOCAL_LEAKY }, { timing: ['src/acme.js:10 non-constant-time-compare'] }],
  ['a compare beside its own log line: one finding', { 'src/acme.js': JS_LOGGED }, { timing: ['src/acme.js:7 non-constant-time-compare'] }],
  ['timingSafeEqual in a try whose catch answers 500', { 'src/acme.js': JS_TRY_500 }, { timing: ['src/acme.js:6 timing-safe-equal-without-length-guard'] }],
  ['another provider with the same X-Signature header', { 'relay/verify.go': GRIDLIKE }, { timing: ['relay/verify.go:15 non-constant-time-compare'] }],
  ['python: a local compare helper that uses ==', { 'hooks/acme.py': PY_LOCAL_LEAKY }, { timing: ['hooks/acme.py:11 non-constant-time-compare'] }],
  ['php: hash_hmac imported under another name', { 'hooks/acme.php': PHP_USE_FUNCTION }, { timing: ['hooks/acme.php:6 non-constant-time-compare'] }],
];

const ok: [string, Record<string, string>][] = [
  ['js some() with timingSafeEqual and a length check', { 'src/acme.js': JS_SOME_OK }],
  ['tweetnacl verify', { 'src/discord.js': JS_NACL_OK }],
  ['aliased createHmac and timingSafeEqual, unguarded only by name', { 'src/acme.js': JS_ALIAS.replace('return same(mine, sent);', 'return mine.length === sent.length && same(mine, sent);') }],
  ['the raw body passed to the same service', { 'src/acme-webhook.service.ts': TS_SERVICE.replace('JSON.stringify(payload)', 'payload as Buffer'), 'src/acme-webhook.controller.ts': TS_CONTROLLER_RAW }],
  ['a local timingSafeEqual with its own length check', { 'src/verify.ts': TS_LOCAL_SAFE }],
  ['constants and enum members are no signatures', { 'src/acme.ts': TS_CONSTANTS_OK }],
  ['an index into a signed value is no signature', { 'src/session.ts': TS_SIGNED_COOKIE_OK }],
  ['timingSafeEqual in a try whose catch answers 401', { 'src/acme.js': JS_TRY_401_OK }],
  ['pages/api helper given the raw body by a route with bodyParser: false', { 'pages/api/acme/validAcmeHook.ts': NEXT_HELPER_OK, 'pages/api/acme/index.ts': NEXT_ROUTE_OK }],
  ['pages/api edge route that reads request.text()', { 'pages/api/acme.ts': NEXT_EDGE_TEXT_OK }],
  ['jose jwtVerify', { 'src/acme.ts': TS_JOSE_OK }],
  ['pages/api route whose HMAC covers posted fields, not the body', { 'pages/api/verify-payment.ts': NEXT_FIELDS_OK }],
  ['ruby: a local constant-time helper (XOR after a length check)', { 'app/services/acme_hooks.rb': RB_LOCAL_SAFE }],
  ['java: MessageDigest.isEqual by static import', { 'src/main/java/shop/hooks/AcmeHook.java': JAVA_STATIC_IMPORT_OK }],
];

describe('issue 24 idioms and false alarms', () => {
  it.each(ng)('%s: found, at the right line, nothing else', async (_name, files, expected) => {
    expect(await where(files)).toEqual(expectOnly(expected));
  });

  it.each(ok)('%s: raises nothing', async (_name, files) => {
    expect(await where(files)).toEqual(expectOnly({}));
  });

  it('aliased Node crypto: an unguarded timingSafeEqual is still Node\'s', async () => {
    expect((await where({ 'src/acme.js': JS_ALIAS })).timing).toEqual(['src/acme.js:6 timing-safe-equal-without-length-guard']);
  });
});

describe('whose handler, and how messages name the sender', () => {
  it('X-Signature alone is "the sender": generic checks word it so, MintCash-only checks leave it alone', async () => {
    const code = await indexSources({ 'relay/verify.go': GRIDLIKE });
    expect(code.handlers[0]?.attribution).toMatchObject({ provider: 'unknown', label: 'the sender', header: 'x-signature' });
    const timing = await judgeCode(webhookTimingSafeCompare, code);
    expect(timing.findings?.[0]?.message).toMatch(/^The sender's signature is compared with `==`/);
    expect(timing.findings?.[0]?.message).not.toMatch(/MintCash/);
    for (const check of [webhookCodeEnvironmentGuard, webhookCodeDedup]) {
      const v = await judgeCode(check, code);
      expect(v.findings).toEqual([]);
      expect(v.summary).toMatch(/No MintCash webhook handler.*relay\/verify\.go \(the sender/);
    }
  });

  it('the same handler with MintCash evidence (its env name) gets the MintCash-only checks', async () => {
    const code = await indexSources({ 'relay/verify.go': GRIDLIKE.replace('key []byte) bool {', 'key []byte) bool {\n\t_ = os.Getenv("MINTCASH_WEBHOOK_SECRET")') });
    expect(code.handlers[0]?.attribution?.provider).toBe('mintcash');
    expect((await judgeCode(webhookCodeDedup, code)).ids).toEqual(['no-event-dedup']);
    expect((await judgeCode(webhookTimingSafeCompare, code)).findings?.[0]?.message).toMatch(/^The MintCash signature/);
  });

  it('a Go service named after its GitHub module path is worded for the provider it verifies', async () => {
    // The client verifies a signature its caller read; the file names Razorpay, and GitHub only in an import path.
    const file = GRIDLIKE.replace('package relay\n', 'package razorpay\n\n// Razorpay payment webhooks.\n').replace('"net/http"', '"net/http"\n\t"github.com/acme/billing/internal/config"').replace('r.Header.Get(SignatureHeader)', 'signature').replace('r *http.Request,', 'signature string,').replace('const SignatureHeader = "X-Signature"\n', '');
    const code = await indexSources({ 'internal/integration/razorpay/client.go': file });
    expect(code.handlers[0]?.attribution?.label).toBe('Razorpay');
  });
});

/** The text a byte span covers in `src`'s UTF-8 bytes. */
const spanText = (src: string) => {
  const bytes = Buffer.from(src, 'utf8');
  return (s: { start?: number; end?: number }): string => bytes.subarray(s.start!, s.end!).toString('utf8');
};

describe('byte spans for edits', () => {
  it('compares, operands, HMAC inputs and create calls carry exact UTF-8 byte offsets', async () => {
    const src = `// Prüfung der Signatur (non-ASCII before the code)\nimport crypto from 'node:crypto';\nexport function verify(req) {\n  const mine = crypto.createHmac('sha256', process.env.MINTCASH_WEBHOOK_SECRET).update(JSON.stringify(req.body)).digest('hex');\n  return mine === req.headers['x-signature'];\n}\nexport const pay = () => fetch('https://api.mintcash.me/payments', { method: 'POST', body: JSON.stringify({ amount: 1 }) });\n`;
    const code = await indexSources({ 'src/a.js': src });
    const at = spanText(src);
    const h = code.handlers[0]!;
    expect(at(h.compares[0]!)).toBe("mine === req.headers['x-signature']");
    expect(h.compares[0]!.operandSpans!.map(at)).toEqual(['mine', "req.headers['x-signature']"]);
    expect(at(h.hmacInputs[0]!)).toBe('JSON.stringify(req.body)');
    expect(at(code.calls[0]!)).toBe("fetch('https://api.mintcash.me/payments', { method: 'POST', body: JSON.stringify({ amount: 1 }) })");
  });

  it('token languages too', async () => {
    const src = `# Überprüfung\nimport hmac, hashlib, json\ndef hook(request):\n    mine = hmac.new(KEY, json.dumps(request.json).encode(), hashlib.sha256).hexdigest()\n    return mine == request.headers["X-Signature"]\n`;
    const code = await indexSources({ 'hook.py': src });
    const at = spanText(src);
    expect(at(code.handlers[0]!.compares[0]!)).toBe('mine == request.headers["X-Signature"]');
    expect(at(code.handlers[0]!.hmacInputs[0]!)).toBe('json.dumps(request.json)');
  });
});
