// `golive check [dir]`: run the checklist over a merchant repository and act as a CI gate.
// Never prompts. The exit code is the verdict: 0 pass, 1 fail, 2 usage/config/tool error.
import type { Command } from 'commander';
import { FORMATS } from '../report/formats.js';
import { Option } from 'commander';
import { collectList, oneOf, parseUrlOption, useColor } from './shared.js';

export interface CheckFlags {
  config?: string;
  format?: string;
  output?: string;
  reportDir?: string;
  offline?: boolean;
  only?: string[];
  skip?: string[];
  failOn: 'error' | 'warning';
  history?: boolean;
  webhookUrl?: string;
  requireRehearsal?: boolean;
  baseline?: string;
  envFile?: string;
  verbose?: boolean;
  quiet?: boolean;
}


export function registerCheck(program: Command, setCode: (code: number) => void): void {
  program
    .command('check')
    .description('run the go-live checklist over a merchant repository (never prompts)')
    .argument('[dir]', 'the merchant repository', '.')
    .option('-c, --config <file>', 'config file (default: golive.config.{json,yaml,yml} in dir)')
    .addOption(new Option('-f, --format <format>', 'output format').argParser(oneOf(FORMATS, '--format')))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--report-dir <dir>', 'also write json, md, html, sarif and junit reports into dir')
    .option('--offline', 'no network: network checks become skip')
    .option('--only <ids>', 'run only these checks or sections (comma-separated)', collectList)
    .option('--skip <ids>', 'skip these checks or sections (comma-separated)', collectList)
    .addOption(new Option('--fail-on <level>', 'lowest severity that fails the gate').argParser(oneOf(['error', 'warning'] as const, '--fail-on')).default('error'))
    .option('--history', 'also scan every commit of git history for keys')
    .option('--webhook-url <url>', 'the deployed live webhook endpoint to probe', parseUrlOption)
    .option('--require-rehearsal', 'the dress rehearsal must be complete (see `golive rehearse`)')
    .option('--baseline <report.json>', 'a previous JSON report: only new findings fail')
    .option('--env-file <path>', 'a rendered production env file to read keys from')
    .option('-v, --verbose', 'show evidence and notes for every check')
    .option('-q, --quiet', 'no progress output on stderr (the report and errors still print)')
    .addHelpText('after', `
Secrets come only from the environment: MINTCASH_PUBLIC_KEY, MINTCASH_SECRET_KEY,
MINTCASH_WEBHOOK_SECRET (names configurable), or --env-file.

Examples:
  $ golive check
  $ golive check ./shop --offline --only credentials
  $ golive check --format sarif --output golive.sarif --report-dir golive-report
  $ golive check --history --fail-on warning
  $ golive check --baseline previous/golive-report.json`)
    .action(async (dir: string, flags: CheckFlags) => {
      const { runCheckCommand } = await import('./check-run.js');
      setCode(await runCheckCommand(dir, flags, { env: process.env, stdout: process.stdout, stderr: process.stderr, color: useColor }));
    });
}
