// Where the gate's policy comes from, strongest first: a file the CI owner names (`--policy`,
// GOLIVE_POLICY), kept outside the change under review; else the config as it is on a base revision
// (`--policy-ref`), read from git's objects, never the working tree, with the same discovery as
// today (the nearest golive.config.* from the target up to the repository root, on that revision);
// else the working tree's own config (a local run by the repository's owner). Which file governs
// the target on the base and in the working tree is compared here too: a config added above a
// package, moved or deleted is itself a change of policy.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError } from '../errors.js';
import { git, gitArgs, gitMessage } from '../evidence/git.js';
import type { PolicyOrigin } from '../engine/types.js';
import type { PolicyChange } from '../evidence/types.js';
import { CONFIG_NAMES, findRepoRoot, parseConfigText, type LoadedConfig } from './load.js';
import { MAX_INPUT_BYTES, readRegularFile } from './read.js';
import type { GoliveConfig } from './schema.js';

export interface PolicyRequest {
  /** The target directory (absolute). */
  dir: string;
  /** `--config`, as given. */
  configPath?: string;
  /** `--policy`, else GOLIVE_POLICY. */
  policyFile?: string;
  /** `--policy-ref`. */
  policyRef?: string;
  knownCheckIds?: ReadonlySet<string>;
}

export interface ResolvedPolicy {
  origin: PolicyOrigin;
  /** The trusted config; for `worktree` the working tree's own. */
  trusted: GoliveConfig;
  /** The folder the trusted config's plugin paths are relative to (in the working tree). */
  trustedDir: string;
  /** Changes of which file governs the target (config added above it, moved, deleted). */
  fileChanges: PolicyChange[];
  /** The working tree's config, repository-relative. */
  worktreeFile?: string;
  ignoredRef?: string;
  fileInRepo?: boolean;
}

const posix = (p: string) => p.split(path.sep).join('/');

/** A pull-request build, recognised from the CI's own variables, with the flag that would protect it. */
export function pullRequestBuild(env: Record<string, string | undefined>): { ci: string; base: string; suggestion: string } | undefined {
  const found = (ci: string, base: string | undefined) => {
    const b = base?.replace(/^refs\/heads\//, '');
    return b ? { ci, base: b, suggestion: `--policy-ref origin/${b} (fetched first) or --policy <file>` } : undefined;
  };
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_BASE_REF) return found('GitHub Actions', env.GITHUB_BASE_REF);
  if (env.GITLAB_CI === 'true' && env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME) return found('GitLab CI', env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME);
  if (env.TF_BUILD === 'True' && env.SYSTEM_PULLREQUEST_TARGETBRANCH) return found('Azure Pipelines', env.SYSTEM_PULLREQUEST_TARGETBRANCH);
  if (env.BITBUCKET_PR_DESTINATION_BRANCH) return found('Bitbucket Pipelines', env.BITBUCKET_PR_DESTINATION_BRANCH);
  return undefined;
}

async function gitText(args: string[], cwd: string): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await git(gitArgs(args), cwd);
  return { ok: r.code === 0, out: r.stdout.toString('utf8'), err: gitMessage(r) };
}

const refError = (message: string, suggestion: string) => new GoliveError('USAGE', message, { suggestion });

/** The folders from `prefix` up to the repository root, nearest first ('' is the root). */
function upward(prefix: string): string[] {
  const out: string[] = [];
  let cur = prefix;
  for (;;) {
    out.push(cur);
    if (cur === '') return out;
    const up = path.posix.dirname(cur);
    cur = up === '.' ? '' : up;
  }
}

interface RefConfig {
  file?: string;
  config: GoliveConfig;
}

/** The config that governs `prefix` on `commit`, found and read from git's objects. */
async function configOnRef(top: string, commit: string, ref: string, prefix: string, explicitRel: string | undefined, ids?: ReadonlySet<string>): Promise<RefConfig> {
  const candidates = explicitRel !== undefined ? [explicitRel] : upward(prefix).flatMap((d) => CONFIG_NAMES.map((n) => (d ? `${d}/${n}` : n)));
  const ls = await gitText(['ls-tree', '-z', '--full-tree', commit, '--', ...candidates], top);
  if (!ls.ok) throw refError(`cannot list the config on ${ref}: ${ls.err}`, 'Check that the policy ref is a commit of this repository.');
  const entries = ls.out
    .split('\0')
    .filter(Boolean)
    .map((e) => {
      const tab = e.indexOf('\t');
      const [mode, type, oid] = e.slice(0, tab).split(' ');
      return { mode: mode!, type: type!, oid: oid!, file: e.slice(tab + 1) };
    });
  const byFile = new Map(entries.map((e) => [e.file, e]));
  const levels = explicitRel !== undefined ? [[explicitRel]] : upward(prefix).map((d) => CONFIG_NAMES.map((n) => (d ? `${d}/${n}` : n)));
  for (const level of levels) {
    const found = level.filter((f) => byFile.has(f));
    if (found.length > 1) {
      throw new GoliveError('CONFIG_INVALID', `two config files in one directory on ${ref}: ${found.join(' and ')}`, {
        suggestion: 'The base revision must have one config per folder; fix it there, or pass --policy <file>.',
      });
    }
    const e = found[0] ? byFile.get(found[0]) : undefined;
    if (!e) continue;
    if (e.type !== 'blob' || e.mode === '120000') {
      throw new GoliveError('CONFIG_INVALID', `${e.file} on ${ref} is ${e.mode === '120000' ? 'a symbolic link' : `a ${e.type}`}, not a regular file`, {
        suggestion: 'The policy must be a regular JSON or YAML file on the base revision; or pass --policy <file>.',
      });
    }
    const blob = await git(gitArgs(['cat-file', 'blob', e.oid]), top);
    if (blob.code !== 0) throw refError(`cannot read ${e.file} on ${ref}: ${gitMessage(blob)}`, 'Fetch the whole base revision (a partial clone may lack it).');
    if (blob.stdout.length > MAX_INPUT_BYTES) throw new GoliveError('IO', `${e.file} on ${ref} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    const text = blob.stdout.toString('utf8');
    return { file: e.file, config: await parseConfigText(e.file, text, ids, `${e.file} on ${ref}`) };
  }
  return { config: await parseConfigText('defaults.json', '{}', ids, 'defaults') };
}

function fileChanges(ref: string, target: string, onRef: string | undefined, inTree: string | undefined): PolicyChange[] {
  if (onRef === inTree) return [];
  const where = target === '' ? 'the repository root' : target;
  const dirOf = (f: string) => (path.posix.dirname(f) === '.' ? '' : path.posix.dirname(f));
  if (onRef === undefined) {
    const above = inTree !== undefined && dirOf(inTree) !== target ? `, above ${where}` : '';
    return [{ kind: 'config-added', key: '(config file)', file: inTree, line: 1, message: `${inTree} is a new config${above}: on ${ref} no golive config governs ${where} (the defaults apply), and they still do wherever this one is weaker` }];
  }
  if (inTree === undefined) {
    return [{ kind: 'config-deleted', key: '(config file)', file: onRef, message: `${onRef} is deleted: on ${ref} it governs ${where}, and it still does` }];
  }
  return [{ kind: 'config-replaced', key: '(config file)', file: inTree, line: 1, message: `${inTree} now governs ${where}, where ${onRef} does on ${ref}; ${onRef} still does wherever this one is weaker` }];
}

/** The trusted policy for a run, read from where the CI owner said (see the module comment). */
export async function resolvePolicy(req: PolicyRequest, worktree: LoadedConfig): Promise<ResolvedPolicy> {
  const repoRoot = await findRepoRoot(req.dir);
  const top = repoRoot ? await realpath(repoRoot).catch(() => repoRoot) : undefined;
  const rel = async (abs: string) => (top ? posix(path.relative(top, await realpath(abs).catch(() => abs))) : undefined);
  const worktreeFile = worktree.file ? await rel(worktree.file) : undefined;

  if (req.policyFile) {
    const file = path.resolve(req.policyFile);
    const label = `policy file ${req.policyFile}`;
    const text = await readRegularFile(file, label, 'Point --policy (or GOLIVE_POLICY) at the trusted golive config kept outside the repository.');
    if (text === undefined) {
      throw new GoliveError('CONFIG_NOT_FOUND', `policy file not found: ${req.policyFile}`, {
        suggestion: 'Check the path given to --policy (or GOLIVE_POLICY): it names the trusted golive config, kept outside the repository under check.',
      });
    }
    const trusted = await parseConfigText(file, text, req.knownCheckIds, label);
    const inRepo = await rel(file);
    const fileInRepo = inRepo !== undefined && !inRepo.startsWith('../') && !path.isAbsolute(inRepo);
    return {
      origin: { source: 'file', file: req.policyFile },
      trusted,
      trustedDir: path.dirname(file),
      fileChanges: [],
      ...(worktreeFile ? { worktreeFile } : {}),
      ...(req.policyRef ? { ignoredRef: req.policyRef } : {}),
      ...(fileInRepo ? { fileInRepo } : {}),
    };
  }

  if (req.policyRef !== undefined) {
    const ref = req.policyRef;
    if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) {
      throw refError(`--policy-ref ${JSON.stringify(ref)} is not a revision`, 'Name the base branch as git knows it, e.g. --policy-ref origin/main.');
    }
    if (!top) throw refError(`--policy-ref ${ref}: ${req.dir} is not in a git repository`, 'Run golive on a git checkout, or pass the trusted config with --policy <file>.');
    const resolved = await gitText(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], top);
    const commit = resolved.out.trim();
    if (!resolved.ok || !/^[0-9a-f]{40,64}$/.test(commit)) {
      throw refError(
        `policy ref ${ref} is not a commit in this repository`,
        `Fetch the base first (git fetch origin ${ref.replace(/^origin\//, '')}; with actions/checkout set fetch-depth: 0), or pass --policy <file>.`,
      );
    }
    const prefix = (await rel(req.dir)) ?? '';
    let explicitRel: string | undefined;
    if (req.configPath) {
      explicitRel = await rel(path.resolve(req.configPath));
      if (explicitRel === undefined || explicitRel.startsWith('../') || path.isAbsolute(explicitRel)) {
        throw refError(`--config ${req.configPath} is outside the repository, so it has no version on ${ref}`, 'Keep a config outside the repository as the policy itself: pass it with --policy <file>.');
      }
    }
    const onRef = await configOnRef(top, commit, ref, prefix === '.' ? '' : prefix, explicitRel, req.knownCheckIds);
    return {
      origin: { source: 'ref', ref, commit, ...(onRef.file ? { file: onRef.file } : {}) },
      trusted: onRef.config,
      trustedDir: onRef.file ? path.join(top, path.posix.dirname(onRef.file)) : req.dir,
      fileChanges: fileChanges(ref, prefix === '.' ? '' : prefix, onRef.file, worktreeFile),
      ...(worktreeFile ? { worktreeFile } : {}),
    };
  }

  return {
    origin: { source: 'worktree', ...(worktreeFile ? { file: worktreeFile } : {}) },
    trusted: worktree.config,
    trustedDir: worktree.file ? path.dirname(worktree.file) : req.dir,
    fileChanges: [],
    ...(worktreeFile ? { worktreeFile } : {}),
  };
}
