// golive's side of a plugin's sandbox: one worker thread per plugin (sandbox-worker.ts), each
// running QuickJS compiled to WebAssembly. Why this isolation (measured, docs/plugins.md): the
// plugin's code runs in a separate JavaScript engine with no Node API at all, so it cannot signal
// golive, open its inspector, read a file or open a socket; its memory, stack and time are QuickJS
// limits; and it works the same on every Node golive supports, with no native build. The worker
// is a backstop: a call that overruns its deadline by more than a grace period ends the thread.
import { SourceMap } from 'node:module';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { onCleanup } from '../cleanup.js';
import { distFile } from '../paths.js';
import type { Compiled } from './compile.js';
import { PLUGIN_LIMITS } from './limits.js';
import type { FromWorker, ToWorker, VmError, WorkerLimits } from './sandbox-protocol.js';
import { adoptEarlyThread, spawnSandboxThread } from './sandbox-spawn.js';

export const VALIDATOR = distFile('plugins', 'vm-validate-bundle.js');
/** Time a worker gets past a call's own deadline before it is ended from outside. */
const GRACE_MS = 2000;

export class PluginError extends Error {
  constructor(
    message: string,
    readonly pluginStack?: string,
    /** Raised while evaluating the plugin's module (its top level). */
    readonly atLoad = false,
  ) {
    super(message);
  }
}

/** QuickJS stack frames (`at run (plugin.mjs:12:5)`) pointed at the plugin's own files and lines. */
function mapStack(stack: string, compiled: Compiled): string {
  let map: SourceMap | undefined;
  try {
    map = new SourceMap(JSON.parse(compiled.map) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return stack;
  }
  return stack.replace(/plugin\.mjs:(\d+)(?::(\d+))?/g, (all, line: string, col: string | undefined) => {
    const e = map!.findEntry(Number(line) - 1, Math.max(0, Number(col ?? 1) - 1)) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!e.originalSource) return all;
    const file = path.resolve(compiled.mapDir, e.originalSource);
    return `${path.relative(process.cwd(), file) || file}:${(e.originalLine ?? 0) + 1}:${(e.originalColumn ?? 0) + 1}`;
  });
}

type Request = Exclude<ToWorker, { type: 'init' | 'prepare-validator' }>;

/**
 * The one thread every plugin's sandbox lives in: starting a Node worker costs about 70 ms of CPU
 * and loading QuickJS into it as much again (measured), so plugins share it, each with its own
 * QuickJS instance (its own WebAssembly memory) and a fresh runtime per call. Calls run one at a
 * time, each timed from when it is sent; a call past its deadline and a grace period ends the
 * thread, and the next call starts a new one.
 */
class SandboxThread {
  private worker?: Worker;
  private starting?: Promise<Worker>;
  private seq = 0;
  private pending = new Map<number, { resolve: (r: FromWorker) => void; reject: (e: Error) => void }>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Plugins whose code the running thread has. */
  private loaded = new Set<number>();
  /** The running thread was asked to make a validator ahead. */
  private validatorAsked = false;
  private cleanupRegistered = false;

  constructor(private readonly limits: WorkerLimits) {}

  start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawn(): Promise<Worker> {
    // One started before golive's CLI loaded (early.ts), or a new one.
    const worker = adoptEarlyThread() ?? spawnSandboxThread(this.limits);
    if (!this.cleanupRegistered) {
      this.cleanupRegistered = true;
      onCleanup(() => this.stop());
    }
    worker.on('message', (r: FromWorker) => {
      const p = this.pending.get(r.seq);
      if (!p) return;
      this.pending.delete(r.seq);
      p.resolve(r);
    });
    const gone = (why: string) => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.loaded.clear();
      }
      for (const [seq, p] of this.pending) {
        this.pending.delete(seq);
        p.reject(new PluginError(why));
      }
    };
    worker.on('error', (e) => gone(`the sandbox stopped: ${e.message.split('\n')[0]!.slice(0, 300)}`));
    worker.on('exit', () => gone('the sandbox stopped'));
    this.worker = worker;
    this.loaded.clear();
    this.validatorAsked = false;
    return worker;
  }

  /** Asks the thread, once, to make golive's options validator ready ahead (sandbox-worker.ts). */
  prepareValidator(): void {
    void this.start().then(
      (worker) => {
        if (this.validatorAsked || this.worker !== worker) return;
        this.validatorAsked = true;
        worker.postMessage({ type: 'prepare-validator', validator: VALIDATOR } satisfies ToWorker);
      },
      () => undefined,
    );
  }

  /** One call at a time: each is timed from its own start, not from when it was queued. */
  request(sandbox: PluginSandbox, m: Request, deadlineMs: number, backstopMs: number): Promise<FromWorker> {
    const next = this.queue.then(() => this.send(sandbox, m, deadlineMs, backstopMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async send(sandbox: PluginSandbox, m: Request, deadlineMs: number, backstopMs: number): Promise<FromWorker> {
    const worker = await this.start();
    if (!this.loaded.has(sandbox.id)) {
      worker.postMessage({ type: 'init', plugin: sandbox.id, code: (await sandbox.code()).code } satisfies ToWorker);
      this.loaded.add(sandbox.id);
    }
    const seq = ++this.seq;
    return new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new PluginError(`timed out after ${deadlineMs} ms (the sandbox was stopped)`));
        void this.stop();
      }, backstopMs);
      this.pending.set(seq, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      worker.postMessage({ ...m, seq });
    });
  }

  /** Ends the thread (the end of a run, a signal, a call past its deadline). */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.loaded.clear();
    if (w) await w.terminate();
  }
}

const thread = new SandboxThread(PLUGIN_LIMITS);

/**
 * Starts the sandbox thread now, before any plugin needs it, so its start-up overlaps other work
 * (a run's evidence gathering); an error surfaces with the first call.
 */
export function prestartSandbox(): void {
  thread.start().catch(() => undefined);
}

/**
 * Has the sandbox thread make golive's options validator ready while plugins compile: evaluating it
 * is most of an options check's cost, and a run that compiles plugins checks their options afresh.
 */
export function prepareValidator(): void {
  thread.prepareValidator();
}

/** Ends the sandbox thread and waits for it. */
export async function stopAllPlugins(): Promise<void> {
  await thread.stop();
}

let nextId = 0;

/** One plugin's sandbox: its compiled code and its QuickJS instance in the shared thread. */
export class PluginSandbox {
  readonly id = ++nextId;
  private compiled?: Compiled;

  /**
   * `compiling` may still be on its way: the thread (and QuickJS in it) starts at once, so its
   * start-up overlaps the compilation, and the code follows when it is ready.
   */
  constructor(
    private readonly compiling: Promise<Compiled>,
    private readonly limits: WorkerLimits = PLUGIN_LIMITS,
  ) {
    compiling.then((c) => (this.compiled = c)).catch(() => undefined);
  }

  code(): Promise<Compiled> {
    return this.compiling;
  }

  /** The plugin's description (JSON text from vm-driver.ts describe()). */
  describe(): Promise<string> {
    return this.call({ type: 'describe', plugin: this.id, seq: 0 }, this.limits.loadMs, this.limits.loadMs);
  }

  /** golive's options validator run on the plugin's schema, in the sandbox (JSON text). */
  validate(schema: string, options: string): Promise<string> {
    return this.call({ type: 'validate', plugin: this.id, seq: 0, validator: VALIDATOR, schema, options }, this.limits.loadMs, this.limits.loadMs);
  }

  /** Runs check `index` on `wire` (JSON of its context); resolves with the outcome's JSON text. */
  run(index: number, wire: string, timeoutMs: number): Promise<string> {
    return this.call({ type: 'run', plugin: this.id, seq: 0, index, wire, timeoutMs }, timeoutMs, timeoutMs + this.limits.loadMs);
  }

  private async call(m: Request, deadlineMs: number, budgetMs: number): Promise<string> {
    const reply = await thread.request(this, m, deadlineMs, budgetMs + GRACE_MS);
    if (reply.ok) return reply.text;
    throw this.errorOf(reply.error, deadlineMs);
  }

  private errorOf(e: VmError, deadlineMs: number): PluginError {
    const stack = e.stack && this.compiled ? mapStack(e.stack, this.compiled) : e.stack;
    // QuickJS's interrupt: the deadline passed while the plugin's code ran.
    if (e.name === 'InternalError' && e.message === 'interrupted') {
      return new PluginError(e.phase === 'load' ? `did not finish loading within ${this.limits.loadMs / 1000} s (stopped; a plugin must not loop at import)` : `timed out after ${deadlineMs} ms (stopped)`, undefined, e.phase === 'load');
    }
    if (e.name === 'InternalError' && /out of memory/i.test(e.message)) {
      return new PluginError(`used more than the ${this.limits.memoryBytes / 2 ** 20} MB of memory a plugin gets (stopped)`, stack, e.phase === 'load');
    }
    if (e.name === 'InternalError' && /stack overflow/i.test(e.message)) {
      return new PluginError('overflowed its stack (too deep a recursion)', stack, e.phase === 'load');
    }
    const name = e.name && e.name !== 'Error' && !e.limit ? `${e.name}: ` : '';
    return new PluginError(`${name}${e.message.split('\n')[0] ?? ''}`, stack ? `${e.name}: ${e.message}\n${stack}` : undefined, e.phase === 'load');
  }
}
