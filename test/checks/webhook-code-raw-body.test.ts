// webhook.code-raw-body: HMAC over re-serialised JSON or a JSON parser ahead of the webhook route;
// signing an outgoing object and a parser with a raw-body `verify` hook must not fire.
import { describe, expect, it } from 'vitest';
import { webhookCodeRawBody } from '../../checks/webhook-code-raw-body.js';
import { indexSources, judgeCode } from '../helpers/code.js';

const express = (head: string, route = "express.raw({ type: 'application/json' })"): string => `import express from 'express';
import crypto from 'node:crypto';
const app = express();
${head}
app.post('/webhooks/mintcash', ${route}, (req, res) => {
  const sig = req.headers['x-signature'];
  const mac = crypto.createHmac('sha256', process.env.SECRET).update(req.body).digest('hex');
  res.sendStatus(sig && mac ? 200 : 401);
});
`;

const cases: [string, Record<string, string>, string[]][] = [
  ['js JSON.stringify(req.body)', { 'a.js': "const h = crypto.createHmac('sha256', s).update(JSON.stringify(req.body)).digest('hex');\nconst sig = req.headers['x-signature'];\n" }, ['a.js:1 hmac-over-reserialized-json']],
  // Placed on the serialisation, not on the `.update(...)` that consumes it.
  ['js variable from req.json()', { 'a.ts': "export async function POST(req) {\n  const event = await req.json();\n  const payload = JSON.stringify(event);\n  const hmac = createHmac('sha256', s);\n  hmac.update(payload);\n  return req.headers.get('x-signature') === null;\n}\n" }, ['a.ts:3 hmac-over-reserialized-json']],
  ['express.json() before the webhook route', { 'a.js': express('app.use(express.json());') }, ['a.js:4 json-parser-before-webhook']],
  ['bodyParser.json() on the route', { 'a.js': express('', 'bodyParser.json()') }, ['a.js:5 json-parser-before-webhook']],
  ['python json.dumps(request.json)', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    mac = hmac.new(KEY, json.dumps(request.json).encode(), hashlib.sha256)\n' }, ['h.py:3 hmac-over-reserialized-json']],
  ['go json.Marshal of the decoded event', { 'h.go': 'package main\nfunc hook(w http.ResponseWriter, r *http.Request) {\n\tvar evt Event\n\tjson.NewDecoder(r.Body).Decode(&evt)\n\tb, _ := json.Marshal(evt)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(b)\n\t_ = r.Header.Get("X-Signature")\n}\n' }, ['h.go:5 hmac-over-reserialized-json']],
  ['php json_encode($request->all())', { 'h.php': "<?php\n$expected = hash_hmac('sha256', json_encode($request->all()), $secret);\n$sig = $request->header('X-Signature');\n" }, ['h.php:2 hmac-over-reserialized-json']],
  // ok
  ['express.raw on the route', { 'a.js': express('') }, []],
  ['express.json with a verify hook', { 'a.js': express('app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));') }, []],
  ['express.json mounted after the webhook route', { 'a.js': express('') + 'app.use(express.json());\n' }, []],
  ['express.json scoped to /api', { 'a.js': express("app.use('/api', express.json());") }, []],
  ['python raw body', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    mac = hmac.new(KEY, request.get_data(), hashlib.sha256)\n' }, []],
];

describe('webhook.code-raw-body', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(webhookCodeRawBody, await indexSources(files));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  // Direction: code that signs what it sends is no handler, and serialising its own payload is right.
  it.each([
    ['js outgoing object', { 'a.js': "const outgoing = { id: 1 };\nconst sig = crypto.createHmac('sha256', s).update(JSON.stringify(outgoing)).digest('hex');\nfetch(u, { headers: { 'x-signature': sig } });\n" }],
    ['python outgoing dict literal', { 'h.py': 'def send():\n    body = {"a": 1}\n    sig = hmac.new(KEY, json.dumps(body).encode(), hashlib.sha256).hexdigest()\n    requests.post(URL, data=body, headers={"X-Signature": sig})\n' }],
    ['ruby payload.to_json for the webhooks it sends', { 'app/services/webhook_sender.rb': "class WebhookSender\n  def deliver(endpoint, event)\n    payload = { id: event.id, type: event.kind }\n    signature = OpenSSL::HMAC.hexdigest('SHA256', endpoint.secret, payload.to_json)\n    HTTP.headers('X-Signature' => signature).post(endpoint.url, body: payload.to_json)\n  end\nend\n" }],
    ['go request signer', { 'sign.go': 'package hooks\nfunc Sign(req *http.Request, body []byte, key []byte) {\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(body)\n\treq.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))\n}\n' }],
  ])('signing an outgoing payload (%s) is no handler and no finding', async (_name, files) => {
    const v = await judgeCode(webhookCodeRawBody, await indexSources(files));
    expect(v.findings).toEqual([]);
    expect(v.verdict).toBe('skip');
    expect(v.summary).toMatch(/sign what they send/);
  });

  it('a verifying handler beside an outgoing signer: only the verification is judged', async () => {
    const files = {
      'send.rb': "class Sender\n  def deliver(url, order)\n    payload = { id: order.id }\n    sig = OpenSSL::HMAC.hexdigest('SHA256', KEY, payload.to_json)\n    HTTP.headers('X-Signature' => sig).post(url, body: payload.to_json)\n  end\nend\n",
      'hook.rb': "post '/hooks' do\n  sig = request.env['HTTP_X_SIGNATURE']\n  mac = OpenSSL::HMAC.hexdigest('SHA256', KEY, params.to_json)\n  halt 401 unless Rack::Utils.secure_compare(mac, sig)\nend\n",
    };
    const v = await judgeCode(webhookCodeRawBody, await indexSources(files));
    expect(v.where).toEqual(['hook.rb:3 hmac-over-reserialized-json']);
  });

  it('skips without a webhook handler', async () => {
    expect((await judgeCode(webhookCodeRawBody, await indexSources({ 'a.py': 'print(json.dumps(x))\n' }))).verdict).toBe('skip');
  });
});
