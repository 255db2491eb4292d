// Git history scan (--history): streaming `git log -p` over every commit of every ref and every
// stash, or of one range (`--history origin/main..HEAD`, a pull request's commits), split between
// one git process per core, looking for MintCash keys in added lines, in merges' own changes and
// in commit messages. A key is reported
// once per (value, file), at the oldest commit that added it, and marked `removed` when it is no
// longer anywhere in the working tree. The scan says when it did not see all of history (a
// shallow or partial clone, a log that failed or stopped early): `incomplete`, never a quiet pass.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describeError } from '../errors.js';
import type { RunNote } from '../engine/types.js';
import { findKeyHits, type RawHit } from './keymatch.js';
import { git, gitMessage, gitStream } from './git.js';
import { configIgnoreMatcher } from './repo.js';
import type { Progress } from './secrets.js';
import type { CollectContext, Collector, HistoryKeyMatch, HistoryScan, KeyEnv, KeyKind } from './types.js';
import { compareText } from '../engine/order.js';

/** Stop reading git's output past this much (the scan is then `incomplete`). */
export const MAX_HISTORY_BYTES = 2 * 1024 * 1024 * 1024;
/** An added line longer than this is scanned only up to it (generated bundles). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

// Commit header line. It starts with \x01, which no diff line can start with (they start with
// a space, +, -, @, \ or a header word), so it can never be confused with file content.
const MARK = 0x01;
// The message follows the header and ends at a line holding only \x02, so its lines (which may
// start with + or @) are never read as diff lines.
const MSG_END = 0x02;
const FORMAT = '--format=%x01%H %ct %aI%n%B%n%x02';

const note = (message: string, file?: string): RunNote => (file ? { source: 'history', message, file } : { source: 'history', message });

const disabled = (reason: string, notes: RunNote[] = []): HistoryScan => ({ enabled: false, reason, keys: [], commitsScanned: 0, notes });

/** Undoes git's C-style quoting of unusual path names ("b/odd\nname" with octal escapes). */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"')) return raw;
  const bytes: number[] = [];
  const s = raw.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const n = s[i + 1] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

interface Found extends HistoryKeyMatch {
  time: number;
  /** Position of the commit in git's listing (newest first), to order commits of equal time. */
  idx: number;
}

/** Parses `git log -p --unified=0` output line by line; keeps only what it needs. */
class LogParser {
  commitsScanned = 0;
  /** The commit being read: the one git was on when it died. */
  current: string | undefined;
  readonly found = new Map<string, Found>();
  private commit = '';
  private time = 0;
  private date: string | undefined;
  private file: string | undefined;
  private inHunk = false;
  /** Prefix columns of a hunk line: 1, or one per parent in a merge's combined (--cc) diff. */
  private width = 1;
  private newLine = 0;
  private inMessage = false;
  private messageLine = 0;

  constructor(
    private readonly skipFile: (file: string) => boolean,
    private readonly order: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** One line, buf[s, e) without its newline. `mayHold` is false when no key can be in it. */
  line(buf: Buffer, s: number, e: number, mayHold = true): void {
    const first = buf[s];
    if (first === MARK) {
      const [sha = '', time = '0', date] = buf.toString('latin1', s + 1, e).split(' ');
      this.commit = sha;
      this.time = Number(time);
      this.date = date;
      this.file = undefined;
      this.inHunk = false;
      this.inMessage = true;
      this.messageLine = 0;
      this.current = sha;
      // Each commit comes once: the list is one `git rev-list` over every ref and stash entry.
      this.commitsScanned++;
      return;
    }
    if (this.inMessage) {
      if (first === MSG_END && e - s === 1) this.inMessage = false;
      else {
        this.messageLine++;
        if (mayHold) this.keysIn(buf.subarray(s, e), '', this.messageLine, true);
      }
      return;
    }
    if (this.inHunk && this.width > 1 && (first === 0x2b || first === 0x2d || first === 0x20)) {
      // Combined diff of a merge: one column per parent. All '+' is a line the merge itself
      // introduced (a conflict resolution, an "evil merge"); a line with no '-' is in the result.
      let plus = 0;
      let minus = false;
      for (let i = s; i < s + this.width && i < e; i++) {
        if (buf[i] === 0x2b) plus++;
        else if (buf[i] === 0x2d) minus = true;
      }
      if (minus) return;
      if (plus === this.width && mayHold && this.file !== undefined) this.keysIn(buf.subarray(s + this.width, e), this.file, this.newLine, false);
      this.newLine++;
      return;
    }
    if (this.inHunk && first === 0x2b /* + */) {
      if (mayHold && this.file !== undefined) this.keysIn(buf.subarray(s + 1, e), this.file, this.newLine, false);
      this.newLine++;
      return;
    }
    if (first === 0x40 /* @ */) {
      // @@ -a,b +c,d @@ (or @@@ -a,b -c,d +e,f @@@ for a merge): added lines are numbered from
      // the + range.
      const m = /^(@{2,}) (?:-\d+(?:,\d+)? )+\+(\d+)/.exec(buf.toString('latin1', s, Math.min(e, s + 96)));
      if (m) {
        this.inHunk = true;
        this.width = (m[1] as string).length - 1;
        this.newLine = Number(m[2]);
      }
      return;
    }
    if (this.inHunk && (first === 0x2d /* - */ || first === 0x5c /* \ */ || first === 0x20)) {
      if (first === 0x20) this.newLine++;
      return;
    }
    // Anything else is a file header: `diff --git`, `index`, `---`, `+++ b/path`, `new file`…
    this.inHunk = false;
    if (first === 0x64 /* d */ && buf.toString('latin1', s, s + 11) === 'diff --git ') {
      this.file = undefined;
    } else if (first === 0x2b && buf.toString('latin1', s, s + 4) === '+++ ') {
      // git ends the name with a TAB when it contains a space (so patch(1) can parse it).
      const name = unquoteGitPath(buf.toString('utf8', s + 4, e).replace(/\t$/, ''));
      // `+++ /dev/null` is a deletion: nothing was added.
      this.file = name === '/dev/null' ? undefined : name.replace(/^b\//, '');
      if (this.file !== undefined && this.skipFile(this.file)) this.file = undefined;
    }
  }

  private keysIn(content: Buffer, file: string, line: number, inMessage: boolean): void {
    const hits: RawHit[] = [];
    findKeyHits(content, hits);
    for (const h of hits) this.record(file, line, h, content, inMessage);
  }

  private record(file: string, line: number, h: RawHit, content: Buffer, inMessage: boolean): void {
    const value = content.toString('latin1', h.start, h.end);
    const id = `${value}\0${file}`;
    const prev = this.found.get(id);
    const m: Found = { file, line, kind: h.kind as KeyKind, env: h.env as KeyEnv, value, commit: this.commit, removed: false, time: this.time, idx: this.order.get(this.commit) ?? 0 };
    // The oldest commit wins; within one commit the first (lowest) line.
    if (prev && (prev.commit === this.commit || !older(m, prev))) return;
    if (inMessage) m.inMessage = true;
    if (this.date) m.date = this.date;
    this.found.set(id, m);
  }
}

interface Repository {
  bare: boolean;
  shallow: boolean;
  /** The promisor remote of a partial clone (objects left out at clone time), if any. */
  partial?: string;
}

/** What kind of repository root is in; undefined outside one, or git's complaint when it refuses. */
async function inspectRepository(root: string): Promise<Repository | string | undefined> {
  let r;
  try {
    r = await git(['rev-parse', '--is-bare-repository', '--is-shallow-repository'], root);
  } catch (_e) {
    return undefined; // git is not installed
  }
  if (r.code !== 0) return /not a git repository/i.test(r.stderr) ? undefined : gitMessage(r);
  const [bare, shallow] = r.stdout.toString('utf8').trim().split('\n');
  const cfg = await git(['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'], root).catch(() => undefined);
  // `extensions.partialclone <remote>` or `remote.<remote>.promisor true`: either names the remote.
  const line = cfg?.code === 0 ? (cfg.stdout.toString('utf8').trim().split('\n')[0] ?? '') : '';
  const [key = '', value = ''] = line.split(' ');
  const partial = key.toLowerCase() === 'extensions.partialclone' ? value : key.replace(/^remote\.(.*)\.promisor$/i, '$1') || undefined;
  return { bare: bare === 'true', shallow: shallow === 'true', ...(partial ? { partial } : {}) };
}

/** Every stash entry (refs/stash and its reflog); `--all` alone reaches only the latest. */
async function stashes(root: string): Promise<string[]> {
  const r = await git(['reflog', 'show', '--format=%H', 'refs/stash', '--'], root).catch(() => undefined);
  if (!r || r.code !== 0) return [];
  return r.stdout.toString('latin1').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}

export const collectHistory: Collector<'history'> = (ctx) => scanHistory(ctx, MAX_HISTORY_BYTES);

// Merge commits: `git log -p` shows no diff for a merge, so a key that only ever existed in a merge
// resolution would be missed. Measured on saleor's newest 3,000 commits (bench/README.md):
//   no merge diffs 68.6 MB of output; --diff-merges=first-parent 82.2 MB (+20%: every merge
//   repeats its branch's changes, all parsed again); --cc 68.6 MB and the least git CPU;
//   --remerge-diff 68.6 MB but it re-merges each merge and writes a temporary object directory
//   into .git (fails on a read-only checkout).
// --cc shows exactly the lines a merge introduced itself (prefix '+' in every parent column), so
// it finds resolution-only keys at the lowest cost.
export const MERGE_DIFF = '--cc';

/** The collector with its output bound as a parameter, so the cut-off can be tested. */
export async function scanHistory(ctx: CollectContext, maxBytes: number): Promise<HistoryScan> {
  if (!ctx.options.history) return disabled('run with --history to scan every commit');
  const root = ctx.root;
  // A range was checked against the repository by the CLI (history-range.ts) before the run.
  const range = ctx.options.historyRange;
  const repo = await inspectRepository(root);
  if (repo === undefined) return disabled('not a git repository: there is no history to scan');
  const notes: RunNote[] = [];
  if (typeof repo === 'string') {
    return { enabled: true, keys: [], commitsScanned: 0, notes, incomplete: `git could not read the repository (${repo}); fix that and run again` };
  }
  const gaps: string[] = [];
  if (repo.shallow && !range) {
    gaps.push('this is a shallow clone, so older commits are not here to scan; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout) and run again');
  }
  if (repo.partial) {
    gaps.push(`this is a partial clone (remote "${repo.partial}" holds objects left out at clone time), so some file versions are not here to scan; clone without --filter (actions/checkout without \`filter:\`) and run again`);
  }

  const revs = range ? [range] : ['--all', ...(await stashes(root))];
  // The commits first (cheap: no diffs), so the diffing, which is most of the cost, can be split
  // between processes, one per core; the list is also the count a complete scan must reach.
  const listed = await git(['rev-list', ...revs, '--'], root).catch((e: unknown) => ({ code: -1, stdout: Buffer.alloc(0), stderr: describeError(e) }));
  const commits = listed.code === 0 ? listed.stdout.toString('latin1').split('\n').filter((l) => l.length > 0) : [];
  const order = new Map(commits.map((c, i) => [c, i]));
  // A range in a shallow clone is whole unless it reaches the clone's edge: a commit there has no
  // parents here, so git would show its whole tree as added and the commits before it are missing.
  const edge = range && repo.shallow ? await shallowEdge(root, commits) : undefined;
  if (edge) {
    gaps.push(`this is a shallow clone and ${range} reaches its edge at commit ${edge.slice(0, 7)}, whose parents are not here; fetch more history (\`git fetch --unshallow\`, or \`fetch-depth: 0\` with actions/checkout) and run again`);
  }
  const skip = configIgnoreMatcher(ctx.config.ignore ?? []);
  const slices = Math.max(1, Math.min(HISTORY_PROCESSES, Math.ceil(commits.length / 2000)));
  const parts = Array.from({ length: slices }, (_, k) => commits.filter((_c, i) => i % slices === k));
  const budget = { left: maxBytes, cut: false };
  const runs = listed.code === 0 && commits.length > 0 ? await Promise.all(parts.map((part) => logCommits(root, part, new LogParser(skip, order), budget, ctx.progress))) : [];
  const scanned = runs.reduce((n, r) => n + r.parser.commitsScanned, 0);
  const want = listed.code === 0 ? commits.length : undefined;
  const failed = listed.code !== 0 ? { code: listed.code, stderr: listed.stderr } : runs.find((r) => r.result.code !== 0 && !r.killed)?.result;
  const unreadable = runs.flatMap((r) => r.unreadable);
  for (const r of runs) if (r.error) gaps.push(`reading git history failed after ${scanned} commits (${r.error})`);
  if (budget.cut) {
    gaps.push(`git history is larger than ${formatBytes(maxBytes)} of diffs; the scan stopped there and older commits were not scanned`);
  } else if (unreadable.length > 0 && failed) {
    const named = unreadable.slice(0, 5).map((c) => c.slice(0, 7)).join(', ') + (unreadable.length > 5 ? `, and ${unreadable.length - 5} more` : '');
    gaps.push(`git log failed on ${unreadable.length} of ${want} commits (${named}): ${gitMessage(failed)}; ${scanned} of ${want} were scanned; repair the repository (e.g. \`git fsck\`, or clone it again) and run again`);
  } else if (failed) {
    const why = gitMessage(failed);
    // A repository with no commits yet is not a failure: there is simply nothing to scan.
    if (!(scanned === 0 && /does not have any commits|bad default revision|unknown revision|ambiguous argument/.test(why))) {
      gaps.push(`git log failed after ${scanned}${want ? ` of ${want}` : ''} commits: ${why}; repair the repository (e.g. \`git fsck\`, or clone it again) and run again`);
    }
  } else if (want !== undefined && scanned < want) {
    gaps.push(`git log stopped after ${scanned} of ${want} commits without an error; run again, or clone the repository again`);
  }
  // Each key at its oldest sighting across the slices.
  const found = new Map<string, Found>();
  for (const r of runs) {
    for (const [id, m] of r.parser.found) {
      const prev = found.get(id);
      if (!prev || older(m, prev)) found.set(id, m);
    }
  }
  if (repo.bare) notes.push(note('bare repository: there is no work tree, so only history was scanned'));

  const current = new Set((await ctx.get('secrets')).keys.map((k) => k.value));
  const keys: HistoryKeyMatch[] = [...found.values()].map(({ time: _t, idx: _i, ...k }) => ({ ...k, removed: !current.has(k.value) }));
  keys.sort((a, b) => compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || compareText(a.value, b.value));
  const out: HistoryScan = { enabled: true, keys, commitsScanned: scanned, notes, ...(range ? { range } : {}) };
  if (gaps.length > 0) out.incomplete = gaps.join('; ');
  return out;
}

/** The first listed commit that sits on a shallow clone's edge (its parents were not fetched). */
async function shallowEdge(root: string, commits: readonly string[]): Promise<string | undefined> {
  const where = await git(['rev-parse', '--git-path', 'shallow'], root).catch(() => undefined);
  if (!where || where.code !== 0) return commits[commits.length - 1];
  const file = path.resolve(root, where.stdout.toString('utf8').trim());
  const edge = new Set((await readFile(file, 'latin1').catch(() => '')).split('\n').filter(Boolean));
  return commits.find((c) => edge.has(c));
}

/** git log processes for --history: the diffs are git's CPU; one process per core (2 measured). */
const HISTORY_PROCESSES = Math.max(1, Math.min(4, availableParallelism()));

/** a was added before b: an earlier commit time, or the same time and later in git's order. */
function older(a: Found, b: Found): boolean {
  return a.time < b.time || (a.time === b.time && (a.idx > b.idx || (a.idx === b.idx && (a.line ?? 0) < (b.line ?? 0))));
}

interface SliceRun {
  parser: LogParser;
  /** Commits git could not read (a lost object): skipped so the rest is still scanned. */
  unreadable: string[];
  result: { code: number | null; stderr: string };
  killed: boolean;
  error?: string;
}

/** Past this many unreadable commits in one slice the repository is too broken to go on (each restart re-reads the commit list: medusa, 125 lost objects, took 57 s with 10). */
const MAX_UNREADABLE = 3;

/**
 * `git log -p` over commits; when git dies on a commit (a lost object), that commit is recorded
 * as unreadable and git is started again on the commits after it, so one lost blob does not hide
 * the rest of history.
 */
async function logCommits(root: string, commits: string[], parser: LogParser, budget: { left: number; cut: boolean }, progress: Progress): Promise<SliceRun> {
  const unreadable: string[] = [];
  let rest = commits;
  let run: SliceRun;
  // git's complaint from a failed run, kept when a later run over the rest succeeds.
  let failure: SliceRun['result'] | undefined;
  for (;;) {
    parser.current = undefined;
    run = await logSlice(root, rest, parser, budget, progress);
    if (run.result.code !== 0 && !run.killed) failure = run.result;
    if (run.result.code === 0 || run.killed || run.error || unreadable.length >= MAX_UNREADABLE) break;
    // The commit whose header git printed last; none means the first one could not be read.
    let at = parser.current === undefined ? 0 : rest.indexOf(parser.current);
    if (at < 0) break;
    // git diffs a commit's trees before it prints its header, so a lost tree kills git after the
    // previous commit was printed whole: that commit is fine and the next one is at fault. A lost
    // blob kills git in the middle of the commit it printed. Only git can tell which: the commit
    // alone either reads or does not.
    if (parser.current !== undefined && (await readsAlone(root, parser.current))) {
      at += 1;
      if (at >= rest.length) break;
      rest = rest.slice(at);
      continue;
    }
    const bad = rest[at] as string;
    unreadable.push(bad);
    if (parser.current !== undefined) parser.commitsScanned--; // its diff was cut off
    rest = rest.slice(at + 1);
    if (rest.length === 0) break;
  }
  return { ...run, unreadable, result: failure ?? run.result };
}

/** Whether git can show one commit's whole diff (its output is read and dropped). */
async function readsAlone(root: string, commit: string): Promise<boolean> {
  const sub = gitStream(['log', '--no-walk', '-p', '--no-color', '--no-ext-diff', '--no-textconv', '--unified=0', MERGE_DIFF, '--format=%H', commit], root);
  sub.stdout.resume();
  const { code } = await sub.done.catch(() => ({ code: -1 }));
  return code === 0;
}

async function logSlice(root: string, commits: string[], parser: LogParser, budget: { left: number; cut: boolean }, progress: Progress): Promise<SliceRun> {
  // --relative: paths relative to the target, and only changes under it, like the tree scan.
  const args = ['log', '--no-walk=unsorted', '--stdin', '-p', '--no-color', '--no-ext-diff', '--no-textconv', '--unified=0', '--relative', MERGE_DIFF, '--src-prefix=a/', '--dst-prefix=b/', FORMAT];
  const sub = gitStream(args, root, commits.join('\n') + '\n');
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let killed = false;
  let error: string | undefined;
  let reported = 0;
  try {
    for await (const whole of sub.stdout as AsyncIterable<Buffer>) {
      // Past the bound only the complete lines before it are parsed, then git is stopped.
      const chunk = whole.length > budget.left ? whole.subarray(0, Math.max(0, budget.left)) : whole;
      budget.left -= whole.length;
      // Keys are rare: one native search over the chunk says which lines can hold one, so most
      // lines cost only a newline search and a look at their first byte.
      const hits: RawHit[] = [];
      findKeyHits(chunk, hits);
      hits.sort((x, y) => x.start - y.start);
      let hi = 0;
      let start = 0;
      let nl = chunk.indexOf(0x0a);
      while (nl !== -1) {
        if (pendingLen > 0) {
          pending.push(chunk.subarray(start, nl));
          const line = Buffer.concat(pending);
          parser.line(line, 0, line.length);
          pending = [];
          pendingLen = 0;
        } else {
          while (hi < hits.length && (hits[hi] as RawHit).start < start) hi++;
          parser.line(chunk, start, nl, hi < hits.length && (hits[hi] as RawHit).start < nl);
        }
        start = nl + 1;
        nl = chunk.indexOf(0x0a, start);
      }
      if (progress && parser.commitsScanned > reported) {
        progress('commits', parser.commitsScanned - reported);
        reported = parser.commitsScanned;
      }
      if (budget.left < 0) {
        budget.cut = true;
        pendingLen = 0; // a line cut by the bound is not parsed
        killed = true;
        sub.kill();
        break;
      }
      if (start < chunk.length && pendingLen < MAX_LINE_BYTES) {
        // Copy: the stream may reuse chunk memory. Past the cap the rest of the line is dropped.
        pending.push(Buffer.from(chunk.subarray(start, start + MAX_LINE_BYTES - pendingLen)));
        pendingLen += Math.min(chunk.length - start, MAX_LINE_BYTES - pendingLen);
      }
    }
    if (pendingLen > 0) {
      const line = Buffer.concat(pending);
      parser.line(line, 0, line.length);
    }
  } catch (e) {
    error = describeError(e);
  }
  const result = await sub.done.catch((e: unknown) => ({ code: -1, signal: null, stderr: describeError(e) }));
  return { parser, result, unreadable: [], killed: killed || budget.cut, ...(error ? { error } : {}) };
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${n / 1024 ** 3} GiB` : n >= 1024 ** 2 ? `${n / 1024 ** 2} MiB` : `${n} bytes`;
}
