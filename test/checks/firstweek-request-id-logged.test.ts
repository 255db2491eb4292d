// firstweek.request-id-logged: MintCash errors keep details.requestId on their way to a log. Kept:
// logged or thrown with `details`/`requestId`, an error built from the whole body (also through a
// helper the response is handed to), a client that throws its own error (axios, got). Dropped: an
// error log or a new Error without it, or an answer whose status is never checked. Tricky: an app
// request id named `requestId`, and info logs of the success path, prove nothing either way.
import { describe, expect, it } from 'vitest';
import { firstweekRequestIdLogged } from '../../checks/firstweek-request-id-logged.js';
import { asMintCash, indexSources, judgeCode } from '../helpers/code.js';

const BODY = "{ amount: o.total, currency: 'USD', externalId: `order_${o.id}` }";
const cases: [string, Record<string, string>, string[]][] = [
  // kept
  ['throws an error that keeps the whole body', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  const body = await res.json();\n  if (!res.ok) throw new MintcashError(res.status, body);\n  return body;\n}\n` }, []],
  ['hands the response to a helper that keeps the body', { 'a.js': `async function answer(res) {\n  const body = await res.json();\n  if (!res.ok) throw new ApiError(body);\n  return body;\n}\nexport async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  return answer(res);\n}\n` }, []],
  ['logs details.requestId in a catch', { 'a.ts': `export async function pay(o) {\n  try {\n    return await axios.post(BASE + '/payments', ${BODY});\n  } catch (err) {\n    logger.error({ requestId: err.response?.data?.details?.requestId, orderId: o.id }, 'MintCash failed');\n    throw err;\n  }\n}\n` }, []],
  ['logs the details object', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  const data = await res.json();\n  if (!res.ok) console.error('payment failed', { details: data.details, order: o.id });\n  return data;\n}\n` }, []],
  ['axios without a catch: its own error (with response.data) reaches the caller', { 'a.js': `export const pay = (o) => axios.post(BASE + '/payments', ${BODY});\n` }, []],
  ['an info log on the success path is not an error log', { 'a.js': `export async function pay(o) {\n  const res = await got.post(BASE + '/payments', { json: ${BODY} }).json();\n  log.info({ paymentId: res.id }, 'payment created');\n  return res;\n}\n` }, []],
  // dropped
  ['throws a new Error with only the status', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  if (!res.ok) throw new Error('payment failed: ' + res.status);\n  return res.json();\n}\n` }, ['a.js:2 request-id-dropped']],
  ['logs only the message in a catch', { 'a.js': `export async function pay(o) {\n  try {\n    return await axios.post(BASE + '/subscriptions', { amount: 1, billingIntervalDays: 7, externalId: o.id });\n  } catch (e) {\n    console.error('MintCash failed', e.message);\n  }\n}\n` }, ['a.js:3 request-id-dropped']],
  ["an app request id named requestId is not MintCash's", { 'a.js': `export async function pay(o, req) {\n  try {\n    return await axios.post(BASE + '/payments', ${BODY});\n  } catch (e) {\n    logger.error({ requestId: req.id, err: e.message }, 'payment failed');\n  }\n}\n` }, ['a.js:3 request-id-dropped']],
  ['never checks the status of a fetch', { 'a.js': `export async function pay(o) {\n  const res = await fetch(BASE + '/payments', { method: 'POST', body: JSON.stringify(${BODY}) });\n  return res.json();\n}\n` }, ['a.js:2 error-not-checked']],
];

describe('firstweek.request-id-logged', () => {
  it.each(cases)('%s', async (_name, files, where) => {
    const v = await judgeCode(firstweekRequestIdLogged, await indexSources(asMintCash(files)));
    expect(v.where).toEqual(where);
    expect(v.verdict).toBe(where.length > 0 ? 'warn' : 'pass');
  });

  it('names calls in languages it does not read, and proves nothing from them alone', async () => {
    const v = await judgeCode(firstweekRequestIdLogged, await indexSources(asMintCash({ 'p.py': 'requests.post(f"{BASE}/payments", json={"amount": 1, "externalId": o.id})\n' })));
    expect(v.verdict).toBe('pending');
    expect(v.summary).toMatch(/JS\/TS only/);
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
