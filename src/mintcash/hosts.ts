// Where golive may send MintCash credentials: the one rule used by `check`, `rehearse` and
// `report --verify --online` before any request, and the host normaliser `init` and the emulator
// share. Hosts are compared after normalising them the way fetch will connect: the WHATWG URL
// parser (decimal/octal/hex IPv4, IPv6 compression, IDNA/punycode, case), then ipaddr.js
// (IPv4-mapped IPv6 becomes IPv4; loopback and unspecified ranges), a trailing dot dropped.
// Never by string prefix.
//
// The rule (README "Where keys are sent"):
// - live keys go only over HTTPS to MintCash's documented live API host (API-FACTS §1), unless
//   the operator names both the URL (--api-base-url / GOLIVE_API_BASE_URL) and its host
//   (--allow-live-host / GOLIVE_ALLOW_LIVE_HOST), e.g. an egress proxy; golive then says so
//   before it sends anything. Repository config can never point live keys elsewhere: the change
//   under review must not choose where the CI's live keys go.
// - test keys never go to the live host; they go to the sandbox and this machine from any source,
//   and to another host only when the operator names it (a repository may not collect them).
// - a pair is "test" only when every key in it says test; anything else is treated as live.
import ipaddr from 'ipaddr.js';
import { keyEnvironment } from './environments.js';

export const LIVE_API_HOST = 'api.mintcash.me';
export const SANDBOX_API_HOST = 'sandbox.mintcash.me';
export const LIVE_API_URL = `https://${LIVE_API_HOST}`;
export const SANDBOX_API_URL = `https://${SANDBOX_API_HOST}`;

export type HostKind = 'live' | 'sandbox' | 'loopback' | 'other';
/** How a base URL is recorded in evidence and rehearsal state (kept for saved files). */
export type BaseUrlKind = 'production' | 'sandbox' | 'loopback' | 'custom' | 'invalid';

export interface NormalHost {
  /** Lower case, no brackets, no trailing dot; IPv4 dotted, IPv6 compressed (RFC 5952), IDN as punycode. */
  host: string;
  kind: HostKind;
}

/** Normalises a hostname as the URL parser gave it (or as typed: it goes through the parser first). */
export function normaliseHost(input: string): NormalHost | undefined {
  let hostname: string;
  try {
    // The parser fetch uses: what it makes of the text is where a request would go.
    const h = input.includes(':') && !input.startsWith('[') && ipaddr.IPv6.isValid(input) ? `[${input}]` : input;
    hostname = new URL(`https://${h}/`).hostname;
  } catch {
    return undefined;
  }
  let host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host) return undefined;
  if (ipaddr.isValid(host)) {
    const addr = ipaddr.process(host);
    const range = addr.range();
    return { host: addr.toString(), kind: range === 'loopback' || range === 'unspecified' ? 'loopback' : 'other' };
  }
  if (host === LIVE_API_HOST) return { host, kind: 'live' };
  if (host === SANDBOX_API_HOST) return { host, kind: 'sandbox' };
  // RFC 6761: localhost and every name under it are this machine.
  if (host === 'localhost' || host.endsWith('.localhost')) return { host, kind: 'loopback' };
  return { host, kind: 'other' };
}

/** An IP address string (from a socket) is this machine: 127/8, ::1, unspecified, or IPv4-mapped forms of them. */
export function isLoopbackAddress(address: string): boolean {
  return normaliseHost(address)?.kind === 'loopback';
}

export interface ApiUrl {
  /** The URL as the parser normalised it, trailing slashes removed (what the client prefixes paths with). */
  href: string;
  scheme: 'https' | 'http';
  host: string;
  kind: HostKind;
  port: number;
  /** `host` or `host:port` (IPv6 in brackets) when the port is not the scheme's default. */
  display: string;
}

/** Parses a base URL; undefined unless it is http(s) without credentials. */
export function parseApiUrl(text: string): ApiUrl | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password) return undefined;
  const n = normaliseHost(u.hostname);
  if (!n) return undefined;
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  const bracketed = n.host.includes(':') ? `[${n.host}]` : n.host;
  return { href: u.href.replace(/\/+$/, ''), scheme, host: n.host, kind: n.kind, port, display: u.port ? `${bracketed}:${port}` : bracketed };
}

/** Two base URLs name the same API: same scheme, normalised host, port and path. */
export function sameApiUrl(a: string, b: string): boolean {
  const key = (t: string) => {
    const u = parseApiUrl(t);
    return u ? `${u.scheme}://${u.host}:${u.port}${new URL(u.href).pathname.replace(/\/+$/, '')}` : undefined;
  };
  const ka = key(a);
  return ka !== undefined && ka === key(b);
}

/** The kind saved in evidence and state: `production` only for HTTPS to the live host on 443. */
export function baseUrlKind(url: ApiUrl | undefined): BaseUrlKind {
  if (!url) return 'invalid';
  if (url.kind === 'live') return url.scheme === 'https' && url.port === 443 ? 'production' : 'custom';
  if (url.kind === 'other') return 'custom';
  return url.kind;
}

export function classifyBaseUrl(text: string): BaseUrlKind {
  return baseUrlKind(parseApiUrl(text));
}

/** A host the operator allows live keys to go to; `port` undefined means any port. */
export interface AllowedHost {
  host: string;
  port?: number;
  /** Where the operator said so: `--allow-live-host` or `GOLIVE_ALLOW_LIVE_HOST`. */
  from: string;
}

/** `host`, `host:port`, `[v6]:port` or a URL; undefined when it names no host. */
export function parseHostSpec(spec: string, from: string): AllowedHost | undefined {
  const text = spec.trim();
  if (!text) return undefined;
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${ipaddr.IPv6.isValid(text) ? `[${text}]` : text}`);
  } catch {
    return undefined;
  }
  if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined;
  const n = normaliseHost(u.hostname);
  if (!n) return undefined;
  return { host: n.host, ...(u.port ? { port: Number(u.port) } : {}), from };
}

/**
 * Whether a base URL is MintCash's live API as far as golive may treat it: https://api.mintcash.me,
 * or a host the operator allowed for live keys (over https, or plain http on this machine). What a
 * live sign-off must have been made against.
 */
export function isLiveApi(url: string, allowed: readonly AllowedHost[] = []): boolean {
  const u = parseApiUrl(url);
  if (!u) return false;
  if (baseUrlKind(u) === 'production') return true;
  if (u.kind === 'sandbox' || (u.scheme !== 'https' && u.kind !== 'loopback')) return false;
  return allowed.some((h) => h.host === u.host && (h.port === undefined || h.port === u.port));
}

/** What the operator chose outside the repository: the API URL and the hosts live keys may go to. */
export interface OperatorApi {
  baseUrl?: { url: string; from: string };
  allowLiveHosts: AllowedHost[];
}

export const API_URL_ENV = 'GOLIVE_API_BASE_URL';
export const ALLOW_LIVE_HOST_ENV = 'GOLIVE_ALLOW_LIVE_HOST';

/**
 * The operator's choices from flags and the environment (flags win for the URL; allowed hosts add
 * up). Returns the problems instead of throwing, so the CLI can say them all at once.
 */
export function operatorApi(flags: { apiBaseUrl?: string; allowLiveHost?: readonly string[] }, env: Record<string, string | undefined>): { api: OperatorApi; problems: string[] } {
  const problems: string[] = [];
  const api: OperatorApi = { allowLiveHosts: [] };
  const envUrl = env[API_URL_ENV]?.trim();
  if (flags.apiBaseUrl) api.baseUrl = { url: flags.apiBaseUrl, from: '--api-base-url' };
  else if (envUrl) api.baseUrl = { url: envUrl, from: API_URL_ENV };
  if (api.baseUrl && !parseApiUrl(api.baseUrl.url)) problems.push(`${api.baseUrl.from}: "${api.baseUrl.url}" is not an http(s) URL without credentials`);
  const specs = [
    ...(flags.allowLiveHost ?? []).flatMap((v) => v.split(',')).map((s) => [s, '--allow-live-host'] as const),
    ...(env[ALLOW_LIVE_HOST_ENV] ?? '').split(',').map((s) => [s, ALLOW_LIVE_HOST_ENV] as const),
  ];
  for (const [spec, from] of specs) {
    if (!spec.trim()) continue;
    const h = parseHostSpec(spec, from);
    if (h) api.allowLiveHosts.push(h);
    else problems.push(`${from}: "${spec.trim()}" is not a host name, IP address or host:port`);
  }
  return { api, problems };
}

export type KeyClass = 'live' | 'test';

/** A pair is test only when every key in it carries the test prefix; anything else counts as live. */
export function keyClass(keys: readonly (string | undefined)[]): KeyClass {
  const envs = keys.map((k) => (k ? keyEnvironment(k) : undefined));
  return envs.length > 0 && envs.every((e) => e === 'test') ? 'test' : 'live';
}

export type Refusal =
  | 'bad-url'
  | 'test-keys-production'
  | 'live-keys-sandbox'
  | 'live-keys-insecure'
  | 'live-keys-loopback'
  | 'live-keys-other-host'
  | 'test-keys-untrusted-host';

export type ApprovedSend = {
  ok: true;
  url: ApiUrl;
  kind: BaseUrlKind;
  keys: KeyClass;
  /** Who chose the URL: `--api-base-url`, `GOLIVE_API_BASE_URL` or the repository config. */
  source: string;
  /** Live keys to a host the operator allowed: which flag or variable allowed it. */
  allowedBy?: string;
  /** The line to print before sending (live keys to a host the operator allowed). */
  announce?: string;
};
export type SendDecision = ApprovedSend | { ok: false; refusal: Refusal; message: string; url?: ApiUrl; kind: BaseUrlKind; keys: KeyClass; source: string };

// Only decideSend can approve: the client refuses a target it did not make (a hand-built object).
const approvals = new WeakSet<object>();

/** True when decideSend approved exactly this decision for a pair of this key class. */
export function isApproved(d: unknown, keys: readonly (string | undefined)[]): d is ApprovedSend {
  return typeof d === 'object' && d !== null && approvals.has(d) && (d as ApprovedSend).keys === keyClass(keys);
}

export interface SendInput {
  /** The operator's choices (flags and environment), if any. */
  operator?: OperatorApi;
  /** The repository config's `api.baseUrl` (its default is the live API). */
  configUrl: string;
  /** The key pair about to be sent (raw values; only their prefixes are read). */
  keys: readonly (string | undefined)[];
}

const ALLOW_HINT = `--allow-live-host`;

/** Decides, before anything is sent, whether this key pair may go to this URL: the rule in the header. */
export function decideSend(input: SendInput): SendDecision {
  const d = decide(input);
  if (d.ok) approvals.add(d);
  return d;
}

function decide(input: SendInput): SendDecision {
  const keys = keyClass(input.keys);
  const fromOperator = input.operator?.baseUrl;
  const raw = fromOperator?.url ?? input.configUrl;
  const source = fromOperator?.from ?? 'api.baseUrl in the repository config';
  const url = parseApiUrl(raw);
  const kind = baseUrlKind(url);
  const refuse = (refusal: Refusal, why: string): SendDecision => ({ ok: false, refusal, message: `refusing to send ${keys} keys to ${url?.display ?? raw} (${source}): ${why}; nothing was sent`, ...(url ? { url } : {}), kind, keys, source });
  if (!url) return refuse('bad-url', 'it is not an http(s) URL without credentials');

  if (keys === 'test') {
    if (url.kind === 'live') return refuse('test-keys-production', `that is MintCash's live API; test keys go to ${SANDBOX_API_URL}, \`golive emulate\` or this machine`);
    if (url.kind === 'other' && !fromOperator) {
      return refuse('test-keys-untrusted-host', `from the repository config only the sandbox and this machine are used; to use ${url.display} on purpose, pass --api-base-url ${url.href} (or ${API_URL_ENV})`);
    }
    return { ok: true, url, kind, keys, source };
  }

  if (url.kind === 'sandbox') return refuse('live-keys-sandbox', `that is the sandbox; live keys go only to ${LIVE_API_URL}`);
  if (url.kind === 'live') {
    if (kind === 'production') return { ok: true, url, kind, keys, source };
    return refuse('live-keys-insecure', `live keys go only over HTTPS to ${LIVE_API_URL} (port 443)`);
  }
  // Loopback or another host: only the operator may choose it, by naming the URL and the host.
  const refusal: Refusal = url.kind === 'loopback' ? 'live-keys-loopback' : 'live-keys-other-host';
  const what = url.kind === 'loopback' ? "that is this machine (the emulator or a local proxy), not MintCash's live API" : `it is not MintCash's live API (${LIVE_API_HOST})`;
  if (!fromOperator) {
    return refuse(refusal, `${what}; the repository config cannot send live keys elsewhere: to use it on purpose, pass --api-base-url ${url.href} ${ALLOW_HINT} ${url.host} (or ${API_URL_ENV} and ${ALLOW_LIVE_HOST_ENV})`);
  }
  const allowed = input.operator?.allowLiveHosts.find((h) => h.host === url.host && (h.port === undefined || h.port === url.port));
  if (!allowed) return refuse(refusal, `${what}; to send live keys there on purpose, also pass ${ALLOW_HINT} ${url.host} (or ${ALLOW_LIVE_HOST_ENV}=${url.host})`);
  if (url.scheme !== 'https' && url.kind !== 'loopback') return refuse('live-keys-insecure', `an allowed host still needs https (only this machine may use http)`);
  return { ok: true, url, kind, keys, source, allowedBy: allowed.from, announce: `golive: sending live keys to ${url.display}, not MintCash's live API (allowed by ${allowed.from})` };
}
