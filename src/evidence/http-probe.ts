// The low-level probe: one HTTP(S) request over a fresh connection (agent: false, so every probe
// pays DNS + TCP + TLS like a webhook sender would), timed phase by phase. It never follows a
// redirect, reads at most `bodyCap` bytes, is cut by one overall timer (a server that trickles
// headers forever never idles, so a socket timeout alone would not fire) and turns every failure
// into data instead of throwing.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpProbeResult, ProbeError, ProbeTimings } from './probe-types.js';

export interface HttpProbeOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Bytes of body read before the response is cut off. */
  bodyCap?: number;
  /** Characters of body kept as the excerpt. */
  excerptChars?: number;
  /** Trusted roots replacing Node's defaults (test seam; the CLI relies on NODE_EXTRA_CA_CERTS). */
  ca?: string[];
}

export const DEFAULT_BODY_CAP = 64 * 1024;
const DEFAULT_EXCERPT = 300;

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_|ERR_OSSL)/;

/** Maps a Node network error to a probe error kind. */
export function classifyError(e: unknown): ProbeError {
  const err = e as NodeJS.ErrnoException | undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(e);
  let kind: ProbeError['kind'] = 'other';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NODATA') kind = 'dns';
  else if (code === 'ECONNREFUSED') kind = 'refused';
  else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up|aborted/i.test(message)) kind = 'reset';
  else if (code === 'ETIMEDOUT' || code === 'PROBE_TIMEOUT') kind = 'timeout';
  else if ((code && TLS_CODE.test(code)) || /ssl|tls|certificate/i.test(message)) kind = 'tls';
  const out: ProbeError = { kind, message: message.slice(0, 300) };
  if (code) out.code = code;
  return out;
}

const ms = (from: bigint, to: bigint) => Math.round(Number(to - from) / 1e4) / 100;

/** Sends one request and resolves with what happened; never rejects. */
export function httpProbe(url: URL, opts: HttpProbeOptions): Promise<HttpProbeResult> {
  const cap = opts.bodyCap ?? DEFAULT_BODY_CAP;
  const excerptChars = opts.excerptChars ?? DEFAULT_EXCERPT;
  const t0 = process.hrtime.bigint();
  const marks: { lookup?: bigint; connect?: bigint; secure?: bigint; response?: bigint } = {};
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  let res: IncomingMessage | undefined;
  let remoteAddress: string | undefined;

  return new Promise<HttpProbeResult>((resolve) => {
    let settled = false;
    const finish = (error?: ProbeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const end = process.hrtime.bigint();
      const timings: ProbeTimings = { totalMs: ms(t0, end) };
      if (marks.lookup) timings.dnsMs = ms(t0, marks.lookup);
      if (marks.connect) timings.connectMs = ms(marks.lookup ?? t0, marks.connect);
      if (marks.secure && marks.connect) timings.tlsMs = ms(marks.connect, marks.secure);
      if (marks.response) timings.firstByteMs = ms(t0, marks.response);
      const body = Buffer.concat(chunks);
      const out: HttpProbeResult = {
        bodyExcerpt: body.subarray(0, excerptChars * 4).toString('utf8').slice(0, excerptChars),
        bodyBytes: bytes,
        truncated,
        timings,
      };
      if (res?.statusCode) out.status = res.statusCode;
      const loc = res?.headers.location;
      if (loc && out.status && out.status >= 300 && out.status < 400) out.location = loc.slice(0, 300);
      const ct = res?.headers['content-type'];
      if (ct) out.contentType = ct.slice(0, 100);
      if (remoteAddress) out.remoteAddress = remoteAddress;
      if (error) out.error = error;
      req.destroy();
      resolve(out);
    };

    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const common = {
      method: opts.method ?? 'POST',
      headers,
      agent: false as const,
      timeout: opts.timeoutMs,
    };
    let req: http.ClientRequest;
    try {
      req = isHttps
        ? https.request(url, { ...common, ...(opts.ca ? { ca: opts.ca } : {}) })
        : http.request(url, common);
    } catch (e) {
      // A malformed header value or URL: nothing was sent.
      resolve({ bodyExcerpt: '', bodyBytes: 0, truncated: false, timings: { totalMs: 0 }, error: classifyError(e) });
      return;
    }
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', code: 'PROBE_TIMEOUT', message: `no complete answer within ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);

    req.on('socket', (socket: Socket) => {
      socket.once('lookup', () => (marks.lookup = process.hrtime.bigint()));
      socket.once('connect', () => {
        marks.connect = process.hrtime.bigint();
        remoteAddress = socket.remoteAddress;
      });
      socket.once('secureConnect', () => (marks.secure = process.hrtime.bigint()));
    });
    // The socket idle timeout only backs up the overall timer.
    req.on('timeout', () => finish({ kind: 'timeout', code: 'PROBE_TIMEOUT', message: `no data for ${opts.timeoutMs} ms` }));
    req.on('error', (e) => finish(classifyError(e)));
    req.on('response', (r) => {
      res = r;
      marks.response = process.hrtime.bigint();
      r.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = cap - bytes;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          bytes += room;
          truncated = true;
          finish();
          return;
        }
        chunks.push(chunk);
        bytes += chunk.length;
      });
      r.on('end', () => finish());
      r.on('aborted', () => finish({ kind: 'reset', code: 'ECONNRESET', message: 'the connection closed before the response was complete' }));
      r.on('error', (e) => finish(classifyError(e)));
    });
    req.end(opts.body);
  });
}
