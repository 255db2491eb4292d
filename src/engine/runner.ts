// The runner: gathers each piece of evidence once, runs checks concurrently with a time limit,
// turns a thrown, hung or malformed check into status `error`, applies suppressions, waivers and
// the baseline, and always returns a complete RunReport. The report holds what the checks said;
// masking happens where it leaves golive (report/write.ts, output/boundary.ts), with the Secrets
// this run taught: the environment, the --dotenv file, production config files and the key scan.
import { collectors } from '../evidence/index.js';
import type { CollectContext, EvidenceMap } from '../evidence/types.js';
import { describeError } from '../errors.js';
import type { GoliveConfig, SeveritySetting } from '../config/schema.js';
import { fingerprint } from './fingerprint.js';
import { parseOutcome } from './outcome.js';
import { secretsFromEnv, type Secrets } from '../output/secrets.js';
import { applyWaivers, type Baseline } from './waivers.js';
import { decideGate, deriveStatus, findingsHeadline, sortFindings } from './gate.js';
import type {
  Check,
  CheckOutcome,
  CheckResult,
  EvidenceKey,
  Finding,
  RunNote,
  RunOptions,
  RunReport,
  SetAsideFile,
  Severity,
} from './types.js';
import { compareText } from './order.js';

export interface RunParams {
  root: string;
  config: GoliveConfig;
  options: RunOptions;
  checks: readonly Check[];
  env: NodeJS.ProcessEnv;
  version: string;
  failOn: Severity;
  only?: string[];
  skip?: string[];
  baseline?: Baseline;
  /** Ids --only/--skip left out, so the verdict can say what was not checked. */
  notSelected?: string[];
  /** Loads inline `golive-ignore` directives for the files that have findings. */
  suppressions?: (files: string[]) => Promise<Map<string, Suppression[]>>;
  /**
   * The run's Secrets, taught every secret the run gathers. The key inventory (env file,
   * production config) is read for it even when no selected check needs it, so a scoped run still
   * masks a production secret quoted anywhere (a waiver reason, a server's answer).
   */
  secrets?: Secrets;
  /** Evidence already gathered (the plugin tester's tables); anything else is collected. */
  evidence?: Partial<EvidenceMap>;
  /** Evidence collection started earlier (prefetchEvidence), used when a check asks for it. */
  prefetched?: ReadonlyMap<EvidenceKey, Promise<unknown>>;
  onCheckStart?: (check: Check) => void;
  onCheckDone?: (result: CheckResult) => void;
  /** Collectors' work counters (files, commits, probes), for progress off a terminal. */
  onProgress?: CollectContext['progress'];
  /** Lines the operator must see before golive acts (e.g. live keys going to an allowed host). */
  onNotice?: (line: string) => void;
  /** Receives the evidence gathered (unmasked: for golive's own use, e.g. planning fixes). */
  onEvidence?: (evidence: Partial<EvidenceMap>) => void;
  now?: Date;
}

export interface Suppression {
  line: number;
  ids: string[];
  reason: string;
}

const DEFAULT_TIMEOUT_MS = { static: 60_000, network: 120_000, manual: 30_000 };

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    // Not unref'd: a check that awaits nothing must still end by its limit, not by an empty loop.
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}


/** How config and --require-rehearsal set each check: its severity setting, or not applicable. */
function settings(config: GoliveConfig, options: RunOptions) {
  // --require-rehearsal is the CI owner's demand: config cannot turn the rehearsal off, downgrade
  // it or call it not applicable.
  const required = (c: Check) => options.requireRehearsal && c.section === 'rehearsal';
  const settingOf = (c: Check): SeveritySetting | undefined => {
    const s = config.checks[c.id];
    return required(c) && s !== 'error' ? undefined : s;
  };
  const reasons = new Map((config.notApplicable ?? []).map((n) => [n.id, n.reason]));
  const notApplicable = (c: Check) => (required(c) ? undefined : reasons.get(c.id));
  const needs = (checks: readonly Check[]) => new Set(checks.filter((c) => settingOf(c) !== 'off' && !notApplicable(c)).flatMap((c) => c.requires));
  return { required, settingOf, reasons, notApplicable, needs };
}

type EvidenceParams = Pick<RunParams, 'root' | 'config' | 'options' | 'env' | 'onProgress' | 'onNotice' | 'only' | 'skip'>;

/** The collectors' view of a run; `memo` holds each piece of evidence once it is asked for. */
function collectContext(params: EvidenceParams, needs: ReadonlySet<EvidenceKey>, memo: Map<EvidenceKey, Promise<unknown>>, onGathered: (key: EvidenceKey, value: unknown) => void): CollectContext {
  const ctx: CollectContext = {
    root: params.root,
    config: params.config,
    options: { ...params.options, scoped: isScoped(params) },
    env: params.env,
    ...(params.onProgress ? { progress: params.onProgress } : {}),
    ...(params.onNotice ? { notice: params.onNotice } : {}),
    needs,
    get<K extends EvidenceKey>(key: K): Promise<EvidenceMap[K]> {
      let p = memo.get(key) as Promise<EvidenceMap[K]> | undefined;
      if (!p) {
        p = collectors[key]().then((collect) => (collect as (c: CollectContext) => Promise<EvidenceMap[K]>)(ctx));
        p.then((v) => onGathered(key, v)).catch(() => undefined);
        memo.set(key, p);
      }
      return p;
    },
  };
  return ctx;
}

/** Evidence gathered from local files and git alone: nothing is sent anywhere to collect it. */
const LOCAL_EVIDENCE: readonly EvidenceKey[] = ['repo', 'secrets', 'code', 'keys', 'history'];

/**
 * Starts collecting the local evidence `checks` need before the run itself starts, so that work
 * overlaps with what must happen first (loading plugins). Nothing that goes over the network
 * starts here: a run that stops before its checks (a broken plugin) has sent nothing. Collectors
 * read neither the checks' settings nor the API host, which plugins and flags may still change.
 */
export function prefetchEvidence(params: EvidenceParams, checks: readonly Check[]): Map<EvidenceKey, Promise<unknown>> {
  const needs = settings(params.config, params.options).needs(checks);
  const memo = new Map<EvidenceKey, Promise<unknown>>();
  const ctx = collectContext(params, needs, memo, () => undefined);
  for (const key of LOCAL_EVIDENCE) if (needs.has(key)) ctx.get(key).catch(() => undefined);
  return memo;
}

export async function runChecks(params: RunParams): Promise<RunReport> {
  const started = Date.now();
  const { config } = params;
  const scoped = isScoped(params);
  const options: RunOptions = { ...params.options, scoped };
  const memo = new Map<EvidenceKey, Promise<unknown>>();
  const gathered = new Map<EvidenceKey, unknown>();
  for (const [key, value] of Object.entries(params.evidence ?? {})) {
    memo.set(key as EvidenceKey, Promise.resolve(value));
  }
  // Prefetched evidence joins the run when a check (or a collector) asks for it, as if collected now.
  for (const [key, p] of params.prefetched ?? []) {
    if (memo.has(key)) continue;
    memo.set(key, p);
    p.then((v) => gathered.set(key, v)).catch(() => undefined);
  }

  const { required, settingOf, reasons, notApplicable, needs } = settings(config, options);
  const overridden = params.checks.filter((c) => required(c) && ((config.checks[c.id] ?? 'error') !== 'error' || reasons.has(c.id))).map((c) => c.id);
  const ctx = collectContext(params, needs(params.checks), memo, (key, v) => gathered.set(key, v));

  // A finding's fitting title (FindingInput.title): used for its check's title, never reported itself.
  const findingTitles = new WeakMap<Finding, string>();
  const runOne = async (check: Check): Promise<CheckResult> => {
    const setting = settingOf(check);
    const severity: Severity | 'off' = setting ?? check.defaultSeverity;
    const base = {
      id: check.id,
      section: check.section,
      ...(check.sectionTitle ? { sectionTitle: check.sectionTitle } : {}),
      kind: check.kind,
      severity,
      help: { why: check.why, fix: check.fix },
      ...(check.source ? { source: check.source } : {}),
    };
    if (severity === 'off') {
      return { ...base, title: check.title, status: 'skip', summary: 'Turned off in config.', durationMs: 0, findings: [] };
    }
    const na = notApplicable(check);
    if (na !== undefined) {
      return { ...base, title: check.title, status: 'skip', summary: `Not applicable: ${na}`, durationMs: 0, findings: [] };
    }
    params.onCheckStart?.(check);
    const t0 = performance.now();
    const startMs = Math.max(0, Math.round(Date.now() - started));
    let outcome: CheckOutcome;
    try {
      const evidence: Partial<EvidenceMap> = {};
      for (const key of check.requires) {
        try {
          (evidence as Record<string, unknown>)[key] = await ctx.get(key);
        } catch (e) {
          throw new Error(`could not gather ${key} evidence: ${describeError(e)}`);
        }
      }
      // Plugin checks carry their own limit (set by the loader, enforced again by their sandbox); the
      // runner's timer is the backstop for every check.
      const timeout = check.timeoutMs ?? DEFAULT_TIMEOUT_MS[check.kind] ?? 60_000;
      const value: unknown = await withTimeout(
        Promise.resolve().then(() => check.run({ evidence: evidence as EvidenceMap, config, options })),
        timeout,
      );
      const parsed = parseOutcome(value);
      if (!parsed.ok) throw new Error(parsed.reason);
      outcome = parsed.outcome;
    } catch (e) {
      outcome = { status: 'error', summary: `Could not run: ${describeError(e)}` };
    }
    let downgraded = false;
    const findings: Finding[] = (outcome.findings ?? []).map((f) => {
      const own: Severity = f.severity ?? check.defaultSeverity;
      // A severity set in config replaces the check's own judgement of each finding.
      const sev: Severity = setting === 'warning' || setting === 'error' ? setting : own;
      if (own === 'error' && sev === 'warning') downgraded = true;
      const out: Finding = {
        messageId: f.messageId,
        message: f.message,
        severity: sev,
        fingerprint: fingerprint(check.id, f.file, f.fingerprintOf ?? `${f.messageId}\0${f.message}`),
      };
      if (f.file !== undefined) out.file = f.file;
      if (f.line !== undefined) out.line = f.line;
      if (f.column !== undefined) out.column = f.column;
      if (f.commit !== undefined) out.commit = f.commit;
      if (f.evidence !== undefined) out.evidence = f.evidence;
      if (f.title !== undefined) findingTitles.set(out, f.title);
      return out;
    });
    const result: CheckResult = {
      ...base,
      title: check.title,
      status: outcome.status ?? 'pass',
      summary: outcome.summary ?? '',
      durationMs: Math.round(performance.now() - t0),
      startMs,
      findings,
    };
    if (outcome.evidence) result.evidence = outcome.evidence;
    if (downgraded) result.downgraded = true;
    return result;
  };

  const results = await Promise.all(
    params.checks.map(async (c) => {
      const r = await runOne(c);
      return { check: c, result: r, forced: r.status !== 'pass' };
    }),
  );

  // Inline suppressions need the lines of files that have findings.
  const files = [...new Set(results.flatMap((r) => r.result.findings.map((f) => f.file)).filter((f): f is string => !!f))];
  const suppressions = files.length > 0 && params.suppressions ? await params.suppressions(files).catch(() => new Map()) : new Map();
  for (const { result } of results) {
    // A policy finding is about the change under review: a comment that change adds cannot quiet it.
    if (result.section === 'policy') continue;
    for (const f of result.findings) {
      // A history finding's line is in its commit, not in the file as it is now: no comment there quiets it.
      if (!f.file || f.line === undefined || f.commit) continue;
      const hit = (suppressions.get(f.file) as Suppression[] | undefined)?.find(
        (s) => (s.line === f.line || s.line === f.line! - 1) && s.ids.some((id) => id === result.id || id === result.section),
      );
      if (hit) f.suppressed = { reason: hit.reason };
    }
  }

  const waivers = applyWaivers(
    results.map((r) => r.result),
    config.waivers,
    params.baseline,
    params.now ?? new Date(),
  );

  // Nor can a baseline (a file the change may edit): only a waiver in the trusted policy can.
  for (const { result } of results) if (result.section === 'policy') for (const f of result.findings) delete f.baseline;

  const checks = results.map(({ check, result, forced }) => {
    result.findings = sortFindings(result.findings);
    if (!forced) {
      result.status = deriveStatus(result.findings);
    }
    // An erroring check proved nothing either way: it keeps its neutral title and says why in the summary.
    // A failing one is titled by what it found when each open finding says what fits better.
    const open = result.findings.filter((f) => !f.waived && !f.baseline && !f.suppressed);
    const fitting = open.length > 0 && open.every((f) => findingTitles.has(f)) ? findingTitles.get(open[0]!) : undefined;
    result.title = result.status === 'fail' || result.status === 'warn' ? (fitting ?? check.failureTitle) : check.title;
    result.checkTitle = check.title;
    if (!result.summary) result.summary = defaultSummary(result);
    params.onCheckDone?.(result);
    return result;
  });

  const notes: RunNote[] = [];
  // Any collector may leave notes (skipped files, unreadable config, cut-off history…): the ones the
  // checks asked for, not what was read below only to learn secrets.
  const asked = [...gathered.keys()];
  if (params.secrets) {
    params.secrets.add(secretsFromEnv(params.env, [config.env.publicKey, config.env.secretKey, config.env.webhookSecret]));
    await ctx.get('keys').catch(() => undefined);
    params.secrets.addEvidence({ ...params.evidence, ...Object.fromEntries(gathered) });
  }
  for (const key of asked.sort()) {
    const v = gathered.get(key) as { notes?: unknown } | undefined;
    if (Array.isArray(v?.notes)) notes.push(...(v.notes as RunNote[]));
  }
  for (const id of overridden) {
    notes.push({ source: 'config', message: `${id} is turned off, downgraded or marked not applicable in config, but --require-rehearsal requires it: it ran at error` });
  }
  for (const w of waivers) {
    if (w.state === 'expired') notes.push({ source: 'waivers', message: `waiver for ${w.id} (owner ${w.owner}) expired on ${w.expires} and no longer applies` });
  }
  notes.sort((a, b) => compareText(a.file ?? '', b.file ?? '') || compareText(a.message, b.message));

  const summary = decideGate(checks, {
    failOn: params.failOn,
    requireRehearsal: options.requireRehearsal,
    requireFirstWeek: Boolean(options.requireFirstWeek),
    scoped,
    notApplicable: (config.notApplicable ?? []).filter((n) => !params.checks.some((c) => c.id === n.id && required(c))),
  });
  if (params.notSelected?.length) summary.notSelected = params.notSelected;
  const report: RunReport = {
    schemaVersion: 1,
    tool: { name: 'golive', version: params.version },
    target: { dir: params.root, environment: config.environment },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    options: {
      failOn: params.failOn,
      offline: options.offline,
      history: options.history,
      ...(options.history && options.historyRange ? { historyRange: options.historyRange } : {}),
      ...(options.files ? { files: options.files.length } : {}),
      ...(options.requireRehearsal ? { requireRehearsal: true } : {}),
      ...(options.requireFirstWeek ? { requireFirstWeek: true } : {}),
      ...(params.only?.length ? { only: params.only } : {}),
      ...(params.skip?.length ? { skip: params.skip } : {}),
      ...(params.baseline ? { baseline: params.baseline.file } : {}),
    },
    summary,
    checks,
    waivers,
    notes,
  };
  // Files the code checks set aside though they hold something to judge: every report names them.
  const setAside = (gathered.get('code') as { setAside?: { files?: SetAsideFile[] } } | undefined)?.setAside?.files ?? [];
  if (setAside.length > 0) report.setAside = setAside;
  params.onEvidence?.({ ...params.evidence, ...Object.fromEntries(gathered) });
  return report;
}

/** --offline, --only or --skip: the user narrowed the run, so it cannot prove readiness. */
export function isScoped(p: Pick<RunParams, 'options' | 'only' | 'skip'>): boolean {
  return Boolean(p.options.scoped || p.options.offline || p.only?.length || p.skip?.length);
}

function defaultSummary(r: CheckResult): string {
  const open = r.findings.filter((f) => !f.waived && !f.baseline && !f.suppressed).length;
  const quiet = r.findings.length - open;
  const tail = quiet > 0 ? ` (${quiet} waived, baselined or suppressed)` : '';
  if (r.status === 'pass' || open === 0) return `No problems found${tail}.`;
  return findingsHeadline(r.findings)!;
}
