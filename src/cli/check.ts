// `golive check [dir]`: run the checklist over a merchant repository and act as a CI gate.
// Never prompts. The exit code is the verdict: 0 pass, 1 fail, 2 usage/config/tool error.
import type { Command } from 'commander';
import type { Output } from '../output/boundary.js';
import { FORMATS } from '../report/formats.js';
import { Option } from 'commander';
import { collectList, oneOf, parseUrlOption, useColor } from './shared.js';

export interface CheckFlags {
  config?: string;
  /** --policy: the trusted policy file (outranks --policy-ref and GOLIVE_POLICY). */
  policy?: string;
  /** --policy-ref: read the trusted policy from the config on this revision. */
  policyRef?: string;
  /** Every --format, in order; the i-th pairs with the i-th --output. */
  format?: string[];
  output?: string[];
  reportDir?: string;
  offline?: boolean;
  only?: string[];
  skip?: string[];
  failOn: 'error' | 'warning';
  /** --history: true for every commit, or a revision range such as origin/main..HEAD. */
  history?: boolean | string;
  webhookUrl?: string;
  apiBaseUrl?: string;
  allowLiveHost?: string[];
  requireRehearsal?: boolean;
  requireFirstWeek?: boolean;
  baseline?: string;
  dotenv?: string;
  envFile?: string;
  verbose?: boolean;
  /** --color / --no-color; undefined: decide from the terminal, NO_COLOR and FORCE_COLOR. */
  color?: boolean;
  quiet?: boolean;
  freshOutput?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const formatArg = Object.assign((value: string, previous: string[] = []): string[] => [...previous, oneOf(FORMATS, '--format')(value)], { choices: FORMATS });

export const CHECK_HELP = `
Formats (--format): ${FORMATS.join(', ')}. Default: pretty, to stdout.

Several reports in one run: give --format and --output in pairs; the first --format goes to the
first --output, and so on. "-o -" is stdout (at most one report can go there).
  $ golive check --format sarif --output golive.sarif --format junit --output golive.xml --format pretty --output -

Secrets come only from the environment: MINTCASH_PUBLIC_KEY, MINTCASH_SECRET_KEY,
MINTCASH_WEBHOOK_SECRET (names configurable), or --dotenv <file>. (--env-file=<file> is accepted
as an alias; written with a space, Node itself claims --env-file and stops if the file is missing.)

Where keys are sent: live keys only over HTTPS to https://api.mintcash.me. The repository config
(api.baseUrl) can point test keys at the sandbox or this machine, never live keys anywhere else.
To send live keys elsewhere on purpose (an egress proxy), name the URL and its host outside the
repository: --api-base-url (or GOLIVE_API_BASE_URL) and --allow-live-host (or
GOLIVE_ALLOW_LIVE_HOST); golive prints that host on stderr before sending anything.

Config: --config, else the nearest golive.config.{json,yaml,yml} from the target directory up to
the repository root. Colour: --color/--no-color, else on for a terminal unless NO_COLOR is set.

Trusted policy (what the gate requires: checks off, waivers, signers, plugins, hosts, ignore
globs): --policy <file> or GOLIVE_POLICY (a config kept outside the repository), else with
--policy-ref <ref> the config as it is on that revision (git's copy, never the working tree), else
the working tree's config. In CI on a pull request, pass the base branch so the change under review
cannot decide its own verdict: what it weakens is a blocking policy.unchanged finding and the
trusted values govern the run. Fetch the base first (actions/checkout with fetch-depth: 0).
  $ golive check --policy-ref origin/main
  $ golive check --policy-ref "origin/$GITHUB_BASE_REF"
  $ GOLIVE_POLICY=/etc/golive/policy.json golive check

History: --history scans every commit of every ref; --history <range> only that range (git's
A..B: commits in B and not in A), e.g. the pull request's commits, origin/main..HEAD. A range this
clone cannot resolve is an error (exit 2) that names what to fetch.

Files run: given files instead of a directory, golive judges only those files (paths relative to
the current directory, which is the root) with the checks whose verdict on a file rests on that
file alone: committed keys, test keys and sandbox URLs in production config, signature compares,
the HMAC input and externalId at each create call. Static and offline; the verdict is scoped.
It is what the pre-commit hook runs (.pre-commit-hooks.yaml).

Exit codes:
  0    gate passed
  1    gate failed (a check failed, errored or is pending; with --fail-on warning, also a warning)
  2    usage or config error, or tool failure
  130  interrupted (Ctrl-C); 143 terminated; 141 output closed by its reader

Examples:
  $ golive check
  $ golive check ./shop --offline --only credentials
  $ golive check --format sarif --output golive.sarif --report-dir golive-report
  $ golive check --format json -o - --quiet > golive.json
  $ golive check --history --fail-on warning
  $ golive check --history origin/main..HEAD      only a pull request's commits
  $ golive check src/config.ts .env.production     a files run (pre-commit): static checks on these files
  $ golive check --fresh-output --format sarif --output ci-reports/golive.sarif
  $ golive check --baseline previous/golive-report.json
  $ golive check --require-rehearsal --api-base-url http://127.0.0.1:4010   (practice: test keys, emulator)
  $ golive check --api-base-url https://mc-egress.corp.example --allow-live-host mc-egress.corp.example`;

export function registerCheck(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('check')
    .description('run the go-live checklist over a merchant repository (never prompts)')
    .argument('[paths...]', 'the merchant repository (default: .), or files to judge alone (a files run, as a pre-commit hook passes them)')
    .option('-c, --config <file>', 'config file (default: the nearest golive.config.{json,yaml,yml} up to the repository root)')
    .option('--policy <file>', 'the trusted policy: a golive config kept outside the repository (default: $GOLIVE_POLICY)')
    .option('--policy-ref <ref>', 'read the trusted policy from the config on this revision, e.g. origin/main (in CI: the base branch)')
    .option('-f, --format <format>', `report format: ${FORMATS.join(', ')} (repeat, paired with --output)`, formatArg)
    .option('-o, --output <file>', 'write the report to a file; "-" is stdout (repeat, paired with --format)', collect)
    .option('--report-dir <dir>', 'also write json, md, html, sarif and junit reports into dir')
    .option('--offline', 'no network: network checks become skip')
    .option('--only <ids>', 'run only these checks or sections (comma-separated)', collectList)
    .option('--skip <ids>', 'skip these checks or sections (comma-separated)', collectList)
    .addOption(new Option('--fail-on <level>', 'lowest severity that fails the gate').argParser(oneOf(['error', 'warning'] as const, '--fail-on')).default('error'))
    .option('--history [range]', 'also scan git history for keys: every commit, or only a range such as origin/main..HEAD (a pull request)')
    .option('--webhook-url <url>', 'the deployed live webhook endpoint to probe', parseUrlOption)
    .option('--api-base-url <url>', 'where the MintCash API is (default: $GOLIVE_API_BASE_URL, else config api.baseUrl); for practice against the emulator. Live keys go only to MintCash\'s live API host', parseUrlOption)
    .option('--allow-live-host <host>', 'let live keys go to this host too (e.g. an egress proxy named by --api-base-url); repeatable, or $GOLIVE_ALLOW_LIVE_HOST', collectList)
    .option('--require-rehearsal', 'the dress rehearsal must be complete (see `golive rehearse`)')
    .option('--require-first-week', 'the first week must be proven by a signed report (see `golive monitor --sign`)')
    .option('--baseline <report.json>', 'a previous JSON report: only new findings fail')
    .option('--dotenv <file>', 'a rendered production env file (KEY=value lines) to read keys from')
    .option('--fresh-output', 'create every report file anew: refuse one that exists, a symlink, or a symlinked directory (O_EXCL|O_NOFOLLOW; the Action uses it)')
    .addOption(new Option('--env-file <file>', 'alias of --dotenv (write --env-file=<file>)').hideHelp())
    .option('--color', 'colour the pretty output even when not on a terminal')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only the reports asked for and errors: no progress, no pretty report by default')
    .option('-v, --verbose', 'show evidence and notes for every check')
    .addHelpText('after', CHECK_HELP)
    .action(async (paths: string[], flags: CheckFlags) => {
      const { runCheckCommand } = await import('./check-run.js');
      setCode(await runCheckCommand(paths, flags, { env: process.env, output, color: useColor }));
    });
}
