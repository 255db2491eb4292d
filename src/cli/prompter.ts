// Prompts behind an interface: commands ask through a Prompter, so they can be driven by
// @inquirer/prompts on a terminal, by a scripted answer list in tests, or refuse without a TTY.
import { GoliveError } from '../errors.js';

export interface Choice<T extends string> {
  value: T;
  name?: string;
  description?: string;
  checked?: boolean;
}

export interface Prompter {
  input(opts: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(opts: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(opts: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T extends string>(opts: { message: string; choices: Choice<T>[] }): Promise<T[]>;
}

/** The terminal prompter; @inquirer/prompts is imported only when a prompt is shown. */
export function inquirerPrompter(): Prompter {
  const load = () => import('@inquirer/prompts');
  const wrap = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      // Ctrl-C inside a prompt: inquirer rejects with ExitPromptError.
      if (e instanceof Error && e.name === 'ExitPromptError') throw new GoliveError('INTERRUPTED', 'interrupted');
      throw e;
    }
  };
  return {
    async input(opts) {
      const { input } = await load();
      return wrap(input({ message: opts.message, ...(opts.default !== undefined ? { default: opts.default } : {}), ...(opts.validate ? { validate: opts.validate } : {}) }));
    },
    async confirm(opts) {
      const { confirm } = await load();
      return wrap(confirm({ message: opts.message, ...(opts.default !== undefined ? { default: opts.default } : {}) }));
    },
    async select(opts) {
      const { select } = await load();
      return wrap(select({ message: opts.message, choices: opts.choices, ...(opts.default !== undefined ? { default: opts.default } : {}) }));
    },
    async checkbox(opts) {
      const { checkbox } = await load();
      return wrap(checkbox({ message: opts.message, choices: opts.choices }));
    },
  };
}

/**
 * Answers from a list, in order (tests, scripted practice). An answer that fails validation, or
 * running out of answers, is an error: a script must never hang waiting for input.
 */
export function scriptedPrompter(answers: unknown[]): Prompter & { remaining(): number } {
  const queue = [...answers];
  const next = (message: string): unknown => {
    if (queue.length === 0) throw new GoliveError('USAGE', `no scripted answer left for: ${message}`);
    return queue.shift();
  };
  return {
    remaining: () => queue.length,
    async input(opts) {
      const raw = next(opts.message);
      const value = raw === undefined || raw === null || raw === '' ? (opts.default ?? '') : String(raw);
      const ok = opts.validate ? opts.validate(value) : true;
      if (ok !== true) throw new GoliveError('USAGE', `scripted answer for "${opts.message}" is invalid: ${ok}`);
      return value;
    },
    async confirm(opts) {
      const raw = next(opts.message);
      return raw === undefined || raw === '' ? Boolean(opts.default) : raw === true || raw === 'y' || raw === 'yes';
    },
    async select(opts) {
      const raw = next(opts.message);
      const value = (raw === undefined || raw === '' ? opts.default : raw) as string;
      if (!opts.choices.some((c) => c.value === value)) throw new GoliveError('USAGE', `scripted answer for "${opts.message}" must be one of ${opts.choices.map((c) => c.value).join(', ')}`);
      return value as never;
    },
    async checkbox(opts) {
      const raw = next(opts.message);
      const values = Array.isArray(raw) ? raw.map(String) : [];
      return opts.choices.filter((c) => values.includes(c.value)).map((c) => c.value);
    },
  };
}
