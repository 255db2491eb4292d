// Finds, parses and validates the config file; reports every problem at once with its path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { GoliveError, describeError } from '../errors.js';
import { configSchema, type GoliveConfig } from './schema.js';

export const CONFIG_NAMES = ['golive.config.json', 'golive.config.yaml', 'golive.config.yml'];

export interface LoadedConfig {
  config: GoliveConfig;
  /** Absolute path of the file, or undefined when defaults apply. */
  file?: string;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new GoliveError('CONFIG_PARSE', `${file} is a directory, not a config file`);
    throw new GoliveError('IO', `cannot read ${file}: ${describeError(e)}`);
  }
}

function parseText(file: string, text: string): unknown {
  const isJson = file.endsWith('.json');
  try {
    return isJson ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : '';
    throw new GoliveError('CONFIG_PARSE', `${path.basename(file)} is not valid ${isJson ? 'JSON' : 'YAML'}${where}: ${describeError(e).split('\n')[0]}`, {
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
  const result = configSchema.safeParse(raw ?? {});
  const problems = result.success ? [] : formatIssues(result.error.issues);
  if (knownCheckIds) {
    // Check ids are judged even when the schema failed, so every problem shows at once. Plugin ids
    // (`ns/name`) are judged later, once the plugins are loaded.
    const refs = result.success ? result.data : { checks: {}, waivers: [], ...(raw as Partial<GoliveConfig>) };
    problems.push(...checkRefProblems(refs, knownCheckIds, { builtinOnly: true }));
  }
  if (problems.length > 0 || !result.success) throw configInvalid(label, [...new Set(problems)]);
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
