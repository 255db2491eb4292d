// Loads plugin checks named in config `plugins`: local JS/TS files and installed npm packages.
// Every problem (cannot load, wrong API version, malformed check, id clash) is collected and
// reported at once with the plugin's name and path; the caller turns them into exit 2.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { describeError } from '../errors.js';
import type { SeveritySetting } from '../config/schema.js';
import type { Check, CheckContext, EvidenceKey } from '../engine/types.js';
import { PLUGIN_TIMEOUT_MS, runInWorker } from './sandbox.js';
import { PLUGIN_API_VERSION } from './api-version.js';

export interface LoadedPlugin {
  /** As written in config. */
  spec: string;
  /** Absolute path of the module that was imported. */
  path: string;
  namespace: string;
  checks: Check[];
  /** Severity settings the plugin suggests; the user's `checks` config wins. */
  preset: Record<string, SeveritySetting>;
}

export interface PluginLoadResult {
  plugins: LoadedPlugin[];
  problems: string[];
}

const TS_EXT = /\.[cm]?tsx?$/;

function isLocal(spec: string): boolean {
  return spec.startsWith('.') || path.isAbsolute(spec);
}

/** `golive-plugin-acme` → acme, `@acme/golive-plugin` → acme, a local file → local. */
export function defaultNamespace(spec: string): string {
  if (isLocal(spec)) return 'local';
  const scoped = /^@([^/]+)\//.exec(spec);
  const name = scoped ? scoped[1]! : spec.replace(/^golive-plugin-/, '');
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** Finds an installed package's entry by walking up node_modules from baseDir (ESM `exports` aware). */
async function resolvePackage(spec: string, baseDir: string): Promise<string> {
  let dir = path.resolve(baseDir);
  for (;;) {
    const pkgDir = path.join(dir, 'node_modules', spec);
    const pkgFile = path.join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
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
    for (const cond of ['import', 'node', 'default']) {
      const v = pickExport((root as Record<string, unknown>)[cond]);
      if (v) return v;
    }
  }
  return undefined;
}

let selfResolveRegistered = false;

/** Plugins import `mintcash-golive`; point that at this very installation (see resolve-hook.ts). */
async function registerSelfResolve(): Promise<void> {
  if (selfResolveRegistered) return;
  selfResolveRegistered = true;
  const { register } = await import('node:module');
  const targets = {
    'mintcash-golive': new URL('../api.js', import.meta.url).href,
    'mintcash-golive/testing': new URL('../testing/index.js', import.meta.url).href,
  };
  register(new URL('./resolve-hook.js', import.meta.url), { data: { targets } });
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  await registerSelfResolve();
  if (TS_EXT.test(file)) {
    // Node 20 cannot run TypeScript itself; tsx compiles the plugin and its own imports on the fly.
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

interface PluginShape {
  apiVersion?: unknown;
  namespace?: unknown;
  checks?: unknown;
  check?: unknown;
  preset?: unknown;
}

/** Accepts `export default definePlugin({...})`, named exports, or a default check / list of checks. */
function shapeOf(loaded: Record<string, unknown>): PluginShape {
  let mod = loaded;
  // A TS file outside an ESM package is compiled as CommonJS; its exports arrive as `default`.
  const inner = mod.default as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && !Array.isArray(inner) && 'default' in inner && !('run' in inner) && !('checks' in inner)) mod = inner;
  const def = mod.default as Record<string, unknown> | unknown[] | undefined;
  if (def && typeof def === 'object' && !Array.isArray(def) && ('checks' in def || 'apiVersion' in def) && !('run' in def)) {
    return def as PluginShape;
  }
  const checks = mod.checks ?? (Array.isArray(def) ? def : def && typeof def === 'object' && 'run' in def ? [def] : undefined) ?? (mod.check ? [mod.check] : undefined);
  return { apiVersion: mod.apiVersion, namespace: mod.namespace, checks, preset: mod.preset };
}

/**
 * With `sandbox` (the default) every plugin check runs in a worker thread (see sandbox.ts); the
 * worker itself loads the plugin with `sandbox: false` to run the check directly.
 */
export async function loadPlugins(specs: readonly string[], baseDir: string, opts: { sandbox?: boolean } = {}): Promise<PluginLoadResult> {
  const sandbox = opts.sandbox ?? true;
  const plugins: LoadedPlugin[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    let file = spec;
    const say = (msg: string) => problems.push(`plugin ${spec} (${file}): ${msg}`);
    let mod: Record<string, unknown>;
    try {
      file = isLocal(spec) ? path.resolve(baseDir, spec) : await resolvePackage(spec, baseDir);
      if (isLocal(spec) && !existsSync(file)) throw new Error('file not found');
      mod = await importModule(file);
    } catch (e) {
      say(`cannot be loaded: ${describeError(e).split('\n')[0]}`);
      continue;
    }
    const shape = shapeOf(mod);
    if (shape.apiVersion === undefined) {
      say(`does not declare the plugin API version it needs (add \`apiVersion: ${PLUGIN_API_VERSION}\`)`);
      continue;
    }
    if (shape.apiVersion !== PLUGIN_API_VERSION) {
      say(`needs plugin API version ${String(shape.apiVersion)}, but this golive provides version ${PLUGIN_API_VERSION}; use a matching golive or plugin release`);
      continue;
    }
    const namespace = typeof shape.namespace === 'string' && shape.namespace ? shape.namespace : defaultNamespace(spec);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(namespace)) {
      say(`namespace "${namespace}" must be lowercase letters, digits and dashes`);
      continue;
    }
    const rawChecks = shape.checks === undefined ? [] : Array.isArray(shape.checks) ? shape.checks : [shape.checks];
    if (rawChecks.length === 0) say('exports no checks');
    const checks: Check[] = [];
    for (const [i, raw] of rawChecks.entries()) {
      if (!raw || typeof raw !== 'object') {
        say(`check #${i + 1} is not a check object (use defineCheck)`);
        continue;
      }
      const c = raw as Check;
      const id = typeof c.id !== 'string' ? c.id : c.id.includes('/') ? c.id : `${namespace}/${c.id}`;
      if (typeof id === 'string' && !id.startsWith(`${namespace}/`)) {
        say(`check id "${id}" must be in the plugin's namespace "${namespace}/"`);
        continue;
      }
      const timeoutMs = typeof c.timeoutMs === 'number' ? c.timeoutMs : PLUGIN_TIMEOUT_MS;
      const isolated = { spec, baseDir, id: String(id), timeoutMs };
      checks.push({ ...c, id, source: spec, timeoutMs, ...(sandbox && typeof c.run === 'function' ? { run: (ctx: CheckContext<EvidenceKey>) => runInWorker(isolated, ctx) } : {}) });
    }
    const preset: Record<string, SeveritySetting> = {};
    if (shape.preset !== undefined) {
      if (!shape.preset || typeof shape.preset !== 'object') say('preset must map check ids to "off", "warning" or "error"');
      else
        for (const [k, v] of Object.entries(shape.preset as Record<string, unknown>)) {
          if (v !== 'off' && v !== 'warning' && v !== 'error') say(`preset.${k} must be "off", "warning" or "error"`);
          else preset[k.includes('/') ? k : `${namespace}/${k}`] = v;
        }
    }
    plugins.push({ spec, path: file, namespace, checks, preset });
  }
  return { plugins, problems };
}
