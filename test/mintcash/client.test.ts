// The MintCash client against the real emulator over loopback HTTP: every endpoint, every error
// envelope, retries and timeouts against small local servers, and no secret in any error.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type MintcashClient } from '../../src/mintcash/client.js';
import { ApiError } from '../../src/mintcash/errors.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { approved } from '../helpers/api.js';

let emu: Emulator;
let test: MintcashClient;
let live: MintcashClient;

beforeAll(async () => {
  emu = await startEmulator({ refundSettleMs: 0 });
  test = createClient({ target: approved(emu.url, emu.credentials('test')), ...emu.credentials('test'), retries: 0 });
  live = createClient({ target: approved(emu.liveUrl, emu.credentials('live'), { allowLive: true }), ...emu.credentials('live'), retries: 0 });
});
afterAll(() => emu.close());

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

const hpp = (externalId: string, extra: Record<string, unknown> = {}) => ({
  amount: 4999,
  currency: 'USD',
  externalId,
  customer: { externalId: 'cust_1', email: 'a@example.com' },
  returnUrl: 'https://shop.example/return',
  ...extra,
});

describe('payments', () => {
  it('creates a hosted-page payment with amounts normalised to minor units', async () => {
    const p = await test.createPayment(hpp('order_1'));
    expect(p.status).toBe('created');
    expect(p.amount).toBe(4999);
    expect(p.amountRefundable).toBe(4999);
    expect(p.redirectUrl).toBe(`${emu.url}/__emulator/pay/${p.id}`);
    expect((await test.getPayment(p.id)).id).toBe(p.id);
  });

  it('replays the same externalId and payload, and refuses a different payload with 409', async () => {
    const a = await test.createPayment(hpp('order_2'));
    const b = await test.createPayment(hpp('order_2'));
    expect(b.id).toBe(a.id);
    const e = await apiError(test.createPayment(hpp('order_2', { amount: 5000 })));
    expect([e.status, e.code]).toEqual([409, 'already_exists']);
    expect(e.requestId).toMatch(/^req_/);
  });

  it('keeps environments apart: the live pair cannot see a test payment', async () => {
    const p = await test.createPayment(hpp('order_env'));
    const e = await apiError(live.getPayment(p.id));
    expect([e.status, e.code]).toEqual([404, 'not_found']);
    // The same externalId in live is a different key space.
    expect((await live.createPayment(hpp('order_env'))).id).not.toBe(p.id);
  });

  it.each([
    ['zero amount', { amount: 0 }, 'invalidAmount'],
    ['fractional amount', { amount: 49.99 }, 'invalidAmount'],
    ['amount as string', { amount: '4999' }, 'invalidAmount'],
    ['lowercase currency', { currency: 'usd' }, 'invalidCurrency'],
    ['unknown currency', { currency: 'XXX' }, 'invalidCurrency'],
    ['no returnUrl on a hosted payment', { returnUrl: undefined }, 'missingReturnUrl'],
    ['unknown card token', { returnUrl: undefined, cardToken: 'tok_nope' }, 'invalidCardToken'],
  ])('400 invalid_argument for %s', async (_name, patch, reason) => {
    const e = await apiError(test.createPayment({ ...hpp(`bad_${reason}_${Math.random()}`), ...patch } as never));
    expect([e.status, e.code, e.reason]).toEqual([400, 'invalid_argument', reason]);
  });

  it('charges a saved token without a redirect', async () => {
    const ok = await test.createPayment({ amount: 1500, currency: 'EUR', externalId: 'tok_ok', customer: {}, cardToken: 'tok_emulator_visa' });
    expect([ok.status, ok.redirectUrl]).toEqual(['succeeded', null]);
    const no = await test.createPayment({ amount: 1500, currency: 'EUR', externalId: 'tok_no', customer: {}, cardToken: 'tok_emulator_declined' });
    expect(no.status).toBe('failed');
    expect(no.failureCode).toBe('card_declined');
  });

  it('404 not_found for an unknown payment', async () => {
    const e = await apiError(test.getPayment('00000000-0000-0000-0000-000000000000'));
    expect([e.status, e.code]).toEqual([404, 'not_found']);
  });
});

describe('refunds', () => {
  it('refunds partially then fully, with 422 when too large and 409 when nothing is left', async () => {
    const p = await test.createPayment({ amount: 4999, currency: 'USD', externalId: 'ref_1', customer: {}, cardToken: 'tok_emulator_visa' });
    const r1 = await test.refundPayment(p.id, { externalId: 'r1', amount: 1500, reason: 'customer_request' });
    expect([r1.status, r1.amount, r1.paymentAmountRefundable]).toEqual(['succeeded', 1500, 3499]);
    const big = await apiError(test.refundPayment(p.id, { externalId: 'r2', amount: 3500 }));
    expect(big.status).toBe(422);
    const r2 = await test.refundPayment(p.id, { externalId: 'r3' });
    expect(r2.amount).toBe(3499);
    const after = await test.getPayment(p.id);
    expect([after.status, after.amountRefunded, after.amountRefundable]).toEqual(['refunded', 4999, 0]);
    const none = await apiError(test.refundPayment(p.id, { externalId: 'r4', amount: 1 }));
    expect(none.status).toBe(409);
    // A replay of a finished refund returns it, not a conflict.
    expect((await test.refundPayment(p.id, { externalId: 'r1', amount: 1500, reason: 'customer_request' })).id).toBe(r1.id);
  });
});

describe('subscriptions', () => {
  it('creates, retrieves and cancels; a second cancel is 409', async () => {
    const s = await test.createSubscription({ amount: 999, currency: 'USD', billingIntervalDays: 30, externalId: 'sub_1', cardToken: 'tok_emulator_visa' });
    expect([s.status, s.amount, s.billingIntervalDays]).toEqual(['active', 999, 30]);
    expect((await test.getSubscription(s.id)).currentPeriodEnd).toBe(s.currentPeriodEnd);
    expect((await test.cancelSubscription(s.id)).status).toBe('cancelled');
    const e = await apiError(test.cancelSubscription(s.id));
    expect(e.status).toBe(409);
    const nf = await apiError(test.getSubscription('missing'));
    expect([nf.status, nf.code]).toEqual([404, 'not_found']);
  });

  it('gives a hosted first charge a redirectUrl', async () => {
    const s = await test.createSubscription({ amount: 999, currency: 'USD', billingIntervalDays: 7, externalId: 'sub_hpp', returnUrl: 'https://shop.example/r' });
    expect(s.status).toBe('created');
    expect(s.redirectUrl).toContain('/__emulator/pay/');
  });
});

describe('api keys and auth', () => {
  it('lists both environments\' keys without secrets', async () => {
    const keys = await test.listApiKeys();
    expect(keys.map((k) => k.environment).sort()).toEqual(['live', 'test']);
    expect(keys.find((k) => k.publicKey === emu.credentials('test').publicKey)?.isActive).toBe(true);
    expect(JSON.stringify(keys)).not.toContain(emu.credentials('test').secretKey);
  });

  it('401 for a wrong secret, and the error carries no secret or Authorization header', async () => {
    const { publicKey } = emu.credentials('test');
    const secretKey = 'sk_' + 'test_' + 'WrongWrongWrongWrong1234';
    const bad = createClient({ target: approved(emu.url, { publicKey, secretKey }), publicKey, secretKey, retries: 0 });
    const e = await apiError(bad.listApiKeys());
    expect([e.status, e.code]).toEqual([401, 'unauthenticated']);
    const basic = Buffer.from(`${publicKey}:${secretKey}`).toString('base64');
    for (const text of [String(e), e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 5 }), inspect(bad), JSON.stringify(bad)]) {
      expect(text).not.toContain(secretKey);
      expect(text).not.toContain(basic);
    }
  });

  it('403 ip_not_allowed for a live key outside its allow list; test keys ignore the list', async () => {
    await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ allowedIps: ['203.0.113.7'] }) });
    try {
      const e = await apiError(live.listApiKeys());
      expect([e.status, e.code, e.reason]).toEqual([403, 'permission_denied', 'ip_not_allowed']);
      expect((await test.listApiKeys()).length).toBeGreaterThan(0);
    } finally {
      await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ allowedIps: [] }) });
    }
  });

  it('403 permission_denied for an inactive merchant', async () => {
    await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ active: false }) });
    try {
      const e = await apiError(test.listApiKeys());
      expect([e.status, e.code]).toEqual([403, 'permission_denied']);
    } finally {
      await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ active: true }) });
    }
  });
});

/** A tiny scripted server: answers each request with the next handler in the list. */
async function scripted(handlers: ((req: IncomingMessage, res: ServerResponse, body: string) => void)[]) {
  const seen: { method: string; url: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const h = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      h?.(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const json = (status: number, body: unknown) => (_q: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const drop = (req: IncomingMessage) => req.socket.destroy();
const envelope = (code: string) => ({ code, message: 'x', details: { requestId: 'req_1' } });
const creds = { publicKey: 'pk_' + 'test_' + 'AAAAAAAAAAAAAAAAAAAAAAAA', secretKey: 'sk_' + 'test_' + 'BBBBBBBBBBBBBBBBBBBBBBBB' };

describe('tolerant parsing and the retry rule', () => {
  it('accepts the wrapped create response and stringified decimals', async () => {
    const s = await scripted([
      json(200, { payment: { id: 'p1', externalId: 'e', status: 'created', amount: '49.99', currency: 'USD' }, redirectUrl: 'https://pay.example/x' }),
    ]);
    try {
      const c = createClient({ target: approved(s.url, creds), ...creds });
      const p = await c.createPayment(hpp('e'));
      expect([p.id, p.amount, p.redirectUrl, p.amountRefundable]).toEqual(['p1', 4999, 'https://pay.example/x', 4999]);
    } finally {
      await s.close();
    }
  });

  it('resends a create with the same externalId after a dropped connection', async () => {
    const s = await scripted([drop, json(200, { id: 'p1', externalId: 'order_x', status: 'created', amount: 10, currency: 'USD' })]);
    try {
      const c = createClient({ target: approved(s.url, creds), ...creds, retries: 2, backoffMs: 1 });
      expect((await c.createPayment(hpp('order_x'))).id).toBe('p1');
      expect(s.seen).toHaveLength(2);
      expect(s.seen[0]?.body).toBe(s.seen[1]?.body);
      expect(JSON.parse(s.seen[1]?.body ?? '{}').externalId).toBe('order_x');
    } finally {
      await s.close();
    }
  });

  it.each([
    ['GET on 503', 'get', 503, 3],
    ['POST create on 503', 'create', 503, 3],
    ['GET on 500', 'get', 500, 1],
    ['POST create on 400', 'create', 400, 1],
    ['POST create on 409', 'create', 409, 1],
    ['DELETE on 503', 'cancel', 503, 1],
  ])('%s: %i requests', async (_n, op, status, expected) => {
    const s = await scripted([json(status as number, envelope('unavailable'))]);
    try {
      const c = createClient({ target: approved(s.url, creds), ...creds, retries: 2, backoffMs: 1 });
      const call = op === 'get' ? c.getPayment('p') : op === 'cancel' ? c.cancelSubscription('s') : c.createPayment(hpp('e'));
      const e = await apiError(call);
      expect(e.status).toBe(status);
      expect(s.seen).toHaveLength(expected as number);
    } finally {
      await s.close();
    }
  });

  it('times out a silent server with code timeout', async () => {
    const s = await scripted([() => undefined]);
    try {
      const c = createClient({ target: approved(s.url, creds), ...creds, retries: 0, timeoutMs: 200 });
      const e = await apiError(c.listApiKeys());
      expect([e.status, e.code]).toEqual([0, 'timeout']);
    } finally {
      await s.close();
    }
  });

  it('reports a refused connection as network_error without secrets', async () => {
    const s = await scripted([]);
    await s.close();
    const c = createClient({ target: approved(s.url, creds), ...creds, retries: 1, backoffMs: 1 });
    const e = await apiError(c.listApiKeys());
    expect(e.code).toBe('network_error');
    expect(inspect(e)).not.toContain(creds.secretKey);
  });

  it('keeps a non-envelope error status and maps invalid JSON bodies', async () => {
    const s = await scripted([
      (_q, res) => { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html>bad gateway</html>'); },
      json(200, { nope: true }),
    ]);
    try {
      const c = createClient({ target: approved(s.url, creds), ...creds, retries: 0 });
      expect((await apiError(c.createPayment({ ...hpp('e') }))).code).toBe('http_502');
      expect((await apiError(c.listApiKeys())).code).toBe('invalid_response');
    } finally {
      await s.close();
    }
  });

  it('refuses a base URL that carries credentials', () => {
    expect(() => approved('https://u:p@api.example', creds)).toThrow(/without credentials/);
  });

  it('sends only to a target the send rule approved for this very key pair', () => {
    const target = approved('http://127.0.0.1:9', creds);
    // A hand-made target, or one approved for test keys reused with live ones, is refused before any request.
    expect(() => createClient({ target: { ...target }, ...creds })).toThrow(/not approved/);
    const live = { publicKey: 'pk_' + 'live_' + 'A'.repeat(24), secretKey: 'sk_' + 'live_' + 'B'.repeat(24) };
    expect(() => createClient({ target, ...live })).toThrow(/not approved/);
  });
});
