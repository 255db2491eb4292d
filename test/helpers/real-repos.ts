// Real public repositories are opt-in: tests that use them read one folder from GOLIVE_REAL_REPOS
// (for example the snapshots fetched for the precision and speed work, each checked out as
// <folder>/<name>) and skip with a reason, printed after the run by test/helpers/skip-reporter.ts,
// when it is unset or the repository is not in it. No test names a developer's path.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REAL_REPOS_VAR = 'GOLIVE_REAL_REPOS';

/** The checkout of `name` under GOLIVE_REAL_REPOS, or why it is not available. */
export function realRepo(name: string): { dir: string; missing?: undefined } | { dir?: undefined; missing: string } {
  const root = process.env[REAL_REPOS_VAR];
  if (!root) return { missing: `${REAL_REPOS_VAR} is not set: point it at a folder holding a checkout of ${name} to run this` };
  const dir = path.resolve(root, name);
  if (!existsSync(path.join(dir, '.git'))) return { missing: `${REAL_REPOS_VAR}=${root} has no git checkout named ${name}` };
  return { dir };
}
