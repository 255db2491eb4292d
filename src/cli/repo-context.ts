// Where the target sits in its repository, for reports: the target's path below the git top level,
// the config file golive used, and a file to place findings that have none (webhook probes, API
// answers). Code scanning rejects a result without a location, and paths relative to a subfolder
// cannot be placed in a monorepo.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findRepoRoot } from '../config/load.js';
import type { RepoContext } from '../engine/types.js';

/** Stable files a repository root usually has, best first; the anchor of last resort. */
const ANCHORS = ['README.md', 'README', 'readme.md', 'package.json', 'pyproject.toml', 'go.mod', 'composer.json', 'Gemfile', 'pom.xml', '.gitignore'];

const posix = (p: string) => p.split(path.sep).join('/');

async function firstAnchor(dir: string): Promise<string | undefined> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  return ANCHORS.find((n) => names.has(n));
}

export async function repoContext(target: string, configFile: string | undefined, webhookUrlLine: number | undefined): Promise<RepoContext> {
  const root = (await findRepoRoot(target)) ?? target;
  const rel = posix(path.relative(root, target));
  const config = configFile ? posix(path.relative(root, configFile)) : undefined;
  const inRepo = config !== undefined && !config.startsWith('../') && !path.isAbsolute(config);
  // The config file is the natural place for endpoint findings; otherwise a root file that exists.
  const anchor = inRepo
    ? config
    : ((a) => (a ? posix(path.join(rel, a)) : undefined))(await firstAnchor(target)) ?? (await firstAnchor(root));
  return {
    path: rel,
    ...(config ? { configFile: config } : {}),
    ...(config && webhookUrlLine ? { webhookUrlLine } : {}),
    ...(anchor ? { anchor } : {}),
  };
}
