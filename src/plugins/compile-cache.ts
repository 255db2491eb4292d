// Compiled plugin bundles kept between runs: compiling (esbuild, then the module-type parse) was
// most of a plugin's start-up cost. An entry is keyed by what golive was asked to compile (the
// entry file, the mode, what may not be compiled in) and by what compiles it (golive, esbuild and
// Node versions, the working directory), and holds the probes that decide whether it is still
// what a compile would produce now, each checked before the entry is used:
// - every file compiled in, by the SHA-256 of its contents as the compiler read them;
// - the listing of every folder holding a plugin file (a new `x.tsx` beside `x.ts`, a new index
//   file, would change what an import resolves to);
// - every package.json and node_modules folder from there up to the root (types, dependencies,
//   `exports`, a package installed nearer, a symlink pointing elsewhere), absent ones as absent.
// golive's own files compiled in (its API, the driver) are checked by contents only.
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { sha256, type PluginCache } from './cache.js';
import type { Compiled } from './compile.js';

type ProbeKind = 'file' | 'dir' | 'modules';

/** One fact the entry was made under: the hash of a file, a listing, or null when it was absent. */
export interface Probe {
  kind: ProbeKind;
  path: string;
  hash: string | null;
}

interface Entry {
  compiled: Compiled;
  probes: Probe[];
}

const KIND = 'plugins';

/** Where the cache folder `dir` keeps compiled plugins. */
export const compilesIn = (dir: string): string => path.join(dir, KIND);

async function listing(dir: string, deep: boolean): Promise<string> {
  const items = await readdir(dir, { withFileTypes: true });
  const lines = await Promise.all(
    items.map(async (d) => {
      const at = path.join(dir, d.name);
      if (d.isSymbolicLink()) return `${d.name}\0l\0${await realpath(at).catch(() => '(dangling)')}`;
      // A scope folder of node_modules (@acme/…): a package added inside it changes resolution too.
      if (deep && d.isDirectory() && d.name.startsWith('@')) return `${d.name}\0d\0${await listing(at, false)}`;
      return `${d.name}\0${d.isDirectory() ? 'd' : d.isFile() ? 'f' : 'o'}`;
    }),
  );
  return sha256(lines.sort().join('\n'));
}

const absent = (e: unknown) => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');

/** The probe's current hash; null when the path is absent. Any other failure throws (a miss). */
async function current(kind: ProbeKind, p: string): Promise<string | null> {
  try {
    return kind === 'file' ? sha256(await readFile(p)) : await listing(p, kind === 'modules');
  } catch (e) {
    if (absent(e)) return null;
    throw e;
  }
}

/**
 * What to check next time for a compile that read `files` (real path → bytes as compiled);
 * golive's own files (under `ownDir`) by contents only.
 */
export async function probesOf(files: ReadonlyMap<string, Uint8Array>, ownDir: string): Promise<Probe[]> {
  const probes = new Map<string, Probe>();
  const add = async (kind: ProbeKind, p: string, hash?: string | null) => {
    const id = `${kind}\0${p}`;
    if (!probes.has(id)) probes.set(id, { kind, path: p, hash: hash === undefined ? await current(kind, p) : hash });
  };
  const folders = new Set<string>();
  for (const [file, bytes] of files) {
    await add('file', file, sha256(bytes));
    if (!file.startsWith(ownDir + path.sep)) folders.add(path.dirname(file));
  }
  for (const folder of folders) {
    await add('dir', folder);
    for (let d = folder; ; d = path.dirname(d)) {
      await add('file', path.join(d, 'package.json'));
      await add('modules', path.join(d, 'node_modules'));
      if (path.dirname(d) === d) break;
    }
  }
  return [...probes.values()];
}

/** The key of one compile: what is compiled and everything that decides how. */
export function compileKey(parts: Record<string, unknown>): string {
  return sha256(JSON.stringify(parts));
}

/** The cached compile, when every probe still holds. */
export async function cachedCompile(cache: PluginCache, key: string): Promise<Compiled | undefined> {
  const entry = await cache.read<Entry>(KIND, key);
  if (!entry || !Array.isArray(entry.probes) || typeof entry.compiled?.code !== 'string') return undefined;
  try {
    const now = await Promise.all(entry.probes.map((p) => current(p.kind, p.path)));
    if (now.some((h, i) => h !== entry.probes[i]!.hash)) return undefined;
  } catch {
    return undefined;
  }
  return entry.compiled;
}

export async function storeCompile(cache: PluginCache, key: string, compiled: Compiled, files: ReadonlyMap<string, Uint8Array>, ownDir: string): Promise<void> {
  try {
    await cache.write(KIND, key, { compiled, probes: await probesOf(files, ownDir) } satisfies Entry);
  } catch {
    // A cache that cannot be written is only slower.
  }
}
