// The shop's HTTP(S) server: checkout and subscribe (MintCash's hosted page), and the webhook.
// TLS_CERT/TLS_KEY switch on HTTPS (the demo makes a certificate on the fly); MINTCASH_WEBHOOK_SECRET
// and MINTCASH_ENVIRONMENT configure the webhook handler. Every request is logged as pino-http
// logs it (req.id, res.statusCode, responseTime), and every MintCash error with its details.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { handleWebhook } from './webhook.js';
import { createPayment, createSubscription } from './mintcash.js';
import { loadSubscriptions, rememberOrder } from './orders.js';
import { log, serializeError } from './log.js';

const secret = process.env.MINTCASH_WEBHOOK_SECRET;
if (!secret) {
  console.error('MINTCASH_WEBHOOK_SECRET is not set');
  process.exit(1);
}
const environment = process.env.MINTCASH_ENVIRONMENT ?? 'live';
let nextId = 0;

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function checkout(req, res) {
  const order = await readJson(req);
  rememberOrder(order);
  try {
    const payment = await createPayment(order, `${process.env.PUBLIC_URL ?? 'https://shop.example.com'}/orders/${order.id}`);
    log.info({ req: { id: req.id }, orderId: order.id, paymentId: payment.id }, 'payment created');
    send(res, 200, { paymentId: payment.id, redirectUrl: payment.redirectUrl });
  } catch (e) {
    log.error({ req: { id: req.id }, orderId: order.id, err: serializeError(e) }, 'MintCash call failed');
    send(res, 502, { error: 'payment could not be started' });
  }
}

async function subscribe(req, res) {
  const { customer, plan } = await readJson(req);
  try {
    const sub = await createSubscription(customer, plan, `${process.env.PUBLIC_URL ?? 'https://shop.example.com'}/account`);
    log.info({ req: { id: req.id }, customerId: customer.id, subscriptionId: sub.id }, 'subscription created');
    send(res, 200, { subscriptionId: sub.id, redirectUrl: sub.redirectUrl });
  } catch (e) {
    log.error({ req: { id: req.id }, customerId: customer.id, err: serializeError(e) }, 'MintCash call failed');
    send(res, 502, { error: 'subscription could not be started' });
  }
}

function route(req, res) {
  req.id = ++nextId;
  const started = Date.now();
  res.on('finish', () => log.info({ req: { id: req.id, method: req.method, url: req.url }, res: { statusCode: res.statusCode }, responseTime: Date.now() - started }, 'request completed'));
  const fail = (e) => {
    log.error({ req: { id: req.id }, err: serializeError(e) }, 'request failed');
    if (!res.headersSent) res.writeHead(500).end();
  };
  if (req.method === 'POST' && req.url === '/webhooks/mintcash') return handleWebhook(req, res, { secret, environment }).catch(fail);
  if (req.method === 'POST' && req.url === '/checkout') return checkout(req, res).catch(fail);
  if (req.method === 'POST' && req.url === '/subscribe') return subscribe(req, res).catch(fail);
  res.writeHead(404).end();
}

loadSubscriptions();
const tls = process.env.TLS_CERT && process.env.TLS_KEY ? { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) } : undefined;
const server = tls ? https.createServer(tls, route) : http.createServer(route);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`shop listening on ${tls ? 'https' : 'http'}://localhost:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
