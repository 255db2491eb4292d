// The body of `golive check`, loaded only when the command runs: config, selection, the run with a
// spinner on a TTY, rendering, writing reports, CI integrations and the exit code.
import os from 'node:os';
import path from 'node:path';
import { filterChecks, selectChecks } from '../engine/registry.js';
import { prefetchEvidence, runChecks } from '../engine/runner.js';
import type { Check, RunOptions, RunReport } from '../engine/types.js';
import type { EvidenceMap } from '../evidence/types.js';
import { GoliveError, describeError } from '../errors.js';
import { loadSuppressions } from '../evidence/suppressions.js';
import { EXTENSIONS, FORMATS, type Format } from '../report/formats.js';
import type { RenderOptions } from '../report/index.js';
import { ReportOutput } from '../report/write.js';
import type { Output } from '../output/boundary.js';
import { secretsFromEnv, type Secrets } from '../output/secrets.js';
import { VERSION } from '../version.js';
import { verdictText } from '../report/verdict.js';
import { prestartPlugins } from '../plugins/prestart.js';
import type { CheckFlags } from './check.js';
import { repoContext } from './repo-context.js';
import { assertReadable, linkOptions, loadProject, terminalWidth } from './shared.js';
import { FILE_CHECKS, resolveCheckTarget } from './check-target.js';
import { invocation } from './invocation.js';
import { startProgress } from './progress.js';
import { decideSend, operatorApi, type OperatorApi } from '../mintcash/hosts.js';
import type { GoliveConfig } from '../config/schema.js';
import type { ProgressKind } from '../evidence/types.js';

export interface CliIO {
  env: NodeJS.ProcessEnv;
  /** The output boundary: every byte this command prints, and the run's Secrets. */
  output: Output;
  color: (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv) => boolean;
}

/** One report to produce: a format and a file, or stdout when file is undefined. */
export interface OutputPlan {
  format: Format;
  file?: string;
}

const usage = (message: string, suggestion: string) => new GoliveError('USAGE', message, { suggestion });
const PAIR_HINT = 'Pair each --format with an --output, in order, e.g. --format sarif --output a.sarif --format junit --output b.xml ("-o -" is stdout).';

/** Without --format, a file's extension names its format (golive.sarif → sarif); pretty otherwise. */
function formatOfFile(file: string): Format {
  const ext = path.extname(file).slice(1).toLowerCase();
  const byExt = FORMATS.find((f) => f !== 'pretty' && EXTENSIONS[f] === ext);
  return byExt ?? 'pretty';
}

/**
 * The reports a run writes, from --format/--output pairs. Ambiguity is a usage error rather than a
 * guess: a --format given twice without outputs, unpaired counts, two reports on stdout or one file
 * named twice.
 */
export function planOutputs(formats: readonly string[] = [], outputs: readonly string[] = [], quiet = false): OutputPlan[] {
  const target = (o: string | undefined) => (o === undefined || o === '-' ? {} : { file: o });
  let plan: OutputPlan[];
  if (formats.length > 1 && outputs.length !== formats.length) {
    throw usage(`--format given ${formats.length} times but --output ${outputs.length === 1 ? 'once' : `${outputs.length} times`}`, PAIR_HINT);
  } else if (formats.length <= 1 && outputs.length > 1) {
    throw usage(`--output given ${outputs.length} times but --format ${formats.length === 1 ? 'once' : 'not at all'}`, PAIR_HINT);
  } else if (formats.length === 0) {
    const o = outputs[0];
    plan = o === undefined ? (quiet ? [] : [{ format: 'pretty' }]) : [{ format: o === '-' ? 'pretty' : formatOfFile(o), ...target(o) }];
  } else {
    plan = formats.map((f, i) => ({ format: f as Format, ...target(outputs[i]) }));
  }
  if (plan.filter((p) => p.file === undefined).length > 1) {
    throw usage('more than one report would go to stdout', 'Send at most one report to stdout ("-o -" or a --format without --output); give the others a file.');
  }
  const files = plan.flatMap((p) => (p.file ? [path.resolve(p.file)] : []));
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice) throw usage(`two reports would be written to ${path.relative(process.cwd(), twice) || twice}`, 'Give each --output its own file.');
  return plan;
}

/** A URL as reports may show it: no user name or password. */
function shownUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return undefined;
  }
}

export async function runCheckCommand(paths: string[], flags: CheckFlags, io: CliIO): Promise<number> {
  const plan = planOutputs(flags.format, flags.output, flags.quiet);
  if (flags.dotenv && flags.envFile && path.resolve(flags.dotenv) !== path.resolve(flags.envFile)) {
    throw usage('--dotenv and --env-file name different files', 'Give one env file (--dotenv).');
  }
  const envFile = flags.dotenv ?? flags.envFile;
  const { api, problems: apiProblems } = operatorApi(flags, io.env);
  if (apiProblems.length > 0) throw usage(apiProblems[0]!, 'Pass a URL like https://api.mintcash.me and hosts like proxy.example.com or 127.0.0.1:8443.');
  const target = await resolveCheckTarget(paths, flags);
  const { root, files } = target;
  const { output } = io;
  const policyFile = flags.policy ?? (io.env.GOLIVE_POLICY || undefined);
  const runOptions: RunOptions = {
    offline: Boolean(flags.offline),
    history: target.history,
    ...(target.historyRange ? { historyRange: target.historyRange } : {}),
    ...(files ? { files, scoped: true } : {}),
    requireRehearsal: Boolean(flags.requireRehearsal),
    ...(flags.requireFirstWeek ? { requireFirstWeek: true } : {}),
    ...(flags.webhookUrl ? { webhookUrl: flags.webhookUrl } : {}),
    ...(envFile ? { envFile: path.resolve(envFile) } : {}),
    ...(api.baseUrl || api.allowLiveHosts.length > 0 ? { api } : {}),
  };
  // Counts reported before the spinner exists (evidence prefetched while plugins load) wait for it.
  const shown: { progress?: ReturnType<typeof startProgress> } = {};
  const early: [ProgressKind, number | undefined][] = [];
  const onProgress = (kind: ProgressKind, n?: number) => (shown.progress ? shown.progress.count(kind, n) : early.push([kind, n]));
  let prefetched: ReturnType<typeof prefetchEvidence> | undefined;
  const project = await loadProject(root, flags.config, {
    verbose: Boolean(flags.verbose),
    ...(policyFile ? { policyFile } : {}),
    ...(flags.policyRef !== undefined ? { policyRef: flags.policyRef } : {}),
    env: io.env,
    ...(envFile ? { envFile } : {}),
    secrets: output.secrets,
    // Plugins take a while to load and their sandbox to start: the built-in checks' local
    // evidence is gathered meanwhile.
    onConfig: (config, builtins) => {
      // The sandbox thread and esbuild's process start at once, and the evidence a turn later,
      // after the plugins' compile has gone to esbuild: golive's own thread serves both.
      prestartPlugins(io.env);
      const params = { root, config, options: runOptions, env: io.env, onProgress, ...(flags.only ? { only: flags.only } : {}), ...(flags.skip ? { skip: flags.skip } : {}) };
      setImmediate(() => (prefetched = prefetchEvidence(params, filterChecks(builtins, flags.only, flags.skip))));
    },
  });
  const { configFile, keyLines, registry, policy } = project;
  if (envFile) await assertReadable(envFile, flags.dotenv ? '--dotenv' : '--env-file');
  const config = project.config;
  // Secrets under the variable names this config uses are secrets whatever the names say.
  output.secrets.add(secretsFromEnv(io.env, [config.env.publicKey, config.env.secretKey, config.env.webhookSecret]));
  // An API URL the operator chose is checked at once against the keys at hand (the one send rule):
  // live keys pointed anywhere but MintCash are refused before anything runs.
  if (api.baseUrl) await refuseLiveElsewhere(api, config, io.env, envFile);
  // The rehearsal items always run: without --require-rehearsal they tell the verdict whether the
  // live dress rehearsal is done, but do not block the gate (decideGate). A files run judges only
  // what files alone can prove (check-target.ts).
  const selected = selectChecks(registry, flags.only, flags.skip).filter((c) => !files || FILE_CHECKS.includes(c.id));
  // Under a trusted policy its check runs in every run, --only or not: a weakening must be seen.
  // Only naming it in --skip leaves it out.
  const policyCheck = registry.byId.get('policy.unchanged');
  const skippedByName = policyCheck !== undefined && !selectChecks(registry, undefined, flags.skip).includes(policyCheck);
  if (policy.source !== 'worktree' && policyCheck && !selected.includes(policyCheck) && !skippedByName) selected.unshift(policyCheck);
  const chosen = new Set(selected.map((c) => c.id));
  const notSelected = registry.checks.filter((c) => !chosen.has(c.id)).map((c) => c.id);
  // The report reader (and its schema) loads only for --baseline.
  const baseline = flags.baseline ? await readBaseline(flags.baseline) : undefined;

  const spinner = startProgress(output.err, io.env, selected.length, { quiet: Boolean(flags.quiet) });
  shown.progress = spinner;
  for (const [kind, n] of early.splice(0)) spinner.count(kind, n);
  let report: RunReport;
  let evidence: Partial<EvidenceMap> = {};
  try {
    report = await runChecks({
      root,
      config,
      options: runOptions,
      checks: selected,
      env: io.env,
      version: VERSION,
      failOn: flags.failOn,
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.skip ? { skip: flags.skip } : {}),
      ...(baseline ? { baseline } : {}),
      ...(notSelected.length > 0 ? { notSelected } : {}),
      evidence: { policy },
      ...(prefetched ? { prefetched } : {}),
      suppressions: (files) => loadSuppressions(root, files),
      // The run teaches the output boundary every secret it gathers (env file, production config, key scan).
      secrets: output.secrets,
      onCheckStart: (c) => spinner.started(c.id),
      onCheckDone: (r) => spinner.done(r.id),
      onProgress,
      onNotice: (line) => output.err.line(line),
      onEvidence: (e) => (evidence = e),
    });
    // Reports other than the terminal's carry the fixes `golive fix` would offer, under their findings.
    const carriesFixes = plan.some((p) => p.format !== 'pretty') || flags.reportDir !== undefined || Boolean(io.env.GITHUB_STEP_SUMMARY);
    if (carriesFixes) await withFixes(report, root, config, selected, io.env, evidence, output.secrets);
  } finally {
    spinner.stop();
  }
  report.target.repo = await repoContext(root, configFile, keyLines);
  // The target as the repository names it: no report carries the runner's or laptop's layout.
  report.target.dir = report.target.repo.path || '.';
  const networkNotSelected = registry.checks.filter((c) => c.kind === 'network' && !chosen.has(c.id)).map((c) => c.id);
  if (networkNotSelected.length > 0) report.summary.networkNotSelected = networkNotSelected;
  report.target.policy = { source: policy.source, ...(policy.ref ? { ref: policy.ref } : {}), ...(policy.commit ? { commit: policy.commit } : {}), ...(policy.file ? { file: policy.file } : {}) };
  const urls = { webhook: shownUrl(flags.webhookUrl ?? config.webhook.url), testWebhook: shownUrl(config.webhook.testUrl), api: shownUrl(api.baseUrl?.url ?? config.api.baseUrl) };
  report.target.urls = Object.fromEntries(Object.entries(urls).filter(([, v]) => v)) as NonNullable<RunReport['target']['urls']>;

  const links = linkOptions(io.env);
  const fileOpts: RenderOptions = { verbose: Boolean(flags.verbose), command: invocation(io.env), ...(links ? { links } : {}) };
  const repoRoot = path.resolve(root, report.target.repo.path ? report.target.repo.path.split('/').map(() => '..').join('/') : '.');
  const reports = new ReportOutput(report, output, { fresh: Boolean(flags.freshOutput), relativeTo: { root: repoRoot, cwd: process.cwd(), home: os.homedir() } });
  for (const out of plan) {
    if (out.file) {
      await reports.toFile(out.file, out.format, { ...fileOpts, width: terminalWidth(undefined) });
    } else {
      const color = out.format === 'pretty' && (flags.color ?? io.color(output.out, io.env));
      reports.toStream(output.out, out.format, { ...fileOpts, color, width: terminalWidth(output.out) });
    }
  }
  if (flags.reportDir) await reports.toDir(flags.reportDir, fileOpts);
  if (io.env.GITHUB_STEP_SUMMARY) {
    // The summary is a courtesy: failing to write it must never change the gate's exit code.
    await reports.appendSummary(io.env.GITHUB_STEP_SUMMARY, fileOpts).catch((e: unknown) => {
      output.err.line(`golive: warning: ${output.clean(describeError(e))}; the gate result stands.`);
    });
  }
  // Workflow commands go to stdout, unless stdout carries a machine-readable report (the runner
  // reads them from stderr as well), so `--format json > x` stays valid JSON.
  if (io.env.GITHUB_ACTIONS === 'true') {
    const machineStdout = plan.some((p) => p.file === undefined && p.format !== 'pretty');
    reports.annotations(machineStdout ? output.err : output.out);
  }
  const written = [...plan.flatMap((p) => (p.file ? [p.file] : [])), ...(flags.reportDir ? [flags.reportDir] : [])];
  if (written.length > 0 && !flags.quiet) {
    output.err.line(`golive: ${verdictText(report).headline}; report written to ${written.map(output.clean).join(' and ')}`);
  }
  return report.summary.gate === 'pass' ? 0 : 1;
}

/**
 * `--api-base-url` (or GOLIVE_API_BASE_URL), for practice against the emulator or the sandbox, or an
 * egress proxy: with a live key at hand (environment or --dotenv), refused before anything runs
 * unless the send rule lets live keys go there (MintCash's live API, or a host also named in
 * --allow-live-host / GOLIVE_ALLOW_LIVE_HOST).
 */
async function refuseLiveElsewhere(api: OperatorApi, config: GoliveConfig, env: NodeJS.ProcessEnv, envFile: string | undefined): Promise<void> {
  const names = config.env;
  const values = [env[names.publicKey], env[names.secretKey]];
  if (envFile) {
    const { readFile } = await import('node:fs/promises');
    const { parseDotenv } = await import('../evidence/dotenv.js');
    const text = await readFile(envFile, 'utf8').catch(() => '');
    for (const e of parseDotenv(text).entries) if (e.name === names.publicKey || e.name === names.secretKey) values.push(e.value);
  }
  const { keyEnvironment } = await import('../mintcash/environments.js');
  if (!values.some((v) => v && keyEnvironment(v) === 'live')) return;
  const d = decideSend({ operator: api, configUrl: config.api.baseUrl, keys: values });
  if (!d.ok) throw usage(d.message, "For practice, export the test pair (e.g. the emulator's test.env); README \"Where keys are sent\" says how an operator allows another host.");
}

/** Attaches fixes; a fix that cannot be planned is a note, never a failed run. */
async function withFixes(report: RunReport, root: string, config: GoliveConfig, checks: readonly Check[], env: NodeJS.ProcessEnv, evidence: Partial<EvidenceMap>, secrets: Secrets): Promise<void> {
  const { attachFixes, wantsFixes } = await import('../fix/attach.js');
  if (!wantsFixes(report)) return;
  await attachFixes(report, root, config, checks, env, evidence, secrets).catch((e: unknown) => {
    report.notes.push({ source: 'fix', message: `fixes could not be planned: ${describeError(e)}` });
  });
}

async function readBaseline(file: string): Promise<ReturnType<typeof import('../report/load.js').baselineFromReport>> {
  const { baselineFromReport, readReport } = await import('../report/load.js');
  return baselineFromReport(await readReport(file), file);
}
