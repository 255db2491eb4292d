// The commander program. Commander and the command modules load only when a command is parsed,
// and each command's heavy body only when it runs, so start-up stays fast. main() never exits: it
// returns the exit code for bin/golive.js.
import type { Command } from 'commander';
import { GoliveError, describeError } from '../errors.js';
import { VERSION } from '../version.js';
import { runCleanups } from '../cleanup.js';
import { createOutput, type Output } from '../output/boundary.js';
import { oneLine } from '../output/escape.js';
import { Secrets } from '../output/secrets.js';

export const EXIT = { pass: 0, gateFailed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

const EXIT_CODES_HELP = `
Verdicts (golive check):
  Ready to go live                      every item proven, the dress rehearsal included; only items the
                                        trusted policy marks not applicable may be left out (exit 0)
  Ready for the live dress rehearsal    all but the rehearsal proven; next: golive rehearse (exit 0)
  No blockers in the N checks that ran  scoped (--offline/--only/--skip), or a check off, downgraded or
                                        with findings accepted: not a go-live verdict (exit 0)
  Not ready                             something blocks, or nothing was proven (exit 1)

Exit codes:
  0    gate passed
  1    gate failed (a check failed, errored or is pending, or nothing was proven)
  2    usage or config error, or tool failure
  130  interrupted (Ctrl-C)
  141  output closed by its reader (e.g. piped to head)
  143  terminated (SIGTERM)`;

/** What a command gets: where its exit code goes, and the one way out for its bytes. */
export type Register = (program: Command, setCode: (code: number) => void, output: Output) => void;

export async function buildProgram(setCode: (code: number) => void, output: Output): Promise<Command> {
  const [{ Command }, check, fix, list, report, init, emulate, rehearse, monitor, completion] = await Promise.all([
    import('commander'),
    import('./check.js'),
    import('./fix.js'),
    import('./list.js'),
    import('./report.js'),
    import('./init.js'),
    import('./emulate.js'),
    import('./rehearse.js'),
    import('./monitor.js'),
    import('./completion.js'),
  ]);
  const program = new Command('golive')
    .description('Is your MintCash integration ready to go live? Executable go-live checklist, CI gate and dress rehearsal.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (str) => output.out.write(str),
      writeErr: (str) => output.err.write(str),
      outputError: (str, write) => write(`${str.split('\n').filter(Boolean).map(oneLine).join('\n')}\n`),
    })
    .addHelpText('after', `
Examples:
  $ npx golive check                          check the current repository
  $ golive check --format sarif --output golive.sarif
  $ golive check --offline --only credentials  static credential checks only
  $ golive check --policy-ref origin/main      in CI on a pull request: the base branch's config is the policy
  $ golive fix                                show the fixes golive can prove as diffs (--write applies the safe ones)
  $ golive explain credentials.live-keys
  $ golive monitor --access-log access.log --app-log app.ndjson   the first week after launch
${EXIT_CODES_HELP}`);
  program.exitOverride();

  const commands: Register[] = [
    check.registerCheck,
    fix.registerFix,
    list.registerList,
    report.registerReport,
    init.registerInit,
    emulate.registerEmulate,
    rehearse.registerRehearse,
    monitor.registerMonitor,
    completion.registerCompletion,
  ];
  for (const register of commands) register(program, setCode, output);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // (`golive --version` alone is answered by bin/golive.js without loading this bundle.)
  // This run's secrets: those in the environment from the start, so even a usage error masks them;
  // commands teach it what they learn (--dotenv, production config, the key scan).
  const output = createOutput({ secrets: Secrets.fromEnv(process.env), stdout: process.stdout, stderr: process.stderr });
  let code = 0;
  try {
    const program = await buildProgram((c) => (code = c), output);
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    return handleError(e, output);
  } finally {
    await runCleanups();
  }
}

interface CommanderLikeError {
  code: string;
  exitCode: number;
}

/** Commander's own errors (help, version, unknown option…), recognised without importing it. */
function isCommanderError(e: unknown): e is CommanderLikeError {
  const code = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('commander.');
}

/** Prints any error as one line plus its suggestion; maps it to an exit code. Never a stack. */
export function handleError(e: unknown, output: Output): number {
  if (isCommanderError(e)) {
    // Help and version "errors" are normal exits; commander already printed its message.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return e.exitCode === 0 ? 0 : EXIT.usage;
  }
  // Every line passes the output boundary: secrets masked, control characters made visible, no CI command.
  const err = output.err;
  if (e instanceof GoliveError) {
    err.line(`golive: ${oneLine(e.message)}`);
    for (const d of e.details) err.line(/^\s{4}/.test(d) ? `    ${oneLine(d.trim())}` : `  - ${oneLine(d)}`);
    if (e.suggestion) err.line(`  ${oneLine(e.suggestion)}`);
    return e.exitCode;
  }
  err.line(`golive: internal error: ${oneLine(describeError(e))}\n  Please report this with the command you ran.`);
  if (process.env.GOLIVE_DEBUG && e instanceof Error && e.stack) err.line(e.stack.split('\n').map(oneLine).join('\n'));
  return EXIT.usage;
}

/** A hook may return an exit code: a server stopped by Ctrl-C has ended normally (0). */
type InterruptHook = () => void | number | Promise<void | number>;
const interruptHooks = new Set<InterruptHook>();

/** Registers work to finish on Ctrl-C (e.g. saving rehearsal state); returns an unregister function. */
export function onInterrupt(hook: InterruptHook): () => void {
  interruptHooks.add(hook);
  return () => interruptHooks.delete(hook);
}

/**
 * Called by bin/golive.js on SIGINT (130) or SIGTERM (143); hooks get at most 2 s, then every
 * cleanup runs (plugin processes and git stopped and awaited, temp files removed, spinner
 * cleared). Returns the exit code: `signalCode` unless every hook says otherwise.
 */
export async function runInterruptHooks(signalCode: number = EXIT.interrupted): Promise<number> {
  const hooks = [...interruptHooks];
  const all = Promise.allSettled(hooks.map((h) => Promise.resolve().then(h)));
  const settled = await Promise.race([all, new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref())]);
  const codes = (settled ?? []).flatMap((s) => (s.status === 'fulfilled' && typeof s.value === 'number' ? [s.value] : []));
  await runCleanups();
  return codes.length > 0 && codes.length === hooks.length ? Math.max(...codes) : signalCode;
}
