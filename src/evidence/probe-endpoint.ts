// Facts about the endpoint itself, gathered before any event is sent: every address the host
// resolves to (webhook.public judges each one) and the TLS handshake (protocol, certificate chain,
// Node's trust verdict). The handshake runs with rejectUnauthorized: false so an untrusted,
// expired or wrong-host certificate is described rather than just refused.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import tls, { type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import { classifyError } from './http-probe.js';
import type { CertFacts, DnsFacts, ResolvedAddress, TlsFacts } from './probe-types.js';

const DAY_MS = 86_400_000;

/** URL.hostname keeps IPv6 brackets; sockets and DNS want them gone. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { code: 'PROBE_TIMEOUT' })), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function resolveHost(host: string, timeoutMs: number): Promise<DnsFacts> {
  const family = isIP(host);
  if (family) return { literal: true, addresses: [{ address: host, family: family as 4 | 6 }], ms: 0 };
  const t0 = performance.now();
  try {
    const all = await timeout(lookup(host, { all: true, verbatim: true }), timeoutMs, 'DNS lookup');
    const addresses: ResolvedAddress[] = all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    return { literal: false, addresses, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    const error = classifyError(e);
    // dns.lookup reports a missing name as ENOTFOUND; a timeout stays a timeout.
    if (error.kind === 'other') error.kind = 'dns';
    return { literal: false, addresses: [], ms: Math.round(performance.now() - t0), error };
  }
}

function dn(o: Record<string, string | string[] | undefined> | undefined): string {
  if (!o) return '';
  return Object.entries(o)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : (v ?? '')}`)
    .join(', ');
}

function certFacts(c: PeerCertificate, now: number): CertFacts {
  const validTo = new Date(c.valid_to);
  return {
    subject: dn(c.subject as unknown as Record<string, string>),
    subjectAltNames: (c.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    issuer: dn(c.issuer as unknown as Record<string, string>),
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now) / DAY_MS),
    fingerprint256: c.fingerprint256,
  };
}

/** Leaf first; stops at a self-issued certificate or after 10 links. */
function chainOf(leaf: DetailedPeerCertificate, now: number): CertFacts[] {
  const out: CertFacts[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256) && out.length < 10) {
    seen.add(c.fingerprint256);
    out.push(certFacts(c, now));
    c = c.issuerCertificate;
  }
  return out;
}

export interface TlsInspectOptions {
  timeoutMs: number;
  ca?: string[];
  now?: number;
}

export function inspectTls(host: string, port: number, opts: TlsInspectOptions): Promise<TlsFacts> {
  const t0 = performance.now();
  const now = opts.now ?? Date.now();
  return new Promise<TlsFacts>((resolve) => {
    let settled = false;
    const done = (facts: Omit<TlsFacts, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...facts, ms: Math.round(performance.now() - t0) });
    };
    const socket = tls.connect({
      host,
      port,
      // SNI must be a name, never an IP literal.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      // Accept old protocols here so an endpoint still on TLS 1.0/1.1 is reported as such.
      minVersion: 'TLSv1',
      ALPNProtocols: ['http/1.1'],
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    const timer = setTimeout(
      () => done({ authorized: false, chain: [], error: { kind: 'timeout', code: 'PROBE_TIMEOUT', message: `the TLS handshake did not finish within ${opts.timeoutMs} ms` } }),
      opts.timeoutMs,
    );
    socket.once('secureConnect', () => {
      const leaf = socket.getPeerCertificate(true);
      const chain = leaf && leaf.fingerprint256 ? chainOf(leaf, now) : [];
      let hostnameMatch: boolean | undefined;
      if (leaf && leaf.fingerprint256) hostnameMatch = tls.checkServerIdentity(host, leaf) === undefined;
      const facts: Omit<TlsFacts, 'ms'> = { authorized: socket.authorized, chain };
      const protocol = socket.getProtocol();
      if (protocol) facts.protocol = protocol;
      const cipher = socket.getCipher()?.name;
      if (cipher) facts.cipher = cipher;
      if (!socket.authorized && socket.authorizationError) facts.authorizationError = String(socket.authorizationError);
      if (hostnameMatch !== undefined) facts.hostnameMatch = hostnameMatch;
      done(facts);
    });
    socket.once('error', (e) => done({ authorized: false, chain: [], error: classifyError(e) }));
  });
}
