// `golive report <run.json>`: re-render a saved JSON report in any format.
import os from 'node:os';
import type { Command } from 'commander';
import { FORMATS } from '../report/formats.js';
import { Option } from 'commander';
import { GoliveError } from '../errors.js';
import type { Output } from '../output/boundary.js';
import { collectList, linkOptions, oneOf, parseUrlOption, terminalWidth, useColor } from './shared.js';


export function registerReport(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('report')
    .description('re-render a saved JSON report (from `golive check --format json`)')
    .argument('<file>', 'a JSON report, or with --verify a rehearsal sign-off (.json, .md or .html)')
    .option('--verify', 'check a rehearsal sign-off: digest, Ed25519 signature and pinned signer (rehearsal.signers); exit 0 if valid, 1 if not')
    .option('--online', 'with --verify: re-read every payment and subscription it names at MintCash with the keys from the environment')
    .option('-c, --config <file>', 'with --verify: the config with rehearsal.signers and api.baseUrl (default: golive.config.* here)')
    .option('--policy <file>', 'with --verify: take the signers from this trusted policy (default: $GOLIVE_POLICY)')
    .option('--policy-ref <ref>', 'with --verify: take the signers from the config on this revision, e.g. origin/main')
    .option('--api-base-url <url>', 'with --online: where the MintCash API is (default: $GOLIVE_API_BASE_URL, else config api.baseUrl)', parseUrlOption)
    .option('--allow-live-host <host>', 'with --online: let live keys go to this host too (e.g. an egress proxy); repeatable, or $GOLIVE_ALLOW_LIVE_HOST', collectList)
    .addOption(new Option('-f, --format <format>', 'output format').argParser(oneOf(FORMATS, '--format')).default('pretty'))
    .option('-o, --output <file>', 'write to a file instead of stdout ("-" is stdout)')
    .option('-v, --verbose', 'show evidence and notes for every check')
    .addHelpText('after', `
With --verify the pinned signers are policy: in CI take them from the base branch (--policy-ref) or a trusted file
(--policy, GOLIVE_POLICY), so a change under review cannot pin its own key.

With --online the keys go only where \`golive check\` would send them: live keys only to
https://api.mintcash.me, unless --api-base-url (or GOLIVE_API_BASE_URL) names another URL and
--allow-live-host (or GOLIVE_ALLOW_LIVE_HOST) its host; golive then says so before sending.

Examples:
  $ golive report golive-report/golive-report.json --format html --output report.html
  $ golive report run.json --format markdown
  $ golive report --verify golive-rehearsal/golive-rehearsal-<id>.json
  $ golive report --verify --policy-ref origin/main golive-rehearsal/golive-rehearsal-<id>.json
  $ golive report --verify --online golive-rehearsal/golive-rehearsal-<id>.json
  $ golive report --verify --online --api-base-url http://127.0.0.1:4010 golive-rehearsal/golive-rehearsal-<id>.json`)
    .action(async (file: string, flags: { format: (typeof FORMATS)[number]; output?: string; verbose?: boolean; verify?: boolean; online?: boolean; config?: string; apiBaseUrl?: string; allowLiveHost?: string[]; policy?: string; policyRef?: string }) => {
      if (flags.online && !flags.verify) throw new GoliveError('USAGE', '--online goes with --verify', { suggestion: `Run \`golive report --verify --online ${file}\`.` });
      if ((flags.policy || flags.policyRef !== undefined) && !flags.verify) throw new GoliveError('USAGE', '--policy and --policy-ref go with --verify', { suggestion: 'A saved report is re-rendered as it was judged; the policy applies when verifying a sign-off.' });
      if (flags.verify) {
        const [{ runVerifyCommand }, { loadConfigPolicy }, { builtinChecks }] = await Promise.all([import('../rehearsal/verify.js'), import('./shared.js'), import('../../checks/index.js')]);
        const policyFile = flags.policy ?? (process.env.GOLIVE_POLICY || undefined);
        const { config, resolved, changes } = await loadConfigPolicy(
          process.cwd(),
          flags.config,
          { ...(policyFile ? { policyFile } : {}), ...(flags.policyRef !== undefined ? { policyRef: flags.policyRef } : {}) },
          new Set(builtinChecks.map((c) => c.id)),
        );
        if (changes.length > 0) {
          const from = resolved.origin.source === 'ref' ? `${resolved.origin.file ?? 'the defaults'} on ${resolved.origin.ref}` : `the policy file ${resolved.origin.file}`;
          output.err.line(`golive: warning: the working tree's config weakens ${from} in ${changes.length} way${changes.length === 1 ? '' : 's'} (${changes.map((c) => c.key).join(', ')}); the trusted values apply`);
        }
        // Every line quotes the sign-off (untrusted): one safe line each, through the boundary.
        const io = { env: process.env, out: (l: string) => output.out.line(output.clean(l)), err: (l: string) => output.err.line(output.clean(l)) };
        const { operatorApi } = await import('../mintcash/hosts.js');
        const { api, problems } = operatorApi(flags, process.env);
        if (problems.length > 0) throw new GoliveError('USAGE', problems[0]!, { suggestion: 'Pass a URL like https://api.mintcash.me and hosts like proxy.example.com or 127.0.0.1:8443.' });
        setCode(await runVerifyCommand(file, config, { online: flags.online, api }, io));
        return;
      }
      const [{ readReport }, { ReportOutput }] = await Promise.all([import('../report/load.js'), import('../report/write.js')]);
      // A saved report is untrusted input too: it leaves through the same boundary as a fresh run.
      const report = await readReport(file);
      const reports = new ReportOutput(report, output, { relativeTo: { root: process.cwd(), home: os.homedir() } });
      const toStdout = !flags.output || flags.output === '-';
      const color = toStdout && flags.format === 'pretty' && useColor(output.out, process.env);
      const links = linkOptions(process.env);
      const { invocation } = await import('./invocation.js');
      const opts = { color, verbose: Boolean(flags.verbose), command: invocation(process.env), width: terminalWidth(toStdout ? output.out : undefined), ...(links ? { links } : {}) };
      if (toStdout) reports.toStream(output.out, flags.format, opts);
      else await reports.toFile(flags.output!, flags.format, opts);
      // The exit code reflects the saved gate, so a re-render can still gate a pipeline.
      setCode(report.summary.gate === 'pass' ? 0 : 1);
    });
}
