// How a plugin module's exports map to a plugin: `export default definePlugin({...})`, named
// exports, or a default check / list of checks. Runs inside the sandbox (vm-driver.ts), for the
// CLI (the plugin's definition) and for the tester (a check looked up among everything exported).

export interface PluginShape {
  apiVersion?: unknown;
  namespace?: unknown;
  checks?: unknown;
  preset?: unknown;
  /** The title of the plugin's own checklist section. */
  title?: unknown;
  /** JSON Schema of the plugin's options (ESLint style). */
  schema?: unknown;
}

type Rec = Record<string, unknown>;

const isObj = (v: unknown): v is Rec => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

export function shapeOf(loaded: Rec): PluginShape {
  let mod = loaded;
  // A CommonJS module (module.exports = …) arrives as `default`; unwrap one level of that.
  const inner = mod.default;
  if (isObj(inner) && 'default' in inner && !('run' in inner) && !('checks' in inner)) mod = inner;
  const def = mod.default;
  if (isObj(def) && ('checks' in def || 'apiVersion' in def) && !('run' in def)) return def as PluginShape;
  const checks = mod.checks ?? (Array.isArray(def) ? def : isObj(def) && 'run' in def ? [def] : undefined) ?? (mod.check ? [mod.check] : undefined);
  return { apiVersion: mod.apiVersion, namespace: mod.namespace, checks, preset: mod.preset, title: mod.title, schema: mod.schema };
}

/** Every check-like object a module exports, directly, in a list, or inside a plugin definition. */
export function allChecksOf(loaded: Rec): unknown[] {
  const out: unknown[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3) return;
    if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
    else if (isObj(v)) {
      if (typeof v.run === 'function' && 'id' in v) out.push(v);
      else for (const key of ['default', 'checks', 'check']) if (key in v) visit(v[key], depth + 1);
    }
  };
  for (const v of Object.values(loaded)) visit(v, 0);
  return [...new Set(out)];
}
