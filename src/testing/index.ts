// `mintcash-golive/testing`: run one check against evidence tables or a fixture directory through
// the real runner, and assert its findings by message id and location. Framework neutral; with
// vitest or jest, CheckTester.run() registers describe/it blocks like ESLint's RuleTester.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../config/load.js';
import { runChecks } from '../engine/runner.js';
import type { Check, CheckResult, EvidenceKey, RunOptions, Severity, Status } from '../engine/types.js';
import type { EvidenceMap } from '../evidence/types.js';
import { loadSuppressions } from '../evidence/suppressions.js';
import { CHECK_MODULE } from '../engine/types.js';
import { bundlePlugin } from '../plugins/bundle.js';
import { PluginProcess } from '../plugins/host.js';
import { PLUGIN_TIMEOUT_MS, proxyCheck } from '../plugins/load.js';

// The package root, whether this runs from dist/src/testing or (in golive's own tests) src/testing.
const HERE = fileURLToPath(new URL('.', import.meta.url));
const GOLIVE_ROOT = HERE.includes(`${path.sep}dist${path.sep}`) ? path.resolve(HERE, '../../..') : path.resolve(HERE, '../..');
const BUILTIN_DIRS = [path.join(GOLIVE_ROOT, 'checks'), path.join(GOLIVE_ROOT, 'dist', 'checks')];
const started = new Map<string, Promise<PluginProcess>>();

/**
 * A plugin's check runs as the CLI runs it: in its own sandboxed process (one per module and
 * fixture directory, shared by every case), with the same time limit, masked evidence and result
 * validation. golive's built-in checks (and checks not made with defineCheck) run in-process.
 */
async function isolate(check: Check, dir: string | undefined): Promise<Check> {
  const file = (check as unknown as Record<symbol, unknown>)[CHECK_MODULE];
  if (typeof file !== 'string' || check.source || BUILTIN_DIRS.some((d) => file.startsWith(d + path.sep))) return check;
  const key = `${file}\0${dir ?? ''}`;
  let proc = started.get(key);
  if (!proc) {
    proc = bundlePlugin(file).then((b) => new PluginProcess(b.file, [...b.readPaths, ...(dir ? [path.resolve(dir)] : [])], 'all'));
    started.set(key, proc);
  }
  const p = await proc;
  const loaded = await p.start();
  const meta = loaded.checks.find((m) => m.id === check.id);
  if (!meta) throw new Error(`${check.id}: not found among the checks ${file} exports (export it, or the plugin that lists it)`);
  const limit = typeof check.timeoutMs === 'number' ? check.timeoutMs : PLUGIN_TIMEOUT_MS;
  return proxyCheck(meta, check.id, '', p, limit, limit + 20_000);
}

export interface CheckInput {
  /** Evidence by name; required for every `requires` key unless `dir` is given. */
  evidence?: Partial<EvidenceMap>;
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
  const report = await runChecks({
    root,
    config: validateConfig(input.config ?? {}, 'test config'),
    options: { offline: true, history: false, requireRehearsal: false, ...input.options },
    checks: [await isolate(check, input.dir)],
    env: input.env ?? {},
    version: 'test',
    failOn: 'error',
    ...(input.evidence ? { evidence: input.evidence } : {}),
    ...(input.dir ? { suppressions: (files: string[]) => loadSuppressions(root, files) } : {}),
  });
  return report.checks[0]!;
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

type Describe = (name: string, fn: () => void) => void;
type It = (name: string, fn: () => Promise<void>) => void;

/** ESLint-style tester: `CheckTester.run(check, { valid: [...], invalid: [...] })`. */
export class CheckTester {
  /** Set these to your framework's functions when it has no globals (vitest without `globals`). */
  static describe: Describe | undefined;
  static it: It | undefined;

  static cases(check: Check, tables: { valid?: ValidCase[]; invalid?: InvalidCase[] }): { name: string; run: () => Promise<void> }[] {
    const valid = (tables.valid ?? []).map((c) => ({
      name: `valid: ${c.name}`,
      run: async () => {
        const r = await runCheck(check, c);
        const want = c.status ?? 'pass';
        if (r.status !== want) throw new Error(`${check.id}: expected status ${want}, got ${r.status} (${r.summary})`);
        if (want === 'pass') assertFindings(r, []);
      },
    }));
    const invalid = (tables.invalid ?? []).map((c) => ({
      name: `invalid: ${c.name}`,
      run: async () => {
        const r = await runCheck(check, c);
        assertFindings(r, c.findings);
        if (c.status && r.status !== c.status) throw new Error(`${check.id}: expected status ${c.status}, got ${r.status}`);
      },
    }));
    return [...valid, ...invalid];
  }

  static run(check: Check, tables: { valid?: ValidCase[]; invalid?: InvalidCase[] }): void {
    const g = globalThis as unknown as { describe?: Describe; it?: It };
    const describe = CheckTester.describe ?? g.describe;
    const it = CheckTester.it ?? g.it;
    if (!describe || !it) throw new Error('CheckTester.run needs describe/it: set CheckTester.describe and CheckTester.it');
    describe(check.id, () => {
      for (const c of CheckTester.cases(check, tables)) it(c.name, c.run);
    });
  }
}
