// What `golive check [paths...]` is asked to judge: one directory (the repository, as always), or
// files (a files run: what a pre-commit hook or lint-staged passes), and which git history
// (`--history`, all of it, or `--history <range>`, a pull request's commits).
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError } from '../errors.js';
import { ALL_HISTORY, rangeEndpoints, resolveHistoryRange } from '../evidence/history-range.js';
import { git } from '../evidence/git.js';
import type { CheckFlags } from './check.js';
import { resolveTargetDir } from './shared.js';

/**
 * The checks a files run judges: those whose verdict on a file depends only on that file, so a
 * finding in a staged file is never an artefact of the files left out. Not among them:
 * credentials.live-keys (it judges the deployment's whole key set: the environment and every
 * production file, pairs across files), webhook.code-environment-guard and webhook.code-dedup (a
 * handler may delegate its guard to another file, which a files run does not see), network and
 * manual checks, and plugin checks (golive cannot know what a plugin's judgement rests on).
 */
export const FILE_CHECKS: readonly string[] = [
  'credentials.no-secrets-in-source',
  'credentials.no-test-keys-in-prod',
  'webhook.timing-safe-compare',
  'webhook.code-raw-body',
  'idempotency.external-id',
  'idempotency.external-id-quality',
];

/** Flags that need the whole repository or the deployment, which a files run does not look at. */
type TargetFlags = Pick<CheckFlags, 'history' | 'webhookUrl' | 'requireRehearsal' | 'dotenv' | 'envFile'>;
const NOT_IN_FILES_RUN: ReadonlyArray<[keyof TargetFlags, string]> = [
  ['history', '--history'],
  ['webhookUrl', '--webhook-url'],
  ['requireRehearsal', '--require-rehearsal'],
  ['dotenv', '--dotenv'],
  ['envFile', '--env-file'],
];

export interface CheckTarget {
  /** The directory golive runs in (absolute). */
  root: string;
  /** A files run: the files to judge, relative to root with forward slashes. */
  files?: string[];
  history: boolean;
  historyRange?: string;
}

const usage = (message: string, suggestion?: string) => new GoliveError('USAGE', message, suggestion ? { suggestion } : {});

export async function resolveCheckTarget(paths: readonly string[], flags: TargetFlags): Promise<CheckTarget> {
  let given = [...paths];
  let history = flags.history;
  // `golive check --history ./shop` meant the directory before --history took a value: with no
  // other path given, an existing directory that is not also a revision is still the directory.
  if (typeof history === 'string' && history !== ALL_HISTORY && given.length === 0 && (await isDirectory(history)) && !(await isRevision(history))) {
    given = [history];
    history = true;
  }
  const kinds = await Promise.all(given.map(async (p) => ({ p, st: await lstat(p).catch(() => undefined) })));
  const missing = kinds.filter((k) => !k.st).map((k) => k.p);
  if (missing.length > 0) {
    // One path is the repository directory, as it always was; several are a files run's files.
    const what = given.length === 1 ? 'directory not found' : 'not found';
    throw new GoliveError('TARGET_NOT_FOUND', `${what}: ${missing.join(', ')}`, { suggestion: 'Pass the path of your merchant repository, e.g. `golive check ./my-shop`, or files to judge alone.' });
  }
  const dirs = kinds.filter((k) => k.st!.isDirectory()).map((k) => k.p);
  let root: string;
  let files: string[] | undefined;
  if (given.length === 0 || (given.length === 1 && dirs.length === 1)) {
    root = await resolveTargetDir(given[0] ?? '.');
  } else {
    if (dirs.length > 0) {
      throw usage(`golive check takes one directory, or files: ${dirs.join(', ')} ${dirs.length === 1 ? 'is a directory' : 'are directories'}`, 'Check a repository with `golive check <dir>`; judge files alone with `golive check <file>...` (a files run, as a pre-commit hook does).');
    }
    root = process.cwd();
    files = filesUnder(root, given);
    const clash = NOT_IN_FILES_RUN.filter(([k]) => flags[k] !== undefined && flags[k] !== false).map(([, f]) => f);
    if (clash.length > 0) {
      throw usage(`${clash.join(', ')} cannot be used in a files run, which judges only the files given`, 'Run `golive check [dir]` over the whole repository for those (CI does).');
    }
  }
  if (history === undefined || history === false) return { root, ...(files ? { files } : {}), history: false };
  if (history === true || history === ALL_HISTORY) return { root, history: true };
  return { root, history: true, historyRange: await resolveHistoryRange(root, history) };
}

/** Files relative to root, with forward slashes, each once; a file outside root is a usage error. */
function filesUnder(root: string, given: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of given) {
    const rel = path.relative(root, path.resolve(root, p));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw usage(`${p} is outside the current directory`, 'Run golive from the repository root, as pre-commit does, and pass paths inside it.');
    }
    out.add(rel.split(path.sep).join('/'));
  }
  return [...out].sort();
}

async function isDirectory(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** Whether git, in the current directory, reads every revision of `range` as a commit. */
async function isRevision(range: string): Promise<boolean> {
  for (const rev of rangeEndpoints(range)) {
    if (rev.startsWith('-')) return false;
    const r = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], process.cwd()).catch(() => undefined);
    if (r?.code !== 0) return false;
  }
  return true;
}
