// HTTP routing for the emulator: MintCash's documented API (Basic auth, JSON, error envelopes with a
// requestId on every failure) plus loopback-only `/__emulator/*` hooks for tests and the hosted page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomAlnum } from './model.js';
import { describeError } from '../errors.js';
import type { Core } from './core.js';
import { EmuError, invalid } from './validate.js';
import { isLoopbackAddress } from '../mintcash/hosts.js';
import { completeHostedPayment, createPayment, createRefund, getPayment, settleRefund } from './payments.js';
import { cancelSubscription, completeHostedSubscription, createSubscription, getSubscription } from './subscriptions.js';
import { apiKeyView, paymentView, subscriptionView, refundView } from './views.js';
import { hostedPage, returnTarget } from './page.js';
import type { Deliverer } from './webhooks.js';
import { DECLINE_CARD, SUCCESS_CARD } from './cards.js';

const MAX_BODY_BYTES = 1_000_000;

interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  location?: string;
}

export function createHandler(core: Core, deliverer: Deliverer) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = `req_${randomAlnum(26)}`;
    handle(core, deliverer, req)
      .catch((e: unknown) => errorReply(e))
      // Durable before answered: even an error reply waits, as the request may have changed state.
      .then(async (reply) => {
        try {
          await core.commit();
          return reply;
        } catch (e) {
          // Never a 200 for what is not on disk (a full disk, a short write): 503, as a MintCash
          // outage would be, so a client retries with the same externalId.
          return errorReply(new EmuError(503, 'unavailable', `the emulator could not save this request to its state file (${describeError(e)}); it may or may not have happened: retry it with the same externalId`));
        }
      })
      .then((reply) => send(res, reply, requestId, core.clock.now()));
  };
}

function errorReply(e: unknown): Reply {
  if (e instanceof EmuError) return { status: e.status, json: { code: e.code, message: e.message, details: e.reason ? { reason: e.reason } : {} } };
  return { status: 500, json: { code: 'internal', message: 'emulator internal error', details: {} } };
}

function send(res: ServerResponse, reply: Reply, requestId: string, now: number): void {
  res.setHeader('x-request-id', requestId);
  // The emulator's own time, as a real server's Date header gives its own: a client can tell how
  // far the emulator clock is from its own (emulator-clock times are not wall-clock times).
  res.setHeader('date', new Date(now).toUTCString());
  if (reply.location) {
    res.writeHead(reply.status, { location: reply.location });
    res.end();
    return;
  }
  if (reply.html !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(reply.html);
    return;
  }
  let json = reply.json ?? {};
  // Every error envelope carries details.requestId (API-FACTS §5.1, §16).
  if (reply.status >= 400 && json && typeof json === 'object') {
    const env = json as { details?: Record<string, unknown> };
    json = { ...env, details: { ...(env.details ?? {}), requestId } };
  }
  const body = JSON.stringify(json);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalid('request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('request body is not valid JSON');
  }
}

const notFound = () => new EmuError(404, 'not_found', 'no such route');

async function handle(core: Core, deliverer: Deliverer, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  let parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  // Two base URLs, as MintCash has two hosts: `/…` is the sandbox, `/live/…` production.
  const baseEnv = parts[0] === 'live' ? 'live' : 'test';
  if (baseEnv === 'live') parts = parts.slice(1);
  const method = req.method ?? 'GET';
  if (parts[0] === '__emulator') {
    // Test hooks need no auth, so they answer only on loopback even if the API listens wider.
    if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) throw notFound();
    return hooks(core, deliverer, req, method, parts.slice(1));
  }
  const route = matchApi(method, parts);
  if (!route) throw notFound();
  const body = method === 'POST' ? await jsonBody(req) : undefined;
  const caller = core.authenticate(req.headers.authorization, req.socket.remoteAddress ?? '');
  if (caller.environment !== baseEnv) {
    // The environments share no keys (API-FACTS §1): the other host does not know this one.
    throw new EmuError(401, 'unauthenticated', `${caller.environment} keys are not valid on the ${baseEnv === 'live' ? 'live' : 'sandbox'} base URL`);
  }
  const id = parts[1] ?? '';
  switch (route) {
    case 'createPayment':
      return { status: 200, json: createPayment(core, caller, body) };
    case 'getPayment':
      return { status: 200, json: paymentView(getPayment(core, caller, id)) };
    case 'refund':
      return { status: 200, json: createRefund(core, caller, id, body) };
    case 'createSubscription':
      return { status: 200, json: createSubscription(core, caller, body) };
    case 'getSubscription':
      return { status: 200, json: subscriptionView(getSubscription(core, caller, id)) };
    case 'cancelSubscription':
      return { status: 200, json: cancelSubscription(core, caller, id) };
    case 'listApiKeys':
      // Both environments' keys: the docs say "all API keys of the merchant" (§4.9, §20 q17).
      return { status: 200, json: { apiKeys: core.state.keys.filter((k) => k.merchantId === caller.merchant.id).map(apiKeyView) } };
  }
}

type ApiRoute = 'createPayment' | 'getPayment' | 'refund' | 'createSubscription' | 'getSubscription' | 'cancelSubscription' | 'listApiKeys';

function matchApi(method: string, p: string[]): ApiRoute | undefined {
  if (p[0] === 'payments') {
    if (p.length === 1 && method === 'POST') return 'createPayment';
    if (p.length === 2 && method === 'GET') return 'getPayment';
    if (p.length === 3 && p[2] === 'refund' && method === 'POST') return 'refund';
  }
  if (p[0] === 'subscriptions') {
    if (p.length === 1 && method === 'POST') return 'createSubscription';
    if (p.length === 2 && method === 'GET') return 'getSubscription';
    if (p.length === 2 && method === 'DELETE') return 'cancelSubscription';
  }
  if (p.length === 2 && p[0] === 'merchant' && p[1] === 'api-keys' && method === 'GET') return 'listApiKeys';
  return undefined;
}

function outcomeOf(body: Record<string, unknown>): 'succeed' | 'decline' {
  if (body.outcome === undefined) return 'succeed';
  if (body.outcome === 'succeed' || body.outcome === 'decline') return body.outcome;
  throw invalid('outcome must be "succeed" or "decline"');
}

async function hooks(core: Core, deliverer: Deliverer, req: IncomingMessage, method: string, p: string[]): Promise<Reply> {
  const key = `${method} ${p[0] ?? ''}${p.length > 2 ? `/:id/${p[2]}` : p.length === 2 ? '/:id' : ''}`;
  const id = p[1] ?? '';
  const body = (): Promise<Record<string, unknown>> => jsonBody(req).then((b) => (b && typeof b === 'object' ? (b as Record<string, unknown>) : {}));
  switch (key) {
    case 'GET health':
      return { status: 200, json: { ok: true, now: core.nowIso() } };
    case 'GET clock':
      return { status: 200, json: { now: core.nowIso(), offsetMs: core.clock.offsetMs } };
    case 'POST clock': {
      const b = await body();
      const ms = num(b.advanceMs) + num(b.advanceSeconds) * 1000 + num(b.advanceDays) * 86_400_000;
      core.advanceClock(ms);
      return { status: 200, json: { now: core.nowIso(), offsetMs: core.clock.offsetMs } };
    }
    case 'GET deliveries/:id':
      // `/__emulator/deliveries/pending`: counts only, cheap enough to poll between steps.
      if (id !== 'pending') throw notFound();
      return { status: 200, json: { pending: Object.keys(core.state.deliveries).length, attempts: deliverer.log.length } };
    case 'GET deliveries':
      return { status: 200, json: { url: deliverer.url ?? null, liveUrl: deliverer.urlFor('live') ?? null, deliveries: deliverer.log, pending: Object.keys(core.state.deliveries).length } };
    case 'GET events':
      return { status: 200, json: { events: core.events } };
    case 'POST provider-fault': {
      // Every charge fails with this failureCode until cleared ({"failureCode": null}).
      const b = await body();
      if (b.failureCode === null) core.providerFault = null;
      else if (typeof b.failureCode === 'string' && /^[a-z0-9_]{1,64}$/.test(b.failureCode)) core.providerFault = { failureCode: b.failureCode, failureMessage: typeof b.failureMessage === 'string' ? b.failureMessage : null };
      else throw invalid('failureCode must be a lowercase code like "provider_auth_failed", or null to clear');
      return { status: 200, json: { providerFault: core.providerFault } };
    }
    case 'GET credentials':
      return {
        status: 200,
        json: {
          webhookSecret: core.state.webhookSecret,
          keys: core.state.keys.map((k) => ({ ...apiKeyView(k), secretKey: k.secretKey })),
        },
      };
    case 'POST keys': {
      const b = await body();
      const env = b.environment === 'live' ? 'live' : b.environment === 'test' ? 'test' : undefined;
      if (!env) throw invalid('environment must be "test" or "live"');
      const merchantId = Object.keys(core.state.merchants)[0] ?? '';
      const k = core.issueKey(merchantId, env);
      return { status: 200, json: { ...apiKeyView(k), secretKey: k.secretKey } };
    }
    case 'POST keys/:id': {
      if (id !== 'revoke') throw notFound();
      const b = await body();
      const k = typeof b.publicKey === 'string' ? core.revokeKey(b.publicKey) : undefined;
      if (!k) throw new EmuError(404, 'not_found', 'no such key');
      return { status: 200, json: apiKeyView(k) };
    }
    case 'POST merchant': {
      const b = await body();
      const m = Object.values(core.state.merchants)[0];
      if (!m) throw notFound();
      if (typeof b.active === 'boolean') m.active = b.active;
      if (Array.isArray(b.allowedIps)) m.allowedIps = b.allowedIps.filter((x): x is string => typeof x === 'string');
      core.changed();
      return { status: 200, json: m };
    }
    case 'POST payments/:id/complete': {
      const p = core.state.payments[id];
      if (!p) throw new EmuError(404, 'not_found', 'payment not found');
      const b = await body();
      const card = typeof b.card === 'string' ? b.card : outcomeOf(b) === 'succeed' ? SUCCESS_CARD : DECLINE_CARD;
      completeHostedPayment(core, p, card);
      return { status: 200, json: paymentView(p) };
    }
    case 'POST subscriptions/:id/complete': {
      const s = core.state.subscriptions[id];
      if (!s) throw new EmuError(404, 'not_found', 'subscription not found');
      const b = await body();
      const card = typeof b.card === 'string' ? b.card : outcomeOf(b) === 'succeed' ? SUCCESS_CARD : DECLINE_CARD;
      completeHostedSubscription(core, s, card);
      return { status: 200, json: subscriptionView(s) };
    }
    case 'POST subscriptions/:id/renewal-outcome': {
      const s = core.state.subscriptions[id];
      if (!s) throw new EmuError(404, 'not_found', 'subscription not found');
      s.renewalOutcome = outcomeOf(await body());
      core.changed();
      return { status: 200, json: { ...subscriptionView(s), renewalOutcome: s.renewalOutcome } };
    }
    case 'POST refunds/:id/settle': {
      const r = core.state.refunds[id];
      const p = r ? core.state.payments[r.paymentId] : undefined;
      if (!r || !p) throw new EmuError(404, 'not_found', 'refund not found');
      settleRefund(core, r, outcomeOf(await body()));
      return { status: 200, json: refundView(r, p) };
    }
    case 'GET pay/:id':
    case 'POST pay/:id':
      return payPage(core, req, method, id);
  }
  throw notFound();
}

async function payPage(core: Core, req: IncomingMessage, method: string, id: string): Promise<Reply> {
  const p = core.state.payments[id];
  const s = p ? undefined : core.state.subscriptions[id];
  const rec = p ?? s;
  if (!rec) return { status: 404, html: '<!doctype html><title>Not found</title><p>No such payment.</p>' };
  const kind = p ? 'payment' : 'subscription';
  if (method === 'GET') {
    return { status: 200, html: hostedPage({ id, kind, amount: rec.amount, currency: rec.currency, status: rec.status, environment: rec.environment }) };
  }
  const form = new URLSearchParams(await readBody(req));
  const card = form.get('action') === 'decline' ? DECLINE_CARD : (form.get('card') ?? SUCCESS_CARD);
  if (p) completeHostedPayment(core, p, card);
  else if (s) completeHostedSubscription(core, s, card);
  const target = returnTarget(rec.returnUrl, kind, id);
  if (target) return { status: 303, location: target };
  return { status: 200, html: hostedPage({ id, kind, amount: rec.amount, currency: rec.currency, status: rec.status, environment: rec.environment }) };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
