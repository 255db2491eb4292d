// `golive completion bash|zsh|fish`, completing for real: each script is loaded into the real shell
// and asked to complete command lines the way the shell does on TAB (bash: the function `complete -p`
// names, with COMP_WORDS as bash splits them; zsh: an interactive zsh in a pseudo-terminal with
// compinit, recording what reaches compadd; fish: `complete -C`). zsh and fish are tested when
// installed (.ci/run installs them), and skip with the reason otherwise.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { buildProgram } from '../../src/cli/main.js';
import { completionSpec } from '../../src/cli/completion-spec.js';
import { bashScript, offeredWords, SHELLS } from '../../src/cli/completion-scripts.js';
import { FORMATS } from '../../src/report/formats.js';
import { BIN, cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { createOutput } from '../../src/output/boundary.js';

/** Output that goes nowhere: these tests only read the program's commands. */
const QUIET = createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never });

let dir: TempDir;
const scripts: Record<string, string> = {};
let commands: string[];

beforeAll(async () => {
  dir = await tempDir('golive-completion-');
  await mkdir(path.join(dir.dir, 'work/src'), { recursive: true });
  await writeFile(path.join(dir.dir, 'work/srv.txt'), '');
  for (const shell of SHELLS) {
    const r = await execa('node', [BIN, 'completion', shell], { env: cleanEnv(), extendEnv: false });
    scripts[shell] = path.join(dir.dir, `golive.${shell}`);
    await writeFile(scripts[shell]!, r.stdout);
  }
  commands = (await buildProgram(() => undefined, QUIET)).commands.map((c) => c.name());
}, 60_000);
afterAll(async () => {
  await dir.cleanup();
});

const has = async (shell: string) => execa(shell, ['--version']).then(() => true, () => false);

/** What each shell should offer for a command line (the part after the last comma, without a trailing /). */
const CASES: Array<{ line: string; offers: string[] | (() => string[]); exact?: boolean }> = [
  { line: 'golive ', offers: () => commands, exact: true },
  { line: 'golive ch', offers: ['check'], exact: true },
  { line: 'golive -', offers: ['-h', '--help', '-V', '--version'], exact: true },
  { line: 'golive check --fo', offers: ['--format'], exact: true },
  { line: 'golive check --format ', offers: [...FORMATS], exact: true },
  { line: 'golive check --format s', offers: ['sarif'], exact: true },
  { line: 'golive check --format=j', offers: ['json', 'junit'], exact: true },
  { line: 'golive check --fail-on w', offers: ['warning'], exact: true },
  { line: 'golive check --only credentials.live-keys,webhook.si', offers: ['webhook.signature'], exact: true },
  { line: 'golive check --skip idem', offers: ['idempotency', 'idempotency.external-id', 'idempotency.external-id-quality'], exact: true },
  { line: 'golive check sr', offers: ['src', 'srv.txt'], exact: true },
  { line: 'golive check --report-dir sr', offers: ['src'], exact: true },
  { line: 'golive explain webhook.si', offers: ['webhook.signature'], exact: true },
  { line: 'golive explain ', offers: builtinChecks.map((c) => c.id), exact: true },
  { line: 'golive list --format ', offers: ['text', 'json', 'markdown'], exact: true },
  { line: 'golive init --environment ', offers: ['live', 'test'], exact: true },
  { line: 'golive completion ', offers: ['bash', 'zsh', 'fish'], exact: true },
];

const norm = (xs: string[]): string[] => [...new Set(xs.map((x) => x.replace(/^--[\w-]+=/, '').replace(/.*,/, '').replace(/\/$/, '')).filter(Boolean))].sort();

function expectOffers(got: Record<string, string[]>): void {
  for (const c of CASES) {
    const want = (typeof c.offers === 'function' ? c.offers() : c.offers).slice().sort();
    expect(norm(got[c.line] ?? []), c.line).toEqual(want);
  }
}

/** bash: COMP_WORDS as bash splits the line (COMP_WORDBREAKS splits at "="), then the function `complete -p golive` names. */
const BASH_DRIVER = `source "$1"
spec=$(complete -p golive) || exit 3
fn=\${spec#*-F }; fn=\${fn%% *}
while IFS= read -r line; do
  read -ra COMP_WORDS <<< "\${line//=/ = }"
  [[ "$line" == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMP_LINE="$line"; COMP_POINT=\${#line}; COMPREPLY=()
  "$fn" golive "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
  printf '<case>%s\\n' "$line"; printf '%s\\n' "\${COMPREPLY[@]}"
done
`;

/** zsh: a real interactive zsh in a pseudo-terminal; ^X completes, then prints <completed>. */
const ZSH_SETUP = `PS1='' PROMPT='' RPROMPT=''
autoload -Uz compinit && compinit -u -D
source "$GOLIVE_COMPLETION_SCRIPT"
zstyle ':completion:*' menu no
# Record what the completion system offers: every candidate passes through compadd.
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a __hits
  builtin compadd -A __hits "$@"
  local h
  for h in $__hits; do print -rn -- $'\\n'"<hit>$h</hit>" > /dev/tty; done
  builtin compadd "$@"
}
_golive_test_complete() { zle complete-word; print -rn -- $'\\n<completed>' > /dev/tty; }
zle -N _golive_test_complete
bindkey '^X' _golive_test_complete
`;
const ZSH_DRIVER = `zmodload zsh/zpty
zpty z zsh -f -i
# Markers are built at run time, so the terminal's echo of a command never matches them. ZLE reads
# once it switches bracketed paste on after a prompt; what is typed earlier would be flushed.
zpty -w z "source \${(q)1}; print '<re''ady>'"
zpty -r z out '*<ready>*2004h*'
while IFS= read -r line; do
  zpty -w -n z "$line"$'\\C-x'
  zpty -r z out '*<completed>*'
  print -r -- "<case>$line"
  print -r -- "$out" | grep -o '<hit>[^<]*</hit>' | sed -e 's/<hit>//' -e 's#</hit>##'
  zpty -w -n z $'\\C-e\\C-u'"print '<ne''xt>'"$'\\n'
  zpty -r z out '*<next>*2004h*'
done
zpty -d z
`;

function parseCases(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cur: string | undefined;
  for (const l of stdout.split('\n')) {
    if (l.startsWith('<case>')) out[(cur = l.slice(6))] = [];
    else if (cur !== undefined && l.trim()) out[cur]!.push(l.split('\t')[0]!.trim());
  }
  return out;
}

const lines = () => `${CASES.map((c) => c.line).join('\n')}\n`;

describe('golive completion', () => {
  it('bash: the script registers _golive for golive, and it completes commands, flags, formats, ids, lists and files', async (ctx) => {
    if (!(await has('bash'))) return ctx.skip('bash is not installed');
    await writeFile(path.join(dir.dir, 'drive.bash'), BASH_DRIVER);
    const r = await execa('bash', ['--norc', '--noprofile', path.join(dir.dir, 'drive.bash'), scripts.bash!], { cwd: path.join(dir.dir, 'work'), input: lines(), env: cleanEnv() });
    expectOffers(parseCases(r.stdout));
    const p = await execa('bash', ['--norc', '-c', `source ${JSON.stringify(scripts.bash)} && complete -p golive`]);
    expect(p.stdout).toBe('complete -F _golive golive');
  });

  it('zsh: completes the same in an interactive zsh with compinit', async (ctx) => {
    if (!(await has('zsh'))) return ctx.skip('zsh is not installed (apt-get install zsh); bash completion is tested above');
    await writeFile(path.join(dir.dir, 'setup.zsh'), ZSH_SETUP);
    await writeFile(path.join(dir.dir, 'drive.zsh'), ZSH_DRIVER);
    const r = await execa('zsh', ['-f', path.join(dir.dir, 'drive.zsh'), path.join(dir.dir, 'setup.zsh')], {
      cwd: path.join(dir.dir, 'work'),
      input: lines(),
      env: cleanEnv({ GOLIVE_COMPLETION_SCRIPT: scripts.zsh!, HOME: dir.dir }),
      timeout: 120_000,
    });
    expectOffers(parseCases(r.stdout));
  }, 150_000);

  it('fish: completes the same through complete -C', async (ctx) => {
    if (!(await has('fish'))) return ctx.skip('fish is not installed (apt-get install fish); bash completion is tested above');
    const program = CASES.map((c) => `echo '<case>${c.line}'; complete -C ${JSON.stringify(c.line)}`).join('\n');
    const r = await execa('fish', ['--no-config', '-c', `source ${JSON.stringify(scripts.fish)}\n${program}`], { cwd: path.join(dir.dir, 'work'), env: cleanEnv({ HOME: dir.dir }) });
    expectOffers(parseCases(r.stdout));
  });

  it('is read from the program: a command or flag added anywhere completes with no change here', () => {
    const program = new Command('golive');
    program.command('monitor').description('the first week').option('--access-log <file>', 'an access log').option('--window <days>', 'days').argument('[dir]');
    const spec = completionSpec(program, { checks: ['a.b'], selectors: ['a', 'a.b'] });
    expect(spec.commands).toEqual([
      {
        name: 'monitor',
        description: 'the first week',
        options: [
          { flags: ['--access-log'], description: 'an access log', value: 'files' },
          { flags: ['--window'], description: 'days', value: 'any' },
          { flags: ['-h', '--help'], description: 'show help' },
        ],
        args: 'dirs',
      },
    ]);
    expect(bashScript(spec, '9.9.9')).toContain('--access-log) _golive_files; return ;;');
  });

  it('offers every format and check id, and refuses an unknown shell in one line (exit 2)', async () => {
    const all = offeredWords(completionSpec(await buildProgram(() => undefined, QUIET), { checks: builtinChecks.map((c) => c.id), selectors: builtinChecks.map((c) => c.id) }));
    for (const w of [...FORMATS, ...builtinChecks.map((c) => c.id), 'completion', '--history']) expect(all).toContain(w);
    const r = await golive(['completion', 'powershell']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("error: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
    const help = await golive(['completion', '--help']);
    expect(help.stdout).toContain('golive completion bash > ~/.local/share/bash-completion/completions/golive');
  });
});
