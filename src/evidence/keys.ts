// The key inventory collector: every MintCash credential the deployment will use, from the
// process environment, the --env-file the user named, and the repo's production config files.
// Gathers raw values for the credential checks to judge; never judges. Read problems become notes.
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { GoliveError, describeError } from '../errors.js';
import type { RunNote } from '../engine/types.js';
import { ROLES, fromDotenv, parseConfigFile, roleLookup, type RoleOf } from './keys-parse.js';
import type { Collector, CollectContext, CredentialItem } from './types.js';

/** Production config files are small; anything bigger is not a config file worth reading. */
const MAX_BYTES = 1024 * 1024;
const MAX_NOTES_PER_FILE = 5;

function addNotes(notes: RunNote[], file: string, messages: string[]): void {
  for (const message of messages.slice(0, MAX_NOTES_PER_FILE)) notes.push({ source: 'keys', file, message });
  if (messages.length > MAX_NOTES_PER_FILE) {
    notes.push({ source: 'keys', file, message: `${file}: ${messages.length - MAX_NOTES_PER_FILE} more problems` });
  }
}

type Read = { text: string } | { problem: string };

async function readSmallText(abs: string, label: string): Promise<Read> {
  try {
    const st = await lstat(abs);
    if (st.isSymbolicLink()) return { problem: `${label} is a symbolic link; not followed` };
    if (!st.isFile()) return { problem: `${label} is not a regular file` };
    if (st.size > MAX_BYTES) return { problem: `${label} is larger than ${MAX_BYTES} bytes; not read` };
    const buf = await readFile(abs);
    if (buf.includes(0)) return { problem: `${label} looks binary; not read` };
    return { text: buf.toString('utf8') };
  } catch (e) {
    return { problem: `cannot read ${label}: ${describeError(e)}` };
  }
}

/** The user named this file, so failing to read it is an error, not a note. */
async function readEnvFile(ctx: CollectContext, roleOf: RoleOf, notes: RunNote[]): Promise<{ items: CredentialItem[]; secrets: string[]; abs?: string }> {
  const given = ctx.options.envFile;
  if (!given) return { items: [], secrets: [] };
  const abs = path.resolve(given);
  const rel = path.relative(ctx.root, abs);
  // Inside the repo the path is shown repo-relative like every other file; outside, as given.
  const label = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : given;
  let text: string;
  try {
    const st = await lstat(abs).catch(() => undefined);
    if (st?.isDirectory()) throw new Error('it is a directory');
    if (st && st.size > MAX_BYTES) throw new Error(`it is larger than ${MAX_BYTES} bytes`);
    const buf = await readFile(abs);
    if (buf.includes(0)) throw new Error('it looks binary');
    text = buf.toString('utf8');
  } catch (e) {
    throw new GoliveError('IO', `cannot read env file ${given}: ${describeError(e)}`, {
      suggestion: 'Pass --dotenv the path of the rendered production env file (KEY=value lines), or leave it out to use the process environment.',
    });
  }
  const parsed = fromDotenv(text, label, 'env-file', roleOf);
  addNotes(notes, label, parsed.problems);
  return { items: parsed.items, secrets: parsed.secrets ?? [], abs };
}

/** Repo-relative production config files: inventory matches plus literal entries present on disk. */
async function productionFileList(ctx: CollectContext, notes: RunNote[]): Promise<string[]> {
  const { productionConfig, ignore } = ctx.config;
  const isProd = picomatch(productionConfig, { dot: true });
  const isIgnored = ignore.length > 0 ? picomatch(ignore, { dot: true }) : () => false;
  const found = new Set<string>();
  try {
    const repo = await ctx.get('repo');
    for (const f of repo.files) if (isProd(f.path)) found.add(f.path);
  } catch (e) {
    notes.push({ source: 'keys', message: `could not list repository files to find production config: ${describeError(e)}` });
  }
  // Rendered files like `.env.production` are usually git-ignored, so a git-based inventory never
  // lists them; a literal (non-glob) entry that exists on disk is read anyway.
  for (const p of productionConfig) {
    if (ctx.options.files) break; // a files run reads only the files it was given
    if (found.has(p) || picomatch.scan(p).isGlob || p.startsWith('..') || path.isAbsolute(p)) continue;
    const st = await lstat(path.join(ctx.root, p)).catch(() => undefined);
    if (st?.isFile()) found.add(p);
  }
  return [...found].filter((p) => !isIgnored(p)).sort();
}

export const collectKeys: Collector<'keys'> = async (ctx) => {
  const notes: RunNote[] = [];
  const roleOf = roleLookup(ctx.config);
  const items: CredentialItem[] = [];

  // A files run judges files, not the shell it runs in (a developer's test keys are no finding).
  for (const role of ctx.options.files ? [] : ROLES) {
    const name = ctx.config.env[role];
    const value = ctx.env[name];
    if (typeof value === 'string' && value !== '') items.push({ source: 'env', name, role, value });
  }

  const envFile = await readEnvFile(ctx, roleOf, notes);
  items.push(...envFile.items);

  const productionFiles: string[] = [];
  const otherSecrets: string[] = [...envFile.secrets];
  for (const file of await productionFileList(ctx, notes)) {
    const abs = path.resolve(ctx.root, file);
    // The --env-file may itself be a production file: read it once, as the env file.
    if (abs === envFile.abs) continue;
    const read = await readSmallText(abs, file);
    if ('problem' in read) {
      notes.push({ source: 'keys', file, message: read.problem });
      continue;
    }
    productionFiles.push(file);
    const parsed = parseConfigFile(read.text, file, roleOf);
    addNotes(notes, file, parsed.problems);
    items.push(...parsed.items);
    otherSecrets.push(...(parsed.secrets ?? []));
  }

  return { environment: ctx.config.environment, items, productionFiles, ...(otherSecrets.length > 0 ? { otherSecrets } : {}), notes };
};
