// How golive was invoked, so that hints repeat a command the user can run as typed: `npx golive
// rehearse` after `npx golive check`, not a bare `golive` their shell cannot find.
import path from 'node:path';

/**
 * The command prefix for hints: `npx golive` when npm or npx ran the project's own install (npx,
 * `npm exec`, an npm script), `npx mintcash-golive` when npx fetched the package on the fly,
 * `pnpm exec golive` / `yarn golive` under those, else `golive` (a global install, the bin itself).
 */
export function invocation(env: NodeJS.ProcessEnv, bin: string | undefined = process.argv[1]): string {
  const where = bin ? path.resolve(bin).split(path.sep).join('/') : '';
  // npx's own cache: the package is not installed in the project.
  if (where.includes('/_npx/')) return 'npx mintcash-golive';
  const local = where.includes('/node_modules/');
  const agent = env.npm_config_user_agent ?? '';
  if (agent.startsWith('pnpm/') && local) return 'pnpm exec golive';
  if (agent.startsWith('yarn/') && local) return 'yarn golive';
  // Only an install in a project's node_modules is what npx finds by the bin's name (npm variables
  // alone may be left over from an npm process further up, running a global or a checkout's golive).
  if (local && (env.npm_command === 'exec' || env.npm_command === 'run-script' || env.npm_lifecycle_event === 'npx')) return 'npx golive';
  return 'golive';
}
