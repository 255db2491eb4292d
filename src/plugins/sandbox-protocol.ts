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

export type ToWorker =
  | { type: 'init'; code: string }
  | { type: 'describe'; seq: number }
  | { type: 'run'; seq: number; index: number; wire: string; timeoutMs: number }
  | { type: 'validate'; seq: number; validator: string; schema: string; options: string };

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

export type FromWorker = { seq: number; ok: true; text: string } | { seq: number; ok: false; error: VmError; fatal?: boolean };
