// Compiles a plugin (JS or TS, ESM or CommonJS) and everything it imports into one ES module for
// the sandbox; nothing of the plugin runs here. What the compiler may read is confined, because a
// compile-time read lands in the plugin's code and from there in its findings (issue 22):
// - imports resolve only inside the importing file's own package, or into a package that package
//   declares as a dependency (and then only inside that package's directory), after symlinks;
// - `mintcash-golive` is golive's public API from this installation; nothing else of golive, no
//   Node built-in, no import attribute (`with { type: 'text' }`), nothing but JS, TS and JSON;
// - tsconfig.json is never read (its `paths` or `extends` could point anywhere); `deny` refuses
//   what golive knows holds secrets (dot files such as .git/ and .env, the --dotenv file);
// - every file is then checked against the module type Node would give it (module-type.ts), and
//   dependencies resolve to the files Node would load (its conditions and `main`, never `module`).
// A refusal is one line naming the import and where it is written. A plugin that uses URL,
// URLSearchParams, TextEncoder or TextDecoder gets golive's pure implementations (vm-globals.js).
// A compile whose every input is unchanged comes from golive's cache (compile-cache.ts); the plugins
// of a run that are not in it are compiled together, in one esbuild build with an output each.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, Plugin } from 'esbuild';
import { onCleanup } from '../cleanup.js';
import { distFile } from '../paths.js';
import { VERSION } from '../version.js';
import type { PluginCache } from './cache.js';
import { cachedCompile, compileKey, storeCompile } from './compile-cache.js';
import { moduleTypeProblem, nearestPackage } from './module-type.js';

export class CompileError extends Error {}

export interface Compiled {
  /** One ES module; its exports are `__golive.describe()` and `__golive.run()` (vm-driver.ts). */
  code: string;
  /** Its source map (JSON), to name the plugin's own files and lines in a stack. */
  map: string;
  /** Where `map`'s relative sources are rooted. */
  mapDir: string;
}

export interface CompileOptions {
  /** `plugin`: the module's plugin definition; `all`: every check it exports (the tester). */
  mode: 'plugin' | 'all';
  /** Why a file must not be compiled in (it holds secrets), or undefined. Called with real paths. */
  deny?: (file: string) => string | undefined;
  /** Where to keep the compiled code for the next run (nothing is kept without it). */
  cache?: PluginCache;
  /** What `deny` refuses, as text (its inputs): a compile with a `deny` is cached only with this. */
  denyKey?: string;
  /** Called when the plugin is compiled afresh (not from the cache), before esbuild runs. */
  onCompile?: () => void;
}

/** The files a plugin may import, each with esbuild's own loader for it. */
const LOADERS: Record<string, Loader> = { '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx', '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.json': 'json' };
const SOURCE_EXT = new Set(Object.keys(LOADERS));
const DRIVER = 'golive:driver';
// The sandbox runs golive's compiled files (the build's, also when golive's own tests run the sources).
const SELF = distFile('api.js');
const DRIVER_FILE = distFile('plugins', 'vm-driver.js');
// URL, URLSearchParams, TextEncoder and TextDecoder, which QuickJS lacks (built by scripts/bundle.mjs).
const GLOBALS_FILE = distFile('plugins', 'vm-globals.js');
const WEB_GLOBALS = ['URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder'];
/** Any mention of one (a free reference is kept by name), so a bundle without it needs no injection. */
const WEB_GLOBAL_NAME = new RegExp(`\\b(?:${WEB_GLOBALS.join('|')})\\b`);
const GOLIVE_DIST = path.dirname(SELF);
const INNER = Symbol('inner');
// esbuild writes nothing here (write: false); source map paths are relative to it.
const OUT_DIR = os.tmpdir();
/** The namespace of the synthetic module each plugin is built from. */
const ENTRY_NS = 'golive-entry';

let esbuildStarted = false;
const requireHere = createRequire(import.meta.url);

/**
 * esbuild's API, loaded synchronously (its package is CommonJS), so that what starts it runs at
 * once rather than after whatever else golive's thread is busy with; its service process starts
 * with the first call and is stopped at golive's end.
 */
function esbuild(): typeof import('esbuild') {
  const api = requireHere('esbuild') as typeof import('esbuild');
  if (!esbuildStarted) {
    esbuildStarted = true;
    onCleanup(stopEsbuild);
  }
  return api;
}

/**
 * Starts esbuild's service process now, for a run that will compile plugins: its start (loading
 * its API, spawning it, its first answer: 60-100 ms of wall time) then overlaps other work.
 */
export function prestartCompiler(): void {
  try {
    const api = esbuild();
    api.initialize({}).catch(() => undefined);
  } catch {
    // The first build says what is wrong.
  }
}

/** esbuild's long-lived service process goes too, so nothing outlives golive. */
async function stopEsbuild(): Promise<void> {
  if (!esbuildStarted) return;
  esbuildStarted = false;
  await (requireHere('esbuild') as typeof import('esbuild')).stop();
}

const inside = (dir: string, file: string) => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** `@scope/name/x` → `@scope/name`, `name/x` → `name`. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The directory of the installed package `name` that holds file (its own package.json says so). */
function dependencyRoot(file: string, name: string): string | undefined {
  let pkg = nearestPackage(path.dirname(file));
  while (pkg) {
    if (pkg.name === name) return pkg.dir;
    const parent = path.dirname(pkg.dir);
    if (parent === pkg.dir) return undefined;
    pkg = nearestPackage(parent);
  }
  return undefined;
}

function realpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** Why `real` (imported as `spec` by `importer`) may not be compiled in, or undefined. */
function confinement(spec: string, real: string, importer: string, deny: CompileOptions['deny']): string | undefined {
  const ext = path.extname(real);
  if (!SOURCE_EXT.has(ext)) return `is ${ext ? `a ${ext} file` : 'a file without an extension'}: a plugin imports only JavaScript, TypeScript and JSON`;
  const denied = deny?.(real);
  if (denied) return denied;
  const pkg = nearestPackage(path.dirname(importer));
  const own = pkg?.dir ?? path.dirname(importer);
  if (inside(own, real)) return undefined;
  const bare = !spec.startsWith('.') && !path.isAbsolute(spec);
  if (bare) {
    const name = packageName(spec);
    if (!pkg?.dependencies.has(name)) return `is not a dependency of ${path.relative(process.cwd(), pkg?.file ?? own) || own} (add it to "dependencies")`;
    const dep = dependencyRoot(real, name);
    if (dep && inside(dep, real)) return undefined;
  }
  return `resolves outside the plugin's package (${own})`;
}

/**
 * `entries` are the plugins' files, each built from a synthetic module of golive's (`golive-entry:<i>`)
 * that imports it and the driver. `files` receives every file compiled in, as the compiler read it
 * (the cache hashes exactly that).
 */
function confine(opts: CompileOptions, entries: readonly string[], files: Map<string, Uint8Array>): Plugin {
  return {
    name: 'golive-confine',
    setup(b) {
      b.onLoad({ filter: /.*/, namespace: ENTRY_NS }, (args) => {
        const entry = entries[Number(args.path)]!;
        return { contents: entryModule(entry, opts.mode), resolveDir: path.dirname(entry), loader: 'js' };
      });
      b.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => {
        const loader = LOADERS[path.extname(args.path)];
        if (!loader) return undefined;
        const bytes = await readFile(args.path);
        files.set(args.path, bytes);
        return { contents: bytes, loader };
      });
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === INNER) return undefined;
        const call = args.kind === 'require-call' ? `require("${args.path}")` : `import "${args.path}"`;
        const refuse = (why: string) => ({ errors: [{ text: `${call} ${why}` }] });
        const attrs = Object.entries(args.with ?? {});
        if (attrs.length > 0) return refuse(`with { ${attrs.map(([k, v]) => `${k}: "${v}"`).join(', ')} } is refused: import attributes would let the compiler read any file into the plugin`);
        // The driver and the web globals are golive's pure code; the entry is imported by the synthetic module.
        if (args.path === DRIVER) return { path: DRIVER_FILE };
        if (args.kind === 'entry-point' && args.path === GLOBALS_FILE) return { path: GLOBALS_FILE };
        if (args.kind === 'entry-point' && args.path.startsWith(`${ENTRY_NS}:`)) return { path: args.path.slice(ENTRY_NS.length + 1), namespace: ENTRY_NS };
        if (args.namespace === ENTRY_NS && args.path === entries[Number(args.importer)]) return { path: args.path };
        // golive's own compiled files import one another (the API and the driver).
        if (inside(GOLIVE_DIST, args.importer) && args.path.startsWith('.')) return undefined;
        if (args.path === 'mintcash-golive') return { path: SELF };
        if (args.path.startsWith('mintcash-golive/')) return refuse('is not available to a plugin: only `mintcash-golive` is (the tester is for tests)');
        if (isBuiltin(args.path) || args.path.startsWith('node:')) {
          return refuse('is a Node built-in: a check gets its evidence, not I/O (declare `reads` or `fetches` for files or URLs)');
        }
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: INNER });
        if (r.errors.length > 0 || !r.path || r.external) {
          return refuse("cannot be found inside the plugin's package or its dependencies (tsconfig \"paths\" are not used)");
        }
        const real = realpath(r.path);
        if (!real) return refuse('cannot be read');
        const importer = realpath(args.importer) ?? args.importer;
        const why = confinement(args.path, real, importer, opts.deny);
        return why ? refuse(why) : { path: real, sideEffects: r.sideEffects };
      });
    },
  };
}

/**
 * Every file of the plugin, its dependencies' too, must load as Node would load it. The resolver
 * picks the files Node would pick (see bundle), so a dependency's file is judged only
 * where Node would load that very file.
 */
async function checkModuleTypes(inputs: readonly string[], files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  for (const file of inputs) {
    if (inside(GOLIVE_DIST, file)) continue;
    const bytes = files.get(file);
    const problem = await moduleTypeProblem(file, bytes ? Buffer.from(bytes).toString('utf8') : readFileSync(file, 'utf8'));
    if (problem) throw new CompileError(problem);
  }
}

let compiler: { self: string; esbuild: string | undefined } | undefined;

/**
 * What compiles a plugin: golive (its version and this very module), esbuild and Node. The files
 * are read once per run, not once per plugin: they do not change while golive runs.
 */
function compilerParts(): Record<string, unknown> {
  if (!compiler) {
    const self = fileURLToPath(import.meta.url);
    const st = statSync(self);
    const pkg = JSON.parse(readFileSync(requireHere.resolve('esbuild/package.json'), 'utf8')) as { version?: string };
    compiler = { self: `${self}:${st.size}:${st.mtimeMs}`, esbuild: pkg.version };
  }
  return { cache: 1, golive: VERSION, compiler: compiler.self, esbuild: compiler.esbuild, node: process.version, cwd: process.cwd(), out: OUT_DIR };
}

/** The synthetic module a plugin is built from: its exports are the driver's calls on the plugin. */
function entryModule(real: string, mode: CompileOptions['mode']): string {
  return [
    `import * as plugin from ${JSON.stringify(real)};`,
    `import { describe, run } from ${JSON.stringify(DRIVER)};`,
    `export const __golive = { describe: () => describe(plugin, ${JSON.stringify(mode)}), run: (index, wire) => run(plugin, ${JSON.stringify(mode)}, index, wire) };`,
  ].join('\n');
}

/** One plugin's part of a build: its code and map, and the real path of every file compiled in. */
interface Built {
  code: string;
  map: string;
  inputs: string[];
}

/**
 * One esbuild build of every plugin in `reals` (each its own output, nothing shared between them),
 * or a CompileError with esbuild's first error. `files` receives what the build read.
 */
async function bundle(reals: readonly string[], opts: CompileOptions, webGlobals: boolean, files: Map<string, Uint8Array>): Promise<Built[]> {
  const { build } = esbuild();
  let result;
  try {
    result = await build({
      entryPoints: reals.map((_, i) => ({ in: `${ENTRY_NS}:${i}`, out: `golive-plugin-${i}` })),
      outdir: OUT_DIR,
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'node',
      // Dependencies resolve to the files Node would load: its conditions (import or require, node,
      // default, and module-sync on the Node versions golive supports) and `main`, never esbuild's
      // own `module` condition and field, which point at files Node never loads.
      conditions: ['module-sync'],
      mainFields: ['main'],
      target: 'es2022',
      // QuickJS has no URL or TextEncoder: a plugin that uses them gets golive's (only those it uses).
      inject: webGlobals ? [GLOBALS_FILE] : [],
      define: { 'process.env.NODE_ENV': '"production"', ...Object.fromEntries(WEB_GLOBALS.map((g) => [`globalThis.${g}`, g])) },
      // Never read from disk: `paths` and `extends` could point anywhere (issue 22).
      tsconfigRaw: '{}',
      sourcemap: 'external',
      sourcesContent: false,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [confine(opts, reals, files)],
    });
  } catch (e) {
    throw new CompileError(describeBuildError(e) ?? (e instanceof Error ? e.message : String(e)));
  }
  const cwd = process.cwd();
  const text = (file: string) => result.outputFiles.find((f) => f.path === file)?.text;
  return reals.map((_, i) => {
    const out = path.join(OUT_DIR, `golive-plugin-${i}.js`);
    const meta = Object.entries(result.metafile.outputs).find(([rel]) => path.resolve(cwd, rel) === out)?.[1];
    // The synthetic entry module (esbuild names it `golive-entry:<i>`) is golive's, not a file.
    const inputs = Object.keys(meta?.inputs ?? {})
      .filter((rel) => !rel.startsWith(`${ENTRY_NS}:`))
      .map((rel) => path.resolve(cwd, rel));
    return { code: text(out) ?? '', map: text(`${out}.map`) ?? '{}', inputs };
  });
}

/** A built plugin checked (module types), kept in the cache when golive read every file of it. */
async function finish(built: Built, files: ReadonlyMap<string, Uint8Array>, opts: CompileOptions, key: string | undefined): Promise<Compiled> {
  await checkModuleTypes(built.inputs, files);
  const compiled = { code: built.code, map: built.map, mapDir: OUT_DIR };
  // Kept only when golive read every input itself, so the cache can check each one next time.
  const own = new Map(built.inputs.flatMap((f) => (files.has(f) ? [[f, files.get(f)!] as const] : [])));
  if (opts.cache && key && own.size === built.inputs.length) await storeCompile(opts.cache, key, compiled, own, GOLIVE_DIST);
  return compiled;
}

/** A rejection handled for now: its awaiter handles it again, and none goes unhandled meanwhile. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Compiles the plugins `reals` (none in the cache) in one esbuild build: each plugin is its own
 * output, and the build's fixed cost (esbuild's own, golive's API and driver read and parsed once)
 * is paid once. A build fails whole, so after a failure each plugin is built alone, and each error
 * is its own plugin's. A plugin whose bundle names a web global is built again with them.
 */
async function compileFresh(reals: readonly string[], keys: ReadonlyMap<string, string | undefined>, opts: CompileOptions): Promise<Map<string, Promise<Compiled>>> {
  const files = new Map<string, Uint8Array>();
  let built: Built[];
  try {
    built = await bundle(reals, opts, false, files);
  } catch (e) {
    if (reals.length === 1) return new Map([[reals[0]!, quiet(Promise.reject(e as Error))]]);
    return new Map(reals.map((real) => [real, quiet(compileFresh([real], keys, opts).then((m) => m.get(real)!))]));
  }
  return new Map(
    reals.map((real, i) => {
      const one = built[i]!;
      // The web globals' implementations are 74 KB that esbuild parses (and golive sends it) in every
      // build that injects them, half of a small plugin's compile (measured); most plugins name none
      // of them, so a plugin is bundled with them only when its bundle without them does.
      if (!WEB_GLOBAL_NAME.test(one.code)) return [real, quiet(finish(one, files, opts, keys.get(real)))];
      const again = new Map<string, Uint8Array>();
      return [real, quiet(bundle([real], opts, true, again).then(([b]) => finish(b!, again, opts, keys.get(real))))];
    }),
  );
}

/** The cache key of one plugin's compile, or undefined when it is not to be cached. */
function keyOf(real: string, opts: CompileOptions): string | undefined {
  if (!opts.cache || (opts.deny && opts.denyKey === undefined)) return undefined;
  try {
    return compileKey({ ...compilerParts(), entry: real, mode: opts.mode, deny: opts.denyKey ?? '' });
  } catch {
    return undefined;
  }
}

/**
 * Compiles each of `entries` (absolute paths) for the sandbox: one promise per entry, the compiled
 * code or a CompileError in one line. A compile whose every input is unchanged comes from the cache
 * (compile-cache.ts), without esbuild; the others are compiled together, once every entry has been
 * looked up in the cache.
 */
export function compilePlugins(entries: readonly string[], opts: CompileOptions): Promise<Compiled>[] {
  const lookups = entries.map((entry) =>
    quiet(
      (async () => {
        const real = realpath(entry);
        if (!real) throw new CompileError('file not found');
        const denied = opts.deny?.(real);
        if (denied) throw new CompileError(denied);
        const key = keyOf(real, opts);
        const hit = opts.cache && key ? await cachedCompile(opts.cache, key) : undefined;
        return { real, key, hit };
      })(),
    ),
  );
  const fresh = quiet(
    Promise.allSettled(lookups).then((settled) => {
      const keys = new Map<string, string | undefined>();
      for (const s of settled) if (s.status === 'fulfilled' && !s.value.hit) keys.set(s.value.real, s.value.key);
      if (keys.size === 0) return new Map<string, Promise<Compiled>>();
      opts.onCompile?.();
      return compileFresh([...keys.keys()], keys, opts);
    }),
  );
  return lookups.map(async (lookup) => {
    const { real, hit } = await lookup;
    return hit ?? (await fresh).get(real)!;
  });
}

/** Compiles one plugin (compilePlugins). */
export function compilePlugin(entry: string, opts: CompileOptions): Promise<Compiled> {
  return compilePlugins([entry], opts)[0]!;
}

/** esbuild's first error, one line: `plugins/x.js:1:40: import "node:fs" is a Node built-in…`. */
export function describeBuildError(e: unknown): string | undefined {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  const first = errors?.[0];
  if (!first) return undefined;
  const loc = first.location;
  const at = loc && !loc.file.startsWith(`${ENTRY_NS}:`) ? `${path.relative(process.cwd(), path.resolve(loc.file)) || loc.file}:${loc.line}:${loc.column + 1}: ` : '';
  return `${at}${first.text}`;
}
