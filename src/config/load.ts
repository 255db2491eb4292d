// Finds, parses and validates the config file; reports every problem at once with its path.
// Discovery is ESLint-style: the nearest golive.config.* from the target directory up to the
// repository root (the git top level), so running from a subfolder never silently drops it.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { GoliveError, describeError } from '../errors.js';
import { configSchema, type GoliveConfig } from './schema.js';
import { readRegularFile } from './read.js';

import { CONFIG_NAMES } from './names.js';

export { CONFIG_NAMES };

export interface LoadedConfig {
  config: GoliveConfig;
  /** Absolute path of the file, or undefined when defaults apply. */
  file?: string;
  /** The line of the file that sets `webhook.url`, to point findings about the endpoint at it. */
  webhookUrlLine?: number;
  /** Lines of the keys that findings without a file of their own are about (see KEY_LINES). */
  keyLines?: Partial<Record<KeyLine, number>>;
  /** The file's text, to place findings about its keys. */
  text?: string;
}

/**
 * The repository root above dir: the nearest directory holding `.git` (a directory, or a file in a
 * worktree or submodule). Undefined outside git.
 */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  let cur = path.resolve(dir);
  for (;;) {
    if (await stat(path.join(cur, '.git')).catch(() => undefined)) return cur;
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/**
 * The config file for dir: the nearest directory from dir up to the repository root that holds a
 * golive.config.*; outside git only dir itself (a config in a home directory must not leak in).
 * Two candidates in one directory are an error naming both: which one wins would be a guess.
 */
export async function discoverConfig(dir: string): Promise<string | undefined> {
  const start = path.resolve(dir);
  const root = (await findRepoRoot(start)) ?? start;
  let cur = start;
  for (;;) {
    const found: string[] = [];
    for (const name of CONFIG_NAMES) {
      const st = await stat(path.join(cur, name)).catch(() => undefined);
      if (st) found.push(path.join(cur, name));
    }
    if (found.length > 1) {
      const rel = found.map((f) => path.relative(process.cwd(), f) || f);
      throw new GoliveError('CONFIG_INVALID', `two config files in one directory: ${rel.join(' and ')}`, {
        suggestion: 'Keep one of them (merge the settings into it and delete the other), or name one with --config.',
      });
    }
    if (found.length === 1) return found[0];
    if (cur === root) return undefined;
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
/** The YAML parser, loaded on first need: a JSON config without a webhook URL never needs it. */
async function yaml(): Promise<Yaml> {
  return (yamlModule ??= await import('yaml'));
}

/** The 1-based line of `webhook.url` in a JSON or YAML config text (JSON is parsed as YAML 1.2 here). */
export async function webhookUrlLine(text: string): Promise<number | undefined> {
  return (await configLines(text))(['webhook', 'url']);
}

/**
 * Where keys sit in a JSON or YAML config text: the line of a map key (`['checks', 'webhook.https']`)
 * or of a list item (`['waivers', 2]`); for a path that is not there, the line of its nearest parent.
 */
export async function configLines(text: string): Promise<(path: ReadonlyArray<string | number>, exact?: boolean) => number | undefined> {
  const { LineCounter, isMap, isSeq, parseDocument } = await yaml();
  let doc: ReturnType<typeof parseDocument>;
  const lineCounter = new LineCounter();
  try {
    doc = parseDocument(text, { lineCounter });
  } catch {
    return () => undefined;
  }
  const lineAt = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  // exact: the line of the path itself, undefined when the file does not set it.
  return (path, exact = false) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    let found = 0;
    for (const k of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === k);
        if (!pair) break;
        line = lineAt(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof k === 'number' && node.items[k] !== undefined) {
        node = node.items[k];
        line = lineAt(node) ?? line;
      } else break;
      found++;
    }
    return exact && found < path.length ? undefined : line;
  };
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
async function yamlPosition(text: string): Promise<string> {
  const { parse, YAMLParseError } = await yaml();
  try {
    parse(text);
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

async function parseText(file: string, text: string, label = path.basename(file)): Promise<unknown> {
  const isJson = file.endsWith('.json');
  const y = isJson ? undefined : await yaml();
  try {
    return y ? y.parse(text) : JSON.parse(text);
  } catch (e) {
    // Only the position: the parser's own message quotes the text around the error, which may be
    // a secret someone pasted into the config.
    let where = '';
    if (y && e instanceof y.YAMLParseError && e.linePos) where = ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}`;
    else {
      const pos = /position (\d+)/.exec(describeError(e));
      where = pos ? ` at ${lineCol(text, Number(pos[1]))}` : snippetPosition(text, describeError(e)) || (await yamlPosition(text));
    }
    throw new GoliveError('CONFIG_PARSE', `${label} is not valid ${isJson ? 'JSON' : 'YAML'}${where}`, {
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
    const refs = result.success ? result.data : { checks: {}, waivers: [], notApplicable: [], ...(raw as Partial<GoliveConfig>) };
    problems.push(...checkRefProblems(refs, knownCheckIds, { builtinOnly: true }));
  }
  if (problems.length > 0 || !result.success) throw configInvalid(label, [...new Set(problems)]);
  return result.data;
}

/** Problems with check ids named in `checks`, `waivers` and `notApplicable` (known only once plugins are loaded). */
export function checkRefProblems(
  config: Pick<GoliveConfig, 'checks' | 'waivers'> & Partial<Pick<GoliveConfig, 'notApplicable'>>,
  knownCheckIds: ReadonlySet<string>,
  opts: { builtinOnly?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const unknown = (id: unknown) => typeof id === 'string' && !knownCheckIds.has(id) && !(opts.builtinOnly && id.includes('/'));
  const checks = config.checks && typeof config.checks === 'object' ? config.checks : {};
  for (const id of Object.keys(checks)) {
    if (unknown(id)) problems.push(`checks.${id}: unknown check id (see \`golive list\`)`);
  }
  (Array.isArray(config.notApplicable) ? config.notApplicable : []).forEach((n, i) => {
    if (n && typeof n === 'object' && unknown(n.id)) problems.push(`notApplicable[${i}].id: unknown check id "${n.id}"`);
  });
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

/** Parses and validates a config text; `label` names it in errors (default: the file's name). */
export async function parseConfigText(file: string, text: string, knownCheckIds?: ReadonlySet<string>, label = path.basename(file)): Promise<GoliveConfig> {
  return validateConfig(await parseText(file, text, label), label, knownCheckIds);
}

/** Config keys that network findings are about: their line is where a report places such a finding. */
export const KEY_LINES = ['webhook.url', 'webhook.testUrl', 'api.baseUrl'] as const;
export type KeyLine = (typeof KEY_LINES)[number];

async function loaded(file: string, text: string, knownCheckIds?: ReadonlySet<string>): Promise<LoadedConfig> {
  const config = await parseConfigText(file, text, knownCheckIds);
  // Only keys the file itself sets: a default (api.baseUrl) has no line to point at.
  // The YAML parser loads only when a file may set one of them (all end in Url).
  const lineOf = /Url/i.test(text) ? await configLines(text) : undefined;
  const keyLines: Partial<Record<KeyLine, number>> = {};
  for (const k of lineOf ? KEY_LINES : []) {
    const l = lineOf!(k.split('.'), true);
    if (l !== undefined) keyLines[k] = l;
  }
  const line = keyLines['webhook.url'];
  return { config, file, text, ...(line ? { webhookUrlLine: line } : {}), ...(Object.keys(keyLines).length > 0 ? { keyLines } : {}) };
}

/** Loads `--config <file>`, or the config discovered from dir upward; defaults when there is none. */
export async function loadConfig(dir: string, explicit?: string, knownCheckIds?: ReadonlySet<string>): Promise<LoadedConfig> {
  if (explicit) {
    const file = path.resolve(explicit);
    const text = await readIfExists(file);
    if (text === undefined) {
      throw new GoliveError('CONFIG_NOT_FOUND', `config file not found: ${explicit}`, {
        suggestion: 'Check the path given to --config, or omit it to use the golive.config.* nearest the target directory.',
      });
    }
    return loaded(file, text, knownCheckIds);
  }
  const file = await discoverConfig(dir);
  const text = file ? await readIfExists(file) : undefined;
  if (file && text !== undefined) return loaded(file, text, knownCheckIds);
  return { config: validateConfig({}, 'defaults', knownCheckIds) };
}
