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

/** A Spring handler taking `param`; `body` computes `expected` from line 9 on. */
const spring = (param: string, body: string): Record<string, string> => ({
  'Hooks.java': `package shop;
@RestController
public class Hooks {
  private final ObjectMapper mapper = new ObjectMapper();
  @PostMapping("/webhooks/mintcash")
  public ResponseEntity<String> receive(${param}, @RequestHeader("X-Signature") String signature) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
${body}
    if (!MessageDigest.isEqual(expected.getBytes(), signature.getBytes())) return ResponseEntity.status(401).build();
    return ResponseEntity.ok("");
  }
}
`,
});
/** A Sinatra route (or, with `rails`, a controller action); `body` computes `expected` from line 3 on. */
const ruby = (body: string, rails = false): Record<string, string> => (rails
  ? { 'app/controllers/hooks_controller.rb': `class HooksController < ApplicationController
  def create
${body}
    return head :unauthorized unless ActiveSupport::SecurityUtils.secure_compare(expected, request.headers['X-Signature'])
    head :ok
  end

  private

  def webhook_params
    params.require(:hook).permit!
  end
end
` }
  : { 'app.rb': `post '/webhooks/mintcash' do
  signature = request.env['HTTP_X_SIGNATURE'].to_s
${body}
  halt 401 unless Rack::Utils.secure_compare(expected, signature)
  200
end
` });
const HEX = '    String expected = HexFormat.of().formatHex(mac.doFinal(';
const RB_HMAC = "OpenSSL::HMAC.hexdigest('SHA256', ENV['MINTCASH_WEBHOOK_SECRET'],";

/** Java and Ruby: the serialiser's receiver may have any name, and the JSON may be assigned to a variable first. */
const javaRuby: [string, Record<string, string>, string[]][] = [
  ['java mapper.writeValueAsString(event)', spring('@RequestBody MintCashEvent event', `${HEX}mapper.writeValueAsString(event).getBytes(StandardCharsets.UTF_8)));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java this.json.writeValueAsBytes(event)', spring('@RequestBody MintCashEvent event', `${HEX}this.json.writeValueAsBytes(event)));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java new ObjectMapper() of a @Valid @RequestBody Map', spring('@Valid @RequestBody final Map<String, Object> payload', `${HEX}new ObjectMapper().writeValueAsBytes(payload)));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java gson.toJson(event)', spring('@RequestBody MintCashEvent event', `${HEX}gson.toJson(event).getBytes()));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java writeValueAsString assigned first', spring('@RequestBody MintCashEvent event', `    String json = objectMapper.writeValueAsString(event);\n${HEX}json.getBytes(StandardCharsets.UTF_8)));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java raw String body mapped, then re-serialised', spring('@RequestBody String body', `    MintCashEvent event = mapper.readValue(body, MintCashEvent.class);\n${HEX}mapper.writeValueAsBytes(event)));`), ['Hooks.java:10 hmac-over-reserialized-json']],
  ['java JsonNode toString()', spring('@RequestBody JsonNode payload', `${HEX}payload.toString().getBytes(StandardCharsets.UTF_8)));`), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['java commons-codec HmacUtils', spring('@RequestBody MintCashEvent event', '    String expected = new HmacUtils(HmacAlgorithms.HMAC_SHA_256, SECRET).hmacHex(mapper.writeValueAsString(event));'), ['Hooks.java:9 hmac-over-reserialized-json']],
  ['ruby payload.to_json', ruby(`  payload = JSON.parse(request.body.read)\n  expected = ${RB_HMAC} payload.to_json)`), ['app.rb:4 hmac-over-reserialized-json']],
  ['ruby to_json assigned first', ruby(`  payload = JSON.parse(request.body.read)\n  data = payload.to_json\n  expected = ${RB_HMAC} data)`), ['app.rb:4 hmac-over-reserialized-json']],
  ['ruby JSON.generate of the raw post parsed', ruby(`    payload = JSON.parse(request.raw_post)\n    expected = ${RB_HMAC} JSON.generate(payload))`, true), ['app/controllers/hooks_controller.rb:4 hmac-over-reserialized-json']],
  ["ruby payload['data'].to_json", ruby(`  payload = JSON.parse(request.body.read)\n  expected = ${RB_HMAC} payload['data'].to_json)`), ['app.rb:4 hmac-over-reserialized-json']],
  ['ruby strong-params helper .to_json', ruby(`    expected = ${RB_HMAC} webhook_params.to_json)`, true), ['app/controllers/hooks_controller.rb:3 hmac-over-reserialized-json']],
  ['ruby OpenSSL::HMAC.new then update(payload.to_json)', ruby(`  payload = JSON.parse(request.body.read)\n  mac = OpenSSL::HMAC.new(ENV['MINTCASH_WEBHOOK_SECRET'], 'sha256')\n  mac.update(payload.to_json)\n  expected = mac.hexdigest`), ['app.rb:5 hmac-over-reserialized-json']],
  // ok: the raw body HMAC'd, the serialiser used for something else.
  ['java @RequestBody String body, mapped after', spring('@RequestBody String body', `${HEX}body.getBytes(StandardCharsets.UTF_8)));\n    MintCashEvent event = mapper.readValue(body, MintCashEvent.class);`), []],
  ['java @RequestBody byte[] body', spring('@RequestBody byte[] body', `${HEX}body));\n    MintCashEvent event = mapper.readValue(body, MintCashEvent.class);`), []],
  ['java String body.toString()', spring('@RequestBody String body', `${HEX}body.toString().getBytes(StandardCharsets.UTF_8)));`), []],
  ['java writeValueAsString of the event for the log', spring('@RequestBody String body', `    MintCashEvent event = mapper.readValue(body, MintCashEvent.class);\n    log.info(mapper.writeValueAsString(event));\n${HEX}body.getBytes(StandardCharsets.UTF_8)));`), []],
  ['java writeValueAsString of the reply, which it signs too', spring('@RequestBody String body', `${HEX}body.getBytes(StandardCharsets.UTF_8)));\n    MintCashEvent event = mapper.readValue(body, MintCashEvent.class);\n    String reply = mapper.writeValueAsString(Map.of("received", event.getEventId()));\n    String replySig = HexFormat.of().formatHex(mac.doFinal(reply.getBytes()));`), []],
  ['java HmacUtils over the raw String body', spring('@RequestBody String body', '    String expected = new HmacUtils(HmacAlgorithms.HMAC_SHA_256, SECRET).hmacHex(body);'), []],
  ['ruby request.body.read, to_json for the log', ruby(`  body = request.body.read\n  expected = ${RB_HMAC} body.to_s)\n  payload = JSON.parse(body)\n  logger.info(payload.to_json)`), []],
  ['ruby request.raw_post, to_json for the reply', ruby(`    expected = ${RB_HMAC} request.raw_post)\n    payload = JSON.parse(request.raw_post)\n    render json: { received: payload['eventId'] }.to_json`, true), []],
  ['ruby a local hash turned to JSON, the raw body signed', ruby(`  raw = request.body.read\n  expected = ${RB_HMAC} raw)\n  ack = { ok: true }.to_json`), []],
];

/** Python, Go and PHP: the same receiver-of-any-name and assigned-first shapes. */
const others: [string, Record<string, string>, string[]][] = [
  ['python json.dumps assigned, then .encode()', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    payload = request.get_json()\n    data = json.dumps(payload)\n    mac = hmac.new(KEY, data.encode(), hashlib.sha256)\n' }, ['h.py:4 hmac-over-reserialized-json']],
  ['python await request.json()', { 'h.py': 'async def hook(request):\n    sig = request.headers["x-signature"]\n    payload = await request.json()\n    mac = hmac.new(KEY, json.dumps(payload).encode(), hashlib.sha256)\n' }, ['h.py:4 hmac-over-reserialized-json']],
  ['go json.Marshal(&evt)', { 'h.go': 'package main\nfunc hook(w http.ResponseWriter, r *http.Request) {\n\tvar evt Event\n\tjson.NewDecoder(r.Body).Decode(&evt)\n\tb, _ := json.Marshal(&evt)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(b)\n\t_ = r.Header.Get("X-Signature")\n}\n' }, ['h.go:5 hmac-over-reserialized-json']],
  ['go echo c.Bind(evt) of a new(Event)', { 'h.go': 'package main\nfunc hook(c echo.Context) error {\n\tevt := new(Event)\n\tif err := c.Bind(evt); err != nil {\n\t\treturn err\n\t}\n\tb, _ := json.Marshal(evt)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(b)\n\t_ = c.Request().Header.Get("X-Signature")\n\treturn nil\n}\n' }, ['h.go:7 hmac-over-reserialized-json']],
  ['go []byte(string(b))', { 'h.go': 'package main\nfunc hook(w http.ResponseWriter, r *http.Request) {\n\tvar evt Event\n\tjson.NewDecoder(r.Body).Decode(&evt)\n\tb, _ := json.Marshal(evt)\n\ts := string(b)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write([]byte(s))\n\t_ = r.Header.Get("X-Signature")\n}\n' }, ['h.go:5 hmac-over-reserialized-json']],
  ['php Json::encode($payload)', { 'h.php': "<?php\n$payload = $request->all();\n$expected = hash_hmac('sha256', Json::encode($payload), $secret);\n$sig = $request->header('X-Signature');\n" }, ['h.php:3 hmac-over-reserialized-json']],
  ["php Symfony $serializer->serialize($payload, 'json')", { 'h.php': "<?php\n$payload = $request->toArray();\n$expected = hash_hmac('sha256', $this->serializer->serialize($payload, 'json'), $secret);\n$sig = $request->headers->get('X-Signature');\n" }, ['h.php:3 hmac-over-reserialized-json']],
  // ok
  ['go base64 Decode(dst, body) is no JSON decoder', { 'h.go': 'package main\nfunc hook(w http.ResponseWriter, r *http.Request) {\n\tbody, _ := io.ReadAll(r.Body)\n\tdst := make([]byte, 64)\n\tbase64.StdEncoding.Decode(dst, body)\n\tmac := hmac.New(sha256.New, key)\n\tmac.Write(body)\n\tout, _ := json.Marshal(dst)\n\tw.Write(out)\n\t_ = r.Header.Get("X-Signature")\n}\n' }, []],
  ['php raw body signed, json_encode for the reply', { 'h.php': "<?php\n$raw = $request->getContent();\n$payload = json_decode($raw, true);\n$expected = hash_hmac('sha256', $raw, $secret);\n$sig = $request->header('X-Signature');\necho json_encode($payload);\n" }, []],
  ['python raw body signed, json.dumps for the log', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    raw = request.get_data()\n    log.info(json.dumps(json.loads(raw)))\n    mac = hmac.new(KEY, raw, hashlib.sha256)\n' }, []],
];

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
  ['python raw body', { 'h.py': 'def hook():\n    sig = request.headers["X-Signature"]\n    mac = hmac.new(KEY, request.get_data(), hashlib.sha256)\n' }, []],  ...javaRuby,
  ...others,
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
