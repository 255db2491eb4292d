// Loads plugin checks named in config `plugins`: local JS/TS files and installed npm packages.
// Plugins are untrusted code: each is compiled with its reach confined (compile.ts) and runs only in
// its own sandbox (sandbox.ts); golive itself never evaluates a line of it. Every problem (cannot
// load, loops at import, wrong API version, malformed check, reserved or missing namespace, options
// that fail the plugin's schema) is collected and reported at once with the plugin's name and path;
// the caller makes it exit 2.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { exports as resolveExports } from 'resolve.exports';
import type { SeveritySetting } from '../config/schema.js';
import { SECTIONS, type Check } from '../engine/types.js';
import { oneLine } from '../output/escape.js';
import type { Secrets } from '../output/secrets.js';
import { PLUGIN_API_VERSION } from './api-version.js';
import { neverServed, planCapabilities } from './capabilities.js';
import { compilePlugins, type Compiled } from './compile.js';
import { checkOptions, parseObject, show } from './options.js';
import { described } from './answers.js';
import { PluginCache } from './cache.js';
import type { PluginEntry } from './entries.js';
import { PLUGIN_LIMITS } from './limits.js';
import { PluginError, PluginSandbox, prepareValidator } from './sandbox.js';
import { proxyCheck, stackLines } from './proxy.js';

/** Plugin checks get a tighter default limit than built-ins: a hung plugin must not hold the gate. */
export const PLUGIN_TIMEOUT_MS = PLUGIN_LIMITS.checkMs;
export const PLUGIN_TIMEOUT_MAX_MS = PLUGIN_LIMITS.checkMaxMs;

/** Names a plugin may not take: the built-in sections (ids would look alike) and golive's own. */
export const RESERVED_NAMESPACES: readonly string[] = [...SECTIONS, 'golive', 'builtin', 'local'];

export interface LoadedPlugin {
  /** As written in config. */
  spec: string;
  /** Absolute path of the module that was compiled. */
  path: string;
  namespace: string;
  checks: Check[];
  /** Severity settings the plugin suggests; the user's `checks` config wins. */
  preset: Record<string, SeveritySetting>;
  sandbox: PluginSandbox;
}

export interface PluginLoadResult {
  plugins: LoadedPlugin[];
  problems: string[];
}

export interface LoadOptions {
  /** The repository under check: where granted reads are served from. */
  root: string;
  /** Add the plugin's stack (masked) to load problems. */
  verbose?: boolean;
  /** The --dotenv file: never compiled into a plugin, never served to one. */
  envFile?: string;
  /** config.productionConfig: files that hold production secrets are never compiled into a plugin. */
  productionConfig?: readonly string[];
  /** golive's version, for the user agent of plugin fetches. */
  version?: string;
  /** The run's Secrets: what a plugin is sent is masked with them (and with the evidence's own). */
  secrets?: Secrets;
  /** The environment: where golive's cache is (cache.ts). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the entries were written, for `golive explain`: the entry at `index` of config `plugins`
   * (e.g. `golive.config.json plugins[2].grants`). Default: `plugins[<index>].grants`.
   */
  grantedIn?: (index: number) => string;
}

function isLocal(spec: string): boolean {
  return spec.startsWith('.') || path.isAbsolute(spec);
}

/** `golive-plugin-acme` → acme, `@acme/golive-plugin` → acme. Local files must name their own. */
export function defaultNamespace(spec: string): string | undefined {
  if (isLocal(spec)) return undefined;
  const scoped = /^@([^/]+)\//.exec(spec);
  const name = scoped ? scoped[1]! : spec.replace(/^golive-plugin-/, '');
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** Finds an installed package's entry by walking up node_modules from baseDir (`exports` aware). */
function resolvePackage(spec: string, baseDir: string): string {
  let dir = path.resolve(baseDir);
  for (;;) {
    const pkgDir = path.join(dir, 'node_modules', spec);
    if (existsSync(path.join(pkgDir, 'package.json'))) return packageEntry(pkgDir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package not installed (looked in node_modules from ${baseDir} upwards); run npm install ${spec}`);
    dir = parent;
  }
}

/**
 * The file `import('<package>')` loads, as Node resolves it: `exports` by the conditions of an
 * import (resolve.exports: key order decides, as in Node), else `main` and Node's legacy fallbacks
 * (never `module`, which Node does not read), else index.js.
 */
export function packageEntry(pkgDir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { name?: string; exports?: unknown; main?: unknown };
  if (pkg.exports !== undefined && pkg.exports !== null) {
    let found: string[] | void;
    try {
      found = resolveExports({ name: pkg.name ?? '', exports: pkg.exports } as never, '.', { conditions: ['module-sync'] });
    } catch {
      found = undefined;
    }
    if (!found?.[0]) throw new Error(`its package.json "exports" has no entry Node can import (conditions import, node, module-sync, default)`);
    return path.join(pkgDir, found[0]);
  }
  const main = typeof pkg.main === 'string' && pkg.main ? pkg.main : undefined;
  const tries = main ? [main, `${main}.js`, `${main}.json`, `${main}/index.js`, `${main}/index.json`, 'index.js'] : ['index.js', 'index.json'];
  for (const t of tries) {
    const f = path.join(pkgDir, t);
    if (statSync(f, { throwIfNoEntry: false })?.isFile()) return f;
  }
  throw new Error(`no entry file: ${main ? `its "main" (${main}) and index.js are missing` : 'it has no "exports" or "main", and no index.js'}`);
}

/** Why a file must never be compiled into a plugin: where golive knows secrets live. */
export function compileDeny(opts: Pick<LoadOptions, 'root' | 'envFile' | 'productionConfig'>): (file: string) => string | undefined {
  const root = path.resolve(opts.root);
  const production = picomatch([...(opts.productionConfig ?? [])], { dot: true });
  return (file) => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const inRepo = !rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel);
    const never = neverServed(inRepo ? rel : file.split(path.sep).join('/'), file, opts.envFile);
    if (never) return never.replace('never served', 'never compiled into a plugin');
    if (inRepo && opts.productionConfig?.length && production(rel)) return 'is a production config file (config productionConfig): never compiled into a plugin, it can hold secrets';
    return undefined;
  };
}

/** What compileDeny refuses, as text: a cached compile is used only under the same refusals. */
export function compileDenyKey(opts: Pick<LoadOptions, 'root' | 'envFile' | 'productionConfig'>): string {
  let envFile: string | undefined;
  if (opts.envFile) {
    try {
      envFile = realpathSync(opts.envFile);
    } catch {
      envFile = path.resolve(opts.envFile);
    }
  }
  return JSON.stringify({ root: path.resolve(opts.root), envFile: envFile ?? null, productionConfig: opts.productionConfig ?? [] });
}

function timeoutOf(v: unknown): number | string {
  if (v === undefined) return PLUGIN_TIMEOUT_MS;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= PLUGIN_TIMEOUT_MAX_MS) return v;
  return `timeoutMs = ${oneLine(String(v))} must be a whole number of milliseconds from 1 to ${PLUGIN_TIMEOUT_MAX_MS}`;
}

type Rec = Record<string, unknown>;

/** A list of strings (globs, URLs) from the plugin's meta, or the reason it is not one. */
function stringList(v: unknown, field: string, validate?: (s: string) => string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) return `${field} = ${show(v)} must be a list of non-empty strings`;
  if (v.length > 100) return `${field} lists ${v.length} entries; at most 100`;
  for (const s of v as string[]) {
    const why = validate?.(s);
    if (why) return `${field}: ${oneLine(s)} ${why}`;
  }
  return undefined;
}

function globProblem(g: string): string | undefined {
  try {
    picomatch.makeRe(g, { strictBrackets: true, dot: true });
  } catch {
    return 'is not a valid glob';
  }
  return g.startsWith('/') || g.split('/').includes('..') ? 'must be relative to the repository root' : undefined;
}

/** The file a plugin entry names: a local file, or an installed package's entry. */
function entryFile(spec: string, baseDir: string): string {
  const file = isLocal(spec) ? path.resolve(baseDir, spec) : resolvePackage(spec, baseDir);
  if (isLocal(spec) && !existsSync(file)) throw new Error('file not found');
  return file;
}

/** One entry's plugin file and its compile on the way, or why the file cannot be found. */
type Located = { file: string; compiled: Promise<Compiled> } | { file: string; error: string };

async function loadOne(entry: PluginEntry, index: number, located: Located, opts: LoadOptions, cache: PluginCache | undefined, problems: string[]): Promise<LoadedPlugin | undefined> {
  const spec = entry.use;
  const { file } = located;
  const say = (msg: string, stack?: string) => {
    problems.push(`plugin ${spec} (${file}): ${oneLine(msg)}`);
    if (opts.verbose) for (const l of stackLines(stack)) problems.push(`    ${l}`);
  };
  if ('error' in located) {
    say(`cannot be loaded: ${located.error}`);
    return undefined;
  }
  // A compile error surfaces from describing the plugin.
  const sandbox = new PluginSandbox(located.compiled);
  let loaded: Rec | undefined;
  try {
    loaded = parseObject(await described(sandbox, cache));
  } catch (e) {
    say(`cannot be loaded: ${e instanceof Error ? e.message : String(e)}`, e instanceof PluginError ? e.pluginStack : undefined);
    return undefined;
  }
  if (!loaded) {
    say('cannot be loaded: its description is not readable');
    return undefined;
  }
  if (loaded.apiVersion === undefined) {
    say(`does not declare the plugin API version it needs (add \`apiVersion: ${PLUGIN_API_VERSION}\`)`);
    return undefined;
  }
  if (loaded.apiVersion !== PLUGIN_API_VERSION) {
    say(`needs plugin API version ${show(loaded.apiVersion)}, but this golive provides version ${PLUGIN_API_VERSION}; use a matching golive or plugin release`);
    return undefined;
  }
  const declared = loaded.namespace;
  if (declared !== undefined && (typeof declared !== 'string' || declared === '')) {
    say(`namespace = ${show(declared)} must be a non-empty string`);
    return undefined;
  }
  const namespace = (declared as string | undefined) ?? defaultNamespace(spec);
  if (namespace === undefined) {
    say('a local plugin must declare its namespace (`namespace: "acme"` in definePlugin, or `export const namespace = "acme"`), so its ids cannot clash with another plugin');
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(namespace)) {
    say(`namespace = "${oneLine(namespace)}" must be lowercase letters, digits and dashes`);
    return undefined;
  }
  if (RESERVED_NAMESPACES.includes(namespace)) {
    say(`namespace = "${namespace}" is reserved (built-in sections and golive's own names: ${RESERVED_NAMESPACES.join(', ')}); choose your organisation's name`);
    return undefined;
  }
  const title = loaded.title;
  if (title !== undefined && (typeof title !== 'string' || title.trim() === '' || title.length > 100)) say(`title = ${show(title)} must be a section title of 1 to 100 characters`);
  const checked = await checkOptions(entry.options, loaded.schema, sandbox, cache);
  for (const p of checked.problems) say(p);
  const options = checked.options;
  if (!options) return undefined;
  const metas = Array.isArray(loaded.checks) ? (loaded.checks as Rec[]) : [];
  if (loaded.checksType !== 'undefined' && loaded.checksType !== 'array' && loaded.checksType !== 'object') say(`checks = a ${String(loaded.checksType)} must be a list of checks`);
  if (metas.length === 0) say('exports no checks');
  if (metas.length > PLUGIN_LIMITS.checksPerPlugin) {
    say(`exports ${metas.length} checks; at most ${PLUGIN_LIMITS.checksPerPlugin}`);
    return undefined;
  }
  const checks: Check[] = [];
  const limits = metas.map((m) => timeoutOf(m.timeoutMs)).map((t) => (typeof t === 'number' ? t : 0));
  // The runner's backstop: every check of the plugin runs one after another in its sandbox, each
  // also evaluating the plugin's module, after golive has served its reads and fetches.
  const backstopMs = limits.reduce((a, b) => a + b + PLUGIN_LIMITS.loadMs, 0) + PLUGIN_LIMITS.fetchMs + 5000;
  for (const meta of metas) {
    const n = Number(meta.index) + 1;
    if (meta.type !== 'object') {
      say(`check #${n} is a ${String(meta.type)}, not a check object (use defineCheck)`);
      continue;
    }
    const rawId = meta.id;
    if (typeof rawId !== 'string' || rawId === '') {
      say(`check #${n}: id = ${oneLine(String(rawId))} must be a non-empty string`);
      continue;
    }
    const id = rawId.includes('/') ? rawId : `${namespace}/${rawId}`;
    if (!id.startsWith(`${namespace}/`)) {
      say(`check id "${oneLine(id)}" must be in the plugin's namespace "${namespace}/"`);
      continue;
    }
    // Reported here, and the check still goes to the registry, which names its other problems.
    if (meta.runType !== 'function') say(`${oneLine(id)}: run = a ${String(meta.runType)} must be a function`);
    const timeoutMs = timeoutOf(meta.timeoutMs);
    const bad =
      (typeof timeoutMs === 'string' ? timeoutMs : undefined) ??
      stringList(meta.reads, 'reads', globProblem) ??
      stringList(meta.fetches, 'fetches') ??
      (Array.isArray(meta.fetches) && meta.fetches.length > PLUGIN_LIMITS.fetches ? `fetches lists ${meta.fetches.length} URLs; at most ${PLUGIN_LIMITS.fetches}` : undefined) ??
      (Array.isArray(meta.fetches) && meta.fetches.length > 0 && meta.kind !== 'network' ? 'a check that declares fetches must be kind: "network" (so --offline skips it)' : undefined);
    if (bad) {
      say(`${oneLine(id)}: ${bad}`);
      continue;
    }
    const plan = planCapabilities(meta, entry.grants, options);
    const ownSection = meta.section === namespace ? { sectionTitle: typeof title === 'string' && title.trim() ? title.trim() : namespace } : {};
    const grantedIn = opts.grantedIn?.(index) ?? `plugins[${index}].grants`;
    checks.push(proxyCheck({ meta: { ...meta, ...ownSection }, id, spec, sandbox, timeoutMs: timeoutMs as number, backstopMs, plan, grants: entry.grants, pluginOptions: options, version: opts.version ?? '', grantedIn, ...(opts.secrets ? { secrets: opts.secrets } : {}) }));
  }
  const preset: Record<string, SeveritySetting> = {};
  if (loaded.preset !== undefined) {
    if (!loaded.preset || typeof loaded.preset !== 'object' || Array.isArray(loaded.preset)) say('preset must map check ids to "off", "warning" or "error"');
    else
      for (const [k, v] of Object.entries(loaded.preset as Rec)) {
        if (v !== 'off' && v !== 'warning' && v !== 'error') say(`preset.${oneLine(k)} = ${show(v)} must be "off", "warning" or "error"`);
        else preset[k.includes('/') ? k : `${namespace}/${k}`] = v;
      }
  }
  return { spec, path: file, namespace, checks, preset, sandbox };
}

/** Loads every plugin in parallel (one sandbox each); problems are listed in config order. */
export async function loadPlugins(entries: readonly PluginEntry[], baseDir: string, opts: LoadOptions): Promise<PluginLoadResult> {
  const perPlugin = entries.map(() => [] as string[]);
  // Never a cache inside the repository under check or the plugins' own folder: a change could commit one.
  const cache = await PluginCache.open({ ...(opts.env ? { env: opts.env } : {}), untrusted: [opts.root, baseDir] });
  const files = entries.map((entry): { file: string; error?: string } => {
    try {
      return { file: entryFile(entry.use, baseDir) };
    } catch (e) {
      return { file: entry.use, error: e instanceof Error ? e.message : String(e) };
    }
  });
  // Every plugin not in the cache is compiled in one build; one compiled afresh has its options
  // checked afresh, so the sandbox makes the validator meanwhile.
  const found = files.filter((f) => f.error === undefined);
  const compiled = compilePlugins(
    found.map((f) => f.file),
    { mode: 'plugin', deny: compileDeny(opts), denyKey: compileDenyKey(opts), onCompile: prepareValidator, ...(cache ? { cache } : {}) },
  );
  const located = files.map((f): Located => (f.error === undefined ? { file: f.file, compiled: compiled[found.indexOf(f)]! } : { file: f.file, error: f.error }));
  const results = await Promise.all(entries.map((entry, i) => loadOne(entry, i, located[i]!, opts, cache, perPlugin[i]!)));
  const plugins = results.filter((p): p is LoadedPlugin => p !== undefined);
  return { plugins, problems: perPlugin.flat() };
}

