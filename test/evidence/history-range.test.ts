// --history <range>: a pull request's commits only, over real repositories (a base branch, a pull
// request branch with merges, shallow clones) built in temp dirs.
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { collectHistory } from '../../src/evidence/history.js';
import { rangeEndpoints, rangeSyntaxProblem, resolveHistoryRange } from '../../src/evidence/history-range.js';
import { GoliveError } from '../../src/errors.js';
import { collectContext, tempDir, tempRepo, type TempDir, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

const scan = async (root: string, historyRange?: string) =>
  collectHistory(await collectContext(root, { options: { history: true, ...(historyRange ? { historyRange } : {}) } }));

/**
 * main: an old key added and removed long ago; pr (from main): a key added then removed within the
 * pull request, main merged in, and a clean commit on top.
 */
async function pullRequestRepo(): Promise<{ repo: TempRepo; old: string; added: string; addedIn: string; prCommits: number }> {
  const repo = await tempRepo();
  cleanups.push(repo);
  const old = fakeKey('sk', 'live', 'old-main');
  const added = fakeKey('sk', 'live', 'pr-added');
  await repo.write({ 'README.md': '# shop\n', 'src/old.ts': `const k = '${old}';\n` });
  await repo.commit('init');
  await repo.write({ 'src/old.ts': 'const k = process.env.MINTCASH_SECRET_KEY;\n' });
  await repo.commit('remove the old key');
  await repo.git('checkout', '-q', '-b', 'pr');
  await repo.write({ 'src/pay.ts': `export const key = '${added}';\n` });
  const addedIn = await repo.commit('pr: add payments');
  await repo.write({ 'src/pay.ts': 'export const key = process.env.MINTCASH_SECRET_KEY;\n' });
  await repo.commit('pr: read the key from the environment');
  await repo.git('checkout', '-q', 'main');
  await repo.write({ 'docs/main.md': 'main moved on\n' });
  await repo.commit('main: docs');
  await repo.git('checkout', '-q', 'pr');
  await repo.git('merge', '-q', '--no-edit', '-m', 'merge main into pr', 'main');
  await repo.write({ 'src/pay.ts': 'export const key = process.env.MINTCASH_SECRET_KEY ?? "";\n' });
  await repo.commit('pr: tidy');
  // pr's own commits: add, move to env, the merge of main, tidy.
  return { repo, old, added, addedIn, prCommits: 4 };
}

describe('--history <range>', () => {
  it('scans only the pull request: its key (added and removed within it) is found at the adding commit, the base\'s old key is not', async () => {
    const { repo, old, added, addedIn, prCommits } = await pullRequestRepo();
    const h = await scan(repo.dir, 'main..pr');
    expect(h).toMatchObject({ enabled: true, range: 'main..pr', commitsScanned: prCommits });
    expect(h.incomplete).toBeUndefined();
    expect(h.keys.map((k) => ({ value: k.value, commit: k.commit, removed: k.removed }))).toEqual([{ value: added, commit: addedIn, removed: true }]);
    expect(h.keys.some((k) => k.value === old)).toBe(false);

    // Whole history (the default branch's run) still finds both.
    const all = await scan(repo.dir);
    expect(all.range).toBeUndefined();
    expect(all.keys.map((k) => k.value).sort()).toEqual([added, old].sort());
    expect(all.commitsScanned).toBe(prCommits + 3);
  });

  it('a merge\'s own resolution in the range is scanned (a key that exists only in the merge)', async () => {
    const repo = await tempRepo();
    cleanups.push(repo);
    const evil = fakeKey('sk', 'live', 'evil-merge');
    await repo.write({ 'a.txt': 'base\n' });
    await repo.commit('init');
    await repo.git('checkout', '-q', '-b', 'pr');
    await repo.write({ 'b.txt': 'pr\n' });
    await repo.commit('pr work');
    await repo.git('checkout', '-q', 'main');
    await repo.write({ 'c.txt': 'main\n' });
    await repo.commit('main work');
    await repo.git('checkout', '-q', 'pr');
    await repo.git('merge', '-q', '--no-commit', 'main');
    await repo.write({ 'c.txt': `main\nconst k = '${evil}';\n` });
    const merge = await repo.commit('merge main');
    const h = await scan(repo.dir, 'main..HEAD');
    expect(h.keys).toMatchObject([{ value: evil, commit: merge, file: 'c.txt', line: 2 }]);
  });

  it('an empty range scans nothing and is complete', async () => {
    const { repo } = await pullRequestRepo();
    const h = await scan(repo.dir, 'pr..pr');
    expect(h).toMatchObject({ enabled: true, commitsScanned: 0, keys: [] });
    expect(h.incomplete).toBeUndefined();
  });

  it('in a shallow clone, a range inside the fetched history is complete; one that reaches the clone\'s edge is incomplete and says what to fetch', async () => {
    const { repo, added } = await pullRequestRepo();
    const clone = await tempDir();
    cleanups.push(clone);
    await execa('git', ['clone', '-q', '--depth', '4', '--branch', 'pr', `file://${repo.dir}`, clone.dir]);
    await execa('git', ['fetch', '-q', '--depth', '4', 'origin', '+refs/heads/main:refs/remotes/origin/main'], { cwd: clone.dir });
    const inside = await scan(clone.dir, 'HEAD~1..HEAD');
    expect(inside.commitsScanned).toBe(1);
    expect(inside.incomplete).toBeUndefined();
    const edge = await scan(clone.dir, 'HEAD');
    expect(edge.incomplete).toMatch(/shallow clone and HEAD reaches its edge at commit [0-9a-f]{7}.*fetch-depth: 0/);
    // Whatever was there to read is still reported.
    expect(edge.keys.map((k) => k.value)).toContain(added);
  });
});

describe('resolveHistoryRange', () => {
  it('returns a range whose revisions are commits here', async () => {
    const { repo } = await pullRequestRepo();
    expect(await resolveHistoryRange(repo.dir, 'main..pr')).toBe('main..pr');
    expect(await resolveHistoryRange(repo.dir, 'main...')).toBe('main...');
    expect(await resolveHistoryRange(repo.dir, 'HEAD~2')).toBe('HEAD~2');
  });

  it('names what to fetch when a revision is not in the clone (a usage error, exit 2)', async () => {
    const { repo } = await pullRequestRepo();
    await repo.git('remote', 'add', 'upstream', 'https://example.invalid/shop.git');
    const err = async (range: string): Promise<GoliveError> => {
      try {
        await resolveHistoryRange(repo.dir, range);
      } catch (e) {
        return e as GoliveError;
      }
      throw new Error(`${range} resolved`);
    };
    const remote = await err('upstream/main..HEAD');
    expect(remote).toBeInstanceOf(GoliveError);
    expect(remote.exitCode).toBe(2);
    expect(remote.message).toBe('--history upstream/main..HEAD: upstream/main is not in this clone; fetch it first: git fetch --no-tags upstream main (in GitHub Actions, actions/checkout with fetch-depth: 0 fetches every branch)');
    expect(remote.message).not.toContain('\n');
    expect((await err('0123456789abcdef0123..HEAD')).message).toContain('fetch it first: git fetch --no-tags upstream 0123456789abcdef0123');
    expect((await err('mian..HEAD')).message).toContain('mian is not in this clone; check the name (git branch -a lists what this clone has)');
  });

  it('refuses what git would read as an option, blanks and control characters, before asking git', async () => {
    for (const range of ['--output=/tmp/x', 'main..--all', '', 'main pr', 'main\n..pr']) {
      expect(rangeSyntaxProblem(range), JSON.stringify(range)).toBeDefined();
    }
    expect(rangeSyntaxProblem('origin/main..HEAD')).toBeUndefined();
    await expect(resolveHistoryRange(process.cwd(), '--output=/tmp/x')).rejects.toThrow(/starts with "-"/);
  });

  it('splits ranges into revisions as git does (an empty side is HEAD)', () => {
    expect(rangeEndpoints('origin/main..HEAD')).toEqual(['origin/main', 'HEAD']);
    expect(rangeEndpoints('origin/main...')).toEqual(['origin/main', 'HEAD']);
    expect(rangeEndpoints('..feature')).toEqual(['HEAD', 'feature']);
    expect(rangeEndpoints('v1.2.3')).toEqual(['v1.2.3']);
  });

  it('outside a repository says so', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await expect(resolveHistoryRange(dir.dir, 'main..HEAD')).rejects.toThrow(/is not in a git repository/);
  });
});
