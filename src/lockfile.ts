// One writer per file: a lock file created with O_EXCL that names its holder (pid, host, user,
// since when), so a second process is refused with who holds it. A lock whose holder died on this
// machine (kill -9, power cut) is taken over; one held by a live process, or by another host
// (we cannot see its processes), is taken over only when the caller says so (`takeOver`).
// Hand-written rather than proper-lockfile: that library records no holder, and the refusal must
// say which terminal or emulator has the file and how to take it over.
import { randomBytes } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import os from 'node:os';

export interface LockHolder {
  pid: number;
  host: string;
  user: string;
  since: string;
  /** Tells this lock from a later one by the same pid (pids are reused). */
  token: string;
  /** What the holder is doing, e.g. "rehearsal 20260513-k3x9q2". */
  purpose?: string;
}

export interface Lock {
  file: string;
  holder: LockHolder;
  /** The lock this one replaced, when a dead (or named) holder was taken over. */
  replaced?: LockHolder;
  /** True while the file still names this holder (another process may have taken it over). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

export type LockResult = { ok: true; lock: Lock } | { ok: false; holder: LockHolder | undefined; alive: boolean };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, user: String(v.user ?? '?'), since: String(v.since ?? '?'), token: String(v.token ?? ''), ...(v.purpose ? { purpose: String(v.purpose) } : {}) };
    }
  } catch {
    // Unreadable or half-written: treated as no holder we can name.
  }
  return undefined;
}

/** Whether `holder` is gone for sure: this host, and no such process. */
export function holderIsDead(holder: LockHolder | undefined): boolean {
  return !!holder && holder.host === os.hostname() && !alive(holder.pid);
}

export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return 'an unknown process';
  return `pid ${h.pid} on ${h.host} (user ${h.user}, since ${h.since})`;
}

export async function acquireLock(file: string, opts: { purpose?: string; takeOver?: boolean; now?: () => Date } = {}): Promise<LockResult> {
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    user: safeUser(),
    since: (opts.now?.() ?? new Date()).toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
  };
  let replaced: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(holder)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { ok: true, lock: makeLock(file, holder, replaced) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = await readHolder(file);
    const dead = holderIsDead(current);
    if (!dead && !opts.takeOver) return { ok: false, holder: current, alive: !!current && current.host === os.hostname() };
    replaced = current;
    await unlink(file).catch(() => undefined);
  }
  return { ok: false, holder: await readHolder(file), alive: true };
}

function makeLock(file: string, holder: LockHolder, replaced: LockHolder | undefined): Lock {
  let released = false;
  return {
    file,
    holder,
    ...(replaced ? { replaced } : {}),
    async stillHeld() {
      const h = await readHolder(file);
      return !released && h?.token === holder.token;
    },
    async release() {
      if (released) return;
      released = true;
      // Only our own lock: a terminal that was taken over must not free the new holder's.
      if ((await readHolder(file))?.token === holder.token) await unlink(file).catch(() => undefined);
    },
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '?';
  }
}
