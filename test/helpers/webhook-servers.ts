// Real HTTPS webhook handlers on loopback: one correct handler and one per classic mistake
// (accepts everything, crashes on short signatures, re-serialises JSON, accepts test events,
// crashes on a repeated eventId, slow, redirects, refuses unknown events) plus misbehaving
// transports (reset mid-response, headers trickled forever, 50 MB body, never answers).
import { runCheck } from '../../src/testing/index.js';
import { createHmac, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Pem } from './tls.js';
import { configSchema, type GoliveConfig } from '../../src/config/schema.js';
import type { Check, CheckOutcome, RunOptions, Status } from '../../src/engine/types.js';
import type { WebhookEvidence } from '../../src/evidence/types.js';
import { collectWebhookWith } from '../../src/evidence/webhook.js';

export type Behaviour =
  | 'correct'
  | 'accepts-everything'
  | 'crash-short-signature'
  | 'reserialises'
  | 'accepts-test'
  | 'crash-duplicate'
  | 'refuse-duplicate'
  | 'slow'
  | 'redirect'
  | 'refuses-unknown'
  | 'refuses-everything'
  | 'reset'
  | 'trickle-headers'
  | 'huge-body'
  | 'never-answers'
  | 'gone';

export interface ServerOptions {
  behaviour: Behaviour;
  pem: Pem;
  secret: string;
  /** Deployment environment the handler expects. */
  environment?: 'live' | 'test';
  /** Extra time before answering (any behaviour). */
  delayMs?: number;
}

export interface SeenRequest {
  headers: IncomingMessage['headers'];
  body: string;
  /** Milliseconds from the end of the request body to the answer (the handler's own time). */
  handlerMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const hmac = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('hex');

function verify(behaviour: Behaviour, secret: string, raw: Buffer, header: string | undefined): boolean {
  if (behaviour === 'accepts-everything') return true;
  if (typeof header !== 'string') return false;
  if (behaviour === 'crash-short-signature') {
    // The classic mistake: no length check, so timingSafeEqual throws RangeError -> 500.
    return timingSafeEqual(Buffer.from(header, 'hex'), Buffer.from(hmac(secret, raw), 'hex'));
  }
  if (behaviour === 'reserialises') {
    const again = JSON.stringify(JSON.parse(raw.toString('utf8')));
    return header === hmac(secret, again);
  }
  const expected = Buffer.from(hmac(secret, raw), 'hex');
  const given = Buffer.from(header, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function handler(opts: ServerOptions, requests: SeenRequest[]) {
  const seen = new Set<string>();
  const env = opts.environment ?? 'live';
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const record: SeenRequest = { headers: req.headers, body: raw.toString('utf8') };
      requests.push(record);
      const t0 = performance.now();
      const send = (status: number, body = '', headers: Record<string, string> = {}) => {
        record.handlerMs = performance.now() - t0;
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(body);
      };
      const act = () => {
        switch (opts.behaviour) {
          case 'never-answers':
            return;
          case 'gone':
            return send(404, 'Not Found');
          case 'refuses-everything':
            return send(400, 'bad request');
          case 'redirect':
            return send(301, '', { location: 'https://127.0.0.1/elsewhere' });
          case 'reset':
            res.writeHead(200, { 'content-length': '1000' });
            res.write('partial');
            setTimeout(() => req.socket.destroy(), 10);
            return;
          case 'trickle-headers': {
            const s = req.socket;
            s.write('HTTP/1.1 200 OK\r\n');
            const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write('x-wait: 1\r\n')), 50);
            s.once('close', () => clearInterval(timer));
            return;
          }
          case 'huge-body': {
            res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50 * 1024 * 1024) });
            const block = Buffer.alloc(1024 * 1024, 0x61);
            let sent = 0;
            const pump = () => {
              while (sent < 50) {
                sent++;
                if (!res.write(block)) return void res.once('drain', pump);
              }
              res.end();
            };
            res.on('error', () => undefined);
            return pump();
          }
          default:
            break;
        }
        let ok: boolean;
        try {
          ok = verify(opts.behaviour, opts.secret, raw, req.headers['x-signature'] as string | undefined);
        } catch {
          return send(500, 'Internal Server Error');
        }
        if (!ok) return send(401, 'invalid signature');
        let event: { eventId?: string; event?: string; environment?: string };
        try {
          event = JSON.parse(raw.toString('utf8'));
        } catch {
          return send(400, 'bad json');
        }
        if (opts.behaviour !== 'accepts-test' && opts.behaviour !== 'accepts-everything' && event.environment !== env) {
          return send(400, 'wrong environment');
        }
        if (opts.behaviour === 'refuses-unknown' && event.event !== 'payment.succeeded') return send(400, 'unknown event');
        const id = String(event.eventId);
        if (seen.has(id)) {
          if (opts.behaviour === 'crash-duplicate') return send(500, 'duplicate key value violates unique constraint');
          if (opts.behaviour === 'refuse-duplicate') return send(409, 'already processed');
          return send(200, 'duplicate ignored');
        }
        seen.add(id);
        return send(200, 'ok');
      };
      const delay = opts.delayMs ?? 0;
      if (delay > 0) setTimeout(act, delay);
      else act();
    });
  };
}

export async function startWebhookServer(opts: ServerOptions): Promise<RunningServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({ cert: opts.pem.cert, key: opts.pem.key }, handler(opts, requests));
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/webhooks/mintcash`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port that refuses connections: bound, then released. */
export async function refusedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// --- Collect once, judge with the real checks (what the runner does, minus the report) ---


export interface ProbeSetup {
  url?: string;
  testUrl?: string;
  ca?: string[];
  /** The webhook secret in the environment; undefined leaves it unset. */
  secret?: string;
  allowPrivateNetwork?: boolean;
  probes?: Record<string, number>;
  offline?: boolean;
  webhookUrl?: string;
}

export function probeConfig(s: ProbeSetup): GoliveConfig {
  return configSchema.parse({
    webhook: {
      ...(s.url ? { url: s.url } : {}),
      ...(s.testUrl ? { testUrl: s.testUrl } : {}),
      allowPrivateNetwork: s.allowPrivateNetwork ?? true,
      probes: { timeoutMs: 2000, count: 3, concurrency: 2, ...s.probes },
    },
  });
}

export async function collect(s: ProbeSetup): Promise<{ evidence: WebhookEvidence; config: GoliveConfig; options: RunOptions }> {
  const config = probeConfig(s);
  const options: RunOptions = { offline: s.offline ?? false, history: false, requireRehearsal: false, ...(s.webhookUrl ? { webhookUrl: s.webhookUrl } : {}) };
  const env: NodeJS.ProcessEnv = s.secret ? { MINTCASH_WEBHOOK_SECRET: s.secret } : {};
  const evidence = await collectWebhookWith({ config, options, env }, s.ca ? { ca: s.ca } : {});
  return { evidence, config, options };
}

export interface Judged extends CheckOutcome {
  verdict: Status;
  ids: string[];
}

/** Runs one check on gathered evidence and derives its status as the runner would. */
export async function judge(check: Check<'webhook'>, got: { evidence: WebhookEvidence; config: GoliveConfig; options: RunOptions }): Promise<Judged> {
  // Through the plugin tester, i.e. the real runner: time limit, status derivation, masking.
  const r = await runCheck(check, { evidence: { webhook: got.evidence }, config: got.config as unknown as Record<string, unknown>, options: got.options });
  return { findings: r.findings, summary: r.summary, ...(r.evidence ? { evidence: r.evidence } : {}), verdict: r.status, ids: r.findings.map((f) => f.messageId) };
}
