// webhook.timing-safe-compare: ok/ng tables in every supported language, with the tricky
// negatives a naive regex gets wrong (undefined guards, length compares, comments).
import { describe, expect, it } from 'vitest';
import { webhookTimingSafeCompare } from '../../checks/webhook-timing-safe-compare.js';
import { indexSources, judgeCode } from '../helpers/code.js';

const js = (body: string): string => `import crypto from 'node:crypto';
export function verify(req, secret) {
  const signature = req.headers['x-signature'];
  const expected = crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex');
${body}
}
`;

const cases: [string, Record<string, string>, string[]][] = [
  // ng
  ['js ===', { 'a.js': js('  return signature === expected;') }, ['a.js:5 non-constant-time-compare']],
  ['js != with digest call', { 'a.ts': js("  if (req.headers['x-signature'] != crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex')) return false;") }, ['a.ts:5 non-constant-time-compare']],
  ['js Buffer.equals', { 'a.js': js('  return Buffer.from(signature).equals(Buffer.from(expected));') }, ['a.js:5 non-constant-time-compare']],
  ['js timingSafeEqual without length guard', { 'a.js': js('  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));') }, ['a.js:5 timing-safe-equal-without-length-guard']],
  ['python ==', { 'hook.py': 'import hmac, hashlib\ndef verify(request, secret):\n    sig = request.headers.get("X-Signature")\n    expected = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()\n    return sig == expected\n' }, ['hook.py:5 non-constant-time-compare']],
  ['go bytes.Equal', { 'hook.go': 'package main\nfunc verify(r *http.Request, body []byte) bool {\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(body)\n\treturn bytes.Equal([]byte(r.Header.Get("X-Signature")), []byte(hex.EncodeToString(mac.Sum(nil))))\n}\n' }, ['hook.go:5 non-constant-time-compare']],
  ['go != on strings', { 'hook.go': 'package main\nfunc verify(sig string, body []byte) bool {\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(body)\n\texpected := hex.EncodeToString(mac.Sum(nil))\n\tif sig != expected {\n\t\treturn false\n\t}\n\treturn true\n}\n' }, ['hook.go:6 non-constant-time-compare']],
  ['ruby ==', { 'hook.rb': "def verify(request, body)\n  expected = OpenSSL::HMAC.hexdigest('SHA256', SECRET, body)\n  request.env['HTTP_X_SIGNATURE'] == expected\nend\n" }, ['hook.rb:3 non-constant-time-compare']],
  ['php strcmp', { 'hook.php': "<?php\n$raw = file_get_contents('php://input');\n$expected = hash_hmac('sha256', $raw, $secret);\nif (strcmp($expected, $_SERVER['HTTP_X_SIGNATURE']) !== 0) { http_response_code(401); }\n" }, ['hook.php:4 non-constant-time-compare']],
  ['php ===', { 'hook.php': "<?php\n$signature = $_SERVER['HTTP_X_SIGNATURE'] ?? '';\n$expected = hash_hmac('sha256', file_get_contents('php://input'), $secret);\nif ($signature === $expected) { ok(); }\n" }, ['hook.php:4 non-constant-time-compare']],
  ['java equals', { 'Hook.java': 'class Hook {\n  boolean verify(String signature, byte[] body) throws Exception {\n    Mac mac = Mac.getInstance("HmacSHA256");\n    String expected = hex(mac.doFinal(body));\n    return expected.equals(signature);\n  }\n}\n' }, ['Hook.java:5 non-constant-time-compare']],
  // ok, including the tricky negatives
  ['js guards and length compare', { 'a.js': js("  if (signature === undefined || typeof signature !== 'string') return false;\n  if (signature.length !== expected.length) return false;\n  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));") }, []],
  ['js timingSafeEqual inside try', { 'a.js': js('  try {\n    return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));\n  } catch {\n    return false;\n  }') }, []],
  ['js regex pins the length', { 'a.js': js('  if (!/^[0-9a-f]{64}$/.test(signature)) return false;\n  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));') }, []],
  ['js compare only in a comment', { 'a.js': js('  // never do: signature === expected\n  return signature == null ? false : check(signature, expected);') }, []],
  ['python compare_digest and None guard', { 'hook.py': 'import hmac, hashlib\ndef verify(request, secret):\n    sig = request.headers.get("X-Signature")\n    if sig == None or sig == "":\n        return False\n    # sig == expected would leak timing\n    expected = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()\n    return hmac.compare_digest(sig, expected)\n' }, []],
  ['python len compare', { 'hook.py': 'import hmac\ndef verify(sig, expected):\n    x = hmac.new(k, raw, "sha256")\n    if len(sig) != len(expected):\n        return False\n    return hmac.compare_digest(sig, expected)\n' }, []],
  ['go hmac.Equal and nil guard', { 'hook.go': 'package main\nfunc verify(sig []byte, body []byte) bool {\n\tif sig == nil {\n\t\treturn false\n\t}\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(body)\n\treturn hmac.Equal(sig, mac.Sum(nil))\n}\n' }, []],
  ['ruby secure_compare with nil guard', { 'hook.rb': "def verify(request, body)\n  sig = request.env['HTTP_X_SIGNATURE']\n  return false if sig == nil\n  Rack::Utils.secure_compare(sig, OpenSSL::HMAC.hexdigest('SHA256', SECRET, body))\nend\n" }, []],
  ['php hash_equals', { 'hook.php': "<?php\n$expected = hash_hmac('sha256', file_get_contents('php://input'), $secret);\nif ($sig === null) exit;\nif (!hash_equals($expected, $sig)) { http_response_code(401); }\n" }, []],
  ['java MessageDigest.isEqual', { 'Hook.java': 'class Hook {\n  boolean verify(String signature, byte[] body) throws Exception {\n    Mac mac = Mac.getInstance("HmacSHA256");\n    if (signature == null) return false;\n    return MessageDigest.isEqual(mac.doFinal(body), signature.getBytes());\n  }\n}\n' }, []],
];

describe('webhook.timing-safe-compare', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(webhookTimingSafeCompare, await indexSources(files));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'fail' : 'pass');
  });

  it('skips when no webhook handler is in the code', async () => {
    const v = await judgeCode(webhookTimingSafeCompare, await indexSources({ 'a.js': 'export const x = a === b;\n' }));
    expect(v.verdict).toBe('skip');
    expect(v.summary).toMatch(/No webhook handler/);
  });

  it('ignores test files', async () => {
    const v = await judgeCode(webhookTimingSafeCompare, await indexSources({ 'test/hook.test.js': js('  return signature === expected;') }));
    expect(v.verdict).toBe('skip');
  });
});
