// `golive monitor [dir]`: the checklist's first week, measured from the merchant's own access log,
// app log and data exports. Exit 0 healthy (or pending), 1 an alert, 2 usage or input error.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Output } from '../output/boundary.js';
import { collectList, oneOf, parseUrlOption } from './shared.js';

export const MONITOR_FORMATS = ['pretty', 'json', 'markdown', 'html', 'openmetrics'] as const;
export const EMIT_KINDS = ['prometheus-rules', 'prometheus-tests', 'grafana', 'datadog'] as const;

export interface MonitorFlags {
  config?: string;
  accessLog?: string[];
  accessLogFormat?: string;
  appLog?: string[];
  events?: string[];
  subscriptions?: string[];
  webhookPath?: string[];
  since?: string;
  until?: string;
  format?: (typeof MONITOR_FORMATS)[number][];
  output?: string[];
  emit?: (typeof EMIT_KINDS)[number];
  printNginxFormat?: boolean;
  reconcile?: boolean;
  apiBaseUrl?: string;
  allowLiveHost?: string[];
  follow?: boolean;
  interval?: string;
  sign?: boolean;
  keyFile?: string;
  signDir?: string;
  operator?: string;
  color?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const formatArg = (value: string, previous: string[] = []): string[] => [...previous, oneOf(MONITOR_FORMATS, '--format')(value)];

export const MONITOR_HELP = `
Inputs (each optional; a metric whose input is missing is "pending" and names it):
  --access-log   the webhook receiver's access log: nginx/Apache combined, any nginx log_format
                 (--access-log-format '<log_format>'), AWS ALB, Cloudflare/JSON lines; globs and
                 rotated .gz files; - for stdin. golive's own probes (x-golive-probe) are excluded.
  --app-log      the application's NDJSON log (pino, winston, bunyan; field map: monitor.appLogFields)
  --events       the webhook event ledger export (one MintCash envelope per line; NDJSON or CSV)
  --subscriptions the subscriptions table export (NDJSON or CSV)
  --reconcile    read-only GET /payments/{id} and /subscriptions/{id} for objects still open in your
                 data (keys from MINTCASH_PUBLIC_KEY/MINTCASH_SECRET_KEY; live keys only to MintCash's
                 live API unless --api-base-url and --allow-live-host name another, as for check):
                 the only way to find events MintCash gave up on.

The four metrics (golive explain monitor):
  delivery    webhook POSTs answered 2xx within 10 s / all POSTs; eventIds with a 2xx / eventIds seen;
              no 2xx after 1 h = persistent failure, after 24 h = lost; p95 answer time vs 2 s and 10 s
  failures    payment.failed by failureCode, once per externalId; spikes vs the trailing 24 h;
              configuration-drift codes (auth, permission, invalid argument) on first sight
  churn       the past_due cohort: recovered, cancelled, still open, by dunning attempt
  request-id  logged MintCash errors with details.requestId, joined to your request or order id

Exit codes: 0 healthy (or pending), 1 an alert, 2 usage or input error.

Examples:
  $ golive monitor --access-log '/var/log/nginx/webhooks.log*' --app-log app.ndjson --events ledger.ndjson
  $ golive monitor --events ledger.csv --subscriptions subscriptions.csv --since 2026-12-01 --until 2026-12-08
  $ golive monitor --format openmetrics -o /var/lib/node_exporter/textfile/golive.prom --quiet
  $ golive monitor --format html -o first-week.html --format json -o first-week.json
  $ golive monitor --reconcile --events ledger.ndjson
  $ golive monitor --follow --access-log /var/log/nginx/webhooks.log --app-log app.ndjson
  $ tail -F /var/log/nginx/webhooks.log | golive monitor --follow --access-log -
  $ golive monitor --emit prometheus-rules > golive-first-week.rules.yml
  $ golive monitor --print-nginx-format
  $ golive monitor --sign        # a signed first-week report for golive check --require-first-week`;

export function registerMonitor(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('monitor')
    .description("measure the checklist's first week (webhook delivery, payment.failed by code, past_due churn, requestId correlation) from your own logs and exports")
    .argument('[dir]', 'the merchant repository (for golive.config.* and sign-offs)', '.')
    .option('-c, --config <file>', 'config file (default: the nearest golive.config.{json,yaml,yml})')
    .option('--access-log <file>', 'access log file, glob or - (repeatable)', collect)
    .option('--access-log-format <format>', 'auto, combined, alb, json, recommended, or an nginx log_format string')
    .option('--app-log <file>', 'application NDJSON log file, glob or - (repeatable)', collect)
    .option('--events <file>', 'webhook event ledger export, NDJSON or CSV (repeatable)', collect)
    .option('--subscriptions <file>', 'subscriptions table export, NDJSON or CSV (repeatable)', collect)
    .option('--webhook-path <path>', 'the path MintCash posts to (default: the path of webhook.url)', collectList)
    .option('--since <time>', 'window start: ISO date/time, or a duration back from now (7d, 24h)')
    .option('--until <time>', 'window end (exclusive): ISO date/time, or a duration back from now')
    .option('-f, --format <format>', `${MONITOR_FORMATS.join(', ')} (repeat, paired with --output)`, formatArg)
    .option('-o, --output <file>', 'write to a file (atomically); - is stdout (repeat, paired with --format)', collect)
    .addOption(new Option('--emit <kind>', 'print monitoring definitions instead: prometheus-rules, prometheus-tests, grafana, datadog').argParser(oneOf(EMIT_KINDS, '--emit')))
    .option('--print-nginx-format', 'print the recommended nginx log_format and exit')
    .option('--reconcile', 'ask MintCash (GET only, rate-limited) about objects still open in your data')
    .option('--api-base-url <url>', 'with --reconcile: the MintCash API (default: $GOLIVE_API_BASE_URL, else config api.baseUrl)', parseUrlOption)
    .option('--allow-live-host <host>', "with --reconcile: let live keys go to this host too (e.g. an egress proxy); repeatable, or $GOLIVE_ALLOW_LIVE_HOST", collectList)
    .option('--follow', 'keep reading the logs as they grow, across log rotation; a live view on a terminal (Ctrl-C, or the end of stdin, stops it)')
    .option('--interval <seconds>', 'with --follow: how often to read new lines (default 2)')
    .option('--sign', 'write a signed first-week report (golive-first-week/) with the operator key')
    .option('--key-file <file>', 'with --sign: the operator Ed25519 key (default as for golive rehearse)')
    .option('--sign-dir <dir>', 'with --sign: where the signed report goes (default <dir>/golive-first-week)')
    .option('--operator <name>', 'with --sign: who signs (default the OS user name)')
    .option('--color', 'colour the pretty output even when not on a terminal')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'no progress, and no pretty report unless asked for')
    .addHelpText('after', MONITOR_HELP)
    .action(async (dir: string, flags: MonitorFlags) => {
      const { runMonitorCommand } = await import('./monitor-run.js');
      setCode(await runMonitorCommand(dir, flags, { env: process.env, output, stdin: process.stdin }));
    });
}
