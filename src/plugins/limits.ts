// Every bound on a plugin, in one place (issue 22 part 2). The sandbox enforces the VM's own
// (memory, stack, time) inside QuickJS; everything that leaves the VM is measured there before it
// is copied out, and measured again here before it is parsed, so a plugin can never make golive
// allocate more than these allow. A plugin over a limit is that check's `error`; the run goes on.
export const PLUGIN_LIMITS = {
  /** Evaluating the plugin's module (its top level), per start. */
  loadMs: 10_000,
  /** A check's default time limit, and the most a check may ask for with `timeoutMs`. */
  checkMs: 30_000,
  checkMaxMs: 600_000,
  /**
   * The whole WebAssembly memory QuickJS runs in (its heap, the evidence once parsed, its stack):
   * a hard maximum of the memory itself. QuickJS's own malloc limit is set too, but this build
   * cannot measure allocation sizes (malloc_usable_size), so that limit alone let 1 GB through.
   */
  memoryBytes: 256 * 2 ** 20,
  /** QuickJS's own stack, kept well under the worker thread's so QuickJS stops first. */
  stackBytes: 256 * 2 ** 10,
  /** What describe() may return: the plugin's metadata, preset and options schema, as JSON text. */
  metaChars: 512 * 2 ** 10,
  /** A check's outcome as JSON text. */
  resultChars: 4 * 2 ** 20,
  /** An error's message and stack, each. */
  errorChars: 4000,
  /** Findings of one check, and the text of each (message, summary). */
  findings: 1000,
  textChars: 4000,
  /** The validated options, as JSON text. */
  optionsChars: 64 * 2 ** 10,
  checksPerPlugin: 200,
  /** Files served for `reads`: count, per file, in all. */
  readFiles: 1000,
  readFileBytes: 2 ** 20,
  readTotalBytes: 16 * 2 ** 20,
  /** Requests served for `fetches`: per check, body bytes each, time each. */
  fetches: 10,
  fetchBytes: 2 ** 20,
  fetchMs: 10_000,
} as const;
