// Every git call golive makes goes through this module: git reads the repository as data and never
// runs anything the repository configures (a scanned repository may be hostile: CI runs golive on
// pull requests with deploy secrets in the environment). Repository config can name programs to run
// (core.fsmonitor, hooks, diff.external, textconv drivers, gpg for log.showSignature, ssh/fetch
// helpers for a partial clone's lazy fetch); each is switched off here, on the command line, which
// outranks every config file. Children are tracked so an interrupt can stop and await them.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { onCleanup } from '../cleanup.js';

// Command-line config outranks the repository's own; `-c` keys are case-insensitive.
const SAFE_CONFIG: readonly string[] = [
  'core.fsmonitor=false', // a program git runs to ask which files changed
  'core.hooksPath=/dev/null', // no hooks (none of our commands should run one, belt and braces)
  'core.pager=cat',
  'core.quotePath=off',
  'core.untrackedCache=false',
  'protocol.allow=never', // a partial clone would otherwise fetch missing objects (ssh, helpers)
  'log.showSignature=false', // would run gpg.program
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'color.ui=false',
  // Reading a checkout owned by another user (CI containers) is safe once nothing can run; git
  // honours this from the command line since 2.45 and ignores it before.
  'safe.directory=*',
];

/** The environment git runs with: none of the caller's GIT_* variables, no system or user config. */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    // GIT_DIR, GIT_EXTERNAL_DIFF, GIT_SSH_COMMAND, GIT_CONFIG_PARAMETERS… all redirect or run things.
    if (v !== undefined && !k.startsWith('GIT_') && k !== 'PAGER') env[k] = v;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_OPTIONAL_LOCKS: '0', // never write the index (a read-only checkout stays untouched)
    GIT_NO_REPLACE_OBJECTS: '1', // refs/replace could otherwise hide a commit's real content
    GIT_NO_LAZY_FETCH: '1',
    GIT_ATTR_NOSYSTEM: '1',
  };
}

/** The full argument list for `git <args>` with the safety switches in front. */
export function gitArgs(args: readonly string[]): string[] {
  return [...SAFE_CONFIG.flatMap((c) => ['-c', c]), ...args];
}

const live = new Set<ChildProcess>();
// Stopped and awaited by golive's cleanup on every way out (end, error, Ctrl-C, SIGTERM); the
// 'exit' hook is the last resort should the process end without it.
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  const forget = onCleanup(() => stopChild(child));
  child.once('close', () => forget());
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

export interface GitProcess {
  stdout: Readable;
  /** Resolves when git has exited: its exit code (null when killed) and the first 64 KiB of stderr. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** Starts git with its output streamed; stdin gets `input` (or nothing). A missing git binary rejects `done`. */
export function gitStream(args: readonly string[], cwd: string, input?: string): GitProcess {
  const child = spawn('git', gitArgs(args), { cwd, env: gitEnv(), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  track(child);
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // git may exit before reading it all (EPIPE)
    child.stdin.end(input);
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 65536) stderr += s;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.once('error', (e) => {
      live.delete(child);
      reject(e);
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stderr });
    });
  });
  return { stdout: child.stdout!, done, kill: () => void child.kill('SIGTERM') };
}

export interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs git to completion and buffers its output. Rejects only when git cannot be started. */
export async function git(args: readonly string[], cwd: string): Promise<GitResult> {
  const p = gitStream(args, cwd);
  const chunks: Buffer[] = [];
  p.stdout.on('data', (c: Buffer) => chunks.push(c));
  const { code, stderr } = await p.done;
  return { code, stdout: Buffer.concat(chunks), stderr };
}

/** git's first line of complaint, or a fallback naming the exit code. */
export function gitMessage(r: { code: number | null; stderr: string }): string {
  const line = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(fatal|error):/.test(l)) ?? r.stderr.trim().split('\n')[0];
  return line || `git exited with code ${r.code}`;
}

/** Stops one git child and waits for it to exit (SIGKILL after 1 s). */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 1000);
    child.once('close', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
