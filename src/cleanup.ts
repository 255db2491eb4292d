// Work to do before golive ends, on every path (normal end, error, Ctrl-C, SIGTERM): stop plugin
// processes and other children, remove temp files. bin/golive.js runs it; nothing else exits.
type Cleanup = () => void | Promise<void>;
const cleanups = new Set<Cleanup>();

/** Registers a cleanup; returns a function that unregisters it. */
export function onCleanup(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every cleanup once (each at most `limitMs`); never throws. */
export async function runCleanups(limitMs = 3000): Promise<void> {
  const all = [...cleanups];
  cleanups.clear();
  const done = Promise.allSettled(all.map((fn) => Promise.resolve().then(fn)));
  await Promise.race([done, new Promise((r) => setTimeout(r, limitMs).unref())]);
}
