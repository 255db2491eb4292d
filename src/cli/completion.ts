// `golive completion bash|zsh|fish`: print a shell completion script for golive's commands, flags,
// report formats and check ids (read from this very program, so new commands and flags complete).
import { Argument, type Command } from 'commander';
import { SHELLS, type Shell } from './completion-scripts.js';
import type { Output } from '../output/boundary.js';

const HELP = `
Install (then open a new shell):
  bash  golive completion bash > ~/.local/share/bash-completion/completions/golive
  zsh   golive completion zsh > "\${fpath[1]}/_golive"
  fish  golive completion fish > ~/.config/fish/completions/golive.fish

The script lists every command, flag, report format and built-in check id, so completing never
starts golive; run it again after upgrading golive. Plugin check ids are not in it.

Examples:
  $ source <(golive completion bash)
  $ golive completion zsh > ~/.zfunc/_golive`;

export function registerCompletion(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', SHELLS.join(', ')).choices(SHELLS))
    .addHelpText('after', HELP)
    .action(async (shell: Shell) => {
      const [{ completionSpec }, { completionScript }, { builtinChecks }, { SECTIONS }, { VERSION }] = await Promise.all([
        import('./completion-spec.js'),
        import('./completion-scripts.js'),
        import('../../checks/index.js'),
        import('../engine/types.js'),
        import('../version.js'),
      ]);
      const checks = builtinChecks.map((c) => c.id);
      output.out.write(completionScript(shell, completionSpec(program, { checks, selectors: [...SECTIONS, ...checks] }), VERSION));
      setCode(0);
    });
}
