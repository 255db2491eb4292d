// The body of `golive monitor`, loaded only when the command runs: inputs from flags and config,
// the streaming read with progress, --reconcile, the reports, --follow's live view, --emit and
// --sign. Every byte leaves through the output boundary (output/boundary.ts): the report's strings
// are masked with the run's Secrets before any renderer sees them, rendered text is masked again
// on its way to a file, and stdout/stderr add the CI command rule. Only bin/golive.js exits.
import os from 'node:os';
import path from 'node:path';
import { GoliveError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { defaultMonitorConfig, type MonitorConfig } from '../monitor/config.js';
import { Follower, type ReadInto } from '../monitor/follow.js';
import { expandInputs, isGzip, openSource, type Source } from '../monitor/lines.js';
import { Monitor } from '../monitor/run.js';
import { renderMonitor, type MonitorFormat } from '../monitor/render/index.js';
import { NGINX_SNIPPET } from '../monitor/access-formats.js';
import type { MonitorReport } from '../monitor/types.js';
import type { Output } from '../output/boundary.js';
import { cleanDeep, type LogFormat } from '../output/escape.js';
import { secretsFromEnv } from '../output/secrets.js';
import { writeText } from '../report/write.js';
import { VERSION } from '../version.js';
import { startProgress } from './progress.js';
import { onInterrupt } from './main.js';
import { terminalWidth, useColor } from './shared.js';
import type { MonitorFlags } from './monitor.js';

export interface MonitorIO {
  env: NodeJS.ProcessEnv;
  /** The one way out for golive's bytes. */
  output: Output;
  stdin: NodeJS.ReadableStream;
  now?: () => number;
}

const LOG_FORMAT: Record<MonitorFormat, LogFormat> = { pretty: 'text', markdown: 'markdown', json: 'json', html: 'html', openmetrics: 'text' };

const usage = (message: string, suggestion: string) => new GoliveError('USAGE', message, { suggestion });

/** ISO date/time, or `7d`/`24h`/`30m` back from now. */
export function parseTime(value: string, flag: string, now: number): number {
  const rel = /^(\d+(?:\.\d+)?)\s*(d|h|m)$/.exec(value.trim());
  if (rel) return now - Number(rel[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm'];
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) throw usage(`${flag}: cannot read "${value}" as a time`, `Give an ISO date or time (2026-12-01, 2026-12-01T12:00:00Z) or a duration back from now (7d, 24h).`);
  return t;
}

interface Plan {
  accessLog: string[];
  appLog: string[];
  events: string[];
  subscriptions: string[];
  webhookPaths: string[];
  accessLogFormat: string;
  monitor: MonitorConfig;
}

function planInputs(flags: MonitorFlags, cfg: { monitor?: MonitorConfig; webhook: { url?: string } }, configDir: string): Plan {
  const monitor = cfg.monitor ?? defaultMonitorConfig();
  // Paths in the config are relative to the config file; flags to the current directory.
  const fromConfig = (list: string[] | undefined) => (list ?? []).map((p) => (p === '-' || path.isAbsolute(p) ? p : path.join(configDir, p)));
  const accessLog = flags.accessLog ?? fromConfig(monitor.accessLog);
  let webhookPaths = flags.webhookPath ?? monitor.webhookPath;
  if (!webhookPaths && cfg.webhook.url) {
    try {
      webhookPaths = [new URL(cfg.webhook.url).pathname];
    } catch {
      webhookPaths = undefined;
    }
  }
  if (accessLog.length > 0 && !webhookPaths?.length) {
    throw usage('the access log needs the webhook path to count MintCash deliveries', 'Set webhook.url in golive.config.json, or give --webhook-path /webhooks/mintcash.');
  }
  const plan: Plan = {
    accessLog,
    appLog: flags.appLog ?? fromConfig(monitor.appLog),
    events: flags.events ?? fromConfig(monitor.events),
    subscriptions: flags.subscriptions ?? fromConfig(monitor.subscriptions),
    webhookPaths: webhookPaths ?? [],
    accessLogFormat: flags.accessLogFormat ?? monitor.accessLogFormat,
    monitor,
  };
  const stdins = [...plan.accessLog, ...plan.appLog, ...plan.events, ...plan.subscriptions].filter((p) => p === '-').length;
  if (stdins > 1) throw usage('more than one input reads stdin (-)', 'Give - to one input at most; pass the others as files.');
  return plan;
}

interface Destination {
  format: MonitorFormat;
  file?: string;
}

function planOutputs(flags: MonitorFlags): Destination[] {
  const formats = flags.format ?? [];
  const outputs = flags.output ?? [];
  if (formats.length > 1 && formats.length !== outputs.length) throw usage(`--format given ${formats.length} times but --output ${outputs.length} times`, 'Pair each --format with an --output, in order ("-o -" is stdout).');
  if (formats.length <= 1 && outputs.length > 1) throw usage(`--output given ${outputs.length} times but --format ${formats.length === 1 ? 'once' : 'not at all'}`, 'Pair each --format with an --output, in order.');
  let plan: Destination[];
  if (formats.length === 0) {
    const o = outputs[0];
    const ext = o ? path.extname(o).slice(1).toLowerCase() : '';
    const byExt: Record<string, MonitorFormat> = { json: 'json', md: 'markdown', html: 'html', prom: 'openmetrics', txt: 'pretty' };
    plan = o === undefined ? (flags.quiet ? [] : [{ format: 'pretty' }]) : [{ format: byExt[ext] ?? 'pretty', ...(o === '-' ? {} : { file: o }) }];
  } else plan = formats.map((f, i) => ({ format: f, ...(outputs[i] && outputs[i] !== '-' ? { file: outputs[i] } : {}) }));
  if (plan.filter((p) => !p.file).length > 1) throw usage('more than one report would go to stdout', 'Give the others a file with --output.');
  return plan;
}

/**
 * Reads every input into the monitor. With --follow, plain log files are read through the follower
 * (which keeps them open) and stdin is left reading: the promise of its end is returned (in an
 * object: an async function's promise would wait for it).
 */
async function readAll(mon: Monitor, plan: Plan, io: MonitorIO, progress: ReturnType<typeof startProgress>, follower: Follower | undefined): Promise<{ stdinRead?: Promise<unknown> }> {
  let stdinRead: Promise<unknown> | undefined;
  mon.progress = (n) => progress.count('lines', n);
  const readers = logReaders(mon, plan);
  for (const [kind, specs, flag] of [['access', plan.accessLog, '--access-log'], ['app', plan.appLog, '--app-log']] as const) {
    if (specs.length === 0) continue;
    progress.started(kind === 'access' ? 'access log' : 'app log');
    for (const src of await expandInputs(specs, flag)) {
      if (follower && src.file && !(await isGzip(src.file))) await follower.add(src.file, kind, readers[kind]);
      else if (follower && !src.file) {
        stdinRead = readers[kind]('-', io.stdin, 1, true);
        // Handled where the view waits for it; until then a failure must not count as unhandled.
        stdinRead.catch(() => undefined);
      }
      else await readers[kind](src.label, await openSource(src, io.stdin), 1, true);
    }
    progress.done(kind === 'access' ? 'access log' : 'app log');
  }
  for (const [which, specs, flag] of [['events', plan.events, '--events'], ['subscriptions', plan.subscriptions, '--subscriptions']] as const) {
    if (specs.length === 0) continue;
    progress.started(which);
    for (const src of await expandInputs(specs, flag)) await mon.readExport(which, src, io.stdin);
    mon.flushProgress();
    progress.done(which);
  }
  return stdinRead ? { stdinRead } : {};
}

/** How access and app log lines reach the monitor, from a file (by name) or stdin (`-`). */
function logReaders(mon: Monitor, plan: Plan): Record<'access' | 'app', ReadInto> {
  const src = (file: string): Source => ({ label: file, file: file === '-' ? null : file });
  return {
    access: (file, stream, first, final) => mon.readAccess(src(file), stream, plan.accessLogFormat, first, !final),
    app: (file, stream, first, final) => mon.readApp(src(file), stream, first, !final),
  };
}

export async function runMonitorCommand(dir: string, flags: MonitorFlags, io: MonitorIO): Promise<number> {
  const now = io.now ?? Date.now;
  const { output } = io;
  if (flags.printNginxFormat) {
    output.out.write(NGINX_SNIPPET);
    return 0;
  }
  const root = path.resolve(dir);
  const { config, file } = await loadConfig(root, flags.config);
  // Secrets under the variable names this config uses are secrets whatever the names say.
  output.secrets.add(secretsFromEnv(io.env, [config.env.publicKey, config.env.secretKey, config.env.webhookSecret]));
  if (flags.emit) {
    const { renderEmit } = await import('../monitor/emit.js');
    const plan = planInputs({ ...flags, accessLog: [] }, config, file ? path.dirname(file) : root);
    const text = renderEmit(flags.emit, { monitor: plan.monitor, webhookPaths: plan.webhookPaths.length ? plan.webhookPaths : ['/webhooks/mintcash'] });
    const out = flags.output?.[0];
    await writeText(output, text, { format: flags.emit === 'grafana' || flags.emit === 'datadog' ? 'json' : 'text', ...(out && out !== '-' ? { file: out } : {}) });
    return 0;
  }
  const plan = planInputs(flags, config, file ? path.dirname(file) : root);
  const outputs = planOutputs(flags);
  const t0 = now();
  const since = flags.since ? parseTime(flags.since, '--since', t0) : undefined;
  const until = flags.until ? parseTime(flags.until, '--until', t0) : undefined;
  if (since !== undefined && until !== undefined && since >= until) throw usage('--since is not before --until', 'Give a window whose start comes before its end.');
  const inputsGiven = [plan.accessLog, plan.appLog, plan.events, plan.subscriptions].filter((l) => l.length > 0).length;
  if (flags.follow && plan.accessLog.length + plan.appLog.length === 0) throw usage('--follow needs --access-log or --app-log', 'Follow the logs that grow; exports are read once.');

  const mon = new Monitor({ config: plan.monitor, webhookPaths: plan.webhookPaths, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}), version: VERSION, trackObjects: Boolean(flags.reconcile), mask: (t) => output.secrets.mask(t) });
  const progress = startProgress(output.err, io.env, inputsGiven, { quiet: Boolean(flags.quiet) || Boolean(flags.follow), unit: 'inputs' });
  const interval = Math.max(0.2, Number(flags.interval ?? 2)) * 1000;
  // A rotated-away file is read for as long as the server may still write to it (until it reopens).
  const follower = flags.follow ? new Follower(Math.max(10_000, 3 * interval)) : undefined;
  let stdinRead: Promise<unknown> | undefined;
  try {
    ({ stdinRead } = await readAll(mon, plan, io, progress, follower));
  } catch (e) {
    await follower?.close();
    throw e;
  } finally {
    progress.stop();
  }
  if (flags.reconcile) {
    const [{ reconcileOpenObjects }, { operatorApi }] = await Promise.all([import('../monitor/reconcile.js'), import('../mintcash/hosts.js')]);
    const { api, problems } = operatorApi(flags, io.env);
    if (problems.length > 0) throw usage(problems[0]!, 'Pass a URL like https://api.mintcash.me and hosts like proxy.example.com or 127.0.0.1:8443.');
    mon.reconcile = await reconcileOpenObjects(mon.openObjects(), { config, env: io.env, api, secrets: output.secrets, announce: (l) => output.err.line(l), limits: plan.monitor.reconcile });
  }
  const color = flags.color ?? useColor(output.out, io.env);
  const render = async (report: MonitorReport) => {
    for (const out of outputs) {
      const ansi = !out.file && out.format === 'pretty' && color;
      const text = renderMonitor(report, out.format, { color: ansi, width: terminalWidth(out.file ? undefined : output.out) });
      await writeText(output, text, { format: LOG_FORMAT[out.format], ansi, ...(out.file ? { file: out.file } : {}) });
    }
  };
  /** The report as every renderer and the signer see it: each string masked and made one line. */
  const safe = (r: MonitorReport) => cleanDeep(r, (t) => output.secrets.mask(t));
  mon.settle();
  let report = safe(mon.report(now()));
  // Only .gz files given: nothing grows, so this is an ordinary run.
  if (follower && (follower.count > 0 || stdinRead)) return follow(mon, report, { follower, stdinRead, interval }, io, flags, safe, render, now);
  await render(report);
  if (flags.sign) {
    const { writeFirstWeekSignOff } = await import('../monitor/signoff.js');
    const written = await writeFirstWeekSignOff(report, { root, keyFile: flags.keyFile, configKeyFile: config.rehearsal?.keyFile, env: io.env, dir: flags.signDir, operator: flags.operator ?? os.userInfo().username });
    if (!flags.quiet) output.err.line(`golive: signed first-week report written to ${written.join(', ')}`);
  }
  const written = outputs.filter((o) => o.file).map((o) => o.file!);
  if (written.length > 0 && !flags.quiet) output.err.line(`golive: first week ${report.status}; report written to ${written.join(' and ')}`);
  report = report as MonitorReport;
  return report.status === 'alert' ? 1 : 0;
}

/**
 * --follow: read what the logs gained every interval, redraw (terminal) or print changes (off one).
 * Ends on Ctrl-C, or when stdin (`-`) closes and no file is followed; then the final report.
 */
async function follow(
  mon: Monitor,
  first: MonitorReport,
  inputs: { follower: Follower; stdinRead: Promise<unknown> | undefined; interval: number },
  io: MonitorIO,
  flags: MonitorFlags,
  safe: (r: MonitorReport) => MonitorReport,
  render: (r: MonitorReport) => Promise<void>,
  now: () => number,
): Promise<number> {
  const { follower, stdinRead, interval } = inputs;
  const { output } = io;
  const tty = output.out.isTTY;
  const what = [follower.count > 0 ? `${follower.count} file${follower.count === 1 ? '' : 's'}` : '', stdinRead ? 'stdin' : ''].filter(Boolean).join(' and ');
  let report = first;
  let lastStatus = '';
  const draw = async () => {
    if (tty) {
      const { renderMonitorPretty } = await import('../monitor/render/pretty.js');
      // The report's strings were cleaned (safe): only golive's own escapes and colours remain.
      output.out.write(`\x1b[H\x1b[2J${renderMonitorPretty(report, { color: flags.color ?? useColor(output.out, io.env), width: terminalWidth(output.out) })}\nfollowing ${what}; Ctrl-C to stop\n`, { ansi: true });
    } else {
      const line = `${report.generatedAt} ${report.status}: ${report.metrics.map((m) => `${m.id} ${m.status}`).join(', ')}`;
      if (line.replace(/^\S+ /, '') !== lastStatus) output.out.line(line);
      lastStatus = line.replace(/^\S+ /, '');
    }
  };
  const refresh = () => {
    mon.settle();
    report = safe(mon.report(now()));
  };
  await draw();
  return new Promise<number>((resolve, reject) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let finished: Promise<number> | undefined;
    /** Ctrl-C (or the end of stdin) ends the view normally: the final report goes where --output said, then the exit code. */
    const finish = (): Promise<number> => {
      if (finished) return finished;
      stopped = true;
      if (timer) clearTimeout(timer);
      finished = (async () => {
        // What the files gained since the last poll counts too; an unterminated last line does not.
        await follower.poll();
        await follower.close();
        refresh();
        await render(report);
        return report.status === 'alert' ? 1 : 0;
      })().catch(() => 2);
      void finished.then(resolve);
      return finished;
    };
    const off = onInterrupt(finish);
    stdinRead?.then(
      () => {
        if (follower.count > 0) return;
        off();
        void finish();
      },
      (e: unknown) => {
        stopped = true;
        if (timer) clearTimeout(timer);
        void follower.close().finally(() => reject(e));
      },
    );
    const tick = async () => {
      if (stopped) return;
      await follower.poll();
      if (stopped) return;
      refresh();
      await draw();
      timer = setTimeout(() => void tick(), interval);
    };
    timer = setTimeout(() => void tick(), interval);
  });
}
