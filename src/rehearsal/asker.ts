// Questions with stable ids. On a terminal they go to the Prompter; with `--answers <file>` they are
// looked up by id (a map) or taken in order (a list). A missing or invalid scripted answer is an
// error, never a wait: scripts must not hang.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { GoliveError, describeError } from '../errors.js';
import { scriptedPrompter, type Choice, type Prompter } from '../cli/prompter.js';

export interface Asker {
  input(id: string, opts: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(id: string, opts: { message: string; default?: boolean }): Promise<boolean>;
  select<T extends string>(id: string, opts: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
}

export function askerFromPrompter(p: Prompter): Asker {
  return {
    input: (_id, o) => p.input(o),
    confirm: (_id, o) => p.confirm(o),
    select: (_id, o) => p.select(o),
  };
}

const yes = (v: unknown) => v === true || (typeof v === 'string' && /^(y|yes|true)$/i.test(v.trim()));

/** Answers keyed by question id; the same file works for a first run and for every resume. */
export function askerFromMap(answers: Record<string, unknown>, source = 'the answers file'): Asker {
  const get = (id: string, message: string): unknown => {
    if (!(id in answers)) {
      throw new GoliveError('USAGE', `${source} has no answer for "${id}" (${message})`, {
        suggestion: `Add \`${id}: <answer>\` to ${source}; README "Dress rehearsal" lists every question id.`,
      });
    }
    return answers[id];
  };
  return {
    async input(id, o) {
      const raw = get(id, o.message);
      const value = raw === null || raw === undefined ? (o.default ?? '') : String(raw);
      const ok = o.validate ? o.validate(value) : true;
      if (ok !== true) throw new GoliveError('USAGE', `answer "${id}" in ${source} is invalid: ${ok}`);
      return value;
    },
    async confirm(id, o) {
      const raw = get(id, o.message);
      if (typeof raw !== 'boolean' && typeof raw !== 'string') throw new GoliveError('USAGE', `answer "${id}" in ${source} must be yes or no`);
      return yes(raw);
    },
    async select(id, o) {
      const raw = String(get(id, o.message));
      const hit = o.choices.find((c) => c.value === raw);
      if (!hit) throw new GoliveError('USAGE', `answer "${id}" in ${source} must be one of ${o.choices.map((c) => c.value).join(', ')}`);
      return hit.value;
    },
  };
}

/** Reads `--answers <file>`: JSON or YAML, a map of question id → answer, or a list taken in order. */
export async function loadAnswers(file: string): Promise<Asker> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GoliveError('IO', `--answers: cannot read ${file}: ${describeError(e)}`, { suggestion: 'Check the path given to --answers.' });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new GoliveError('USAGE', `--answers: ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${describeError(e).split('\n')[0]}`);
  }
  if (Array.isArray(data)) return askerFromPrompter(scriptedPrompter(data));
  if (data && typeof data === 'object') return askerFromMap(data as Record<string, unknown>, file);
  throw new GoliveError('USAGE', `--answers: ${file} must hold a map of question id → answer, or a list of answers`);
}
