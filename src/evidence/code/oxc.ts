// oxc-parser is a native addon and the largest thing the code index loads: it is imported on first
// need (a run with nothing to parse never loads it), and the single-file CLI bundle keeps it as an
// external package loaded at that moment rather than at start-up.
type Oxc = typeof import('oxc-parser');
let oxc: Oxc | undefined;

/** Loads oxc-parser once; indexFiles awaits it before the first parse. */
export async function loadOxc(): Promise<Oxc> {
  return (oxc ??= await import('oxc-parser'));
}

/** The loaded parser; a programming error (not a user error) if loadOxc() was not awaited first. */
export function oxcParser(): Oxc {
  if (!oxc) throw new Error('internal: oxc-parser used before loadOxc()');
  return oxc;
}
