// Repository inventory: which files golive reads. In a git work tree we ask git: tracked files
// with their sizes and types from the index (no per-file lstat), plus untracked-not-ignored files;
// elsewhere we walk the directory honouring .gitignore files. Symlinks are never followed and
// submodules and special files are passed over (notes); a path we could not even inspect is
// `unread`, which the secret scan reports as a gap. Size is no reason to leave a file out: the
// secret scan streams files of any size.
import { lstatSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { describeError } from '../errors.js';
import type { RunNote } from '../engine/types.js';
import { git } from './git.js';
import type { CollectContext, Collector, RepoFile, UnreadFile } from './types.js';
import { compareText } from '../engine/order.js';

/** Suppression comments are looked for only in files up to this size. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

// Outside git, lstat runs synchronously in batches that yield to the event loop. Measured on the
// 20k-file benchmark tree: ~65 ms of CPU against ~190 ms for fs.promises.lstat with 64 in flight
// (the thread-pool round trip costs more than the syscall on a warm cache).
const LSTAT_BATCH = 512;
const ALWAYS_SKIP_DIRS = new Set(['.git', 'node_modules']);

const note = (message: string, file?: string): RunNote => (file ? { source: 'repo', message, file } : { source: 'repo', message });

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What git's index says about the tracked files under root (paths relative to root). */
export interface TrackedListing {
  files: RepoFile[];
  notes: RunNote[];
}

// `--debug` prints each entry's cached stat data, so sizes and types come from the index and
// no file is lstat()ed (measured on medusa, 15k files: the lstat pass took 60-170 ms; this adds
// nothing visible to `ls-files`). Its format is for humans and may change: an entry we cannot
// parse is lstat()ed instead.
const SKIP_WORKTREE = 0x40000000; // CE_SKIP_WORKTREE in the index entry's flags (sparse checkout)
const SIZE_TAG = Buffer.from('size: ');
const FLAGS_TAG = Buffer.from('\tflags: ');

/** Index of the first `byte` in out[from..], or out.length. A plain loop: Buffer.indexOf's per-call cost dominated here. */
function find(out: Buffer, byte: number, from: number): number {
  let i = from;
  while (i < out.length && out[i] !== byte) i++;
  return i;
}

function startsWithAt(out: Buffer, tag: Buffer, at: number): boolean {
  if (at + tag.length > out.length) return false;
  for (let k = 0; k < tag.length; k++) if (out[at + k] !== tag[k]) return false;
  return true;
}

/**
 * The size and flags on an entry's last debug line (`  size: 9062\tflags: 0`), line = out[from, to);
 * undefined when it does not read as expected.
 */
function debugSizeFlags(out: Buffer, from: number, to: number): { size: number; flags: number } | undefined {
  let i = from;
  while (i < to && out[i] === 0x20) i++;
  if (!startsWithAt(out, SIZE_TAG, i)) return undefined;
  i += SIZE_TAG.length;
  let size = 0;
  const digitsFrom = i;
  for (let b = out[i] as number; i < to && b >= 0x30 && b <= 0x39; b = out[++i] as number) size = size * 10 + (b - 0x30);
  if (i === digitsFrom || !startsWithAt(out, FLAGS_TAG, i)) return undefined;
  i += FLAGS_TAG.length;
  let flags = 0;
  const hexFrom = i;
  for (; i < to; i++) {
    const b = out[i] as number;
    const v = b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
    if (v < 0) break;
    flags = flags * 16 + v;
  }
  return i === hexFrom ? undefined : { size, flags };
}

/** Parses `git ls-files -z --stage --debug`, byte by byte (medusa's 15k entries: ~10 ms). */
function parseStageDebug(out: Buffer, root: string, notes: RunNote[]): RepoFile[] {
  const files: RepoFile[] = [];
  const seen = new Set<string>();
  let pos = 0;
  while (pos < out.length) {
    const tab = find(out, 0x09, pos);
    const nul = find(out, 0, tab);
    if (nul >= out.length) break;
    const mode = out.toString('latin1', pos, pos + 6);
    const rel = out.toString('utf8', tab + 1, nul);
    // Five debug lines follow (ctime, mtime, dev/ino, uid/gid, size/flags); size/flags is the last.
    let lineStart = nul + 1;
    for (let i = 0; i < 4 && lineStart < out.length; i++) lineStart = find(out, 0x0a, lineStart) + 1;
    const end = Math.min(find(out, 0x0a, lineStart) + 1, out.length);
    const m = debugSizeFlags(out, lineStart, end);
    pos = end;
    if (seen.has(rel)) continue; // a conflicted path has one entry per stage
    seen.add(rel);
    if (mode === '160000') notes.push(note('submodule (another repository), not scanned', rel));
    else if (mode === '120000') notes.push(note('symbolic link, not followed', rel));
    else if (m && (m.flags & SKIP_WORKTREE) !== 0) notes.push(note('outside the sparse checkout, not in the work tree', rel));
    else if (m) files.push({ path: rel, size: m.size });
    else {
      const f = inspect(root, rel, notes);
      if (f) files.push(f);
    }
  }
  return files;
}

/** Lines of a `-z` listing. */
const zList = (out: Buffer): string[] => out.toString('utf8').split('\0').filter((p) => p.length > 0);

const tracked = new WeakMap<object, Promise<TrackedListing | undefined>>();

/**
 * The tracked part of the inventory, available before the untracked walk ends so the secret scan
 * can start on it; undefined outside a git work tree. Config `ignore` globs already applied.
 */
export function trackedFiles(ctx: CollectContext): Promise<TrackedListing | undefined> {
  // A files run lists nothing beyond the files it was given (collectRepo).
  if (ctx.options.files) return Promise.resolve(undefined);
  let p = tracked.get(ctx);
  if (!p) {
    const root = path.resolve(ctx.root);
    const ignored = configIgnoreMatcher(ctx.config.ignore ?? []);
    p = git(['ls-files', '-z', '--stage', '--debug'], root).then(
      (r) => {
        if (r.code !== 0) return undefined;
        const notes: RunNote[] = [];
        const files = parseStageDebug(r.stdout, root, notes).filter((f) => !ignored(f.path));
        return { files, notes: notes.filter((n) => !ignored(n.file ?? '')) };
      },
      () => undefined, // git is not installed: treat like a plain directory
    );
    tracked.set(ctx, p);
  }
  return p;
}

/**
 * Tracked files that git's ignore rules match: committed anyway (a force-added build output, a
 * generated SDK under an ignored folder), so not the merchant's hand-written source. Only the code
 * index asks, so the secret scan alone never pays for it; an empty set when git cannot tell.
 */
export async function trackedButIgnored(ctx: CollectContext): Promise<Set<string>> {
  const r = await git(['ls-files', '-z', '-c', '-i', '--exclude-standard'], path.resolve(ctx.root)).catch(() => undefined);
  return new Set(r?.code === 0 ? zList(r.stdout) : []);
}

interface IgnoreLayer {
  /** Directory of the .gitignore, relative to root ('' for root), with a trailing slash. */
  base: string;
  ig: Ignore;
}

/** git's rule: the deepest .gitignore with an opinion about the path decides. */
function isGitIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { base, ig } = layers[i] as IgnoreLayer;
    let r;
    try {
      r = ig.test(rel.slice(base.length) + (isDir ? '/' : ''));
    } catch (_e) {
      continue; // `ignore` rejects some odd names; reading a file too many beats crashing
    }
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** Directory walk for non-git targets: nested .gitignore files apply, .git and node_modules never. */
async function walk(root: string, skipDir: (rel: string) => boolean, notes: RunNote[], unread: UnreadFile[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (relDir: string, parentLayers: readonly IgnoreLayer[]): Promise<void> => {
    const abs = relDir ? path.join(root, relDir) : root;
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      unread.push({ file: relDir || '.', reason: `directory not listed: ${describeError(e)}` });
      return;
    }
    let layers = parentLayers;
    if (entries.some((d) => d.name === '.gitignore' && d.isFile())) {
      try {
        const text = await readFile(path.join(abs, '.gitignore'), 'utf8');
        layers = [...parentLayers, { base: relDir ? `${relDir}/` : '', ig: ignore().add(text) }];
      } catch (e) {
        notes.push(note(`.gitignore not read: ${describeError(e)}`, relDir ? `${relDir}/.gitignore` : '.gitignore'));
      }
    }
    const subdirs: string[] = [];
    for (const d of entries) {
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (ALWAYS_SKIP_DIRS.has(d.name) || isGitIgnored(layers, rel, true) || skipDir(rel)) continue;
        subdirs.push(rel);
      } else if (!isGitIgnored(layers, rel, false)) {
        files.push(rel); // symlinks and specials included: the lstat pass turns them into notes
      }
    }
    await mapLimit(subdirs, 8, (sub) => visit(sub, layers));
  };
  await visit('', []);
  return files;
}

/** The config `ignore` globs as a predicate on relative paths (shared with the history scan). */
export function configIgnoreMatcher(globs: readonly string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  const isIgnored = picomatch([...globs], { dot: true });
  // A glob like `vendor` should exclude everything below that directory too, as in .gitignore.
  return (rel) => {
    if (isIgnored(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) {
      if (isIgnored(rel.slice(0, i))) return true;
    }
    return false;
  };
}

/** Why a symlink is skipped, in words: it is never followed, but a loop or dangling link is named. */
function symlinkNote(abs: string): string {
  try {
    statSync(abs);
    return 'symbolic link, not followed';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'symbolic link loop, skipped';
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'dangling symbolic link, skipped';
    return `symbolic link, not followed (${describeError(e)})`;
  }
}

/** The inventory entry for one listed path, or undefined plus a note saying why it is skipped. */
function inspect(root: string, rel: string, notes: RunNote[], unread: UnreadFile[] = []): RepoFile | undefined {
  const abs = path.join(root, rel);
  try {
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) {
      notes.push(note('listed by git but missing from the work tree, skipped', rel));
      return undefined;
    }
    if (st.isSymbolicLink()) {
      notes.push(note(symlinkNote(abs), rel));
      return undefined;
    }
    if (st.isDirectory()) {
      notes.push(note('directory listed by git (a submodule?), not scanned', rel));
      return undefined;
    }
    if (!st.isFile()) {
      notes.push(note('not a regular file, skipped', rel));
      return undefined;
    }
    return { path: rel, size: st.size };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    unread.push({ file: rel, reason: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : describeError(e) });
    return undefined;
  }
}

export const collectRepo: Collector<'repo'> = async (ctx) => {
  const root = path.resolve(ctx.root);
  const notes: RunNote[] = [];
  const unread: UnreadFile[] = [];
  const ignoredByConfig = configIgnoreMatcher(ctx.config.ignore ?? []);
  if (ctx.options.files) {
    // A files run: exactly the files given (a pre-commit hook's staged files), less config
    // `ignore`; .gitignore does not apply, the caller named them.
    const files = ctx.options.files.filter((f) => !ignoredByConfig(f)).flatMap((f) => inspect(root, f, notes, unread) ?? []);
    return { root, isGit: false, files, notes, unread };
  }

  // Two listings at once: the index (fast), and one walk that yields both the tracked files deleted
  // from the work tree ("R") and the untracked ones ("?"), the slow part: git reads every directory.
  const [fromIndex, walked] = await Promise.all([
    trackedFiles(ctx),
    git(['ls-files', '-z', '-t', '--deleted', '--others', '--exclude-standard'], root).catch(() => undefined),
  ]);
  // A bare repository has history but no work tree: nothing to list (the history scan reads it).
  if (walked && walked.code !== 0 && /must be run in a work tree/.test(walked.stderr)) {
    return { root, isGit: true, files: [], notes: [note('bare repository: no work tree to scan (pass --history to scan its commits)')], unread };
  }
  // Entries tagged "R " (deleted) or "? " (untracked); undefined when the walk failed.
  const tagged = walked?.code === 0 ? zList(walked.stdout) : undefined;
  const files: RepoFile[] = [];
  let isGit = fromIndex !== undefined && tagged !== undefined;
  if (fromIndex && tagged) {
    const gone = new Set(tagged.filter((t) => t.startsWith('R ')).map((t) => t.slice(2)));
    for (const f of fromIndex.files) {
      if (gone.has(f.path)) notes.push(note('listed by git but missing from the work tree, skipped', f.path));
      else files.push(f);
    }
    notes.push(...fromIndex.notes);
    for (const t of tagged) {
      if (!t.startsWith('? ')) continue;
      const rel = t.slice(2);
      if (ignoredByConfig(rel)) continue;
      const f = inspect(root, rel, notes, unread);
      if (f) files.push(f);
    }
  }
  // git lists nothing when the target itself sits in an ignored folder of an outer repository
  // (e.g. a checkout under a build directory): then the directory itself is what the user means.
  if (files.length === 0 && notes.length === 0) {
    const walked = await walk(root, ignoredByConfig, notes, unread);
    if (walked.length > 0) isGit = false;
    const candidates = walked.filter((p) => !ignoredByConfig(p));
    for (let i = 0; i < candidates.length; i++) {
      const f = inspect(root, candidates[i] as string, notes, unread);
      if (f) files.push(f);
      if (i % LSTAT_BATCH === LSTAT_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  files.sort((a, b) => compareText(a.path, b.path));
  notes.sort((a, b) => compareText(a.file ?? '', b.file ?? ''));
  unread.sort((a, b) => compareText(a.file, b.file));
  return { root, isGit, files, notes, unread };
};
