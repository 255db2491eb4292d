// The sandboxed side of a plugin: one process per plugin, started by host.ts under Node's
// permission model (read-only files, no child processes, no workers) with an empty environment.
// It imports the plugin once, describes its checks, then runs each check it is asked to.
// Only plain data crosses the IPC channel; the parent validates everything it receives.
import { pathToFileURL } from 'node:url';
import { allChecksOf, shapeOf } from './shape.js';

type Rec = Record<string, unknown>;
export type ToChild = { type: 'run'; seq: number; index: number; ctx: unknown };
export type CheckMetaWire = Rec & { index: number };
export type FromChild =
  | { type: 'loaded'; apiVersion: unknown; namespace: unknown; preset: unknown; checks: CheckMetaWire[]; checksType: string }
  | { type: 'load-failed'; message: string; stack?: string }
  | { type: 'result'; seq: number; ok: true; value: unknown }
  | { type: 'result'; seq: number; ok: false; message: string; stack?: string };

const [bundle, mode] = process.argv.slice(2);
const send = (m: FromChild) => process.send?.(m);
// Without a parent there is nothing to serve: end with it.
// This is its own program (the sandboxed plugin process), not golive's: it may end itself.
// eslint-disable-next-line no-restricted-properties
process.on('disconnect', () => process.exit(0));

const META = ['id', 'section', 'kind', 'title', 'failureTitle', 'why', 'fix', 'defaultSeverity', 'requires', 'timeoutMs'] as const;

/** Copies the metadata fields as plain data (a getter or a function must not break the wire). */
function metaOf(raw: unknown, index: number): CheckMetaWire {
  const out: CheckMetaWire = { index, runType: typeof (raw as Rec | null)?.run, type: raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw };
  if (!raw || typeof raw !== 'object') return out;
  for (const k of META) {
    const v = (raw as Rec)[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? x : `[${typeof x}]`));
    else out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : `[${typeof v}]`;
  }
  return out;
}

function plain(v: unknown): unknown {
  return v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v) ? v : typeof v === 'object' ? structuredCloneOrNull(v) : `[${typeof v}]`;
}
function structuredCloneOrNull(v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch {
    return `[unclonable ${typeof v}]`;
  }
}

let checks: unknown[] = [];
try {
  const mod = (await import(pathToFileURL(bundle!).href)) as Rec;
  if (mode === 'all') {
    checks = allChecksOf(mod);
    send({ type: 'loaded', apiVersion: undefined, namespace: undefined, preset: undefined, checks: checks.map(metaOf), checksType: 'array' });
  } else {
    const shape = shapeOf(mod);
    checks = shape.checks === undefined ? [] : Array.isArray(shape.checks) ? shape.checks : [shape.checks];
    send({
      type: 'loaded',
      apiVersion: plain(shape.apiVersion),
      namespace: plain(shape.namespace),
      preset: plain(shape.preset),
      checks: checks.map(metaOf),
      checksType: shape.checks === undefined ? 'undefined' : Array.isArray(shape.checks) ? 'array' : typeof shape.checks,
    });
  }
} catch (e) {
  send({ type: 'load-failed', message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) });
}

process.on('message', (m: ToChild) => {
  if (m?.type !== 'run') return;
  const check = checks[m.index] as { run: (ctx: unknown) => unknown } | undefined;
  Promise.resolve()
    .then(() => check!.run(m.ctx))
    .then(
      (value) => {
        try {
          send({ type: 'result', seq: m.seq, ok: true, value });
        } catch (e) {
          // A function, symbol or class instance in the result cannot cross the channel.
          send({ type: 'result', seq: m.seq, ok: false, message: `the check returned something that cannot be passed back (${e instanceof Error ? e.message : String(e)})` });
        }
      },
      (e: unknown) => send({ type: 'result', seq: m.seq, ok: false, message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) }),
    );
});
