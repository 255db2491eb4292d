// Starts and stops a local MintCash: an HTTP server on loopback around the emulator core, the
// webhook deliverer and the optional state file. Used by `golive emulate`, the tests and the bench.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoliveError, describeError } from '../errors.js';
import { acquireLock, describeHolder, type Lock } from '../lockfile.js';
import { Core } from './core.js';
import { freshState, type EmulatorState, type Env } from './model.js';
import { Journal, loadState, trackChanges, type WalWriter } from './persist.js';
import { createHandler } from './routes.js';
import { Deliverer } from './webhooks.js';

export interface EmulatorOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Snapshot file; its write-ahead log is `<statePath>.wal`. Every change is on disk before its reply. */
  statePath?: string;
  /** Where test (sandbox) events are delivered. */
  webhookUrl?: string;
  /** Where live events are delivered (MintCash keeps the environments apart). */
  liveWebhookUrl?: string;
  /** Webhook signing secret; generated (and kept in the state) when absent. */
  webhookSecret?: string;
  /** Multiplies webhook retry delays (1 = the documented real-time schedule). */
  retryScale?: number;
  webhookTimeoutMs?: number;
  /** Emulator-clock time a refund stays in flight; 0 settles within the request. Default 1000. */
  refundSettleMs?: number;
  /** With statePath: drop a damaged log tail (saved aside) and reset an impossible clock instead of refusing to start. */
  repair?: boolean;
  /** Hears what a repair did. */
  note?: (line: string) => void;
  /** Where a fresh state's clock starts, relative to real time (an emulator "in the past" for tests). */
  clockOffsetMs?: number;
  /** Tests: stands in for the disk under the log (short writes, ENOSPC). */
  walWriter?: WalWriter;
  /** Delivery attempts kept in the log (default 5000; a simulated week needs more). */
  deliveryLogLimit?: number;
}

export interface Credentials {
  publicKey: string;
  secretKey: string;
}

export interface Emulator {
  /** The sandbox base URL: test keys only. */
  url: string;
  /** The live base URL (`<url>/live`): live keys only. */
  liveUrl: string;
  host: string;
  port: number;
  core: Core;
  deliverer: Deliverer;
  webhookSecret: string;
  /** The first active pair of each environment. */
  credentials(env: Env): Credentials;
  close(): Promise<void>;
}

/** One emulator per state file: two writing one log would each overwrite what the other acknowledged. */
async function lockState(statePath: string, note: ((line: string) => void) | undefined): Promise<Lock> {
  const file = `${statePath}.lock`;
  let got;
  try {
    got = await acquireLock(file, { purpose: 'golive emulate' });
  } catch (e) {
    throw new GoliveError('IO', `cannot lock the emulator state file ${statePath}: ${describeError(e)}`, { suggestion: 'Check that its directory exists and is writable.' });
  }
  if (!got.ok) {
    throw new GoliveError('USAGE', `the state file ${statePath} is in use by another emulator: ${describeHolder(got.holder)}`, {
      suggestion: got.alive ? 'Stop that emulator first (Ctrl-C in its terminal), or give this one another --state file.' : `If that emulator is gone (it ran on another machine sharing this file), delete ${file}; otherwise give this one another --state file.`,
    });
  }
  if (got.lock.replaced) note?.(`Took over ${statePath} from an emulator that is no longer running (${describeHolder(got.lock.replaced)}).`);
  return got.lock;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  const lock = opts.statePath ? await lockState(opts.statePath, opts.note) : undefined;
  let raw: EmulatorState | undefined;
  let journal: Journal | undefined;
  try {
    raw = opts.statePath ? await loadState(opts.statePath, { ...(opts.repair ? { repair: true } : {}), ...(opts.note ? { note: opts.note } : {}) }) : undefined;
    if (!raw) {
      raw = freshState(new Date().toISOString(), opts.webhookSecret);
      raw.clockOffsetMs = opts.clockOffsetMs ?? 0;
    }
    if (opts.webhookSecret) raw.webhookSecret = opts.webhookSecret;
    try {
      journal = opts.statePath ? await Journal.open(opts.statePath, raw, opts.walWriter) : undefined;
    } catch (e) {
      throw new GoliveError('IO', `cannot write the emulator state file ${opts.statePath}: ${describeError(e)}`, { cause: e, suggestion: 'Check that its directory exists, is writable and has space.' });
    }
  } catch (e) {
    await lock?.release();
    throw e;
  }
  const j = journal;
  const state = j ? trackChanges(raw, (coll, id) => j.mark(coll, id)) : raw;
  // Changes made outside a request (a retry, a renewal on the clock) are saved right away.
  const background = () => void j?.commit().catch(() => undefined);
  const deliverer = new Deliverer({
    urls: { ...(opts.webhookUrl ? { test: opts.webhookUrl } : {}), ...(opts.liveWebhookUrl ? { live: opts.liveWebhookUrl } : {}) },
    secret: raw.webhookSecret,
    retryScale: opts.retryScale,
    timeoutMs: opts.webhookTimeoutMs,
    ...(opts.deliveryLogLimit ? { logLimit: opts.deliveryLogLimit } : {}),
    store: { pending: state.deliveries, log: state.deliveryLog, changed: background },
    now: () => core.clock.now(),
  });
  const core = new Core(state, {
    baseUrl: '',
    refundSettleMs: opts.refundSettleMs ?? 1000,
    emit: (envelope) => deliverer.deliver(envelope),
    onChange: background,
    commit: () => j?.commit() ?? Promise.resolve(),
    onAdvance: () => deliverer.reschedule(),
  });

  const server: Server = createServer({ keepAlive: true }, createHandler(core, deliverer));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new GoliveError('USAGE', `cannot listen on ${host}:${opts.port ?? 0} (${e.code ?? e.message})`, {
            suggestion: e.code === 'EADDRINUSE' ? 'Pick another --port, or stop what is using this one.' : 'Check --host and --port.',
          }),
        ),
      );
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (e) {
    await j?.close();
    await lock?.release();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  core.baseUrl = url;
  // Pending refunds, renewals and webhook retries from a loaded state resume where they stood.
  core.waker.poke();
  deliverer.resume();
  await j?.commit();

  let closing: Promise<void> | undefined;
  return {
    url,
    liveUrl: `${url}/live`,
    host,
    port,
    core,
    deliverer,
    webhookSecret: state.webhookSecret,
    credentials(env: Env): Credentials {
      const k = core.activeKey(env);
      if (!k) throw new GoliveError('USAGE', `the emulator has no active ${env} key`);
      return { publicKey: k.publicKey, secretKey: k.secretKey };
    },
    close() {
      closing ??= (async () => {
        core.waker.stop();
        await deliverer.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (j) {
          core.changed();
          await j.close();
        }
        await lock?.release();
      })();
      return closing;
    },
  };
}
