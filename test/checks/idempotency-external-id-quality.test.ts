// idempotency.external-id-quality: constant, customer id, bare timestamp, random-at-call and a
// refund keyed by its payment id are flagged; order-derived values are not.
import { describe, expect, it } from 'vitest';
import { idempotencyExternalIdQuality } from '../../checks/idempotency-external-id-quality.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';

const js = (value: string, pre = ''): Record<string, string> => ({ 'a.js': `${pre}await client.post('/payments', { amount: 1, externalId: ${value} });\n` });

const cases: [string, Record<string, string>, string[]][] = [
  ['js constant', js("'checkout'"), ['a.js:1 external-id-constant']],
  ['js constant via a variable', js('key', "const key = 'static-key';\n"), ['a.js:2 external-id-constant']],
  ['js customer id', js('req.user.id'), ['a.js:1 external-id-customer-id']],
  ['js bare timestamp', js('`pay_${Date.now()}`'), ['a.js:1 external-id-timestamp']],
  ['js random minted at the call', js('uuidv4()'), ['a.js:1 external-id-random']],
  ['js random via a variable just above', js('key', 'const key = crypto.randomUUID();\n'), ['a.js:2 external-id-random']],
  ['js refund reuses the payment id', { 'a.js': 'await client.post(`/payments/${paymentId}/refund`, { externalId: paymentId });\n' }, ['a.js:1 external-id-payment-id']],
  ['python uuid4', { 'p.py': 'requests.post(BASE + "/payments", json={"amount": 1, "externalId": str(uuid.uuid4())})\n' }, ['p.py:1 external-id-random']],
  ['python time.time', { 'p.py': 'requests.post(BASE + "/payments", json={"amount": 1, "externalId": f"p-{int(time.time())}"})\n' }, ['p.py:1 external-id-timestamp']],
  ['go customer id', { 'g.go': 'package main\nfunc pay() {\n\tb, _ := json.Marshal(map[string]any{"externalId": customerID})\n\thttp.Post(base+"/payments", "application/json", bytes.NewReader(b))\n}\n' }, ['g.go:3 external-id-customer-id']],
  ['ruby SecureRandom', { 'r.rb': "conn.post('/payments', { amount: 1, externalId: SecureRandom.uuid }.to_json)\n" }, ['r.rb:1 external-id-random']],
  ['php time()', { 'p.php': "<?php\n$client->post('/payments', ['json' => ['externalId' => 'pay_' . time()]]);\n" }, ['p.php:2 external-id-timestamp']],
  ['java constant', { 'J.java': 'class J {\n  void pay() {\n    var body = mapper.writeValueAsString(Map.of("externalId", "order"));\n    var req = HttpRequest.newBuilder().uri(URI.create(base + "/payments")).POST(BodyPublishers.ofString(body)).build();\n  }\n}\n' }, ['J.java:3 external-id-constant']],
  ['go constant named ID', { 'g.go': 'package main\nfunc pay() {\n\tb, _ := json.Marshal(map[string]any{"externalId": ID})\n\thttp.Post(base+"/payments", "application/json", bytes.NewReader(b))\n}\n' }, ['g.go:3 external-id-constant']],
  // ok
  ['js order id built a few lines above', js('key', 'const orderId = order.id;\nconst key = `order_${orderId}`;\n'), []],
  ['js subscription sub_<customer>_<plan>', { 'a.js': "await client.post('/subscriptions', { externalId: `sub_${customerId}_${planId}` });\n" }, []],
  ['js refund keyed by the refund request', { 'a.js': 'await client.post(`/payments/${paymentId}/refund`, { externalId: `refund_${refundRequest.id}` });\n' }, []],
  ['js stored idempotency key', js('order.idempotencyKey'), []],
  ['python order id', { 'p.py': 'requests.post(BASE + "/payments", json={"externalId": f"order-{order.id}"})\n' }, []],
  ['php order id', { 'p.php': "<?php\nHttp::post($base . '/payments', ['externalId' => 'order_' . $order->id]);\n" }, []],
  // Go spells the field ID: an id, not a SCREAMING constant (a bare constant still is one, above).
  ['go order.ID', { 'g.go': 'package main\nfunc pay(order Order) {\n\tb, _ := json.Marshal(map[string]any{"externalId": "order-" + order.ID})\n\thttp.Post(base+"/payments", "application/json", bytes.NewReader(b))\n}\n' }, []],
];

describe('idempotency.external-id-quality', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(idempotencyExternalIdQuality, await indexSources(asMintCash(files)));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it('skips when no create call is found', async () => {
    const v = await judgeCode(idempotencyExternalIdQuality, await indexSources({ 'a.js': 'export {};\n' }));
    expect(v.verdict).toBe('skip');
  });
});
