// `mintcash-golive/testing`: run one check against evidence tables or a fixture directory through
// the real runner, and assert its findings by message id and location. Framework neutral; with
// vitest or jest, CheckTester.run() registers describe/it blocks like ESLint's RuleTester.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../config/load.js';
import { runChecks } from '../engine/runner.js';
import type { Check, CheckResult, EvidenceKey, RunOptions, Severity, Status } from '../engine/types.js';
import type { EvidenceMap, PluginEvidence } from '../evidence/types.js';
import { loadSuppressions } from '../evidence/suppressions.js';
import { CHECK_MODULE, PLUGIN_MODULE } from '../engine/types.js';
import type { PluginDefinition } from '../api.js';
import { PluginCache } from '../plugins/cache.js';
import { planCapabilities, type Grants } from '../plugins/capabilities.js';
import { compilePlugin } from '../plugins/compile.js';
import { PLUGIN_LIMITS } from '../plugins/limits.js';
import { nearestPackage } from '../plugins/module-type.js';
import { packageEntry } from '../plugins/load.js';
import { checkOptions } from '../plugins/options.js';
import { proxyCheck } from '../plugins/proxy.js';
import { PluginError, PluginSandbox } from '../plugins/sandbox.js';
import { cleanDeep } from '../output/escape.js';
import { Secrets } from '../output/secrets.js';

// The package root, whether this runs from dist/src/testing or (in golive's own tests) src/testing.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const GOLIVE_ROOT = HERE.includes(`${path.sep}dist${path.sep}`) ? path.resolve(HERE, '../../..') : path.resolve(HERE, '../..');
const BUILTIN_DIRS = [path.join(GOLIVE_ROOT, 'checks'), path.join(GOLIVE_ROOT, 'dist', 'checks')];
type Rec = Record<string, unknown>;
let opened: ReturnType<typeof PluginCache.open> | undefined;
/** golive's cache (src/plugins/cache.ts), as a run uses it: compiled plugins are kept between test runs. */
const cache = () => (opened ??= PluginCache.open());
const started = new Map<string, Promise<{ sandbox: PluginSandbox; described: Rec }>>();

/** The sandbox of a module (a check's, in 'all' mode; a plugin's), started once and shared by every case. */
function sandboxOf(file: string, mode: 'all' | 'plugin') {
  let s = started.get(`${mode}:${file}`);
  if (!s) {
    s = (async () => {
      const c = await cache();
      const sandbox = new PluginSandbox(compilePlugin(file, { mode, ...(c ? { cache: c } : {}) }));
      return { sandbox, described: JSON.parse(await sandbox.describe()) as Rec };
    })();
    started.set(`${mode}:${file}`, s);
  }
  return s;
}

const checksIn = (described: Rec) => (Array.isArray(described.checks) ? (described.checks as Rec[]) : []);

/**
 * The plugin a check belongs to: the one the case names, else the one its package exports (the
 * file `import('<package>')` loads) when that plugin lists the check. Undefined when neither.
 */
async function pluginOf(checkFile: string, checkId: string, given: PluginDefinition | undefined): Promise<{ file: string; described: Rec; sandbox: PluginSandbox } | undefined> {
  if (given) {
    const file = (given as unknown as Record<symbol, unknown>)[PLUGIN_MODULE];
    if (typeof file !== 'string') throw new Error(`${checkId}: the \`plugin\` given is not made with definePlugin (its options schema cannot be found)`);
    const { sandbox, described } = await sandboxOf(file, 'plugin');
    return { file, described, sandbox };
  }
  const pkg = nearestPackage(path.dirname(checkFile));
  if (!pkg) return undefined;
  let entry: string;
  try {
    entry = packageEntry(pkg.dir);
  } catch {
    return undefined;
  }
  try {
    const { sandbox, described } = await sandboxOf(entry, 'plugin');
    return checksIn(described).some((m) => m.id === checkId) ? { file: entry, described, sandbox } : undefined;
  } catch {
    // The package's entry is not a plugin that loads: the check is tested on its own.
    return undefined;
  }
}

/**
 * The options a real run would hand the check: validated against its plugin's schema by the same
 * validator in the same sandbox, defaults filled in. A refusal throws what `golive check` says.
 */
async function optionsFor(check: Check, checkFile: string, input: CheckInput): Promise<Rec> {
  let plugin: Awaited<ReturnType<typeof pluginOf>>;
  try {
    plugin = await pluginOf(checkFile, check.id, input.plugin);
  } catch (e) {
    if (e instanceof PluginError) throw new Error(`${check.id}: its plugin cannot be loaded: ${e.message}`);
    throw e;
  }
  if (!plugin) {
    if (input.pluginOptions === undefined) return {};
    throw new Error(
      `${check.id}: pluginOptions are checked against the plugin's options schema, as golive check does, but no plugin lists this check: give the case \`plugin\` (the plugin's definePlugin export), or export the plugin as its package's entry`,
    );
  }
  const c = await cache();
  const checked = await checkOptions(input.pluginOptions, plugin.described.schema, plugin.sandbox, c);
  if (checked.problems.length > 0 || !checked.options) {
    throw new Error([`${check.id}: the plugin ${path.basename(plugin.file)} refuses these pluginOptions, as golive check would (exit 2):`, ...checked.problems.map((p) => `  - ${p}`)].join('\n'));
  }
  return checked.options;
}

/**
 * A plugin's check runs as the CLI runs it: compiled the same way, in its own sandbox, with the
 * same limits, masked evidence and result validation. Its declared `reads` and `fetches` are
 * granted unless the case says otherwise (`grants`), and `evidence.reads` / `evidence.fetches`
 * given in a case are used as they are. golive's built-in checks (and checks not made with
 * defineCheck) run in-process.
 */
async function isolate(check: Check, input: CheckInput, secrets: Secrets): Promise<Check> {
  const file = (check as unknown as Record<symbol, unknown>)[CHECK_MODULE];
  if (typeof file !== 'string' || check.source || BUILTIN_DIRS.some((d) => file.startsWith(d + path.sep))) return check;
  const { sandbox, described } = await sandboxOf(file, 'all');
  const meta = checksIn(described).find((m) => m.id === check.id);
  if (!meta) throw new Error(`${check.id}: not found among the checks ${file} exports (export it, or the plugin that lists it)`);
  const limit = typeof check.timeoutMs === 'number' ? check.timeoutMs : PLUGIN_LIMITS.checkMs;
  const declared = (k: 'reads' | 'fetches') => (Array.isArray(meta[k]) ? (meta[k] as string[]) : []);
  const grants: Grants = { reads: input.grants?.reads ?? declared('reads'), fetches: input.grants?.fetches ?? declared('fetches') };
  const pluginOptions = await optionsFor(check, file, input);
  const given: PluginEvidence = {};
  if (input.evidence?.reads) given.reads = input.evidence.reads;
  if (input.evidence?.fetches) given.fetches = input.evidence.fetches;
  return proxyCheck({
    meta,
    id: check.id,
    spec: path.basename(file),
    sandbox,
    timeoutMs: limit,
    backstopMs: limit + 2 * PLUGIN_LIMITS.loadMs + PLUGIN_LIMITS.fetchMs,
    plan: planCapabilities(meta, grants, pluginOptions),
    grants,
    pluginOptions,
    version: 'test',
    secrets,
    ...(given.reads || given.fetches ? { given } : {}),
  });
}

export interface CheckInput {
  /** Evidence by name; required for every `requires` key unless `dir` is given. `reads`/`fetches` stand in for what golive would serve. */
  evidence?: Partial<EvidenceMap> & PluginEvidence;
  /**
   * A plugin check's options, as its plugin's entry in config would give them: checked against the
   * plugin's `schema` and completed with its defaults as a real run does (options it refuses throw).
   */
  pluginOptions?: Record<string, unknown>;
  /**
   * The plugin the check belongs to (its definePlugin export), whose `schema` checks `pluginOptions`.
   * Found by itself when the check's package exports the plugin (package.json `exports` or `main`).
   */
  plugin?: PluginDefinition;
  /** What the check may read and fetch; by default, what it declares (a plugin author tests their own check). */
  grants?: Partial<Grants>;
  /** A fixture directory: evidence not given is gathered from it by golive's real collectors. */
  dir?: string;
  /** Raw config, validated like a golive.config.json. */
  config?: Record<string, unknown>;
  options?: Partial<RunOptions>;
  env?: Record<string, string>;
}

export interface ExpectedFinding {
  messageId: string;
  file?: string;
  line?: number;
  column?: number;
  severity?: Severity;
}

/** Runs one check through the real runner (sandbox for plugins, time limit, status derivation, waivers, masking). */
export async function runCheck(check: Check, input: CheckInput = {}): Promise<CheckResult> {
  const missing = check.requires.filter((k: EvidenceKey) => !(input.evidence && k in input.evidence));
  if (missing.length > 0 && !input.dir) {
    throw new Error(`${check.id} needs evidence ${missing.join(', ')}: pass it in \`evidence\` or give a fixture \`dir\``);
  }
  const root = input.dir ?? '/nonexistent-golive-fixture';
  // The result as a report shows it: masked with what this run knows, like the CLI's output.
  const secrets = Secrets.fromEnv(input.env ?? {});
  const report = await runChecks({
    root,
    config: validateConfig(input.config ?? {}, 'test config'),
    options: { offline: true, history: false, requireRehearsal: false, ...input.options },
    checks: [await isolate(check, input, secrets)],
    env: input.env ?? {},
    version: 'test',
    failOn: 'error',
    secrets,
    ...(input.evidence ? { evidence: withoutCapabilities(input.evidence) } : {}),
    ...(input.dir ? { suppressions: (files: string[]) => loadSuppressions(root, files) } : {}),
  });
  return cleanDeep(report.checks[0]!, (t) => secrets.mask(t));
}

function withoutCapabilities(evidence: Partial<EvidenceMap> & PluginEvidence): Partial<EvidenceMap> {
  const { reads: _r, fetches: _f, ...rest } = evidence;
  return rest;
}

function describeFinding(f: ExpectedFinding): string {
  const at = f.file ? ` at ${f.file}${f.line ? `:${f.line}` : ''}${f.column ? `:${f.column}` : ''}` : '';
  return `${f.messageId}${at}${f.severity ? ` (${f.severity})` : ''}`;
}

/** Throws a readable error unless the open findings match `expected` (order-insensitive). */
export function assertFindings(result: CheckResult, expected: ExpectedFinding[]): void {
  const open = result.findings.filter((f) => !f.waived && !f.baseline && !f.suppressed);
  const unmatched = [...open];
  const missing: ExpectedFinding[] = [];
  for (const e of expected) {
    const i = unmatched.findIndex(
      (f) =>
        f.messageId === e.messageId &&
        (e.file === undefined || f.file === e.file) &&
        (e.line === undefined || f.line === e.line) &&
        (e.column === undefined || f.column === e.column) &&
        (e.severity === undefined || f.severity === e.severity),
    );
    if (i === -1) missing.push(e);
    else unmatched.splice(i, 1);
  }
  if (missing.length || unmatched.length) {
    const lines = [`${result.id}: findings differ (status ${result.status}: ${result.summary})`];
    for (const m of missing) lines.push(`  expected, not found: ${describeFinding(m)}`);
    for (const u of unmatched) lines.push(`  found, not expected: ${describeFinding(u)} — ${u.message}`);
    throw new Error(lines.join('\n'));
  }
}

export interface ValidCase extends CheckInput {
  name: string;
  /** Expected status; default `pass`. */
  status?: Status;
}
export interface InvalidCase extends CheckInput {
  name: string;
  findings: ExpectedFinding[];
  status?: Status;
}

export interface TesterTables {
  valid?: ValidCase[];
  invalid?: InvalidCase[];
  /** The plugin every case's check belongs to (see CheckInput.plugin). */
  plugin?: PluginDefinition;
}

type Describe = (name: string, fn: () => void) => void;
type It = (name: string, fn: () => Promise<void>) => void;

/** ESLint-style tester: `CheckTester.run(check, { valid: [...], invalid: [...] })`. */
export class CheckTester {
  /** Set these to your framework's functions when it has no globals (vitest without `globals`). */
  static describe: Describe | undefined;
  static it: It | undefined;

  static cases(check: Check, tables: TesterTables): { name: string; run: () => Promise<void> }[] {
    // The tables' plugin is every case's, unless a case names its own.
    const withPlugin = <C extends CheckInput>(c: C): C => (tables.plugin && !c.plugin ? { ...c, plugin: tables.plugin } : c);
    const valid = (tables.valid ?? []).map(withPlugin).map((c) => ({
      name: `valid: ${c.name}`,
      run: async () => {
        const r = await runCheck(check, c);
        const want = c.status ?? 'pass';
        if (r.status !== want) throw new Error(`${check.id}: expected status ${want}, got ${r.status} (${r.summary})`);
        if (want === 'pass') assertFindings(r, []);
      },
    }));
    const invalid = (tables.invalid ?? []).map(withPlugin).map((c) => ({
      name: `invalid: ${c.name}`,
      run: async () => {
        const r = await runCheck(check, c);
        assertFindings(r, c.findings);
        if (c.status && r.status !== c.status) throw new Error(`${check.id}: expected status ${c.status}, got ${r.status}`);
      },
    }));
    return [...valid, ...invalid];
  }

  static run(check: Check, tables: TesterTables): void {
    const g = globalThis as unknown as { describe?: Describe; it?: It };
    const describe = CheckTester.describe ?? g.describe;
    const it = CheckTester.it ?? g.it;
    if (!describe || !it) throw new Error('CheckTester.run needs describe/it: set CheckTester.describe and CheckTester.it');
    describe(check.id, () => {
      for (const c of CheckTester.cases(check, tables)) it(c.name, c.run);
    });
  }
}
