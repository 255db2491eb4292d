// Where the target sits in its repository, for reports: the target's path below the git top level,
// the config file golive used, and a file to place findings that have none (webhook probes, API
// answers). Code scanning rejects a result without a location, and paths relative to a subfolder
// cannot be placed in a monorepo.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findRepoRoot, type KeyLine } from '../config/load.js';
import type { RepoContext } from '../engine/types.js';
import { git } from '../evidence/git.js';
import { normaliseRemote } from '../rehearsal/merchant.js';

/** Stable files a repository root usually has, best first; the anchor of last resort. */
const ANCHORS = ['README.md', 'README', 'readme.md', 'package.json', 'pyproject.toml', 'go.mod', 'composer.json', 'Gemfile', 'pom.xml', '.gitignore'];

const posix = (p: string) => p.split(path.sep).join('/');

async function firstAnchor(dir: string): Promise<string | undefined> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  return ANCHORS.find((n) => names.has(n));
}

/**
 * The commit checked out and the repository's web address (origin, credentials dropped), for
 * SARIF's versionControlProvenance. A remote that is a local path is no address to publish.
 */
async function versionControl(root: string): Promise<{ head?: string; repositoryUri?: string }> {
  const [head, origin] = await Promise.all([git(['rev-parse', '--verify', '-q', 'HEAD'], root), git(['remote', 'get-url', 'origin'], root)]).catch(() => [undefined, undefined]);
  const sha = head?.code === 0 ? head.stdout.toString('utf8').trim() : '';
  const remote = origin?.code === 0 ? normaliseRemote(origin.stdout.toString('utf8')) : undefined;
  return { ...(/^[0-9a-f]{40,64}$/.test(sha) ? { head: sha } : {}), ...(remote && !remote.startsWith('file:') ? { repositoryUri: `https://${remote}` } : {}) };
}

export async function repoContext(target: string, configFile: string | undefined, keyLines: Partial<Record<KeyLine, number>> = {}): Promise<RepoContext> {
  const found = await findRepoRoot(target);
  const root = found ?? target;
  const rel = posix(path.relative(root, target));
  const config = configFile ? posix(path.relative(root, configFile)) : undefined;
  const inRepo = config !== undefined && !config.startsWith('../') && !path.isAbsolute(config);
  // The config file is the natural place for endpoint findings; otherwise a root file that exists.
  const anchor = inRepo
    ? config
    : ((a) => (a ? posix(path.join(rel, a)) : undefined))(await firstAnchor(target)) ?? (await firstAnchor(root));
  const lines = config ? keyLines : {};
  return {
    path: rel,
    ...(config ? { configFile: config } : {}),
    ...(lines['webhook.url'] ? { webhookUrlLine: lines['webhook.url'] } : {}),
    ...(Object.keys(lines).length > 0 ? { keyLines: lines } : {}),
    ...(anchor ? { anchor } : {}),
    ...(found ? await versionControl(root) : {}),
  };
}
