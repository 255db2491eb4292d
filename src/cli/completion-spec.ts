// What shell completion knows about golive, read from the commander program itself (commands,
// options, arguments, the values an option accepts) plus the check ids and sections, so a command or
// flag added anywhere completes without touching this file. Pure once given the program.
import type { Argument, Command, Option } from 'commander';

/** What may follow: fixed words (`list`: comma-separated, like --only a,b), files, directories, anything. */
export type Values = { words: readonly string[]; list?: boolean } | 'files' | 'dirs' | 'any';

export interface OptionSpec {
  /** e.g. ['-f', '--format']. */
  flags: string[];
  description: string;
  /** Undefined: a flag that takes no value. */
  value?: Values;
  /** The value is optional (`--history [range]`): the next word may as well be an argument. */
  optionalValue?: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** What the command's arguments are; undefined when it takes none. */
  args?: Values;
  /** The arguments take more than one word (`check [paths...]`). */
  variadic?: boolean;
}

export interface CompletionSpec {
  commands: CommandSpec[];
  globals: OptionSpec[];
}

/** A value parser may carry the words it accepts (shared.ts oneOf tags them). */
type Tagged = { choices?: readonly string[] };

const HELP: OptionSpec = { flags: ['-h', '--help'], description: 'show help' };

/** The value kind a placeholder name suggests: <file>, <report.json>, <dir>, <path>… */
function byName(name: string): Values {
  if (/dir/i.test(name)) return 'dirs';
  if (/file|path|\.json|answers/i.test(name)) return 'files';
  return 'any';
}

function optionValues(o: Option, ids: Ids): Values | undefined {
  if (!o.required && !o.optional) return undefined;
  const words = o.argChoices ?? (o.parseArg as Tagged | undefined)?.choices;
  if (words) return { words };
  if (o.long === '--only' || o.long === '--skip') return { words: ids.selectors, list: true };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? '';
  return byName(placeholder);
}

function argumentValues(a: Argument, ids: Ids): Values {
  if (a.argChoices) return { words: a.argChoices };
  const name = a.name();
  if (name === 'id') return { words: ids.checks };
  if (name === 'paths') return 'files'; // files or the repository directory: the shells offer both
  return byName(name);
}

export interface Ids {
  /** Check ids (`explain <id>`). */
  checks: readonly string[];
  /** What --only/--skip take: ids and sections. */
  selectors: readonly string[];
}

function optionSpec(o: Option, ids: Ids): OptionSpec {
  const flags = [o.short, o.long].filter((f): f is string => Boolean(f));
  const value = optionValues(o, ids);
  return { flags, description: o.description, ...(value ? { value } : {}), ...(o.optional ? { optionalValue: true } : {}) };
}

export function completionSpec(program: Command, ids: Ids): CompletionSpec {
  const commands = program.commands
    .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
    .map((c): CommandSpec => {
      const args = c.registeredArguments;
      const first = args[0];
      return {
        name: c.name(),
        description: c.description(),
        options: [...c.options.filter((o) => !o.hidden).map((o) => optionSpec(o, ids)), HELP],
        ...(first ? { args: argumentValues(first, ids) } : {}),
        ...(first?.variadic ? { variadic: true } : {}),
      };
    });
  return { commands, globals: [HELP, { flags: ['-V', '--version'], description: 'print the version' }] };
}
