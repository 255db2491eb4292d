// Questions with stable ids. On a terminal they go to the Prompter; with `--answers <file>` they are
// looked up by id. Every answer says where it came from (typed at a terminal, or read from a file
// whose SHA-256 is recorded), so a sign-off never passes a script off as a person. Confirmations of
// receipt or money have no default: Enter alone never confirms them. A missing or invalid scripted
// answer is an error, never a wait (and the whole file is checked up front, see questions.ts).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GoliveError, describeError } from '../errors.js';
import type { Choice, Prompter } from '../cli/prompter.js';
import { NO, YES } from './questions.js';

export type AnswerSource = { via: 'terminal' } | { via: 'answers-file'; file: string; sha256: string };

export interface Asker {
  readonly source: AnswerSource;
  input(id: string, opts: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  /** Yes or no, typed out: no default. */
  yesNo(id: string, opts: { message: string }): Promise<boolean>;
  select<T extends string>(id: string, opts: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  /** One of a few words, typed out: no default (money and receipt confirmations). */
  typedChoice<T extends string>(id: string, opts: { message: string; choices: Choice<T>[] }): Promise<T>;
}

export function askerFromPrompter(p: Prompter): Asker {
  return {
    source: { via: 'terminal' },
    input: (_id, o) => p.input(o),
    async yesNo(_id, o) {
      const v = await p.input({ message: `${o.message} (type yes or no)`, validate: (x) => (YES.test(x.trim()) || NO.test(x.trim()) ? true : 'type yes or no') });
      return YES.test(v.trim());
    },
    select: (_id, o) => p.select(o),
    async typedChoice(_id, o) {
      const words = o.choices.map((c) => c.value);
      const hint = o.choices.map((c) => `  ${c.value}: ${c.name ?? c.value}`).join('\n');
      const v = await p.input({ message: `${o.message}\n${hint}\n  Type ${words.join(' or ')}:`, validate: (x) => (words.includes(x.trim().toLowerCase() as (typeof words)[number]) ? true : `type ${words.join(' or ')}`) });
      return v.trim().toLowerCase() as (typeof words)[number];
    },
  };
}

/** Answers keyed by question id; the same file works for a first run and for every resume. */
export function askerFromMap(answers: Record<string, unknown>, source: AnswerSource = { via: 'answers-file', file: 'answers', sha256: '' }): Asker {
  const label = source.via === 'answers-file' ? source.file : 'the answers';
  const get = (id: string, message: string): unknown => {
    if (!(id in answers)) {
      throw new GoliveError('USAGE', `${label} has no answer for "${id}" (${message.split('\n')[0]})`, {
        suggestion: `Add \`${id}: <answer>\` to ${label}; README "Dress rehearsal" lists every question id.`,
      });
    }
    return answers[id];
  };
  const pick = <T extends string>(id: string, message: string, choices: Choice<T>[]): T => {
    const raw = String(get(id, message));
    const hit = choices.find((c) => c.value === raw);
    if (!hit) throw new GoliveError('USAGE', `answer "${id}" in ${label} must be one of ${choices.map((c) => c.value).join(', ')}`);
    return hit.value;
  };
  return {
    source,
    async input(id, o) {
      const raw = get(id, o.message);
      const value = raw === null || raw === undefined ? (o.default ?? '') : String(raw);
      const ok = o.validate ? o.validate(value) : true;
      if (ok !== true) throw new GoliveError('USAGE', `answer "${id}" in ${label} is invalid: ${ok}`);
      return value;
    },
    async yesNo(id, o) {
      const raw = get(id, o.message);
      const text = typeof raw === 'boolean' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
      if (!YES.test(text) && !NO.test(text)) throw new GoliveError('USAGE', `answer "${id}" in ${label} must be yes or no`);
      return YES.test(text);
    },
    select: async (id, o) => pick(id, o.message, o.choices),
    typedChoice: async (id, o) => pick(id, o.message, o.choices),
  };
}

export interface AnswersFile {
  file: string;
  sha256: string;
  answers: Record<string, unknown>;
  asker: Asker;
}

/** Reads `--answers <file>`: JSON or YAML, a map of question id → answer. */
export async function loadAnswers(file: string): Promise<AnswersFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new GoliveError('IO', `--answers: cannot read ${file}: ${describeError(e)}`, { suggestion: 'Check the path given to --answers.' });
  }
  const text = bytes.toString('utf8');
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new GoliveError('USAGE', `--answers: ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${describeError(e).split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new GoliveError('USAGE', `--answers: ${file} must hold a map of question id → answer`, { suggestion: 'README "Dress rehearsal" lists every question id; a list in order is not accepted, as it cannot be checked up front.' });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const answers = data as Record<string, unknown>;
  return { file, sha256, answers, asker: askerFromMap(answers, { via: 'answers-file', file: path.basename(file), sha256 }) };
}
