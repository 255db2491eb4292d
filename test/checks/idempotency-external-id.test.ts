// idempotency.external-id: every create call sends externalId, in every supported language and
// client style; routes, GETs, comments and bodies golive cannot follow raise nothing.
import { describe, expect, it } from 'vitest';
import { idempotencyExternalId } from '../../checks/idempotency-external-id.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';

const cases: [string, Record<string, string>, string[]][] = [
  ['fetch with a literal body', { 'a.js': "await fetch(`${BASE}/payments`, { method: 'POST', body: JSON.stringify({ amount: 100, currency: 'USD' }) });\n" }, ['a.js:1 missing-external-id']],
  ['axios.post with a concatenated URL', { 'a.js': "await axios.post(BASE + '/subscriptions', { amount: 1, billingIntervalDays: 30 });\n" }, ['a.js:1 missing-external-id']],
  ['axios config object', { 'a.js': "await axios({ method: 'post', url: `${BASE}/payments/${id}/refund`, data: { amount: 5 } });\n" }, ['a.js:1 missing-external-id']],
  ['ky json option', { 'a.ts': "await ky.post(`${BASE}/payments`, { json: { amount: 1 } });\n" }, ['a.ts:1 missing-external-id']],
  ['thin wrapper client.post', { 'a.ts': "export const pay = (o) => client.post('/payments', { amount: o.total });\n" }, ['a.ts:1 missing-external-id']],
  ['node https.request with req.write', { 'a.js': "const req = https.request({ host: 'api.mintcash.me', path: '/payments', method: 'POST' });\nreq.write(JSON.stringify({ amount: 1 }));\nreq.end();\n" }, ['a.js:1 missing-external-id']],
  ['misspelled external_id', { 'a.js': "await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify({ amount: 1, external_id: order.id }) });\n" }, ['a.js:1 external-id-misspelled']],
  ['python requests json=', { 'p.py': 'requests.post(f"{BASE}/payments", json={"amount": 100, "currency": "USD"})\n' }, ['p.py:1 missing-external-id']],
  ['python url variable and dict variable', { 'p.py': 'url = BASE + "/subscriptions"\nbody = {"amount": 1}\nhttpx.post(url, json=body)\n' }, ['p.py:3 missing-external-id']],
  ['go http.Post', { 'g.go': 'package main\nfunc pay() {\n\tb, _ := json.Marshal(map[string]any{"amount": 1})\n\thttp.Post(base+"/payments", "application/json", bytes.NewReader(b))\n}\n' }, ['g.go:4 http.Post missing-external-id'.replace(' http.Post', '')]],
  ['ruby Faraday', { 'r.rb': "conn.post('/payments', { amount: 1 }.to_json)\n" }, ['r.rb:1 missing-external-id']],
  ['php Guzzle json option', { 'p.php': "<?php\n$client->post('/payments', ['json' => ['amount' => 1]]);\n" }, ['p.php:2 missing-external-id']],
  ['php curl', { 'p.php': "<?php\n$ch = curl_init($base . '/payments');\ncurl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['amount' => 1]));\n" }, ['p.php:2 missing-external-id']],
  ['java HttpClient', { 'J.java': 'class J {\n  void pay() {\n    var body = mapper.writeValueAsString(Map.of("amount", 1));\n    var req = HttpRequest.newBuilder().uri(URI.create(base + "/payments")).POST(BodyPublishers.ofString(body)).build();\n  }\n}\n' }, ['J.java:4 missing-external-id']],
  // ok
  ['externalId in a variable built from the order a few lines above', { 'a.ts': "export async function pay(order) {\n  const externalId = `order_${order.id}`;\n  const body = { amount: order.total, currency: 'USD' };\n  body.externalId = externalId;\n  return fetch(`${BASE}/payments`, { method: 'POST', body: JSON.stringify(body) });\n}\n" }, []],
  ['shorthand externalId', { 'a.js': "const externalId = order.id;\nawait client.post('/payments', { amount: 1, externalId });\n" }, []],
  ['GET of a payment is not a create call', { 'a.js': "await fetch(`${BASE}/payments/${id}`);\nawait axios.get(BASE + '/payments');\n" }, 'skip' as unknown as string[]],
  ['a route registration is not a call', { 'a.js': "app.post('/payments', async (req, res) => res.json({}));\nrouter.post('/subscriptions', handler);\n" }, 'skip' as unknown as string[]],
  ['endpoints named only in comments and docs', { 'a.py': '# requests.post(BASE + "/payments", json={"amount": 1})\n', 'README.md': "fetch('/payments', { method: 'POST', body: '{}' })\n", 'b.go': 'package main\n// http.Post(base+"/payments", "application/json", nil)\n' }, 'skip' as unknown as string[]],
  ['Flask, FastAPI, Sinatra, Laravel and Spring routes', { 'a.py': '@app.post("/payments")\ndef pay():\n    pass\n', 'b.rb': "post '/payments' do\nend\n", 'c.php': "<?php\nRoute::post('/payments', [C::class, 'pay']);\n", 'D.java': 'class D {\n  @PostMapping("/payments")\n  void pay() {}\n}\n' }, 'skip' as unknown as string[]],
  ['another provider is not MintCash', { 'a.js': "await fetch('https://api.other-psp.example/v1/payments', { method: 'POST', body: '{}' });\n" }, 'skip' as unknown as string[]],
];

describe('idempotency.external-id', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(idempotencyExternalId, await indexSources(asMintCash(files)));
    if ((where as unknown) === 'skip') {
      expect(v.verdict).toBe('skip');
      return;
    }
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'fail' : 'pass');
  });

  it('says so, and raises nothing, when the body cannot be followed', async () => {
    const v = await judgeCode(idempotencyExternalId, await indexSources({ 'a.js': "// MintCash\nexport const pay = (body) => fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(body) });\n" }));
    expect(v.verdict).toBe('pass');
    expect(v.summary).toMatch(/could not follow/);
    expect(JSON.stringify(v.evidence)).toMatch(/not assigned in this function/);
  });
});
