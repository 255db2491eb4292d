// Progress while checks run, on stderr so stdout stays the report.
// On a terminal: a one-line spinner, drawn by hand rather than with ora, which hooks the process's
// signals (restore-cursor/signal-exit re-raise Ctrl-C, killing golive by the signal instead of
// exit 130) and redraws in a tight loop when the terminal reports 0 columns. This one never
// touches signals or the cursor, draws at a fixed 10 Hz, and clips to 79 columns when the width
// is unknown or 0.
// Off a terminal (CI logs): nothing for a quick run; past 5 s, one line every 5 s with the work
// done so far (files scanned, source files parsed, commits read, probes sent, checks done).
// `--quiet` silences both. Both lead with what golive is doing right now, the work that last moved
// ("probing the webhook endpoint: sent 12 of 40"), since checks wait on their evidence and a bare
// "0/23 checks done" says nothing while the endpoint is being probed.
import type { ProgressKind } from '../evidence/types.js';
import { onCleanup } from '../cleanup.js';

export interface Progress {
  started(id: string): void;
  done(id: string): void;
  count(kind: ProgressKind, n?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** The work unit's name in the status line: "checks" (default) or "inputs" for the monitor. */
  unit?: string;
  /** Off a terminal: the first line after this long, then one per interval. */
  firstAfterMs?: number;
  intervalMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
type WorkKind = Exclude<ProgressKind, 'probes-planned'>;
const NOUNS: Record<WorkKind, [string, string]> = {
  files: ['file scanned', 'files scanned'],
  parsed: ['source file parsed', 'source files parsed'],
  commits: ['commit read', 'commits read'],
  probes: ['probe sent', 'probes sent'],
  lines: ['line read', 'lines read'],
};

const fmt = (n: number) => n.toLocaleString('en-US');

/** What the work that moved last means, in words: the progress line's lead. */
function doing(kind: WorkKind, counts: Record<ProgressKind, number>): string {
  const n = counts[kind];
  switch (kind) {
    case 'files':
      return `scanning files: ${fmt(n)} read`;
    case 'parsed':
      return `reading source code: ${fmt(n)} file${n === 1 ? '' : 's'} parsed`;
    case 'commits':
      return `reading git history: ${fmt(n)} commit${n === 1 ? '' : 's'}`;
    case 'probes':
      return `probing the webhook endpoint: sent ${fmt(n)}${counts['probes-planned'] > 0 ? ` of ${fmt(counts['probes-planned'])}` : ''}`;
    case 'lines':
      return `reading logs: ${fmt(n)} line${n === 1 ? '' : 's'}`;
  }
}

/** Where progress goes: the output boundary's stderr (or anything that writes and may be a terminal). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number | undefined;
  write(text: string, opts?: { ansi?: boolean }): unknown;
}

export function startProgress(stream: ProgressStream, env: NodeJS.ProcessEnv, total: number, opts: ProgressOptions = {}): Progress {
  const counts: Record<ProgressKind, number> = { files: 0, parsed: 0, commits: 0, probes: 0, 'probes-planned': 0, lines: 0 };
  let last: WorkKind | undefined;
  const running = new Set<string>();
  let finished = 0;
  const noop = { started() {}, done() {}, count() {}, stop() {} };
  if (opts.quiet || total === 0) return noop;
  const t0 = Date.now();
  // The other work so far, after the lead.
  const work = () =>
    (Object.keys(NOUNS) as WorkKind[])
      .filter((k) => counts[k] > 0 && k !== last)
      .map((k) => `${fmt(counts[k])} ${NOUNS[k][counts[k] === 1 ? 0 : 1]}`);
  const lead = () => (last ? doing(last, counts) : undefined);
  const base = {
    started(id: string) {
      running.add(id);
    },
    done(id: string) {
      running.delete(id);
      finished++;
    },
    count(kind: ProgressKind, n = 1) {
      counts[kind] += n;
      if (kind !== 'probes-planned') last = kind;
    },
  };

  const interactive = Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
  if (!interactive) {
    const line = () => {
      const secs = Math.round((Date.now() - t0) / 1000);
      const now = lead();
      stream.write(`golive: still working (${secs} s)${now ? `, ${now}` : ''}: ${[...work(), `${finished}/${total} ${opts.unit ?? 'checks'} done`].join(', ')}\n`);
    };
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      line();
      interval = setInterval(line, opts.intervalMs ?? 5000).unref();
    }, opts.firstAfterMs ?? 5000).unref();
    const stop = () => {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    };
    onCleanup(stop);
    return { ...base, stop };
  }

  let frame = 0;
  let drawn = false;
  const draw = () => {
    const now = lead();
    const done = `${finished}/${total} ${opts.unit ?? 'checks'} done`;
    const text = now ? `${now[0]!.toUpperCase()}${now.slice(1)} · ${done}` : finished === 0 && running.size === 0 ? 'Gathering evidence…' : `${opts.unit ? 'Reading' : 'Checking'}: ${done}`;
    const extra = work().join(', ');
    const full = `${FRAMES[frame++ % FRAMES.length]} ${text}${extra ? `  (${extra})` : ''}`;
    // 0 or unknown columns (a detached or misconfigured pty): assume 80, never loop on it.
    const width = stream.columns && stream.columns > 10 ? stream.columns : 80;
    // The spinner's own control codes are golive's; the check ids in it are validated names.
    stream.write(`\r${[...full].slice(0, width - 1).join('')}\x1b[K`, { ansi: true });
    drawn = true;
  };
  const timer = setInterval(draw, 100).unref();
  draw();
  const stop = () => {
    clearInterval(timer);
    if (drawn) stream.write('\r\x1b[K', { ansi: true });
    drawn = false;
  };
  onCleanup(stop);
  return { ...base, stop };
}
