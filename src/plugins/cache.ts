// golive's cache of plugin work between runs (compiled bundles, descriptions, option checks), in
// the user's cache directory: $XDG_CACHE_HOME/golive or ~/.cache/golive on Linux (env-paths:
// ~/Library/Caches/golive on macOS, %LOCALAPPDATA%\golive\Cache on Windows); GOLIVE_CACHE_DIR
// names another folder, GOLIVE_CACHE=off turns it off.
//
// What is cached decides what a plugin check says, so an entry must never be a way to put code or
// answers into a run. Nothing in the cache is trusted as it stands:
// - an entry is found by the hash of everything it was made from, and its user checks those
//   inputs again before using it (compile-cache.ts re-hashes every file compiled in);
// - every entry carries an HMAC-SHA256 of its kind, name and contents under a key of 32 random
//   bytes kept in the cache folder, readable by this user only: a file placed there by anyone who
//   does not hold the key (a committed file, a copied or hand-edited entry) fails it;
// - the folder, the key and every entry must be this user's and writable by nobody else, the key
//   readable by nobody else (a git checkout never makes such a file), symlinks are not followed;
// - a cache folder inside a repository under check (or any folder a run names as untrusted) is
//   never used, so a pull request cannot commit one.
// Any doubt is a miss: golive does the work again and, where it may, overwrites the entry. The
// cache holds no secret: compiled plugin code (which golive refuses to compile secrets into),
// metadata and option checks.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readdir, realpath, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';

/** Entries kept per kind; beyond it the oldest go. */
const MAX_ENTRIES = 200;
/** An entry larger than this is not read (a plugin's compiled code is far smaller). */
const MAX_BYTES = 64 * 2 ** 20;
const KEY_FILE = 'key';
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Where the cache lives, or undefined when it is turned off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GOLIVE_CACHE === 'off' || env.GOLIVE_CACHE === '0') return undefined;
  // env-paths reads XDG_CACHE_HOME from the process's own environment.
  return env.GOLIVE_CACHE_DIR ? path.resolve(env.GOLIVE_CACHE_DIR) : envPaths('golive', { suffix: '' }).cache;
}

const mine = (st: { uid: number }) => process.getuid === undefined || st.uid === process.getuid();
/** Owned by this user and writable by nobody else (always so on Windows, which has no such bits). */
const safe = (st: { uid: number; mode: number }) => process.platform === 'win32' || (mine(st) && (st.mode & 0o022) === 0);
/** As safe, and readable by nobody else either: the key. */
const secret = (st: { uid: number; mode: number }) => process.platform === 'win32' || (mine(st) && (st.mode & 0o077) === 0);

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

export interface CacheOptions {
  env?: NodeJS.ProcessEnv;
  /** Folders the cache must not be in (the repository under check): their content is the change's. */
  untrusted?: readonly string[];
}

/** The key, made on first use; undefined when the one there cannot be trusted. */
async function loadKey(root: string): Promise<Buffer | undefined> {
  const file = path.join(root, KEY_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fh;
    try {
      fh = await open(file, constants.O_RDONLY | NOFOLLOW);
      const st = await fh.stat();
      const key = await fh.readFile();
      return st.isFile() && secret(st) && key.length === 32 ? key : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    } finally {
      await fh?.close().catch(() => undefined);
    }
    // Made whole under another name, then linked in (which never replaces a key that is there):
    // another golive never reads half a key, and of two made at once the first wins for both.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, randomBytes(32), { mode: 0o600, flag: 'wx' });
      await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    } catch {
      return undefined;
    } finally {
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
  return undefined;
}

/** The cache of one run: entries are read and written only through it. */
export class PluginCache {
  private readonly dirs = new Map<string, Promise<string | undefined>>();

  private constructor(
    private readonly root: string,
    private readonly key: Buffer,
  ) {}

  /** The cache for a run, or undefined when it is off or cannot be trusted (then nothing is cached). */
  static async open(opts: CacheOptions = {}): Promise<PluginCache | undefined> {
    const wanted = cacheDir(opts.env ?? process.env);
    if (!wanted) return undefined;
    try {
      await mkdir(wanted, { recursive: true, mode: 0o700 });
      const root = await realpath(wanted);
      for (const u of opts.untrusted ?? []) {
        const real = await realpath(u).catch(() => path.resolve(u));
        if (inside(real, root)) return undefined;
      }
      const st = await lstat(root);
      if (!st.isDirectory() || !safe(st)) return undefined;
      const key = await loadKey(root);
      return key ? new PluginCache(root, key) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The folder of one kind of entry, made if missing; undefined when it cannot be trusted. */
  private kindDir(kind: string): Promise<string | undefined> {
    let p = this.dirs.get(kind);
    if (!p) {
      const dir = path.join(this.root, kind);
      p = (async () => {
        try {
          await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'EEXIST') throw e;
          });
          const st = await lstat(dir);
          return st.isDirectory() && safe(st) ? dir : undefined;
        } catch {
          return undefined;
        }
      })();
      this.dirs.set(kind, p);
    }
    return p;
  }

  private mac(kind: string, name: string, body: string): string {
    return createHmac('sha256', this.key).update(`${kind}\0${name}\0`).update(body).digest('hex');
  }

  /** The entry's value, or undefined: missing, not this user's, writable by others, not made with this cache's key, unreadable. */
  async read<T>(kind: string, name: string): Promise<T | undefined> {
    const dir = await this.kindDir(kind);
    if (!dir) return undefined;
    let fh;
    try {
      fh = await open(path.join(dir, `${name}.json`), constants.O_RDONLY | NOFOLLOW);
      const st = await fh.stat();
      if (!st.isFile() || !safe(st) || st.size > MAX_BYTES) return undefined;
      const text = await fh.readFile('utf8');
      const nl = text.indexOf('\n');
      const body = text.slice(nl + 1);
      const want = Buffer.from(this.mac(kind, name, body), 'hex');
      const got = Buffer.from(text.slice(0, Math.max(0, nl)), 'hex');
      if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
      return JSON.parse(body) as T;
    } catch {
      return undefined;
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  /** Writes an entry whole (a temporary file renamed into place): a reader never sees half of one. */
  async write(kind: string, name: string, value: unknown): Promise<void> {
    const dir = await this.kindDir(kind);
    if (!dir) return;
    const body = JSON.stringify(value);
    const tmp = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, `${this.mac(kind, name, body)}\n${body}`, { mode: 0o600, flag: 'wx' });
      await rename(tmp, path.join(dir, `${name}.json`));
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
      return;
    }
    await prune(dir).catch(() => undefined);
  }
}

/** Keeps the newest MAX_ENTRIES entries; removes temporary files a killed golive left over an hour ago. */
async function prune(dir: string): Promise<void> {
  const names = await readdir(dir);
  const tmps = names.filter((n) => n.endsWith('.tmp'));
  const entries = names.filter((n) => n.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES && tmps.length === 0) return;
  const aged = await Promise.all(
    [...entries, ...tmps].map(async (n) => ({ n, at: (await stat(path.join(dir, n)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  const old = aged.filter((e) => e.n.endsWith('.tmp') && e.at < Date.now() - 3600_000);
  const byAge = aged.filter((e) => e.n.endsWith('.json')).sort((a, b) => b.at - a.at);
  old.push(...byAge.slice(MAX_ENTRIES));
  await Promise.all(old.map((e) => unlink(path.join(dir, e.n)).catch(() => undefined)));
}
