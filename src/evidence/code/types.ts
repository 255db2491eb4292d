// Facts of the code index: what the merchant's source does around MintCash calls and webhook
// handlers. Built once per run by the `code` collector; the code checks only read these facts.
import type { RunNote } from '../../engine/types.js';

export type CodeLanguage = 'js' | 'ts' | 'python' | 'go' | 'ruby' | 'php' | 'java';

export interface CodeLocation {
  file: string;
  line: number;
  column: number;
}

export interface CodeFile {
  path: string;
  language: CodeLanguage;
  /** True when the file matches config.testFiles: indexed, but checks ignore its facts. */
  isTest: boolean;
  /** False when the parser (or the tokenizer) gave up on this file; `error` says why. */
  parsed: boolean;
  error?: string;
}

export type Endpoint = 'payment' | 'subscription' | 'refund';

/**
 * What an externalId expression is made of. `derived` is anything built from the merchant's own
 * per-intent data (an order id, a variable we could not see into): no judgement possible or needed.
 */
export type ExternalIdKind = 'constant' | 'customer-id' | 'timestamp' | 'random' | 'payment-id' | 'derived';

export interface ExternalIdFact extends CodeLocation {
  kind: ExternalIdKind;
  /** Source text of the value (resolved through a same-function variable where possible). */
  text: string;
}

export type BodyFact =
  | { resolved: true; keys: string[]; externalId?: ExternalIdFact }
  | { resolved: false; why: string };

/**
 * What the code does with a MintCash error answer (JS/TS): logs or throws details.requestId, keeps
 * the whole error body in what it throws, drops it, never checks the status, or lets the client's
 * own error propagate to the caller. Read by firstweek.request-id-logged.
 */
export type ErrorHandlingFact =
  | ({ kind: 'logs-request-id' | 'keeps-body' | 'drops-request-id' } & CodeLocation & { text: string })
  | { kind: 'unchecked' | 'propagates' };

export interface MintCashCall extends CodeLocation {
  language: CodeLanguage;
  isTest: boolean;
  endpoint: Endpoint;
  /** Why this call reaches MintCash (its host, the configured api.baseUrl, a MintCash client). */
  via?: string;
  /** JS/TS: the module the client object is imported from (`api.post` with `import { api } from './lib/api'`). */
  clientFrom?: string;
  /** The HTTP client as written, e.g. `fetch`, `axios.post`, `requests.post`. */
  client: string;
  method?: string;
  /** The URL as written (template pieces and concatenations kept). */
  url: string;
  body: BodyFact;
  /** JS/TS only: how an error answer of this call is handled (logged with its requestId or not). */
  errorHandling?: ErrorHandlingFact;
}

export type CompareMethod = 'operator' | 'equals-call' | 'constant-time';

export interface SignatureCompare extends CodeLocation {
  /** `===`, `==`, `!=`, `.equals`, `strcmp`, `timingSafeEqual`, `compare_digest`, ... */
  operator: string;
  method: CompareMethod;
  /** For `timingSafeEqual` only: a length check (or a try block) guards the call. */
  lengthGuarded?: boolean;
  /** Operand source texts, e.g. ["signature", "expected"]. */
  operands: string[];
  text: string;
}

export type HmacInputKind = 'raw' | 'reserialized' | 'unknown';

export interface HmacInput extends CodeLocation {
  kind: HmacInputKind;
  text: string;
}

/** Who sends the webhooks a handler verifies, and why golive thinks so. */
export interface Attribution {
  /** `mintcash`, another provider's id (`github`, `shopify`, ...), or `unknown`. */
  provider: string;
  /** For messages: `MintCash`, `GitHub`, or `the sender` when unknown. */
  label: string;
  /** The signature header the handler reads, when one is known (e.g. `x-hub-signature-256`). */
  header?: string;
  reasons: string[];
}

export interface WebhookHandler extends CodeLocation {
  language: CodeLanguage;
  isTest: boolean;
  /** Set by the collector after scanning (provider cues of the whole file). */
  attribution?: Attribution;
  /** Why this is a handler: it reads the x-signature header and/or computes an HMAC. */
  readsSignatureHeader: boolean;
  computesHmac: boolean;
  compares: SignatureCompare[];
  hmacInputs: HmacInput[];
  /** A JSON body parser mounted ahead of the webhook route that keeps no raw body. */
  jsonParsers: (CodeLocation & { text: string; nextPages?: boolean })[];
  /** Places in this file that compare the event's `environment`. */
  environmentChecks: CodeLocation[];
  /** Places in this file that look an `eventId` up or record it. */
  dedupChecks: CodeLocation[];
}

/** Files the code checks do not read because they are not the merchant's own code. */
export interface SkippedFiles {
  vendored: number;
  generated: number;
  minified: number;
  /** A few examples per reason, for the report. */
  examples: string[];
}

export interface CodeIndex {
  files: CodeFile[];
  calls: MintCashCall[];
  /** Create-shaped calls (e.g. POST /payments) that do not reach MintCash: another API's. */
  otherCalls: (CodeLocation & { url: string })[];  // production code only
  skipped: SkippedFiles;
  handlers: WebhookHandler[];
  /** Repo-wide (non-test) environment comparisons and eventId lookups, for handlers that delegate. */
  environmentChecks: CodeLocation[];
  dedupChecks: CodeLocation[];
  filesIndexed: number;
  bytesIndexed: number;
  notes: RunNote[];
}

/** Who a scanner is working for: one file of one language. */
export interface ScanContext {
  file: string;
  language: CodeLanguage;
  isTest: boolean;
}

/** What one language scanner returns for one file. */
export interface FileFacts {
  calls: MintCashCall[];
  handler?: WebhookHandler;
  environmentChecks: CodeLocation[];
  dedupChecks: CodeLocation[];
  /** Express app wiring (JSON parsers and router mounts), linked across files by the collector. */
  express?: ExpressFacts;
  /** Set when the file could not be parsed; facts are then empty. */
  error?: string;
}

export interface ExpressFacts {
  /** `app.use(express.json())` without a verify hook; `scope` is its path prefix, if any. */
  parsers: (CodeLocation & { at: number; text: string; scope?: string })[];
  /** `app.use('/hooks', router)` where `router` is imported from `spec`. */
  mounts: { at: number; spec: string; path?: string }[];
}
