// The shop's HTTP(S) server. TLS_CERT/TLS_KEY switch on HTTPS (the demo makes a certificate on the
// fly); MINTCASH_WEBHOOK_SECRET and MINTCASH_ENVIRONMENT configure the webhook handler.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { handleWebhook } from './webhook.js';

const secret = process.env.MINTCASH_WEBHOOK_SECRET;
if (!secret) {
  console.error('MINTCASH_WEBHOOK_SECRET is not set');
  process.exit(1);
}
const environment = process.env.MINTCASH_ENVIRONMENT ?? 'live';

function route(req, res) {
  if (req.method === 'POST' && req.url === '/webhooks/mintcash') {
    handleWebhook(req, res, { secret, environment }).catch(() => res.writeHead(500).end());
    return;
  }
  res.writeHead(404).end();
}

const tls = process.env.TLS_CERT && process.env.TLS_KEY ? { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) } : undefined;
const server = tls ? https.createServer(tls, route) : http.createServer(route);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`shop listening on ${tls ? 'https' : 'http'}://localhost:${port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
