// firstweek.request-id-logged: MintCash errors keep details.requestId on their way to a log. Kept:
// logged or thrown with `details`/`requestId`, an error built from the whole body (also through a
// helper the response is handed to), a client that throws its own error (axios, got). Dropped: an
// error log or a new Error without it, or an answer whose status is never checked. Tricky: an app
// request id named `requestId`, and info logs of the success path, prove nothing either way. The
// same for Python, Go, Ruby, PHP and Java (read from tokens), with each language's tricky cases.
import { describe, expect, it } from 'vitest';
import { firstweekRequestIdLogged } from '../../checks/firstweek-request-id-logged.js';
import { TokenErrors } from '../../src/evidence/code/token-errors.js';
import { tokenize } from '../../src/evidence/code/tokenize.js';
import { Tokens } from '../../src/evidence/code/tokens.js';
import type { CodeLanguage } from '../../src/evidence/code/types.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';
import { seeded } from '../helpers/seeded.js';

const BODY = "{ amount: o.total, currency: 'USD', externalId: `order_${o.id}` }";
const cases: [string, Record<string, string>, string[]][] = [
  // kept
  ['throws an error that keeps the whole body', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  const body = await res.json();\n  if (!res.ok) throw new MintcashError(res.status, body);\n  return body;\n}\n` }, []],
  ['hands the response to a helper that keeps the body', { 'a.js': `async function answer(res) {\n  const body = await res.json();\n  if (!res.ok) throw new ApiError(body);\n  return body;\n}\nexport async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  return answer(res);\n}\n` }, []],
  ['logs details.requestId in a catch', { 'a.ts': `export async function pay(o) {\n  try {\n    return await axios.post(BASE + '/payments', ${BODY});\n  } catch (err) {\n    logger.error({ requestId: err.response?.data?.details?.requestId, orderId: o.id }, 'MintCash failed');\n    throw err;\n  }\n}\n` }, []],
  ['logs the details object', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  const data = await res.json();\n  if (!res.ok) console.error('payment failed', { details: data.details, order: o.id });\n  return data;\n}\n` }, []],
  ['axios without a catch: its own error (with response.data) reaches the caller', { 'a.js': `export const pay = (o) => axios.post(BASE + '/payments', ${BODY});\n` }, []],
  ['an info log on the success path is not an error log', { 'a.js': `export async function pay(o) {\n  const res = await got.post(BASE + '/payments', { json: ${BODY} }).json();\n  log.info({ paymentId: res.id }, 'payment created');\n  return res;\n}\n` }, []],
  ['logs the whole error body', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  const data = await res.json();\n  if (!res.ok) logger.error('MintCash payment failed', data);\n  return data;\n}\n` }, []],
  // dropped
  ['throws a new Error with only the status', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  if (!res.ok) throw new Error('payment failed: ' + res.status);\n  return res.json();\n}\n` }, ['a.js:2 request-id-dropped']],
  ['logs only the message in a catch', { 'a.js': `export async function pay(o) {\n  try {\n    return await axios.post(BASE + '/subscriptions', { amount: 1, billingIntervalDays: 7, externalId: o.id });\n  } catch (e) {\n    console.error('MintCash failed', e.message);\n  }\n}\n` }, ['a.js:3 request-id-dropped']],
  ["an app request id named requestId is not MintCash's", { 'a.js': `export async function pay(o, req) {\n  try {\n    return await axios.post(BASE + '/payments', ${BODY});\n  } catch (e) {\n    logger.error({ requestId: req.id, err: e.message }, 'payment failed');\n  }\n}\n` }, ['a.js:3 request-id-dropped']],
  ['never checks the status of a fetch', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  return res.json();\n}\n` }, ['a.js:2 error-not-checked']],
];

// Python, Go, Ruby, PHP and Java, read from tokens: per language what keeps the requestId, what drops
// it, an unchecked status, and tricky negatives (the app's own request id, "details" in a message or
// a comment, a log in another function, a Go transport error, MDC's requestId).
const PY_CALL = 'requests.post(f"{BASE}/payments", json={"amount": order.total, "currency": "USD", "externalId": f"order_{order.id}"})';
const GO_HEAD = 'package shop\n\nfunc createPayment(ctx context.Context, o Order) (*Payment, error) {\n\tb, _ := json.Marshal(map[string]any{"amount": o.Total, "currency": "USD", "externalId": "order-" + o.ID})\n\treq, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/payments", bytes.NewReader(b))\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("build request: %w", err)\n\t}\n\tresp, err := http.DefaultClient.Do(req)\n\tif err != nil {\n\t\treturn nil, fmt.Errorf("post payment: %w", err)\n\t}\n\tdefer resp.Body.Close()\n';
const RB_CALL = 'res = HTTParty.post("#{BASE}/payments", body: { amount: order.total, currency: "USD", externalId: "order_#{order.id}" }.to_json, headers: HEADERS)';
const PHP_HEAD = "<?php\nclass Checkout\n{\n    public function pay($order)\n    {\n        $response = Http::withBasicAuth(env('PK'), env('SK'))->post(env('MINTCASH_BASE_URL') . '/payments', ['amount' => $order->total, 'currency' => 'USD', 'externalId' => 'order_' . $order->id]);\n";
const JAVA_HEAD = 'class Payments {\n  Payment create(Order order) throws Exception {\n    String json = mapper.writeValueAsString(Map.of("amount", order.total(), "currency", "USD", "externalId", "order_" + order.id()));\n    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/payments")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();\n    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());\n';
const languageCases: [string, Record<string, string>, string[], string][] = [
  // Python
  ['python: raises an error with the whole body', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    if r.status_code >= 400:\n        raise MintcashError(r.status_code, r.json())\n    return r.json()\n` }, [], 'keeps-body'],
  ['python: logs details.requestId through a variable', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    body = r.json()\n    if not r.ok:\n        rid = body["details"]["requestId"]\n        logger.error("MintCash payment failed requestId=%s order=%s", rid, order.id)\n        return None\n    return body\n` }, [], 'logs-request-id'],
  ['python: raise_for_status() hands the HTTPError (with its response) to the caller', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    r.raise_for_status()\n    return r.json()\n` }, [], 'propagates'],
  ['python: a helper the response is handed to keeps the body', { 'pay.py': `class Client:\n    def check(self, resp):\n        if resp.status_code >= 400:\n            raise ApiError(resp.text)\n        return resp.json()\n\n    def pay(self, order):\n        r = ${PY_CALL}\n        return self.check(r)\n` }, [], 'keeps-body'],
  ["python: an HTTPError's response body logged in the except", { 'pay.py': `def pay(order):\n    try:\n        r = ${PY_CALL}\n        r.raise_for_status()\n    except requests.HTTPError as e:\n        logger.error("MintCash failed: %s", e.response.text)\n        raise\n    return r.json()\n` }, [], 'keeps-body'],
  ['python: the call returned as it is: the caller gets the response', { 'pay.py': `def pay(order):\n    return ${PY_CALL}\n` }, [], 'propagates'],
  ['python: an HTTPError caught and raised again unchanged', { 'pay.py': `def pay(order):\n    try:\n        r = ${PY_CALL}\n        r.raise_for_status()\n    except requests.HTTPError:\n        metrics.increment("mintcash.failed")\n        raise\n    return r.json()\n` }, [], 'propagates'],
  ['python: raises with the status only', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    if r.status_code != 201:\n        raise Exception(f"payment failed: {r.status_code}")\n    return r.json()\n` }, ['pay.py:2 request-id-dropped'], 'drops-request-id'],
  ['python: never checks the status (requests does not raise)', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    return r.json()["id"]\n` }, ['pay.py:2 error-not-checked'], 'unchecked'],
  ["python: the app's own request id, a \"details\" message and a comment are not MintCash's", { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    if not r.ok:\n        # TODO: log details.requestId\n        logger.error("see details in the dashboard", extra={"requestId": request.headers.get("X-Request-Id"), "request_id": g.request_id})\n        return None\n    return r.json()\n` }, ['pay.py:2 request-id-dropped'], 'drops-request-id'],
  ['python: a details log in another function does not count', { 'pay.py': `def pay(order):\n    r = ${PY_CALL}\n    return r.json()\n\n\ndef other(body):\n    logger.error("failed: %s", body["details"])\n` }, ['pay.py:2 error-not-checked'], 'unchecked'],
  ['python: a multi-line signature, the call in a try block', { 'pay.py': `def pay(\n    order,\n    retries=3,\n):\n    try:\n        r = ${PY_CALL}\n        if r.status_code >= 400:\n            logger.error("failed", extra={"details": r.json().get("details")})\n    finally:\n        pass\n` }, [], 'logs-request-id'],
  // Go
  ['go: the body in the returned error (transport errors aside)', { 'pay.go': `${GO_HEAD}\tbody, _ := io.ReadAll(resp.Body)\n\tif resp.StatusCode >= 300 {\n\t\treturn nil, fmt.Errorf("mintcash %d: %s", resp.StatusCode, body)\n\t}\n\tvar p Payment\n\treturn &p, json.Unmarshal(body, &p)\n}\n` }, [], 'keeps-body'],
  ['go: slog with the decoded details.requestId', { 'pay.go': `${GO_HEAD}\tif resp.StatusCode != http.StatusCreated {\n\t\tvar apiErr struct{ Details struct{ RequestID string } }\n\t\t_ = json.NewDecoder(resp.Body).Decode(&apiErr)\n\t\tslog.Error("mintcash payment failed", "requestId", apiErr.Details.RequestID, "order", o.ID)\n\t\treturn nil, errPaymentFailed\n\t}\n\treturn decode(resp)\n}\n` }, [], 'logs-request-id'],
  ['go: the response returned to the caller, who checks it', { 'pay.go': 'package shop\n\nfunc createPayment(orderID string) (*http.Response, error) {\n\tb, _ := json.Marshal(map[string]any{"amount": 1, "externalId": "order-" + orderID})\n\treq, _ := http.NewRequest(http.MethodPost, base+"/payments", bytes.NewReader(b))\n\treturn http.DefaultClient.Do(req)\n}\n' }, [], 'propagates'],
  ['go: an error with the status only', { 'pay.go': `${GO_HEAD}\tif resp.StatusCode >= 300 {\n\t\treturn nil, fmt.Errorf("mintcash: status %d", resp.StatusCode)\n\t}\n\treturn decode(resp)\n}\n` }, ['pay.go:5 request-id-dropped'], 'drops-request-id'],
  ['go: only the transport error handled, the status never read', { 'pay.go': `${GO_HEAD}\tvar p Payment\n\tif err := json.NewDecoder(resp.Body).Decode(&p); err != nil {\n\t\tlog.Printf("decode: %v", err)\n\t}\n\treturn &p, nil\n}\n` }, ['pay.go:5 error-not-checked'], 'unchecked'],
  ["go: zap's \"requestId\" field with the app's own id", { 'pay.go': `${GO_HEAD}\tif resp.StatusCode >= 300 {\n\t\tlogger.Error("mintcash failed", zap.String("requestId", r.Header.Get("X-Request-Id")))\n\t\treturn nil, errFailed\n\t}\n\treturn decode(resp)\n}\n` }, ['pay.go:5 request-id-dropped'], 'drops-request-id'],
  // Ruby
  ['ruby: Net::HTTP, raised with the body', { 'pay.rb': 'def create_payment(order)\n  uri = URI("#{BASE}/payments")\n  req = Net::HTTP::Post.new(uri, "Content-Type" => "application/json")\n  req.body = { amount: order.total, currency: "USD", externalId: "order_#{order.id}" }.to_json\n  res = Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.request(req) }\n  raise MintcashError.new(res.code, res.body) unless res.is_a?(Net::HTTPSuccess)\n  JSON.parse(res.body)\nend\n' }, [], 'keeps-body'],
  ['ruby: the requestId dug out of the body into the log', { 'pay.rb': `def pay(order)\n  ${RB_CALL}\n  unless res.success?\n    Rails.logger.error("MintCash payment failed requestId=#{res.parsed_response.dig('details', 'requestId')} order=#{order.id}")\n    return nil\n  end\n  res\nend\n` }, [], 'logs-request-id'],
  ["ruby: RestClient's error body logged in the rescue", { 'pay.rb': 'def pay(order)\n  RestClient.post("#{BASE}/payments", { amount: order.total, externalId: "order_#{order.id}" }.to_json)\nrescue RestClient::ExceptionWithResponse => e\n  logger.error "MintCash failed: #{e.http_body}"\n  raise\nend\n' }, [], 'keeps-body'],
  ["ruby: the response as the method's last expression goes to the caller", { 'pay.rb': 'def create_payment(order)\n  uri = URI("#{BASE}/payments")\n  req = Net::HTTP::Post.new(uri, "Content-Type" => "application/json")\n  req.body = { amount: order.total, externalId: "order_#{order.id}" }.to_json\n  Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.request(req) }\nend\n' }, [], 'propagates'],
  ['ruby: raised with the status only', { 'pay.rb': `def pay(order)\n  ${RB_CALL}\n  raise "MintCash error #{res.code}" unless res.success?\n  res["id"]\nend\n` }, ['pay.rb:2 request-id-dropped'], 'drops-request-id'],
  ['ruby: never checks the status', { 'pay.rb': `def pay(order)\n  ${RB_CALL}\n  res["id"]\nend\n` }, ['pay.rb:2 error-not-checked'], 'unchecked'],
  ["ruby: a paren-less log with the app's request_id", { 'pay.rb': `def pay(order)\n  ${RB_CALL}\n  unless res.success?\n    logger.error "payment failed", request_id: request.request_id\n  end\n  res\nend\n` }, ['pay.rb:2 request-id-dropped'], 'drops-request-id'],
  ['ruby: a Sinatra route block outside any def', { 'app.rb': `post '/checkout' do\n  order = Order.find(params[:id])\n  ${RB_CALL}\n  halt 502, res.body unless res.success?\n  json res.parsed_response\nend\n` }, [], 'propagates'],
  // PHP
  ["php: Laravel's Http, the requestId read from the JSON", { 'app/Checkout.php': `${PHP_HEAD}        if ($response->failed()) {\n            Log::error('MintCash payment failed', ['requestId' => $response->json('details.requestId'), 'order' => $order->id]);\n            abort(502);\n        }\n        return $response->json();\n    }\n}\n` }, [], 'logs-request-id'],
  ['php: curl, thrown with the decoded body', { 'pay.php': "<?php\nfunction create_payment($order) {\n    $ch = curl_init(MINTCASH_BASE . '/payments');\n    curl_setopt($ch, CURLOPT_POST, true);\n    curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['amount' => $order['total'], 'externalId' => 'order_' . $order['id']]));\n    $result = curl_exec($ch);\n    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);\n    if ($status >= 400) {\n        throw new MintcashException($status, json_decode($result, true));\n    }\n    return json_decode($result, true);\n}\n" }, [], 'keeps-body'],
  ['php: thrown with the status only (a status variable is not the body)', { 'pay.php': "<?php\nfunction create_payment($order) {\n    $ch = curl_init(MINTCASH_BASE . '/payments');\n    curl_setopt($ch, CURLOPT_POST, true);\n    curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['amount' => $order['total'], 'externalId' => 'order_' . $order['id']]));\n    $result = curl_exec($ch);\n    $status = curl_getinfo($ch, CURLINFO_HTTP_CODE);\n    if ($status >= 400) {\n        throw new RuntimeException('MintCash error ' . $status);\n    }\n    return json_decode($result, true);\n}\n" }, ['pay.php:3 request-id-dropped'], 'drops-request-id'],
  ['php: curl without a status check', { 'pay.php': "<?php\nfunction create_payment($order) {\n    $ch = curl_init(MINTCASH_BASE . '/payments');\n    curl_setopt($ch, CURLOPT_POST, true);\n    curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['amount' => $order['total'], 'externalId' => 'order_' . $order['id']]));\n    return json_decode(curl_exec($ch), true);\n}\n" }, ['pay.php:3 error-not-checked'], 'unchecked'],
  ["php: a \"requestId\" key with the app's own header", { 'app/Checkout.php': `${PHP_HEAD}        if ($response->failed()) {\n            Log::error('MintCash payment failed', ['requestId' => request()->header('X-Request-Id')]);\n        }\n        return $response->json();\n    }\n}\n` }, ['app/Checkout.php:6 request-id-dropped'], 'drops-request-id'],
  // Java
  ['java: HttpClient, thrown with the body', { 'Payments.java': `${JAVA_HEAD}    if (response.statusCode() >= 400) {\n      throw new MintcashException(response.statusCode(), response.body());\n    }\n    return mapper.readValue(response.body(), Payment.class);\n  }\n}\n` }, [], 'keeps-body'],
  ['java: the error decoded and its details.requestId logged', { 'Payments.java': `${JAVA_HEAD}    if (response.statusCode() != 201) {\n      MintcashError error = mapper.readValue(response.body(), MintcashError.class);\n      log.error("MintCash payment failed, requestId={}", error.getDetails().getRequestId());\n      throw new PaymentFailed(order.id());\n    }\n    return mapper.readValue(response.body(), Payment.class);\n  }\n}\n` }, [], 'logs-request-id'],
  ['java: RestTemplate raises its own error (with the body) to the caller', { 'Payments.java': 'class Payments {\n  Payment create(Order order) {\n    return restTemplate.postForObject(baseUrl + "/payments", Map.of("amount", order.total(), "externalId", "order_" + order.id()), Payment.class);\n  }\n}\n' }, [], 'propagates'],
  ['java: thrown with the status only', { 'Payments.java': `${JAVA_HEAD}    if (response.statusCode() >= 400) {\n      throw new RuntimeException("MintCash payment failed: " + response.statusCode());\n    }\n    return mapper.readValue(response.body(), Payment.class);\n  }\n}\n` }, ['Payments.java:4 request-id-dropped'], 'drops-request-id'],
  ['java: never checks the status', { 'Payments.java': `${JAVA_HEAD}    return mapper.readValue(response.body(), Payment.class);\n  }\n}\n` }, ['Payments.java:4 error-not-checked'], 'unchecked'],
  ["java: MDC's requestId and a RestTemplate error's message are not the error body", { 'Payments.java': 'class Payments {\n  Payment create(Order order) {\n    try {\n      return restTemplate.postForObject(baseUrl + "/payments", Map.of("amount", order.total(), "externalId", "order_" + order.id()), Payment.class);\n    } catch (HttpClientErrorException e) {\n      log.error("MintCash failed for request {}: {}", MDC.get("requestId"), e.getMessage());\n      throw new PaymentFailed(order.id());\n    }\n  }\n}\n' }, ['Payments.java:4 request-id-dropped'], 'drops-request-id'],
  ["java: a RestTemplate error's body logged", { 'Payments.java': 'class Payments {\n  Payment create(Order order) {\n    try {\n      return restTemplate.postForObject(baseUrl + "/payments", Map.of("amount", order.total(), "externalId", "order_" + order.id()), Payment.class);\n    } catch (HttpClientErrorException e) {\n      log.error("MintCash failed: {}", e.getResponseBodyAsString());\n      throw e;\n    }\n  }\n}\n' }, [], 'keeps-body'],
];

describe('firstweek.request-id-logged', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(firstweekRequestIdLogged, await indexSources(asMintCash(files)));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it.each(languageCases)('%s', async (_name, files, where, kind) => {
    const index = await indexSources(asMintCash(files));
    // Every case is one MintCash call the index found, judged for the reason the case names.
    expect(index.files.filter((f) => !f.parsed)).toEqual([]);
    expect(index.calls.length).toBe(1);
    expect(index.calls[0]!.errorHandling?.kind).toBe(kind);
    const v = await judgeCode(firstweekRequestIdLogged, index);
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it("says how each language reads the status in an unchecked call's advice", async () => {
    const v = await judgeCode(firstweekRequestIdLogged, await indexSources(asMintCash({ 'p.py': 'r = requests.post(f"{BASE}/payments", json={"amount": 1, "externalId": o.id})\nprint(r.json())\n', 'p.go': 'package p\n\nfunc pay() {\n\tresp, _ := http.Post(base+"/payments", "application/json", body)\n\tfmt.Println(resp.Body)\n}\n' })));
    expect(v.ids).toEqual(['error-not-checked', 'error-not-checked']);
    expect((v.findings ?? []).map((f) => f.message).join("\n")).toMatch(/resp\.StatusCode/);
    expect((v.findings ?? []).map((f) => f.message).join("\n")).toMatch(/r\.status_code/);
  });

  it('the token reader never throws, whatever a mutated source does to its brackets, lines and keywords (5,000 seeded variants)', () => {
    const rnd = seeded(31);
    const lang: Record<string, CodeLanguage> = { py: 'python', go: 'go', rb: 'ruby', php: 'php', java: 'java' };
    const sources = languageCases.flatMap(([, files]) => Object.entries(files)).map(([name, text]) => [lang[name.split('.').pop()!]!, text] as const);
    const pieces = ['(', ')', '{', '}', '[', ']', '\n', '  ', 'def ', 'end\n', 'return ', 'raise ', 'throw ', 'func ', ',', '=', ':=', '.', '->', '"', "'", 'do |x|', 'logger.error(', 'resp'];
    const failures: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const [language, base] = sources[i % sources.length]!;
      let text = base;
      for (let k = 0, n = 1 + Math.floor(rnd() * 4); k < n; k++) {
        const at = Math.floor(rnd() * text.length);
        text = rnd() < 0.5 ? text.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)]! + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 8));
      }
      try {
        const tk = new Tokens(tokenize(text, language));
        const errors = new TokenErrors(tk, text, language, 'f');
        tk.t.forEach((tok, k) => {
          if (tok.kind === 'id' && tk.is(k + 1, '(') && tk.match[k + 1]! > k) errors.of(k, tk.match[k + 1]!, tok.text);
        });
      } catch (e) {
        failures.push(`${language}: ${(e as Error).message}\n${text}`);
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('passes the example shop and flags every call of the leaky shop', async () => {
    const { indexDir } = await import('../helpers/code.js');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../../examples');
    expect((await judgeCode(firstweekRequestIdLogged, await indexDir(path.join(root, 'shop')))).verdict).toBe('pass');
    const leaky = await judgeCode(firstweekRequestIdLogged, await indexDir(path.join(root, 'leaky-shop')));
    expect(leaky.ids).toEqual(['error-not-checked', 'error-not-checked', 'error-not-checked']);
  });
});
