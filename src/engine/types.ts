// The check contract: what a check declares, what it receives, and what it returns.
// Checks are pure judges: they get only the evidence they declared and never do I/O.
import type { EvidenceMap, PluginEvidence } from '../evidence/types.js';
import type { GoliveConfig } from '../config/schema.js';
import type { OperatorApi } from '../mintcash/hosts.js';

/** Checklist order. `policy` (0, "Trusted policy") judges the gate's own policy before anything it governs. */
export const SECTIONS = ['policy', 'credentials', 'webhook', 'idempotency', 'rehearsal', 'firstweek'] as const;
export type Section = (typeof SECTIONS)[number];

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['pass', 'fail', 'warn', 'skip', 'error', 'pending'] as const;
export type Status = (typeof STATUSES)[number];

export type CheckKind = 'static' | 'network' | 'manual';

export type EvidenceKey = keyof EvidenceMap;

/** One problem a check found. Prose is derived from messageId + data; tests assert those. */
export interface FindingInput {
  /** Stable id of the message, e.g. "live-secret-committed". */
  messageId: string;
  /** Human sentence; must never contain an unmasked secret. */
  message: string;
  /** Defaults to the check's severity. */
  severity?: Severity;
  file?: string;
  line?: number;
  column?: number;
  /**
   * The matched value the fingerprint is derived from (e.g. the raw key). The runner hashes it
   * together with the check id and file, then drops it: it never reaches a report.
   */
  fingerprintOf?: string;
  /** Extra facts for the reader, already masked (use maskSecret). */
  evidence?: Record<string, unknown>;
  /** Commit that introduced the finding, for history findings. */
  commit?: string;
  /**
   * The check's title when this is all it found, if the failure title would not fit: a certificate
   * that only expires soon is "Webhook certificate expires in 19 days", not "HTTPS is broken".
   * Used when every open finding has one (the first finding's wins).
   */
  title?: string;
}

export interface CheckOutcome {
  findings?: FindingInput[];
  /** Force a status: `skip` (with reason), `pending`, or `error` (with reason). Otherwise derived. */
  status?: 'skip' | 'pending' | 'error';
  /** Why the check was skipped/pending/errored, or a one-line summary of what it saw. */
  summary?: string;
  /** Facts shown with the check in reports (already masked). */
  evidence?: Record<string, unknown>;
}

export interface RunOptions {
  offline: boolean;
  history: boolean;
  /** With history: scan only this revision range (e.g. origin/main..HEAD), resolved by the CLI. */
  historyRange?: string;
  /** A files run (a pre-commit hook): only these files, relative to the root, are judged. */
  files?: string[];
  requireRehearsal: boolean;
  /** The first week must be proven by a signed first-week report (`golive monitor --sign`). */
  requireFirstWeek?: boolean;
  /**
   * The user narrowed the run (--offline, --only, --skip). A check with nothing of its kind to
   * judge is then `skip`; in a full run the same gap is `pending`, since readiness was not proven.
   */
  scoped?: boolean;
  webhookUrl?: string;
  envFile?: string;
  /**
   * What the operator chose outside the repository (--api-base-url / GOLIVE_API_BASE_URL,
   * --allow-live-host / GOLIVE_ALLOW_LIVE_HOST): where API calls go, and which hosts other than
   * MintCash's live API may receive live keys.
   */
  api?: OperatorApi;
}

export interface CheckContext<K extends EvidenceKey> {
  /** What the check declared in `requires`; a plugin check also gets what its `reads`/`fetches` served. */
  evidence: Pick<EvidenceMap, K> & PluginEvidence;
  config: GoliveConfig;
  options: RunOptions;
  /** A plugin's options from config, validated against its `schema` (defaults filled in). */
  pluginOptions?: Record<string, unknown>;
}

export interface CheckMeta {
  id: string;
  /** A checklist section, or (a plugin's check) the plugin's namespace: its own section. */
  section: Section | (string & {});
  /** Set by the plugin loader for a plugin's own section: the plugin's `title`. */
  sectionTitle?: string;
  kind: CheckKind;
  /** Title when it passes, e.g. "Live keys are well-formed and paired". */
  title: string;
  /** Title when it fails, e.g. "Live keys are malformed or mismatched". */
  failureTitle: string;
  /** Why it matters. */
  why: string;
  /** How to fix a failure. */
  fix: string;
  defaultSeverity: Severity;
  /** Per-check time limit; the runner turns an overrun into status `error`. */
  timeoutMs?: number;
  /** Set by the plugin loader: the plugin (as named in config) the check came from. */
  source?: string;
  /**
   * A plugin check's capabilities: repository files (globs, `config/**`) and HTTPS URLs (prefix
   * granted, `{option}` placeholders filled from the plugin's options) golive reads or fetches on
   * its behalf and passes in as `evidence.reads` / `evidence.fetches`. Granted only by config.
   */
  reads?: readonly string[];
  fetches?: readonly string[];
}

export interface Check<K extends EvidenceKey = EvidenceKey> extends CheckMeta {
  requires: readonly K[];
  run(ctx: CheckContext<K>): CheckOutcome | Promise<CheckOutcome>;
}

/** Where defineCheck was called: the tester runs a plugin's check from that module, sandboxed. */
export const CHECK_MODULE = Symbol.for('golive.checkModule');
/** Where definePlugin was called: the tester checks options against that plugin's schema. */
export const PLUGIN_MODULE = Symbol.for('golive.pluginModule');

/** The file that called `fn` (defineCheck, definePlugin), or undefined where no stack tells (the sandbox). */
export function callerFile(fn: (...args: never[]) => unknown): string | undefined {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_e, frames) => frames;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, fn);
    const name = holder.stack?.[0]?.getFileName() ?? undefined;
    // Not `new URL()`: this module is compiled into every plugin, where URL is a polyfill that a
    // mere mention would bring in (compile.ts). In the sandbox there is no stack to read anyway.
    return name?.startsWith('file://') ? decodeURIComponent(name.slice('file://'.length)) : name;
  } catch {
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

/** Records on `target` (not enumerable: it never travels with a spread, a clone or a report) where it was defined. */
export function markModule(target: unknown, symbol: symbol, file: string | undefined): void {
  if (file && target && typeof target === 'object' && !(symbol in target)) Object.defineProperty(target, symbol, { value: file, enumerable: false });
}

/** Type helper for authoring a check; the registry validates it at load. */
export function defineCheck<const K extends EvidenceKey>(check: Check<K>): Check<K> {
  markModule(check, CHECK_MODULE, callerFile(defineCheck));
  return check;
}

/** A finding as it appears in a report. */
export interface Finding {
  messageId: string;
  message: string;
  severity: Severity;
  file?: string;
  line?: number;
  column?: number;
  fingerprint?: string;
  commit?: string;
  evidence?: Record<string, unknown>;
  /** Set when a config waiver covers the finding. */
  waived?: { reason: string; owner: string; expires: string };
  /** Set when the finding was already in the --baseline report. */
  baseline?: boolean;
  /** Set when an inline `golive-ignore` comment covers it. */
  suppressed?: { reason: string };
  /** What `golive fix` offers for it, each re-checked (SARIF `fixes`, the Markdown diff). */
  fixes?: ReportFix[];
}

/** A fix as reports carry it under its finding. */
export interface ReportFix {
  kind: string;
  /** `safe` (applied by `golive fix --write`), `suggestion` (applied when picked) or `template` (never applied). */
  tier: 'safe' | 'suggestion' | 'template';
  title: string;
  /** Unified diff of the change, paths relative to the target directory. */
  diff?: string;
  /** Exact lines to apply by hand. */
  text?: string;
  notes?: string[];
  /** Per existing file, the replacements: 1-based lines and columns in UTF-16 code units (SARIF's default). */
  changes?: ReportFileChange[];
}

export interface ReportFileChange {
  file: string;
  replacements: { startLine: number; startColumn: number; endLine: number; endColumn: number; text: string }[];
}

export interface CheckResult {
  id: string;
  section: Section | (string & {});
  /** The title of a plugin's own section. */
  sectionTitle?: string;
  kind: CheckKind;
  /** Passing title or failure title, depending on status. */
  title: string;
  status: Status;
  severity: Severity | 'off';
  summary: string;
  durationMs: number;
  findings: Finding[];
  evidence?: Record<string, unknown>;
  help: { why: string; fix: string };
  /** Where the check came from: "builtin" or a plugin name. */
  source?: string;
  /** The check's own (passing) title whatever its status: a label that stays the same between runs. */
  checkTitle?: string;
  /** When the check started, in ms after the run started (checks run concurrently). */
  startMs?: number;
  /** Config set it to "warning" and a finding that would otherwise block was downgraded: not proven. */
  downgraded?: boolean;
}

export interface WaiverReport {
  id: string;
  fingerprint?: string;
  path?: string;
  reason: string;
  owner: string;
  expires: string;
  state: 'active' | 'expired' | 'unused';
  matched: number;
}

/**
 * A file the code checks set aside as not the merchant's own code although it holds something they
 * look for (a handler's signature check or HMAC, a create call): reports name it with the reason.
 */
export interface SetAsideFile {
  file: string;
  why: 'vendored' | 'generated' | 'minified';
  /** The rule that said so, in words (`.gitattributes linguist-generated`, `minified: 98% of …`). */
  rule: string;
  holds: ('handler' | 'call')[];
}

export interface RunNote {
  /** What produced the note, e.g. "repo" or "secrets". */
  source: string;
  message: string;
  file?: string;
}

/**
 * Where the target sits in its repository (the git top level; outside git, the target itself), so
 * reports can name repository-relative paths and place findings that have no file of their own.
 */
export interface RepoContext {
  /** The target directory relative to the repository root, with `/`; '' when it is the root. */
  path: string;
  /** The config file golive used, relative to the repository root (`../…` when outside it). */
  configFile?: string;
  /** The line of that file that sets `webhook.url`. */
  webhookUrlLine?: number;
  /** Lines of that file setting the keys network findings are about (`webhook.testUrl`, `api.baseUrl`…). */
  keyLines?: Partial<Record<'webhook.url' | 'webhook.testUrl' | 'api.baseUrl', number>>;
  /** The commit checked out (full sha), when the target is in a git repository with one. */
  head?: string;
  /** The repository's web address from its origin remote (`https://github.com/acme/shop`), no credentials. */
  repositoryUri?: string;
  /** A file that exists in the repository (relative to its root) to place findings with no file. */
  anchor?: string;
}

/**
 * Where a run's policy (checks off, waivers, signers, plugins, hosts, scope) came from: a file the
 * CI owner named (`--policy`, GOLIVE_POLICY), the config on a base revision (`--policy-ref`), or the
 * working tree's own config (a local run: nothing apart from the change to compare with).
 */
export type PolicySource = 'file' | 'ref' | 'worktree';

export interface PolicyOrigin {
  /** `file` (`--policy`, GOLIVE_POLICY), `ref` (`--policy-ref`) or `worktree` (no trusted policy). */
  source: PolicySource;
  /** The revision as given (`origin/main`), for `ref`. */
  ref?: string;
  /** The commit it resolved to, for `ref`. */
  commit?: string;
  /** The trusted config: repository-relative on the ref, or the policy file as given. Absent: defaults. */
  file?: string;
}

export type StatusCounts = Record<Status, number>;

/**
 * What the run proved, in four stages (GUIDE §2). Only `ready` may say "ready to go live".
 * - ready: every checklist item passed, the dress rehearsal with a verified sign-off included;
 * - ready-for-rehearsal: everything but the rehearsal is proven; next is `golive rehearse`;
 * - no-blockers: a scoped run (or one with checks that could not apply) found nothing blocking;
 * - not-ready: something blocks, or nothing at all was proven.
 */
export const VERDICTS = ['ready', 'ready-for-rehearsal', 'no-blockers', 'not-ready'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface RunSummary {
  gate: 'pass' | 'fail';
  verdict: Verdict;
  counts: StatusCounts;
  total: number;
  /** Checks that passed (pass or warn): what the run proved. */
  proven: number;
  /** Checks in scope: neither skipped by the user's choice nor turned off in config. */
  inScope: number;
  /** Ids of the checks that fail the gate. */
  blocking: string[];
  /** Ids turned off in config: listed under the verdict. */
  off: string[];
  /**
   * Items that did not block but are not proven: a finding that would block was downgraded to a
   * warning by config, or findings are waived, baselined or suppressed rather than fixed. Like
   * `off`, they keep the verdict from "ready".
   */
  notProven?: Array<{ id: string; why: 'downgraded' | 'waived' | 'baselined' | 'suppressed' }>;
  /** Items the trusted policy marks not applicable, with its reason: listed under the verdict. */
  notApplicable?: Array<{ id: string; reason: string }>;
  /** Ids left out by --only/--skip: the run did not look at them. */
  notSelected?: string[];
  /** Of those, the network checks: code scanning must not take their absence for a fix (report/sarif.ts). */
  networkNotSelected?: string[];
}

export interface RunReport {
  schemaVersion: 1;
  tool: { name: 'golive'; version: string };
  target: {
    dir: string;
    environment: 'live' | 'test';
    repo?: RepoContext;
    /** The endpoints network checks talk to (credentials stripped), for findings without a file. */
    urls?: { webhook?: string; testWebhook?: string; api?: string };
    /** Where the policy that governed the run came from (see PolicySource). */
    policy?: PolicyOrigin;
  };
  startedAt: string;
  durationMs: number;
  options: {
    failOn: Severity;
    offline: boolean;
    history: boolean;
    /** The commits --history scanned, when a range (e.g. origin/main..HEAD) rather than all. */
    historyRange?: string;
    /** A files run (e.g. a pre-commit hook): how many files it was given. */
    files?: number;
    requireRehearsal?: boolean;
    requireFirstWeek?: boolean;
    only?: string[];
    skip?: string[];
    baseline?: string;
  };
  summary: RunSummary;
  checks: CheckResult[];
  waivers: WaiverReport[];
  notes: RunNote[];
  /** Files the code checks set aside that hold a handler or a create call (absent when none). */
  setAside?: SetAsideFile[];
}
