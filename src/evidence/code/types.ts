// Facts of the code index: what the merchant's source does around MintCash calls and webhook
// handlers. Built once per run by the `code` collector; the code checks only read these facts.
import type { RunNote, SetAsideFile } from '../../engine/types.js';

export type { SetAsideFile };

export type CodeLanguage = 'js' | 'ts' | 'python' | 'go' | 'ruby' | 'php' | 'java';

export interface CodeLocation {
  file: string;
  line: number;
  column: number;
}

/** Byte offsets into the file's UTF-8 text, end exclusive: what an edit (`golive fix`) replaces. */
export interface Span {
  start: number;
  end: number;
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
 * What the code does with a MintCash error answer (every indexed language): logs or throws details.requestId, keeps
 * the whole error body in what it throws, drops it, never checks the status, or lets the client's
 * own error propagate to the caller. Read by firstweek.request-id-logged.
 */
export type ErrorHandlingFact =
  | ({ kind: 'logs-request-id' | 'keeps-body' | 'drops-request-id' } & CodeLocation & { text: string })
  | { kind: 'unchecked' | 'propagates' };

export interface MintCashCall extends CodeLocation, Partial<Span> {
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
  /** How an error answer of this call is handled (logged with its requestId or not): js-errors.ts, token-errors.ts. */
  errorHandling?: ErrorHandlingFact;
}

export type CompareMethod = 'operator' | 'equals-call' | 'constant-time';

export interface SignatureCompare extends CodeLocation, Partial<Span> {
  /** `===`, `==`, `!=`, `.equals`, `strcmp`, `includes`, `in`, `timingSafeEqual`, `compare_digest`, ... */
  operator: string;
  method: CompareMethod;
  /** For Node's `timingSafeEqual` only: a length check (or a try that answers a 4xx/false) guards the call. */
  lengthGuarded?: boolean;
  /** Operand source texts, e.g. ["signature", "expected"]. */
  operands: string[];
  /** Byte spans of the operands, in the same order (when the scanner knows them). */
  operandSpans?: Span[];
  text: string;
}

export type HmacInputKind = 'raw' | 'reserialized' | 'unknown';

export interface HmacInput extends CodeLocation, Partial<Span> {
  /** For a re-serialised body: placed on the serialisation (`JSON.stringify(req.body)`), not the HMAC call. */
  kind: HmacInputKind;
  text: string;
}

/**
 * An HMAC input that is a parameter of the function computing it, followed one call away by the
 * collector: `serialised` is `JSON.stringify(param)` inside the function (a re-serialised body if a
 * caller passes the parsed request body), `raw` is the parameter itself (re-serialised if a caller
 * passes `JSON.stringify(req.body)`).
 */
export interface ParamInput {
  fn: string;
  param: number;
  via: 'serialised' | 'raw';
  /** Where the serialisation sits, for `serialised`. */
  at: HmacInput;
}

/** A call that passes the parsed request body (or its re-serialisation) as one of its arguments. */
export interface BodyArg {
  /** The callee's last name segment (`verifyWebhook` for `this.hooks.verifyWebhook(...)`). */
  callee: string;
  arg: number;
  /** `parsed`: the request body as parsed; `serialised`: that body serialised again here. */
  kind: 'parsed' | 'serialised';
  at: HmacInput;
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
  /**
   * `verifies` an incoming signature, or `signs` what the code sends (it computes an HMAC, puts it
   * in an outgoing header and compares nothing): a signer is no webhook handler.
   */
  direction: 'verifies' | 'signs';
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
export interface SetAside {
  /** Counts of every file set aside, by kind. */
  vendored: number;
  generated: number;
  minified: number;
  /** Those that hold something a code check looks for, each with its reason: reports list them. */
  files: SetAsideFile[];
}

export interface CodeIndex {
  files: CodeFile[];
  calls: MintCashCall[];
  /** Create-shaped calls (e.g. POST /payments) that do not reach MintCash: another API's. */
  otherCalls: (CodeLocation & { url: string })[];  // production code only
  setAside: SetAside;
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
  /** HMAC inputs that are the function's own parameters, for the collector to follow one call away. */
  paramInputs?: ParamInput[];
  /** Calls that pass the parsed request body, or its re-serialisation, on to another function. */
  bodyArgs?: BodyArg[];
  /** JS/TS: the module specifiers the file imports, to link it to the modules it calls. */
  imports?: string[];
  /** Set when the file could not be parsed; facts are then empty. */
  error?: string;
}

export interface ExpressFacts {
  /** `app.use(express.json())` without a verify hook; `scope` is its path prefix, if any. */
  parsers: (CodeLocation & { at: number; text: string; scope?: string })[];
  /** `app.use('/hooks', router)` where `router` is imported from `spec`. */
  mounts: { at: number; spec: string; path?: string }[];
}
