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

export interface MintCashCall extends CodeLocation {
  language: CodeLanguage;
  isTest: boolean;
  endpoint: Endpoint;
  /** The HTTP client as written, e.g. `fetch`, `axios.post`, `requests.post`. */
  client: string;
  method?: string;
  /** The URL as written (template pieces and concatenations kept). */
  url: string;
  body: BodyFact;
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

export interface WebhookHandler extends CodeLocation {
  language: CodeLanguage;
  isTest: boolean;
  /** Why this is a handler: it reads the x-signature header and/or computes an HMAC. */
  readsSignatureHeader: boolean;
  computesHmac: boolean;
  compares: SignatureCompare[];
  hmacInputs: HmacInput[];
  /** A JSON body parser mounted ahead of the webhook route that keeps no raw body. */
  jsonParsers: (CodeLocation & { text: string })[];
  /** Places in this file that compare the event's `environment`. */
  environmentChecks: CodeLocation[];
  /** Places in this file that look an `eventId` up or record it. */
  dedupChecks: CodeLocation[];
}

export interface CodeIndex {
  files: CodeFile[];
  calls: MintCashCall[];
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
  /** Set when the file could not be parsed; facts are then empty. */
  error?: string;
}
