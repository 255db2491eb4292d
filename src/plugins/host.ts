// Starts and talks to one sandboxed process per plugin (child.ts). The child gets an empty
// environment (no secrets, no NODE_OPTIONS), Node's permission model (read-only access to the
// repository and the plugin's own files; no child processes, no workers, no writes), and a bounded
// time to import. Every check of the plugin shares the process; a check that overruns its limit
// stops the process, which is started again for the next check.
import { fork, type ChildProcess } from 'node:child_process';
import type { FromChild, ToChild, CheckMetaWire } from './child.js';
import { onCleanup } from '../cleanup.js';
import { DIST_SRC, distFile } from '../paths.js';

/** How long a plugin may take to import (start the process and evaluate its top level). */
export const PLUGIN_IMPORT_TIMEOUT_MS = 10_000;

// The compiled child script (the build's copy when golive's tests run the sources: the sandbox
// runs plain JavaScript only); it imports golive's own compiled files (DIST_SRC).
const CHILD = distFile('plugins', 'child.js');

export interface Loaded {
  apiVersion: unknown;
  namespace: unknown;
  preset: unknown;
  checks: CheckMetaWire[];
  checksType: string;
}

export class PluginError extends Error {
  constructor(
    message: string,
    readonly pluginStack?: string,
  ) {
    super(message);
  }
}

/** Node 20 spells the permission flag with `experimental-`; Node 22.13+ also accepts the short one. */
function permissionArgs(readPaths: string[]): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  const flag = major >= 23 ? '--permission' : '--experimental-permission';
  return [flag, ...[...new Set(readPaths)].map((p) => `--allow-fs-read=${p}`)];
}

const live = new Set<ChildProcess>();
let cleanupRegistered = false;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  id: string;
  child: ChildProcess;
}

export class PluginProcess {
  private child?: ChildProcess;
  private loading?: Promise<Loaded>;
  private pending = new Map<number, Pending>();
  private seq = 0;
  private stderrTail = '';

  constructor(
    private readonly bundle: string,
    private readonly readPaths: string[],
    private readonly mode: 'plugin' | 'all',
    private readonly importTimeoutMs = PLUGIN_IMPORT_TIMEOUT_MS,
  ) {}

  /** Starts the process if it is not running; resolves with what the plugin exports. */
  start(): Promise<Loaded> {
    this.loading ??= this.spawn();
    return this.loading;
  }

  private spawn(): Promise<Loaded> {
    return new Promise<Loaded>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = fork(CHILD, [this.bundle, this.mode], {
          execArgv: [...permissionArgs([DIST_SRC, this.bundle, ...this.readPaths]), '--no-warnings', '--enable-source-maps', '--max-old-space-size=512'],
          env: {},
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
          serialization: 'advanced',
        });
      } catch (e) {
        reject(new PluginError(`could not start the plugin process: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      this.child = child;
      live.add(child);
      if (!cleanupRegistered) {
        cleanupRegistered = true;
        onCleanup(stopAllPlugins);
      }
      // Pending work holds the event loop through its timers; an idle plugin process must not.
      child.unref();
      child.channel?.unref();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      this.stderrTail = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (s: string) => (this.stderrTail = (this.stderrTail + s).slice(-2000)));
      let loaded = false;
      const timer = setTimeout(() => {
        this.kill();
        reject(new PluginError(`did not finish loading within ${this.importTimeoutMs / 1000} s (stopped; a plugin must not loop or wait at import)`));
      }, this.importTimeoutMs);
      child.on('message', (m: FromChild) => {
        if (m.type === 'loaded' && !loaded) {
          loaded = true;
          clearTimeout(timer);
          resolve(m);
        } else if (m.type === 'load-failed' && !loaded) {
          loaded = true;
          clearTimeout(timer);
          this.kill();
          reject(new PluginError(m.message.split('\n')[0] ?? 'failed', m.stack));
        } else if (m.type === 'result') {
          const p = this.pending.get(m.seq);
          if (!p) return;
          this.pending.delete(m.seq);
          clearTimeout(p.timer);
          if (m.ok) p.resolve(m.value);
          else p.reject(new PluginError(m.message, m.stack));
        }
      });
      child.on('error', () => undefined);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        live.delete(child);
        if (this.child === child) {
          this.child = undefined;
          this.loading = undefined;
        }
        const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
        const hint = code === 13 ? ' (a top-level await that never settles)' : '';
        const tail = this.lastErrorLine();
        if (!loaded) {
          loaded = true;
          reject(new PluginError(`the plugin process ${how} while loading${hint}${tail ? `: ${tail}` : ''}`));
        }
        for (const [seq, p] of this.pending) {
          if (p.child !== child) continue;
          this.pending.delete(seq);
          clearTimeout(p.timer);
          p.reject(new PluginError(`the plugin process ${how} while running ${p.id}${tail ? `: ${tail}` : ''}`));
        }
      });
    });
  }

  private lastErrorLine(): string {
    const lines = this.stderrTail.split('\n').map((l) => l.trim()).filter((l) => /^[A-Za-z]*Error\b|^Error:/.test(l));
    return lines.at(-1)?.slice(0, 300) ?? '';
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs check `index` with ctx (already reduced to its declared evidence and masked). Checks of
   * one plugin run one after another, each timed from its own start: a check that spins cannot eat
   * its neighbours' time, and after it is stopped the next check gets a fresh process.
   */
  run(index: number, id: string, ctx: unknown, timeoutMs: number): Promise<unknown> {
    const next = this.queue.then(() => this.runNow(index, id, ctx, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(index: number, id: string, ctx: unknown, timeoutMs: number): Promise<unknown> {
    await this.start();
    const child = this.child;
    if (!child?.connected) throw new PluginError('the plugin process is not running');
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new PluginError(`timed out after ${timeoutMs} ms (the plugin process was stopped)`));
        // It may be a synchronous loop that blocks the whole process: stop it; the next check restarts it.
        this.kill();
      }, timeoutMs);
      this.pending.set(seq, { resolve, reject, timer, id, child });
      try {
        child.send({ type: 'run', seq, index, ctx } satisfies ToChild);
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(seq);
        reject(new PluginError(`could not hand the evidence to the plugin: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }

  kill(): void {
    const child = this.child;
    // Forget it now: the next check starts a fresh process instead of talking to a dying one.
    this.child = undefined;
    this.loading = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

}

/** Kills a child and waits until it is gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  // Held while we wait, so the event loop stays up until the child is really gone.
  child.ref();
  child.kill('SIGKILL');
  await gone;
}

/** Stops every plugin process (end of a run, an error, or a signal) and waits for them. */
export async function stopAllPlugins(): Promise<void> {
  await Promise.all([...live].map(stopChild));
}
