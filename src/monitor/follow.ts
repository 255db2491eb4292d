// `--follow`: reads what the followed log files gain, across log rotation. A file is known by its
// identity (device and inode) and read through a handle kept open, not by its name, as `tail -F`
// and log shippers do:
// - rename rotation (logrotate's default; nginx reopens its log on USR1): the old file, now under
//   another name or none, is read to its end for as long as it still grows (the server writes to
//   it until it reopens), then closed; the new file at the followed name is read from its start;
// - copytruncate: the file shrinks below what was read, or its first bytes change: it is read again
//   from its start. A copy that appears under a followed name (a glob like `access.log*`) is known by
//   its first bytes and continues from where its original was, so nothing is counted twice;
// - a followed name that vanishes is looked up on every poll and read from the start when it returns.
// What a copytruncate's copy holds beyond the last read is lost unless a followed name holds the copy
// (logrotate documents the same risk for copytruncate). An unterminated last line waits for its end.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { fileChunks, type Chunks } from './lines.js';

/**
 * Reads a file's lines from the stream into the monitor (`file`: its name when it was opened, for
 * reports); `final`: an unterminated last line counts too.
 */
export type ReadInto = (file: string, stream: Chunks, firstLine: number, final: boolean) => Promise<{ bytes: number; lines: number }>;

/** The first bytes of a file, compared to recognise a truncation or a copy. */
const HEAD = 256;
const EMPTY = Buffer.alloc(0);

interface FileState {
  id: string;
  handle: FileHandle;
  path: string;
  /** Access log, app log…: a copy is looked for among files of its own kind. */
  kind: string;
  read: ReadInto;
  /** Bytes read (up to the last complete line) and lines read. */
  offset: number;
  lines: number;
  head: Buffer;
  /** Before the last truncation: what a copy of the file starts with, and how far it was read. */
  former?: { head: Buffer; offset: number; lines: number };
  size: number;
  grewAt: number;
}

interface Followed {
  path: string;
  kind: string;
  read: ReadInto;
  state: FileState | undefined;
}

async function headOf(handle: FileHandle, size: number): Promise<Buffer> {
  const n = Math.min(size, HEAD);
  if (n === 0) return EMPTY;
  const buf = Buffer.alloc(n);
  const { bytesRead } = await handle.read(buf, 0, n, 0);
  return buf.subarray(0, bytesRead);
}

/** A head worth matching: at least one whole line (a timestamp, an id), not a few bytes any file may share. */
const startsWith = (buf: Buffer, head: Buffer) => head.length > 0 && head.includes(0x0a) && buf.length >= head.length && buf.subarray(0, head.length).equals(head);

export class Follower {
  private readonly followed: Followed[] = [];
  private readonly files = new Map<string, FileState>();

  /** `graceMs`: how long a rotated-away file is kept open after it last grew. */
  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get count(): number {
    return this.followed.length;
  }

  /** Reads the file from its start (holding back an unterminated last line) and follows it. */
  async add(path: string, kind: string, read: ReadInto): Promise<void> {
    const f: Followed = { path, kind, read, state: undefined };
    this.followed.push(f);
    // At the start every file is read whole, as without --follow.
    f.state = await this.openFile(f, false);
  }

  /** Reads what every followed file gained since the last poll (one poll at a time: a Ctrl-C may come mid-poll). */
  poll(): Promise<void> {
    return this.serial(() => this.pollNow());
  }

  close(): Promise<void> {
    return this.serial(async () => {
      for (const s of [...this.files.values()]) await this.drop(s);
    });
  }

  private queue: Promise<unknown> = Promise.resolve();
  private serial(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async pollNow(): Promise<void> {
    const t = this.now();
    const held = () => new Set(this.followed.map((f) => f.state));
    // Files no name holds any more first: they hold the older lines.
    const named = held();
    for (const s of [...this.files.values()].sort((a, b) => Number(named.has(a)) - Number(named.has(b)))) await this.readNew(s, t, false);
    for (const f of this.followed) {
      const st = await stat(f.path, { bigint: true }).catch(() => undefined);
      if (!st) {
        f.state = undefined;
        continue;
      }
      if (f.state?.id === `${st.dev}:${st.ino}`) continue;
      f.state = await this.openFile(f, true);
    }
    const stillHeld = held();
    for (const s of [...this.files.values()]) {
      if (stillHeld.has(s) || t - s.grewAt < this.graceMs) continue;
      await this.readNew(s, t, true);
      await this.drop(s);
    }
  }

  private async drop(s: FileState): Promise<void> {
    this.files.delete(s.id);
    await s.handle.close().catch(() => undefined);
  }

  /** The file now at `path`: one already open under another name, or opened and read from its start (or, for a copy, from where its original was). */
  private async openFile(f: Followed, mayBeCopy: boolean): Promise<FileState | undefined> {
    const handle = await open(f.path, 'r').catch(() => undefined);
    if (!handle) return undefined;
    const st = await handle.stat({ bigint: true });
    const id = `${st.dev}:${st.ino}`;
    const known = this.files.get(id);
    if (known) {
      await handle.close();
      return known;
    }
    const t = this.now();
    const size = Number(st.size);
    const s: FileState = { id, handle, path: f.path, kind: f.kind, read: f.read, offset: 0, lines: 0, head: EMPTY, size: 0, grewAt: t };
    const head = await headOf(handle, size);
    // A copy of a file being followed (copytruncate into a followed name): continue where it was.
    let original: FileState | undefined;
    for (const o of mayBeCopy ? this.files.values() : []) {
      if (o.kind !== f.kind) continue;
      if (startsWith(head, o.head)) {
        original = o;
        s.offset = o.offset;
        s.lines = o.lines;
        break;
      }
      if (o.former && startsWith(head, o.former.head)) {
        s.offset = o.former.offset;
        s.lines = o.former.lines;
        break;
      }
    }
    this.files.set(id, s);
    await this.readNew(s, t, false);
    // Not truncated yet: the original must not read again what its copy just gave.
    if (original && s.offset > original.offset && startsWith(await headOf(original.handle, HEAD), original.head)) {
      original.offset = s.offset;
      original.lines = s.lines;
    }
    return s;
  }

  private async readNew(s: FileState, t: number, final: boolean): Promise<void> {
    const size = Number((await s.handle.stat({ bigint: true })).size);
    if (size !== s.size) s.grewAt = t;
    s.size = size;
    let truncated = size < s.offset;
    if (!truncated && s.head.length > 0) truncated = !(await headOf(s.handle, s.head.length)).equals(s.head);
    if (truncated) {
      s.former = { head: s.head, offset: s.offset, lines: s.lines };
      s.offset = 0;
      s.lines = 0;
      s.head = EMPTY;
    }
    if (size > s.offset) {
      const r = await s.read(s.path, fileChunks(s.handle, s.offset), s.lines + 1, final);
      s.offset += r.bytes;
      s.lines += r.lines;
    }
    if (s.head.length < HEAD && size > s.head.length) s.head = await headOf(s.handle, size);
  }
}
