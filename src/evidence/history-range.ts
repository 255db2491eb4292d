// `--history <range>`: only the commits a pull request adds (`origin/main..HEAD`), the way
// gitleaks-action and TruffleHog's action scan a pull request. The range is resolved before the run,
// so one this clone cannot resolve is a usage error that names what to fetch, never a scan of no
// commits that passes.
import { GoliveError } from '../errors.js';
import { git, gitMessage } from './git.js';

/** `--history all` (or `--history` alone): every commit of every ref and stash. */
export const ALL_HISTORY = 'all';

/** The revisions a range names: `A..B` and `A...B` (an empty side is HEAD), or one revision (its ancestry). */
export function rangeEndpoints(range: string): string[] {
  const m = /^(.*?)\.\.\.?(.*)$/.exec(range);
  if (!m) return [range];
  return [m[1] || 'HEAD', m[2] || 'HEAD'];
}

/** Why a range is not even worth asking git about, or undefined. */
export function rangeSyntaxProblem(range: string): string | undefined {
  if (range.length === 0) return 'is empty';
  if (range.length > 1000) return 'is too long';
  // git would read a leading "-" as one of its own options (--output=…): never passed on.
  if (rangeEndpoints(range).some((e) => e.startsWith('-'))) return 'starts with "-"; name revisions, e.g. origin/main..HEAD';
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(range)) return 'contains a space or control character';
  return undefined;
}

/** The fetch that would bring a missing revision into the clone, in words. */
function fetchHint(rev: string, remotes: readonly string[]): string {
  const remote = remotes.find((r) => rev.startsWith(`${r}/`));
  if (remote) {
    const branch = rev.slice(remote.length + 1);
    return `fetch it first: git fetch --no-tags ${remote} ${branch} (in GitHub Actions, actions/checkout with fetch-depth: 0 fetches every branch)`;
  }
  if (/^[0-9a-f]{7,64}$/i.test(rev)) return `fetch it first: git fetch --no-tags ${remotes[0] ?? 'origin'} ${rev}`;
  return 'check the name (git branch -a lists what this clone has) or fetch it first';
}

/**
 * Checks that every revision of the range names a commit in the repository at root; throws a
 * usage error (exit 2) naming what to fetch otherwise. Returns the range as given.
 */
export async function resolveHistoryRange(root: string, range: string): Promise<string> {
  const bad = rangeSyntaxProblem(range);
  if (bad) throw new GoliveError('USAGE', `--history ${JSON.stringify(range)} ${bad}`);
  let remotes: string[] = [];
  for (const rev of rangeEndpoints(range)) {
    const r = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], root).catch(() => undefined);
    if (r?.code === 0) continue;
    if (!r) throw new GoliveError('USAGE', `--history ${range}: git is not installed, so there is no history to read`);
    const inRepo = await git(['rev-parse', '--git-dir'], root);
    if (inRepo.code !== 0) throw new GoliveError('USAGE', `--history ${range}: ${root} is not in a git repository (${gitMessage(inRepo)})`);
    if (remotes.length === 0) {
      const listed = await git(['remote'], root);
      remotes = listed.stdout.toString('utf8').split('\n').filter(Boolean);
    }
    throw new GoliveError('USAGE', `--history ${range}: ${rev} is not in this clone; ${fetchHint(rev, remotes)}`);
  }
  return range;
}
