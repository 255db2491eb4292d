// Evidence shapes of the webhook probe collector: facts only (DNS answers, TLS facts, what each
// probe got back and how long it took). Checks judge them; reports show them. Nothing here holds
// the webhook secret or a full signature.
import type { RunNote } from '../engine/types.js';
import type { ProbeKind } from '../mintcash/probe-events.js';

export type ProbeErrorKind = 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'other';

/** A network failure, recorded as data. */
export interface ProbeError {
  kind: ProbeErrorKind;
  code?: string;
  message: string;
}

/** Milliseconds. Phases are durations; firstByteMs and totalMs count from the start of the request. */
export interface ProbeTimings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  totalMs: number;
}

/** One HTTP exchange as the low-level probe saw it. */
export interface HttpProbeResult {
  status?: number;
  /** The Location header of a 3xx (never followed). */
  location?: string;
  contentType?: string;
  /** Start of the response body, capped, as text. */
  bodyExcerpt: string;
  /** Bytes read (reading stops at the cap). */
  bodyBytes: number;
  /** True when the body was longer than the cap and reading stopped. */
  truncated: boolean;
  remoteAddress?: string;
  timings: ProbeTimings;
  /** Set when the exchange did not complete (even if a status line arrived first). */
  error?: ProbeError;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface DnsFacts {
  /** True when the URL host is an IP literal (no lookup happened). */
  literal: boolean;
  addresses: ResolvedAddress[];
  ms: number;
  error?: ProbeError;
}

export interface CertFacts {
  subject: string;
  subjectAltNames: string[];
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Whole days from the collection time to validTo (negative when expired). */
  daysLeft: number;
  fingerprint256: string;
}

export interface TlsFacts {
  /** The negotiated protocol, e.g. TLSv1.3. */
  protocol?: string;
  cipher?: string;
  /** Node's verdict: chain trusted (incl. NODE_EXTRA_CA_CERTS) and hostname matches. */
  authorized: boolean;
  /** Node's reason when not authorized, e.g. CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID. */
  authorizationError?: string;
  /** The leaf certificate covers the URL host (checked on its own, whatever the chain verdict). */
  hostnameMatch?: boolean;
  /** Leaf first, then each issuer as the server presented or Node resolved it. */
  chain: CertFacts[];
  ms: number;
  /** The handshake did not complete. */
  error?: ProbeError;
}

export type ProbeName = Exclude<ProbeKind, 'duplicate'> | 'duplicate-first' | 'duplicate-second';

/** One probe sent, or the reason it was not. */
export interface ProbeRecord {
  name: ProbeName | 'latency' | 'test-url';
  ran: boolean;
  /** Why the probe was not sent (no secret, offline, endpoint unreachable, time budget used up). */
  reason?: string;
  eventId?: string;
  environment?: 'live' | 'test';
  /** First 8 hex characters of the signature sent; never the whole value. */
  signaturePrefix?: string;
  result?: HttpProbeResult;
}

export interface TestUrlEvidence {
  url: string;
  dns?: DnsFacts;
  probe: ProbeRecord;
}

export interface WebhookEvidence {
  /** probed: facts were gathered (each probe says whether it ran). */
  state: 'probed' | 'not-configured' | 'offline' | 'invalid-url';
  /** For any state but probed: why nothing was sent. */
  reason?: string;
  /** The endpoint for display: no credentials, no query string. */
  url?: string;
  scheme?: 'https' | 'http';
  host?: string;
  port?: number;
  /** Where the endpoint URL came from. */
  source?: '--webhook-url' | 'webhook.url';
  /** Name of the variable the webhook secret is read from, and whether it was set. */
  secretVar: string;
  secretAvailable: boolean;
  dns?: DnsFacts;
  tls?: TlsFacts;
  /** Set when no probe was sent because the endpoint cannot be reached safely. */
  blocked?: string;
  probes: Partial<Record<ProbeName, ProbeRecord>>;
  /** The signed probes timed for webhook.latency (the first is the `valid` probe). */
  latency: ProbeRecord[];
  /** Set when webhook.testUrl is configured. */
  testUrl?: TestUrlEvidence;
  /** Wall time of the whole collection. */
  durationMs: number;
  notes: RunNote[];
}
