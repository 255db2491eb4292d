// Progress while checks run, on stderr so stdout stays the report.
// On a terminal: a one-line spinner, drawn by hand rather than with ora, which hooks the process's
// signals (restore-cursor/signal-exit re-raise Ctrl-C, killing golive by the signal instead of
// exit 130) and redraws in a tight loop when the terminal reports 0 columns. This one never
// touches signals or the cursor, draws at a fixed 10 Hz, and clips to 79 columns when the width
// is unknown or 0.
// Off a terminal (CI logs): nothing for a quick run; past 5 s, one line every 5 s with the work
// done so far (files scanned, source files parsed, commits read, probes sent, checks done).
// `--quiet` silences both.
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
const NOUNS: Record<ProgressKind, [string, string]> = {
  files: ['file scanned', 'files scanned'],
  parsed: ['source file parsed', 'source files parsed'],
  commits: ['commit read', 'commits read'],
  probes: ['probe sent', 'probes sent'],
  lines: ['line read', 'lines read'],
};

const fmt = (n: number) => n.toLocaleString('en-US');

/** Where progress goes: the output boundary's stderr (or anything that writes and may be a terminal). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number | undefined;
  write(text: string, opts?: { ansi?: boolean }): unknown;
}

export function startProgress(stream: ProgressStream, env: NodeJS.ProcessEnv, total: number, opts: ProgressOptions = {}): Progress {
  const counts: Record<ProgressKind, number> = { files: 0, parsed: 0, commits: 0, probes: 0, lines: 0 };
  const running = new Set<string>();
  let finished = 0;
  const noop = { started() {}, done() {}, count() {}, stop() {} };
  if (opts.quiet || total === 0) return noop;
  const t0 = Date.now();
  const work = () =>
    (Object.keys(counts) as ProgressKind[])
      .filter((k) => counts[k] > 0)
      .map((k) => `${fmt(counts[k])} ${NOUNS[k][counts[k] === 1 ? 0 : 1]}`);
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
    },
  };

  const interactive = Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
  if (!interactive) {
    const line = () => {
      const secs = Math.round((Date.now() - t0) / 1000);
      stream.write(`golive: still working (${secs} s): ${[...work(), `${finished}/${total} ${opts.unit ?? 'checks'} done`].join(', ')}\n`);
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
    const names = [...running].slice(0, 2).join(', ');
    const text = finished === 0 && running.size === 0 ? 'Gathering evidence…' : `${opts.unit ? 'Reading' : 'Checking'} ${finished}/${total}${names ? `  ${names}${running.size > 2 ? ', …' : ''}` : ''}`;
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
