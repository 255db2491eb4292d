// `golive fix [dir]`: the fixes golive can prove. By default a unified diff of every fix (nothing
// written); --write applies the safe ones; --suggestions lets a person pick suggestions at a
// terminal. Every fix is re-checked in memory before it is shown or written.
import type { Command } from 'commander';
import type { Output } from '../output/boundary.js';
import { collectList, useColor } from './shared.js';

export interface FixFlags {
  config?: string;
  write?: boolean;
  suggestions?: boolean;
  only?: string[];
  skip?: string[];
  color?: boolean;
  quiet?: boolean;
}

export const FIX_HELP = `
Tiers:
  safe         applied by --write: a constant-time compare for a signature compared with ===
               (JS/TS), the length guard crypto.timingSafeEqual needs, a committed production env
               file added to .gitignore and untracked (rotate its key all the same)
  suggestion   applied only when you pick it at a terminal (--suggestions): HMAC over the raw body
               per framework, the environment guard, externalId where a per-intent id is in scope,
               a key literal moved to process.env; text with the exact lines for Python, Go, Ruby,
               PHP and Java
  template     never applied: eventId dedup needs a table or a cache, so golive prints a snippet and
               a migration outline for your framework and database client

Every fix is re-checked before it is shown or written: the file must still parse, the finding it
fixes must be gone and no finding may appear. golive edits only the repository's own source: never
files outside the target, git-ignored, vendored or generated files, or files set aside as not yours.

Exit codes:
  0    nothing left to fix (or every fix you chose was applied)
  1    fixes are available but were not applied (diff mode, or suggestions not picked)
  2    usage or config error, or tool failure
  130  interrupted (Ctrl-C); nothing half-written

Examples:
  $ golive fix                                  show every fix as a diff; nothing is written
  $ golive fix --write                          apply the safe fixes
  $ golive fix --write --suggestions            then pick suggestions one by one
  $ golive fix --only webhook.timing-safe-compare ./services/shop
  $ golive fix > golive-fixes.txt               review the diffs in a file`;

export function registerFix(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('fix')
    .description('show the fixes golive can prove as diffs; --write applies the safe ones')
    .argument('[dir]', 'the merchant repository', '.')
    .option('-c, --config <file>', 'config file (default: the nearest golive.config.{json,yaml,yml} up to the repository root)')
    .option('--write', 'apply the safe fixes (each re-checked first)')
    .option('--suggestions', 'pick suggestions one by one (needs a terminal; never applied otherwise)')
    .option('--only <ids>', 'fix only findings of these checks or sections (comma-separated)', collectList)
    .option('--skip <ids>', 'leave findings of these checks or sections alone (comma-separated)', collectList)
    .option('--color', 'colour the diff even when not on a terminal')
    .option('--no-color', 'never colour the output')
    .option('-q, --quiet', 'print only what was written, and errors')
    .addHelpText('after', FIX_HELP)
    .action(async (dir: string, flags: FixFlags) => {
      const [{ runFixCommand }, { inquirerPrompter }] = await Promise.all([import('./fix-run.js'), import('./prompter.js')]);
      const interactive = Boolean(process.stdin.isTTY && output.out.isTTY);
      setCode(await runFixCommand(dir, flags, { env: process.env, output, color: useColor, interactive, prompter: inquirerPrompter() }));
    });
}
