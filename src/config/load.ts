// Finds, parses and validates the config file; reports every problem at once with its path.
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { GoliveError, describeError } from '../errors.js';
import { configSchema, type GoliveConfig } from './schema.js';
import { readRegularFile } from './read.js';

export const CONFIG_NAMES = ['golive.config.json', 'golive.config.yaml', 'golive.config.yml'];

export interface LoadedConfig {
  config: GoliveConfig;
  /** Absolute path of the file, or undefined when defaults apply. */
  file?: string;
}

async function readIfExists(file: string): Promise<string | undefined> {
  return readRegularFile(file, file, 'A config file must be a regular JSON or YAML file; see `golive init`.');
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys that would reach an object's prototype instead of the config: every path that has one. */
function forbiddenKeyProblems(value: unknown, at: PropertyKey[] = []): string[] {
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) out.push(`${formatPath([...at, key])}: the key "${key}" is not allowed`);
    else out.push(...forbiddenKeyProblems((value as Record<string, unknown>)[key], [...at, Array.isArray(value) ? Number(key) : key]));
  }
  return out;
}

/** V8 says `Unexpected token 's', ..."cretKey": sk_l"... is not valid JSON`: find that excerpt. */
function snippetPosition(text: string, message: string): string {
  const m = /Unexpected token '(.)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (!m) return '';
  const at = text.indexOf(m[2]!);
  return at === -1 ? '' : ` at ${lineCol(text, at + Math.max(0, m[2]!.indexOf(m[1]!)))}`;
}

/** Where a JSON error is, when JSON.parse does not say: the YAML parser (JSON is YAML) usually can. */
function yamlPosition(text: string): string {
  try {
    parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError && e.linePos) return ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
  }
  return '';
}

/** `line 3, column 14` for a character offset. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function parseText(file: string, text: string): unknown {
  const isJson = file.endsWith('.json');
  try {
    return isJson ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    // Only the position: the parser's own message quotes the text around the error, which may be
    // a secret someone pasted into the config.
    let where = '';
    if (e instanceof YAMLParseError && e.linePos) where = ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
    else {
      const pos = /position (\d+)/.exec(describeError(e));
      where = pos ? ` at ${lineCol(text, Number(pos[1]))}` : snippetPosition(text, describeError(e)) || yamlPosition(text);
    }
    throw new GoliveError('CONFIG_PARSE', `${path.basename(file)} is not valid ${isJson ? 'JSON' : 'YAML'}${where}`, {
      suggestion: 'Fix the syntax, or run `golive init` to write a fresh config.',
    });
  }
}

function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(root)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** One line per problem, e.g. `webhook.url: expected an http(s) URL`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown key`);
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    } else {
      lines.push(`${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}

/** Validates a parsed object against the schema; throws CONFIG_INVALID listing every problem. */
export function validateConfig(raw: unknown, label: string, knownCheckIds?: ReadonlySet<string>): GoliveConfig {
  const forbidden = forbiddenKeyProblems(raw);
  const result = configSchema.safeParse(raw ?? {});
  const problems = [...forbidden, ...(result.success ? [] : formatIssues(result.error.issues))];
  if (knownCheckIds) {
    // Check ids are judged even when the schema failed, so every problem shows at once. Plugin ids
    // (`ns/name`) are judged later, once the plugins are loaded.
    const refs = result.success ? result.data : { checks: {}, waivers: [], ...(raw as Partial<GoliveConfig>) };
    problems.push(...checkRefProblems(refs, knownCheckIds, { builtinOnly: true }));
  }
  if (problems.length > 0 || !result.success) throw configInvalid(label, [...new Set(problems)]);
  if (forbidden.length > 0) throw configInvalid(label, forbidden);
  return result.data;
}

/** Problems with check ids named in `checks` and `waivers` (known only once plugins are loaded). */
export function checkRefProblems(
  config: Pick<GoliveConfig, 'checks' | 'waivers'>,
  knownCheckIds: ReadonlySet<string>,
  opts: { builtinOnly?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const unknown = (id: unknown) => typeof id === 'string' && !knownCheckIds.has(id) && !(opts.builtinOnly && id.includes('/'));
  const checks = config.checks && typeof config.checks === 'object' ? config.checks : {};
  for (const id of Object.keys(checks)) {
    if (unknown(id)) problems.push(`checks.${id}: unknown check id (see \`golive list\`)`);
  }
  (Array.isArray(config.waivers) ? config.waivers : []).forEach((w, i) => {
    if (!w || typeof w !== 'object') return;
    if (unknown(w.id)) problems.push(`waivers[${i}].id: unknown check id "${w.id}"`);
    if (!w.fingerprint && !w.path) problems.push(`waivers[${i}]: needs a fingerprint or a path to say what it waives`);
  });
  return problems;
}

export function configInvalid(label: string, problems: string[]): GoliveError {
  return new GoliveError('CONFIG_INVALID', `${label} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    details: problems,
    suggestion: 'Fix each line above; the README lists every key and `golive list` every check id.',
  });
}

/** Loads `--config <file>` or the first config file found in dir; defaults when there is none. */
export async function loadConfig(dir: string, explicit?: string, knownCheckIds?: ReadonlySet<string>): Promise<LoadedConfig> {
  if (explicit) {
    const file = path.resolve(explicit);
    const text = await readIfExists(file);
    if (text === undefined) {
      throw new GoliveError('CONFIG_NOT_FOUND', `config file not found: ${explicit}`, {
        suggestion: 'Check the path given to --config, or omit it to use golive.config.json in the target directory.',
      });
    }
    return { config: validateConfig(parseText(file, text), path.basename(file), knownCheckIds), file };
  }
  for (const name of CONFIG_NAMES) {
    const file = path.join(dir, name);
    const text = await readIfExists(file);
    if (text !== undefined) return { config: validateConfig(parseText(file, text), name, knownCheckIds), file };
  }
  return { config: validateConfig({}, 'defaults', knownCheckIds) };
}
