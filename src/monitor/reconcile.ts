// --reconcile: for objects the merchant's data still has open, ask MintCash what happened, one
// object at a time (MintCash has no events list or list-payments endpoint, API-FACTS §4.1), so the
// events it gave up on show up. Read-only (GET /payments/{id}, GET /subscriptions/{id}), rate-limited,
// bounded in count, and the keys go only where the one send rule (mintcash/hosts.ts) allows: the
// same rule as check, rehearse and report --verify --online.
import type { GoliveConfig } from '../config/schema.js';
import { GoliveError } from '../errors.js';
import { createClient } from '../mintcash/client.js';
import { ApiError } from '../mintcash/errors.js';
import { decideSend, type OperatorApi } from '../mintcash/hosts.js';
import type { Secrets } from '../output/secrets.js';
import type { MonitorConfig } from './config.js';
import type { OpenObjects, ReconcileOutcome } from './run.js';
import type { ReconcileFinding } from './types.js';

const PAYMENT_DONE = new Set(['succeeded', 'failed', 'refunded', 'partially_refunded', 'voided']);
const SUB_EVENT: Record<string, string> = { cancelled: 'subscription.cancelled', active: 'subscription.succeeded', past_due: 'subscription.failed', failed: 'subscription.failed' };

export interface ReconcileOptions {
  config: GoliveConfig;
  env: NodeJS.ProcessEnv;
  /** The operator's --api-base-url / --allow-live-host (or their environment variables). */
  api: OperatorApi;
  /** The run's secrets: the keys are taught to it before any request, so no output can quote them. */
  secrets: Secrets;
  /** Says, before the first request, that live keys go to a host the operator allowed. */
  announce: (line: string) => void;
  limits: MonitorConfig['reconcile'];
  /** For tests: the pause between calls. */
  sleep?: (ms: number) => Promise<void>;
}

export async function reconcileOpenObjects(open: OpenObjects, opts: ReconcileOptions): Promise<ReconcileOutcome> {
  const publicKey = opts.env[opts.config.env.publicKey] ?? '';
  const secretKey = opts.env[opts.config.env.secretKey] ?? '';
  if (!publicKey || !secretKey) {
    throw new GoliveError('USAGE', `--reconcile needs ${opts.config.env.publicKey} and ${opts.config.env.secretKey} in the environment`, { suggestion: 'Export the key pair of the environment you monitor (secrets come only from the environment, never from flags).' });
  }
  opts.secrets.add([publicKey, secretKey, `${publicKey}:${secretKey}`]);
  const target = decideSend({ operator: opts.api, configUrl: opts.config.api.baseUrl, keys: [publicKey, secretKey] });
  if (!target.ok) throw new GoliveError('USAGE', `--reconcile refused before any request: ${target.message}`, { suggestion: 'Use the live pair against https://api.mintcash.me, or the test pair against the sandbox or the emulator; README "Where keys are sent" says how an operator allows another host.' });
  if (target.announce) opts.announce(target.announce);
  const client = createClient({ target, publicKey, secretKey, retries: 1, timeoutMs: 15_000 });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gap = 1000 / opts.limits.ratePerSecond;
  const todo = [...open.payments.map((p) => ({ kind: 'payment' as const, ...p })), ...open.subscriptions.map((s) => ({ kind: 'subscription' as const, ...s }))];
  const work = todo.slice(0, opts.limits.maxObjects);
  const findings: ReconcileFinding[] = [];
  const errors: string[] = [];
  let checked = 0;
  let last = 0;
  for (const o of work) {
    const wait = last + gap - Date.now();
    if (wait > 0) await sleep(wait);
    last = Date.now();
    try {
      if (o.kind === 'payment') {
        const p = await client.getPayment(o.id);
        checked++;
        const ours = o.status ?? 'created (no outcome event)';
        if (PAYMENT_DONE.has(p.status) && o.status !== `payment.${p.status}`) findings.push({ kind: 'payment', id: o.id, ours, theirs: p.status, missing: `payment.${p.status}` });
      } else {
        const s = await client.getSubscription(o.id);
        checked++;
        const ours = o.status ?? 'unknown';
        const want = SUB_EVENT[s.status];
        if (want && !ours.includes(s.status)) findings.push({ kind: 'subscription', id: o.id, ours, theirs: s.status, missing: want });
      }
    } catch (e) {
      const msg = e instanceof ApiError ? `${o.kind} ${o.id}: ${e.message}` : `${o.kind} ${o.id}: ${e instanceof Error ? e.message : String(e)}`;
      errors.push(msg);
      // Bad keys or a refused IP fail every call alike: stop rather than repeat it for each object.
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) break;
    }
  }
  const note = todo.length > work.length ? `${todo.length - work.length} more open objects not checked (monitor.reconcile.maxObjects = ${opts.limits.maxObjects})` : undefined;
  return { checked, findings, errors, ...(note ? { note } : {}) };
}
