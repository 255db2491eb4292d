// The evidence contract: every collector's output type, keyed by the name checks declare in
// `requires`. Collectors fill these in; checks only read them. Raw secret values may live here
// (checks need them to judge) but must be masked before they go into a finding or a report.
import type { GoliveConfig } from '../config/schema.js';
import type { PolicyOrigin, RunNote, RunOptions } from '../engine/types.js';
import type { WebhookEvidence } from './probe-types.js';
import type { CodeIndex } from './code/types.js';
export type * from './probe-types.js';

export type KeyKind = 'pk' | 'sk';
/** How a file that is not plain UTF-8/Latin-1 text was read by the secret scan. */
export type TextEncoding = 'utf-16le' | 'utf-16be' | 'binary';

/** A file golive is responsible for but could not read: a key could hide in it. */
export interface UnreadFile {
  file: string;
  /** e.g. "permission denied", "disappeared before it could be read". */
  reason: string;
}
export type KeyEnv = 'live' | 'test';

/** One file of the merchant repository, path relative to the root with forward slashes. */
export interface RepoFile {
  path: string;
  size: number;
}

export interface RepoInventory {
  root: string;
  /** True when the file list came from `git ls-files`. */
  isGit: boolean;
  files: RepoFile[];
  /** Skipped files (symlinks, submodules, special files) and why. */
  notes: RunNote[];
  /** Paths that could not be listed or inspected (a directory without read permission). */
  unread?: UnreadFile[];
}

/** A MintCash key (or key-shaped string) found in a file. */
export interface KeyMatch {
  file: string;
  /** 1-based; 0 in a binary file, which has no lines: see `offset`. */
  line: number;
  column: number;
  /** Byte offset of the key in a binary file. */
  offset?: number;
  /** Set when the file was UTF-16 (decoded) or binary (searched as bytes). */
  encoding?: TextEncoding;
  kind: KeyKind;
  env: KeyEnv;
  /** The full matched key. Internal only: mask before reporting. */
  value: string;
  /** The whole line, capped at 400 chars, for context rules (fallbacks, suppressions). Internal. */
  lineText: string;
}

/** A mention of the sandbox base URL (`sandbox.mintcash.me`) in a file. */
export interface SandboxUrlMatch {
  file: string;
  /** 1-based; 0 in a binary file (see `offset`). */
  line: number;
  column: number;
  offset?: number;
  encoding?: TextEncoding;
  lineText: string;
}

export interface SecretScan {
  keys: KeyMatch[];
  sandboxUrls: SandboxUrlMatch[];
  filesScanned: number;
  bytesScanned: number;
  /** Files the scan is responsible for but could not read (the check cannot pass with any). */
  unread?: UnreadFile[];
  notes: RunNote[];
}

/** A key that was added by some commit, whether or not it is still in the tree. */
export interface HistoryKeyMatch {
  /** The file that gained the key; empty when the key is in the commit message itself. */
  file: string;
  /** Set when the key sits in the commit message (or a stash's), not in a file. */
  inMessage?: boolean;
  line?: number;
  kind: KeyKind;
  env: KeyEnv;
  value: string;
  /** The commit that added it (full sha) and its date. */
  commit: string;
  date?: string;
  /** True when the key is no longer present in the current tree. */
  removed: boolean;
}

export interface HistoryScan {
  /** False when --history was not given or the target is not a git repository. */
  enabled: boolean;
  reason?: string;
  keys: HistoryKeyMatch[];
  commitsScanned: number;
  /** The range scanned (`--history origin/main..HEAD`); absent when every commit was. */
  range?: string;
  /**
   * Set when the scan did not see all of history (a shallow or partial clone, a `git log` that
   * failed or stopped early): what is missing and how to fix it. The check cannot pass then.
   */
  incomplete?: string;
  notes: RunNote[];
}

export type KeyRole = 'publicKey' | 'secretKey' | 'webhookSecret';

/** A credential the deployment will use, from the environment, --env-file, or production config. */
export interface CredentialItem {
  /** "env" (process environment), "env-file" (--env-file) or "config-file" (productionConfig glob). */
  source: 'env' | 'env-file' | 'config-file';
  /** Variable or key name, e.g. MINTCASH_SECRET_KEY. */
  name: string;
  /** The role the name maps to per config `env.*`, when it is one of those names. */
  role?: KeyRole;
  file?: string;
  line?: number;
  column?: number;
  /** Raw value. Internal only: mask before reporting. */
  value: string;
}

export interface KeyInventory {
  environment: KeyEnv;
  /** Credentials in the process environment, --env-file and productionConfig files. */
  items: CredentialItem[];
  /** Production config files that were read (relative paths). */
  productionFiles: string[];
  /**
   * Values of other secret-named settings in those files (passwords, tokens, another service's
   * key): never judged, only learnt by the output boundary so nothing prints them raw.
   */
  otherSecrets?: string[];
  notes: RunNote[];
}

/** One row of `GET /merchant/api-keys`. */
export interface MintcashApiKeyFact {
  id: string | null;
  /** Raw public key (not secret, but mask it in output anyway). */
  publicKey: string;
  /** As MintCash sent it; the values are undocumented. */
  environment: string | null;
  isActive: boolean;
  revokedAt: string | null;
}

/** What `GET /merchant/api-keys` said about the configured key pair (collected by evidence/mintcash.ts). */
export interface MintcashFacts {
  /** True when a request was sent. */
  attempted: boolean;
  skippedReason?: 'offline' | 'no-keys' | 'env-mismatch' | 'bad-base-url';
  /** The URL requests go to (or would have gone to). */
  baseUrl: string;
  baseUrlKind: 'production' | 'sandbox' | 'loopback' | 'custom' | 'invalid';
  /** Who chose the URL: `--api-base-url`, `GOLIVE_API_BASE_URL` or the repository config. */
  baseUrlSource?: string;
  /** The config's target environment. */
  environment: KeyEnv;
  /** Raw public key used (internal: mask before reporting). */
  publicKey?: string;
  /** Environment of each key by its prefix; undefined when the prefix is unknown. */
  publicKeyEnv?: KeyEnv;
  secretKeyEnv?: KeyEnv;
  /** Where the pair came from, e.g. "env MINTCASH_PUBLIC_KEY". */
  keySource?: string;
  /** Set when the send rule (mintcash/hosts.ts) refused to send the keys to this URL. */
  mismatch?: 'bad-url' | 'test-keys-production' | 'live-keys-sandbox' | 'live-keys-insecure' | 'live-keys-loopback' | 'live-keys-other-host' | 'test-keys-untrusted-host';
  /** The rule's one-line refusal, naming the normalised host and how to allow it. */
  refusal?: string;
  /** Set when live keys went to a host the operator allowed (--allow-live-host): what golive announced. */
  allowedHost?: string;
  /** HTTP status; absent when no response arrived. */
  status?: number;
  /** MintCash error code, or network_error / timeout / invalid_response. */
  errorCode?: string;
  /** `details.reason`, e.g. ip_not_allowed. */
  errorReason?: string;
  /** Short, already-redacted description of the failure. */
  errorMessage?: string;
  requestId?: string;
  apiKeys?: MintcashApiKeyFact[];
  notes: RunNote[];
}

/** A repository file golive read for a plugin check's granted `reads`. */
export interface PluginFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  size: number;
  /** The file as UTF-8 text, every secret golive knows of masked. */
  text: string;
}

/** What golive read for a check's `reads` (served on the plugin's behalf, granted by the policy). */
export interface PluginReads {
  files: PluginFile[];
  /** Files that matched but were not served, and why (a symlink, .git/, the --dotenv file, binary, too large). */
  skipped: { path: string; reason: string }[];
}

/** One HTTPS GET golive made for a check's granted `fetches`. Redirects are reported, never followed. */
export interface PluginFetch {
  /** The URL as the check declared it (with `{option}` placeholders). */
  declared: string;
  /** The URL requested. */
  url: string;
  status?: number;
  contentType?: string;
  /** The Location header of a 3xx. */
  location?: string;
  /** The body as UTF-8 text, up to 1 MiB. */
  body: string;
  bytes: number;
  truncated: boolean;
  /** Set when no complete answer arrived (DNS, refused, TLS, timeout). */
  error?: string;
  ms: number;
}

/** The evidence a plugin check receives for its capabilities, besides what it `requires`. */
export interface PluginEvidence {
  reads?: PluginReads;
  fetches?: PluginFetch[];
}

export interface EvidenceMap {
  repo: RepoInventory;
  secrets: SecretScan;
  history: HistoryScan;
  keys: KeyInventory;
  webhook: WebhookEvidence;
  mintcash: MintcashFacts;
  code: CodeIndex;
  rehearsal: RehearsalEvidence;
  policy: PolicyEvidence;
  firstweek: FirstWeekEvidence;
}

/** One way the working tree's config differs from the trusted policy in a way that weakens the gate. */
export interface PolicyChange {
  /** Stable id of the kind of change, e.g. `check-off`, `waiver-added`, `plugin-added`, `config-added`. */
  kind: string;
  /** The config key it concerns, e.g. `checks.webhook.https`, `waivers[2]`, `rehearsal.signers[0]`. */
  key: string;
  /** What changed and what governs the run instead, in one sentence. */
  message: string;
  /** The working tree's config file (repository-relative), or the trusted one when that was deleted. */
  file?: string;
  /** The line of that file that holds the key (its nearest parent when the key was removed). */
  line?: number;
}

/**
 * The gate's policy and what the change under review does to it. The CLI resolves it before the
 * run (it decides which config governs); without that, the working tree's config is its own policy.
 */
export interface PolicyEvidence extends PolicyOrigin {
  /** The working tree's config file, repository-relative; absent when it has none. */
  worktreeFile?: string;
  /** Every weakening, in config order; empty when the change leaves the policy as strong. */
  changes: PolicyChange[];
  /** `--policy-ref` was also given but `--policy` outranks it. */
  ignoredRef?: string;
  /** The policy file sits inside the repository under check, where a change can edit it. */
  fileInRepo?: boolean;
  /** A pull-request build recognised from the CI's environment (when no trusted policy was given). */
  pullRequest?: { ci: string; base: string; suggestion: string };
}

/** One signed first-week report (`golive monitor --sign`), verified. */
export interface FirstWeekFact {
  /** Relative to the target directory. */
  file: string;
  /** Digest and Ed25519 signature both check out. */
  valid: boolean;
  problem?: string;
  signer?: { name: string; fingerprint: string; publicKey: string };
  signerPinned: boolean;
  generatedAt?: string;
  window?: { first: string | null; last: string | null; days: number };
  /** Each metric's state in the report: ok, alert or pending. */
  metrics?: Record<string, string>;
  /** Each metric's alert ids. */
  alerts?: Record<string, string[]>;
}

export interface FirstWeekEvidence {
  dir: string;
  collectedAt: string;
  reports: FirstWeekFact[];
  pinnedSigners: number;
  notes: RunNote[];
}

/** One step of a sign-off, as the rehearsal.* checks see it. */
export interface RehearsalStepFact {
  status: 'not_started' | 'in_progress' | 'waiting' | 'done' | 'failed';
  completedAt?: string;
  waitingFor?: string;
  failure?: string;
  ids: Record<string, string>;
}

/** Who a sign-off (or this repository) is for: the normalised `origin` remote and `rehearsal.merchantId`. */
export interface MerchantFact {
  repository?: string;
  merchantId?: string;
}

/** One claim MintCash was asked about when the sign-off was verified online. */
export interface OnlineClaimFact {
  /** charge, refund, subscription, renewal, cancel, or keys. */
  what: string;
  ok: boolean;
  detail: string;
  /** `auth`: MintCash refused the keys; `unreachable`: it could not be asked. Neither proves anything. */
  kind?: 'auth' | 'unreachable';
}

/** One sign-off file found, with what verifying it showed (the checks decide what counts). */
export interface SignOffFact {
  /** Relative to the target directory. */
  file: string;
  /** Digest and Ed25519 signature both check out. */
  valid: boolean;
  /** Why it is not valid (unsigned, edited, unreadable…). */
  problem?: string;
  id?: string;
  /** The signing key (fingerprint) and the name the document gives its signer (a claim, not proof). */
  signer?: { name: string; fingerprint: string; publicKey: string };
  /** The signer's public key is in rehearsal.signers. */
  signerPinned: boolean;
  /** The name the matching rehearsal.signers entry gives the key. */
  pinnedAs?: string;
  keyEnvironment?: KeyEnv;
  /** Test keys, a sandbox/emulator target, or not MintCash's live API host when it ran. */
  practice?: boolean;
  /** Some answers came from an answers file, not a person at a terminal. */
  scripted?: boolean;
  complete?: boolean;
  /** The record's last change (re-rendering a sign-off never moves it). */
  generatedAt?: string;
  /** The API it was made against, and whether that is MintCash's live API host as this run sees it. */
  apiBaseUrl?: string;
  apiHostIsLive?: boolean;
  merchant?: MerchantFact;
  /** `SHA256:…` of the public key the rehearsal used. */
  publicKeyFingerprint?: string;
  /** MintCash's creation time of the charge: the sign-off's age is measured from it. */
  chargeCreatedAt?: string;
  /** MintCash's clock minus the rehearsing machine's, when the charge was seen (emulator practice). */
  clockSkewMs?: number;
  /** Verified at MintCash with this run's keys: every claim, or why it could not be (`refused`). */
  online?: { baseUrl: string; claims: OnlineClaimFact[] } | { refused: string };
  steps?: Record<'preflight' | 'charge' | 'settlement' | 'refund' | 'subscription' | 'renewal' | 'cancel', RehearsalStepFact>;
}

/**
 * The signed sign-offs in `<dir>/golive-rehearsal/` (collected by evidence/rehearsal.ts), newest
 * first. The mutable state under `.golive/rehearsals/` is never evidence: anyone can edit it.
 */
export interface RehearsalEvidence {
  /** Where sign-offs were looked for, relative to the target directory. */
  dir: string;
  /** When they were looked at: ages are measured against this, so the checks stay pure. */
  collectedAt: string;
  signOffs: SignOffFact[];
  /** How many signers rehearsal.signers pins. */
  pinnedSigners: number;
  /** This repository's identity, and the key pair this run has (fingerprinted), to compare sign-offs with. */
  here?: { merchant: MerchantFact; key?: { environment: KeyEnv; fingerprint: string } };
  /** Why sign-offs were not verified online (no keys, --offline), when they were not. */
  onlineSkipped?: string;
  notes: RunNote[];
}

export interface CollectContext {
  root: string;
  config: GoliveConfig;
  options: RunOptions;
  /** The process environment (a plain map, so the public types need no @types/node). */
  env: Record<string, string | undefined>;
  /**
   * Reports work done, for the progress line of a long run (files scanned, commits read, probes
   * sent). Cheap to call per item; absent when nobody listens.
   */
  progress?: (kind: ProgressKind, n?: number) => void;
  /**
   * A line the operator must see before golive acts on it (e.g. live keys about to go to a host
   * they allowed). Printed on stderr by the CLI; absent when nobody listens.
   */
  notice?: (line: string) => void;
  /** Another piece of evidence; each is gathered once per run. */
  get<K extends keyof EvidenceMap>(key: K): Promise<EvidenceMap[K]>;
  /**
   * The evidence this run's checks require, when known: a collector may then share work with
   * another that will run anyway (the secret scan tells the code index which files to read).
   */
  needs?: ReadonlySet<keyof EvidenceMap>;
}

/** Work done, counted as it happens; `probes-planned` is how many probes the endpoint is about to get. */
export type ProgressKind = 'files' | 'commits' | 'probes' | 'probes-planned' | 'parsed' | 'lines';

export type Collector<K extends keyof EvidenceMap> = (ctx: CollectContext) => Promise<EvidenceMap[K]>;
