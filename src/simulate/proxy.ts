// The simulated deployment's front proxy, in nginx's place: forwards to the shop and writes the
// access log in golive's recommended nginx log_format, timed on the emulator's clock. A flag breaks
// the webhook location (502, as nginx answers when its upstream is gone) while checkout still works.
import { appendFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export function timeLocal(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

const q = (s: string | undefined) => (s ?? '-').replace(/["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`) || '-';

export class FrontProxy {
  upstream = '';
  offsetMs = 0;
  webhookDown = false;
  active = 0;
  lastEnd = 0;
  private server: Server | undefined;

  constructor(
    private readonly accessLog: string,
    private readonly webhookPath: string,
  ) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  async start(): Promise<string> {
    this.server = createServer({ keepAlive: true }, (req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A line as nginx writes it with the recommended log_format. */
  logLine(req: { method?: string; url?: string; headers: IncomingMessage['headers'] }, status: number, bytes: number, seconds: number): void {
    const h = req.headers;
    const line = `127.0.0.1 - - [${timeLocal(this.now())}] "${req.method} ${req.url} HTTP/1.1" ${status} ${bytes} "${q(h.referer as string)}" "${q(h['user-agent'] as string)}" ${seconds.toFixed(3)} ${randomBytes(16).toString('hex')} "${q(h['x-golive-probe'] as string)}"`;
    appendFileSync(this.accessLog, `${line}\n`);
  }

  /** A line that is not a request at all, as nginx logs a TLS handshake sent to a plain-HTTP port. */
  logGarbage(): void {
    appendFileSync(this.accessLog, `203.0.113.9 - - [${timeLocal(this.now())}] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03" 400 157 "-" "-" 0.001 ${randomBytes(16).toString('hex')} "-"\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.active++;
    const t0 = performance.now();
    let bytes = 0;
    const done = (status: number) => {
      this.logLine(req, status, bytes, (performance.now() - t0) / 1000);
      this.active--;
      this.lastEnd = Date.now();
    };
    if (this.webhookDown && req.url === this.webhookPath) {
      req.resume();
      req.on('end', () => {
        const body = '<html><body><h1>502 Bad Gateway</h1></body></html>';
        bytes = body.length;
        res.writeHead(502, { 'content-type': 'text/html' }).end(body, () => done(502));
      });
      return;
    }
    const up = request(`${this.upstream}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.on('data', (c: Buffer) => (bytes += c.length));
      r.pipe(res);
      res.on('finish', () => done(r.statusCode ?? 502));
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      done(502);
    });
    req.pipe(up);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
