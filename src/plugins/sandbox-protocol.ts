// What crosses between golive and a plugin's sandbox thread: text in, text out, all of it bounded.

export interface WorkerLimits {
  loadMs: number;
  /** The WebAssembly memory's hard maximum (QuickJS's heap, its fragmentation, its stack). */
  memoryBytes: number;
  stackBytes: number;
  metaChars: number;
  resultChars: number;
  errorChars: number;
  optionsChars: number;
}

/** Every message names the plugin (its sandbox id): each has its own QuickJS instance in the thread. */
export type ToWorker =
  | { type: 'init'; plugin: number; code: string }
  /** Make golive's options validator ready ahead of an options check (no answer). */
  | { type: 'prepare-validator'; validator: string }
  | { type: 'describe'; plugin: number; seq: number }
  | { type: 'run'; plugin: number; seq: number; index: number; wire: string; timeoutMs: number }
  | { type: 'validate'; plugin: number; seq: number; validator: string; schema: string; options: string };

/** An error thrown inside the VM, described there (name, message and stack, each capped). */
export interface VmError {
  name: string;
  message: string;
  stack?: string;
  /** Thrown while evaluating the plugin's module, not in the call itself. */
  phase?: 'load';
  /** A limit refused the answer (too long). */
  limit?: boolean;
}

/** `fatal`: the engine itself failed (not the plugin's code); the thread made that plugin a new QuickJS instance. */
export type FromWorker = { seq: number; ok: true; text: string } | { seq: number; ok: false; error: VmError; fatal?: boolean };
