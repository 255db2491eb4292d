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
  ['js variable from req.json()', { 'a.ts': "export async function POST(req) {\n  const event = await req.json();\n  const payload = JSON.stringify(event);\n  const hmac = createHmac('sha256', s);\n  hmac.update(payload);\n  return req.headers.get('x-signature') === null;\n}\n" }, ['a.ts:5 hmac-over-reserialized-json']],
  ['express.json() before the webhook route', { 'a.js': express('app.use(express.json());') }, ['a.js:4 json-parser-before-webhook']],
  ['bodyParser.json() on the route', { 'a.js': express('', 'bodyParser.json()') }, ['a.js:5 json-parser-before-webhook']],
  ['python json.dumps(request.json)', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    mac = hmac.new(KEY, json.dumps(request.json).encode(), hashlib.sha256)\n' }, ['h.py:3 hmac-over-reserialized-json']],
  ['go json.Marshal of the decoded event', { 'h.go': 'package main\nfunc hook(w http.ResponseWriter, r *http.Request) {\n\tvar evt Event\n\tjson.NewDecoder(r.Body).Decode(&evt)\n\tb, _ := json.Marshal(evt)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(b)\n\t_ = r.Header.Get("X-Signature")\n}\n' }, ['h.go:7 hmac-over-reserialized-json']],
  ['php json_encode($request->all())', { 'h.php': "<?php\n$expected = hash_hmac('sha256', json_encode($request->all()), $secret);\n$sig = $request->header('X-Signature');\n" }, ['h.php:2 hmac-over-reserialized-json']],
  // ok
  ['express.raw on the route', { 'a.js': express('') }, []],
  ['express.json with a verify hook', { 'a.js': express('app.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));') }, []],
  ['express.json mounted after the webhook route', { 'a.js': express('') + 'app.use(express.json());\n' }, []],
  ['express.json scoped to /api', { 'a.js': express("app.use('/api', express.json());") }, []],
  ['signing an outgoing object is not verification', { 'a.js': "const outgoing = { id: 1 };\nconst sig = crypto.createHmac('sha256', s).update(JSON.stringify(outgoing)).digest('hex');\nfetch(u, { headers: { 'x-signature': sig } });\n" }, []],
  ['python raw body', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    mac = hmac.new(KEY, request.get_data(), hashlib.sha256)\n' }, []],
  ['python outgoing dict literal', { 'h.py': 'def send():\n    body = {"a": 1}\n    sig = hmac.new(KEY, json.dumps(body).encode(), hashlib.sha256).hexdigest()\n    requests.post(URL, data=body, headers={"X-Signature": sig})\n' }, []],
];

describe('webhook.code-raw-body', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(webhookCodeRawBody, await indexSources(files));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it('skips without a webhook handler', async () => {
    expect((await judgeCode(webhookCodeRawBody, await indexSources({ 'a.py': 'print(json.dumps(x))\n' }))).verdict).toBe('skip');
  });
});
