// Loads plugin checks named in config `plugins`: local JS/TS files and installed npm packages.
// Plugins are untrusted code: each is compiled (bundle.ts) and imported in its own sandboxed
// process (host.ts); golive itself never evaluates a line of it. Every problem (cannot load, exits
// or hangs at import, wrong API version, malformed check, reserved or missing namespace) is
// collected and reported at once with the plugin's name and path; the caller makes it exit 2.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SeveritySetting } from '../config/schema.js';
import { SECTIONS, type Check, type CheckContext, type CheckOutcome, type EvidenceKey } from '../engine/types.js';
import { parseOutcome } from '../engine/outcome.js';
import { multiLine, oneLine, secretsInEvidence, sanitiseDeep } from '../engine/sanitise.js';
import { PLUGIN_API_VERSION } from './api-version.js';
import { bundlePlugin, describeBuildError } from './bundle.js';
import { PLUGIN_IMPORT_TIMEOUT_MS, PluginError, PluginProcess, type Loaded } from './host.js';

/** Plugin checks get a tighter default limit than built-ins: a hung plugin must not hold the gate. */
export const PLUGIN_TIMEOUT_MS = 30_000;
export const PLUGIN_TIMEOUT_MAX_MS = 600_000;

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
  process: PluginProcess;
}

export interface PluginLoadResult {
  plugins: LoadedPlugin[];
  problems: string[];
}

export interface LoadOptions {
  /** The repository under check: the only tree a plugin may read besides its own files. */
  root: string;
  /** Add the plugin's stack (masked) to load problems. */
  verbose?: boolean;
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
    const pkgFile = path.join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; module?: string; main?: string };
      const entry = pickExport(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
      return path.join(pkgDir, entry);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package not installed (looked in node_modules from ${baseDir} upwards); run npm install ${spec}`);
    dir = parent;
  }
}

function pickExport(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (!exp || typeof exp !== 'object') return undefined;
  const rec = exp as Record<string, unknown>;
  const root = '.' in rec ? rec['.'] : rec;
  if (typeof root === 'string') return root;
  if (root && typeof root === 'object') {
    for (const cond of ['import', 'node', 'require', 'default']) {
      const v = pickExport((root as Record<string, unknown>)[cond]);
      if (v) return v;
    }
  }
  return undefined;
}

/** A plugin's stack for `-v`: masked, made safe, one frame a line, at most 12 frames. */
function stackLines(stack: string | undefined): string[] {
  if (!stack) return [];
  return multiLine(stack)
    .split('\n')
    .slice(1, 13)
    .map((l) => oneLine(l.trim()))
    .filter(Boolean);
}

function errorOutcome(e: unknown): CheckOutcome {
  const message = e instanceof Error ? e.message : String(e);
  const stack = e instanceof PluginError ? stackLines(e.pluginStack) : [];
  return { status: 'error', summary: `Could not run: ${oneLine(message)}`, ...(stack.length ? { evidence: { stack } } : {}) };
}

/** The check as the runner sees it: metadata from the child, `run` a request to the child. */
export function proxyCheck(meta: Record<string, unknown>, id: string, spec: string, proc: PluginProcess, timeoutMs: number, backstopMs: number): Check {
  const index = meta.index as number;
  return {
    ...(meta as unknown as Check),
    id,
    source: spec,
    // The host enforces each check's own limit; the runner's backstop allows for the plugin's checks
    // running one after another in its process, plus a restart.
    timeoutMs: backstopMs,
    async run(ctx: CheckContext<EvidenceKey>): Promise<CheckOutcome> {
      if (meta.kind === 'network' && ctx.options.offline) return { status: 'skip', summary: 'Offline run (--offline): network checks are skipped.' };
      // The plugin gets a copy with every secret masked: it needs to know that a key is there and
      // where, never the key itself.
      const wire = sanitiseDeep({ evidence: ctx.evidence, config: ctx.config, options: ctx.options }, secretsInEvidence(ctx.evidence));
      let value: unknown;
      try {
        value = await proc.run(index, id, wire, timeoutMs);
      } catch (e) {
        return errorOutcome(e);
      }
      const parsed = parseOutcome(value);
      return parsed.ok ? parsed.outcome : { status: 'error', summary: `Could not run: ${parsed.reason}` };
    },
  };
}

function timeoutOf(v: unknown): number | string {
  if (v === undefined) return PLUGIN_TIMEOUT_MS;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= PLUGIN_TIMEOUT_MAX_MS) return v;
  return `timeoutMs = ${oneLine(String(v))} must be a whole number of milliseconds from 1 to ${PLUGIN_TIMEOUT_MAX_MS}`;
}

async function loadOne(spec: string, baseDir: string, opts: LoadOptions, problems: string[]): Promise<LoadedPlugin | undefined> {
  let file = spec;
  const say = (msg: string, stack?: string) => {
    problems.push(`plugin ${spec} (${file}): ${oneLine(msg)}`);
    if (opts.verbose) for (const l of stackLines(stack)) problems.push(`    ${l}`);
  };
  let loaded: Loaded;
  let proc: PluginProcess;
  try {
    file = isLocal(spec) ? path.resolve(baseDir, spec) : resolvePackage(spec, baseDir);
    if (isLocal(spec) && !existsSync(file)) throw new Error('file not found');
  } catch (e) {
    say(`cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  try {
    const bundle = await bundlePlugin(file);
    proc = new PluginProcess(bundle.file, [opts.root, ...bundle.readPaths], 'plugin');
  } catch (e) {
    say(`cannot be loaded: ${describeBuildError(e) ?? (e instanceof Error ? e.message : String(e))}`);
    return undefined;
  }
  try {
    loaded = await proc.start();
  } catch (e) {
    say(`cannot be loaded: ${e instanceof Error ? e.message : String(e)}`, e instanceof PluginError ? e.pluginStack : undefined);
    return undefined;
  }
  if (loaded.apiVersion === undefined) {
    say(`does not declare the plugin API version it needs (add \`apiVersion: ${PLUGIN_API_VERSION}\`)`);
    return undefined;
  }
  if (loaded.apiVersion !== PLUGIN_API_VERSION) {
    say(`needs plugin API version ${String(loaded.apiVersion)}, but this golive provides version ${PLUGIN_API_VERSION}; use a matching golive or plugin release`);
    return undefined;
  }
  const declared = loaded.namespace;
  if (declared !== undefined && (typeof declared !== 'string' || declared === '')) {
    say(`namespace = ${oneLine(JSON.stringify(declared) ?? String(declared))} must be a non-empty string`);
    return undefined;
  }
  const namespace = declared ?? defaultNamespace(spec);
  if (namespace === undefined) {
    say('a local plugin must declare its namespace (`namespace: "acme"` in definePlugin, or `export const namespace = "acme"`), so its ids cannot clash with another plugin');
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(namespace)) {
    say(`namespace = "${namespace}" must be lowercase letters, digits and dashes`);
    return undefined;
  }
  if (RESERVED_NAMESPACES.includes(namespace)) {
    say(`namespace = "${namespace}" is reserved (built-in sections and golive's own names: ${RESERVED_NAMESPACES.join(', ')}); choose your organisation's name`);
    return undefined;
  }
  if (loaded.checksType !== 'undefined' && loaded.checksType !== 'array' && loaded.checksType !== 'object') say(`checks = a ${loaded.checksType} must be a list of checks`);
  if (loaded.checks.length === 0) say('exports no checks');
  const checks: Check[] = [];
  const limits = loaded.checks.map((m) => timeoutOf(m.timeoutMs)).map((t) => (typeof t === 'number' ? t : 0));
  const backstopMs = limits.reduce((a, b) => a + b, 0) + 2 * PLUGIN_IMPORT_TIMEOUT_MS;
  for (const meta of loaded.checks) {
    const n = meta.index + 1;
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
    if (typeof timeoutMs === 'string') {
      say(`${oneLine(id)}: ${timeoutMs}`);
      continue;
    }
    checks.push(proxyCheck(meta, id, spec, proc, timeoutMs, backstopMs));
  }
  const preset: Record<string, SeveritySetting> = {};
  if (loaded.preset !== undefined) {
    if (!loaded.preset || typeof loaded.preset !== 'object' || Array.isArray(loaded.preset)) say('preset must map check ids to "off", "warning" or "error"');
    else
      for (const [k, v] of Object.entries(loaded.preset as Record<string, unknown>)) {
        if (v !== 'off' && v !== 'warning' && v !== 'error') say(`preset.${oneLine(k)} = ${oneLine(JSON.stringify(v) ?? String(v))} must be "off", "warning" or "error"`);
        else preset[k.includes('/') ? k : `${namespace}/${k}`] = v;
      }
  }
  return { spec, path: file, namespace, checks, preset, process: proc };
}

/** Loads every plugin in parallel (one process each); problems are listed in config order. */
export async function loadPlugins(specs: readonly string[], baseDir: string, opts: LoadOptions): Promise<PluginLoadResult> {
  const perPlugin = specs.map(() => [] as string[]);
  const results = await Promise.all(specs.map((spec, i) => loadOne(spec, baseDir, opts, perPlugin[i]!)));
  const plugins = results.filter((p): p is LoadedPlugin => p !== undefined);
  return { plugins, problems: perPlugin.flat() };
}
