// `golive rehearse [dir]`: the interactive, resumable live dress rehearsal (checklist section 4).
// The body lives in rehearse-run.ts and is imported only when the command runs.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { collectList, parseUrlOption } from './shared.js';
import type { Output } from '../output/boundary.js';

export interface RehearseFlags {
  config?: string;
  answers?: string;
  resume?: boolean;
  new?: boolean;
  dryRun?: boolean;
  report?: boolean;
  reportDir?: string;
  amount?: number;
  amountCap?: number;
  currency?: string;
  apiBaseUrl?: string;
  allowLiveHost?: string[];
  returnUrl?: string;
  pollInterval?: number;
  pollMax?: number;
  keyFile?: string;
  webhookUrl?: string;
  cleanup?: boolean;
  takeOver?: boolean;
}

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

export function registerRehearse(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('rehearse')
    .description('the live dress rehearsal: charge, settlement, refund, renewal and cancel, resumable, with a signed report')
    .argument('[dir]', 'the merchant repository (state goes to <dir>/.golive/rehearsals/)', '.')
    .option('-c, --config <file>', 'config file (default: golive.config.{json,yaml,yml} in dir)')
    .option('--answers <file>', 'answer the questions from a JSON/YAML file (no terminal needed)')
    .option('--resume', 'resume the latest unfinished rehearsal without asking')
    .option('--new', 'start a new rehearsal even if one is unfinished')
    .option('--dry-run', 'print every API call it would make; send nothing')
    .option('--report', 'write the sign-off of the latest rehearsal (partial if unfinished) and exit; re-renders, never re-dates')
    .option('--cleanup', 'refund every unrefunded rehearsal charge and cancel every active or past_due rehearsal subscription (typed confirmation)')
    .option('--take-over', 'continue a rehearsal another terminal holds (that terminal can then save nothing)')
    .option('--report-dir <dir>', 'where the sign-off goes (default <dir>/golive-rehearsal)')
    .option('--amount <minor>', 'charge amount in minor units (default 100 = 1.00)', intArg('--amount', 1, 100_000))
    .option('--amount-cap <minor>', 'refuse amounts above this, in minor units (default 100)', intArg('--amount-cap', 1, 100_000))
    .option('--currency <code>', 'ISO 4217 currency (default USD or config rehearsal.currency)')
    .option('--api-base-url <url>', 'MintCash API base URL (default: $GOLIVE_API_BASE_URL, else config api.baseUrl; the emulator prints its own)', parseUrlOption)
    .option('--allow-live-host <host>', 'let live keys go to this host too (e.g. an egress proxy named by --api-base-url); repeatable, or $GOLIVE_ALLOW_LIVE_HOST', collectList)
    .option('--webhook-url <url>', 'your deployed webhook endpoint, probed in preflight (default config webhook.url)', parseUrlOption)
    .option('--return-url <url>', 'where the hosted page sends the browser after paying', parseUrlOption)
    .option('--poll-interval <ms>', 'time between status checks', intArg('--poll-interval', 10, 600_000))
    .option('--poll-max <n>', 'status checks before pausing', intArg('--poll-max', 1, 10_000))
    .option('--key-file <path>', 'your Ed25519 signing key (default ~/.config/golive/operator-ed25519.pem; created on first use)')
    .addHelpText('after', `
Keys come from the environment (MINTCASH_PUBLIC_KEY, MINTCASH_SECRET_KEY, MINTCASH_WEBHOOK_SECRET;
names configurable). Live keys go only to https://api.mintcash.me: the repository config cannot
send them elsewhere; another host needs both --api-base-url and --allow-live-host (or
GOLIVE_API_BASE_URL and GOLIVE_ALLOW_LIVE_HOST), and golive announces it before sending. Practise
with test keys against the sandbox or \`golive emulate\` (a practice run probes your endpoint with
test events).

Examples:
  $ golive rehearse                         start or resume, interactively
  $ golive rehearse --dry-run               show every call, move nothing
  $ golive rehearse --api-base-url http://127.0.0.1:4010 --webhook-url http://127.0.0.1:3000/hook
  $ golive rehearse --api-base-url http://127.0.0.1:4010 --answers answers.yaml
  $ golive rehearse --cleanup               refund and cancel what earlier rehearsals left behind
  $ golive rehearse --take-over             continue here when the other terminal is gone
  $ GOLIVE_API_BASE_URL=https://mc-egress.corp.example GOLIVE_ALLOW_LIVE_HOST=mc-egress.corp.example golive rehearse
  $ golive rehearse --report                write a (partial) sign-off now
  $ golive report --verify golive-rehearsal/golive-rehearsal-<id>.json`)
    .action(async (dir: string, flags: RehearseFlags) => {
      const [{ runRehearseCommand }, { onInterrupt }] = await Promise.all([import('./rehearse-run.js'), import('./main.js')]);
      setCode(await runRehearseCommand(dir, flags, { env: process.env, output, stdin: process.stdin, onInterrupt }));
    });
}
