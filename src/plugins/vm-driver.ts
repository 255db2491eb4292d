// Runs inside the sandbox (QuickJS), compiled into every plugin: describes the plugin's checks as
// plain data and runs one check on the evidence it is handed, answering with JSON text. The
// plugin shares this code's realm and can change anything here: golive trusts none of what comes
// out and validates it all (sandbox.ts, load.ts).
import { allChecksOf, shapeOf } from './shape.js';

type Rec = Record<string, unknown>;

const META = ['id', 'section', 'kind', 'title', 'failureTitle', 'why', 'fix', 'defaultSeverity', 'requires', 'timeoutMs', 'reads', 'fetches'] as const;

/** A value as plain data: strings, numbers, booleans; anything else named by its type. */
function scalar(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : `[${v === null ? 'null' : typeof v}]`;
}

function metaOf(raw: unknown, index: number): Rec {
  const out: Rec = { index, runType: typeof (raw as Rec | null)?.run, type: raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw };
  if (!raw || typeof raw !== 'object') return out;
  for (const k of META) {
    const v = (raw as Rec)[k];
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(scalar) : scalar(v);
  }
  return out;
}

/** JSON data (a preset, an options schema) or its type when it is not JSON. */
function data(v: unknown): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(v)) as unknown;
  } catch {
    return `[${typeof v}]`;
  }
}

function checksOf(mod: Rec, mode: string): unknown[] {
  if (mode === 'all') return allChecksOf(mod);
  const shape = shapeOf(mod);
  return shape.checks === undefined ? [] : Array.isArray(shape.checks) ? shape.checks : [shape.checks];
}

export function describe(mod: Rec, mode: string): string {
  const checks = checksOf(mod, mode);
  if (mode === 'all') return JSON.stringify({ checks: checks.map(metaOf), checksType: 'array' });
  const shape = shapeOf(mod);
  return JSON.stringify({
    apiVersion: data(shape.apiVersion),
    namespace: data(shape.namespace),
    title: data(shape.title),
    preset: data(shape.preset),
    schema: data(shape.schema),
    checks: checks.map(metaOf),
    checksType: shape.checks === undefined ? 'undefined' : Array.isArray(shape.checks) ? 'array' : typeof shape.checks,
  });
}

export async function run(mod: Rec, mode: string, index: number, wire: string): Promise<string> {
  const check = checksOf(mod, mode)[index] as { run: (ctx: unknown) => unknown };
  const value = await check.run(JSON.parse(wire));
  // In an envelope, so `undefined` (no `v`) stays distinguishable from `null`.
  return JSON.stringify({ v: value });
}
