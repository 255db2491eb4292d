// The optional state file, made durable before every 200: a snapshot (`<state>`) plus a write-ahead
// log (`<state>.wal`, length-prefixed and checksummed records, see wal.ts). Every change marks the
// record it touched; before a request is answered, the marked records are appended to the log and
// fsync'ed (group commit: requests that arrive while one fsync runs share the next). A kill -9
// right after a 200 therefore loses nothing. A write that fails or stops short (ENOSPC) is cut
// back off the log and fails every reply waiting on it, so nothing unsaved is ever acknowledged.
// At start and on stop the log is folded into a new snapshot. Both files are 0600: they hold the
// emulator's secret keys.
import { copyFile, open, readFile, rename, truncate, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError, describeError } from '../errors.js';
import { MAX_CLOCK_OFFSET_MS, isEmulatorState, type EmulatorState } from './model.js';
import { WAL_MAGIC, decodeWal, encodeRecord, type WalProblem } from './wal.js';

/** Collections tracked record by record; everything else is small and logged whole ("meta"). */
export const TRACKED = ['payments', 'refunds', 'subscriptions', 'tokens', 'idempotency', 'deliveries', 'deliveryLog', 'events'] as const;
type Tracked = (typeof TRACKED)[number];

/** Beyond this the log is folded into a snapshot at the next quiet moment. */
const COMPACT_BYTES = 64 * 1024 * 1024;

interface WalLine {
  set: Partial<Record<Tracked, Record<string, unknown>>>;
  /** Present when the clock, keys, merchants or webhook secret changed since the last line. */
  meta?: Pick<EmulatorState, 'clockOffsetMs' | 'keys' | 'merchants' | 'webhookSecret'>;
}

function isWalLine(v: unknown): v is WalLine {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as { set?: unknown; meta?: unknown };
  if (!r.set || typeof r.set !== 'object' || Array.isArray(r.set)) return false;
  for (const [coll, recs] of Object.entries(r.set as Record<string, unknown>)) {
    if (!(TRACKED as readonly string[]).includes(coll) || !recs || typeof recs !== 'object' || Array.isArray(recs)) return false;
    if (Object.values(recs as Record<string, unknown>).some((x) => x !== null && typeof x !== 'object' && typeof x !== 'string')) return false;
  }
  if (r.meta !== undefined) {
    const m = r.meta as Partial<EmulatorState> | null;
    if (!m || typeof m !== 'object' || typeof m.clockOffsetMs !== 'number' || !Array.isArray(m.keys) || typeof m.merchants !== 'object' || typeof m.webhookSecret !== 'string') return false;
  }
  return true;
}

async function readBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoliveError('IO', `cannot read the emulator state file ${file}`, { cause: e, suggestion: 'Check the path and its permissions, or pass another --state file.' });
  }
}

/** Older state files had no delivery collections or event log; they start empty. */
function upgrade(s: EmulatorState): EmulatorState {
  s.deliveries ??= {};
  s.deliveryLog ??= {};
  s.events ??= {};
  return s;
}

function damaged(wal: string, p: WalProblem, kept: number): GoliveError {
  const tail = p.atEnd
    ? 'It is the last thing in the log: the emulator was most likely stopped while writing it, and the request it belonged to was never answered.'
    : `${p.droppedBytes} byte(s) follow it, and nothing after a damaged record is read.`;
  return new GoliveError('IO', `the emulator state log ${wal} is damaged at byte ${p.offset} (record ${p.record}: ${p.why}); the emulator did not start. ${tail}`, {
    suggestion: `Run the same command with --repair to keep the ${kept} good record(s) before byte ${p.offset} and drop the ${p.droppedBytes} byte(s) from there (they are saved aside, not deleted), or restore ${path.basename(wal)} from a backup.`,
  });
}

export interface LoadOptions {
  /** Drop a damaged log tail (saved aside) and reset an impossible clock, saying what was done. */
  repair?: boolean;
  /** Hears what a repair did. */
  note?: (line: string) => void;
}

export async function loadState(file: string, opts: LoadOptions = {}): Promise<EmulatorState | undefined> {
  const bytes = await readBytes(file);
  let state: EmulatorState | undefined;
  if (bytes !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (!isEmulatorState(json)) {
      throw new GoliveError('USAGE', `${file} is not an emulator state file`, { suggestion: 'Pass a new file name to --state, or delete the file to start fresh.' });
    }
    state = upgrade(json);
  }
  const walFile = `${file}.wal`;
  const wal = await readBytes(walFile);
  if (wal) {
    const read = decodeWal(wal, isWalLine);
    if (read.problem) {
      if (!opts.repair) throw damaged(walFile, read.problem, read.records.length);
      const aside = `${walFile}.dropped-${Date.now()}`;
      await copyFile(walFile, aside);
      await truncate(walFile, read.goodEnd);
      opts.note?.(`Repaired ${walFile}: kept ${read.records.length} good record(s), dropped ${read.problem.droppedBytes} byte(s) from byte ${read.problem.offset} (record ${read.problem.record}: ${read.problem.why}); the whole log as it was is saved in ${aside}.`);
    }
    for (const rec of read.records) {
      state ??= upgrade({ version: 1, clockOffsetMs: 0, keys: [], merchants: {}, webhookSecret: '', payments: {}, refunds: {}, subscriptions: {}, tokens: {}, idempotency: {} } as unknown as EmulatorState);
      if (rec.meta) Object.assign(state, rec.meta);
      for (const coll of TRACKED) {
        const target = state[coll] as Record<string, unknown>;
        for (const [id, value] of Object.entries(rec.set[coll] ?? {})) {
          if (value === null) delete target[id];
          else target[id] = value;
        }
      }
    }
  }
  if (state && !(Math.abs(state.clockOffsetMs) <= MAX_CLOCK_OFFSET_MS)) {
    const days = state.clockOffsetMs / 86_400_000;
    if (!opts.repair) {
      throw new GoliveError('USAGE', `the emulator clock in ${file} is ${Number.isFinite(days) ? `${Math.round(days)} days` : 'infinitely far'} from real time, beyond what dates can hold; the emulator did not start`, {
        suggestion: 'Run the same command with --repair to set the emulator clock back to real time (everything else is kept).',
      });
    }
    state.clockOffsetMs = 0;
    opts.note?.(`Repaired ${file}: the emulator clock was out of range and is back at real time.`);
  }
  return state;
}

/**
 * A view of `state` that reports every write to a tracked record (`payments[id].status = …`,
 * `refunds[id] = …`, `delete deliveries[id]`), however deep, to `mark(collection, id)`.
 */
export function trackChanges(state: EmulatorState, mark: (coll: Tracked, id: string) => void): EmulatorState {
  const wrapped = new WeakMap<object, object>();
  const deep = <T extends object>(target: T, coll: Tracked, id: string): T => {
    const hit = wrapped.get(target);
    if (hit) return hit as T;
    const proxy = new Proxy(target, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r) as unknown;
        return v && typeof v === 'object' ? deep(v as object, coll, id) : v;
      },
      set(t, k, v, r) {
        mark(coll, id);
        return Reflect.set(t, k, v, r);
      },
      deleteProperty(t, k) {
        mark(coll, id);
        return Reflect.deleteProperty(t, k);
      },
    });
    wrapped.set(target, proxy);
    return proxy;
  };
  const collection = (coll: Tracked, target: Record<string, unknown>) =>
    new Proxy(target, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r) as unknown;
        return typeof k === 'string' && v && typeof v === 'object' ? deep(v as object, coll, k) : v;
      },
      set(t, k, v, r) {
        if (typeof k === 'string') mark(coll, k);
        return Reflect.set(t, k, v, r);
      },
      deleteProperty(t, k) {
        if (typeof k === 'string') mark(coll, k);
        return Reflect.deleteProperty(t, k);
      },
    });
  const view = Object.create(null) as Record<string, unknown>;
  return new Proxy(state, {
    get(t, k, r) {
      if (typeof k === 'string' && (TRACKED as readonly string[]).includes(k)) {
        view[k] ??= collection(k as Tracked, t[k as Tracked] as Record<string, unknown>);
        return view[k];
      }
      return Reflect.get(t, k, r) as unknown;
    },
  });
}

interface Batch {
  chunks: Buffer[];
  /** What the batch's records hold, to mark again if writing them fails. */
  ids: Map<Tracked, Set<string>>;
  meta: boolean;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function batch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // A background commit nobody awaits must not become an unhandled rejection.
  done.catch(() => undefined);
  return { chunks: [], ids: new Map(), meta: false, done, resolve, reject };
}

/** Writes the log bytes; a test can stand in for the disk (short writes, ENOSPC). */
export type WalWriter = (fh: FileHandle, buf: Buffer, offset: number, length: number, position: number) => Promise<{ bytesWritten: number }>;

const defaultWriter: WalWriter = (fh, buf, offset, length, position) => fh.write(buf, offset, length, position);

/** Appends marked records to the log and fsyncs them, in groups. */
export class Journal {
  private readonly dirty = new Map<Tracked, Set<string>>();
  /** The small untracked part (clock, keys, merchants) as last logged: logged again only when it differs. */
  private lastMeta = '';
  private open: Batch | undefined;
  private writing: Batch | undefined;
  private running: Promise<void> | undefined;
  /** End of the last good record: where the next one goes, and where a failed write is cut back to. */
  private walBytes = WAL_MAGIC.length;
  /** Set when a failed write could not be cut back off the log: nothing more is acknowledged. */
  private broken: GoliveError | undefined;

  private constructor(
    private readonly file: string,
    private readonly state: EmulatorState,
    private fh: FileHandle,
    private readonly writer: WalWriter,
  ) {}

  /** Folds any existing log into a fresh snapshot and opens an empty log. */
  static async open(file: string, state: EmulatorState, writer: WalWriter = defaultWriter): Promise<Journal> {
    await writeSnapshot(file, state);
    const fh = await freshLog(`${file}.wal`);
    return new Journal(file, state, fh, writer);
  }

  mark(coll: Tracked, id: string): void {
    let set = this.dirty.get(coll);
    if (!set) this.dirty.set(coll, (set = new Set()));
    set.add(id);
  }

  /**
   * Resolves once every change made so far is on disk. Called before each reply, so even a read
   * never shows what a crash could still take back. Rejects when the disk refused it.
   */
  commit(): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const meta = this.metaText();
    if (this.dirty.size > 0 || meta !== this.lastMeta) {
      this.open ??= batch();
      this.open.chunks.push(encodeRecord(this.line(meta, this.open)));
    }
    const wait = this.open ?? this.writing;
    if (!wait) return Promise.resolve();
    this.kick();
    return wait.done;
  }

  /** The log record for what changed since the last one; meta is metaText() as of now. */
  private line(meta: string, into: Batch): WalLine {
    const set: WalLine['set'] = {};
    for (const [coll, ids] of this.dirty) {
      const src = this.state[coll] as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      let seen = into.ids.get(coll);
      if (!seen) into.ids.set(coll, (seen = new Set()));
      for (const id of ids) {
        out[id] = src[id] ?? null;
        seen.add(id);
      }
      set[coll] = out;
    }
    this.dirty.clear();
    if (meta === this.lastMeta) return { set };
    this.lastMeta = meta;
    into.meta = true;
    return { set, meta: JSON.parse(meta) as WalLine['meta'] };
  }

  private metaText(): string {
    const { clockOffsetMs, keys, merchants, webhookSecret } = this.state;
    return JSON.stringify({ clockOffsetMs, keys, merchants, webhookSecret });
  }

  /** Writes all of `buf` at the end of the good log (a short write continues where it stopped). */
  private async append(buf: Buffer): Promise<void> {
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await this.writer(this.fh, buf, done, buf.length - done, this.walBytes + done);
      if (!(bytesWritten > 0)) throw Object.assign(new Error(`the disk took ${done} of ${buf.length} bytes and then nothing more`), { code: 'ENOSPC' });
      done += bytesWritten;
    }
    await this.fh.datasync();
  }

  private kick(): void {
    if (this.running || !this.open) return;
    const b = this.open;
    this.open = undefined;
    this.writing = b;
    this.running = (async () => {
      const buf = Buffer.concat(b.chunks);
      try {
        await this.append(buf);
        this.walBytes += buf.length;
        b.resolve();
      } catch (e) {
        await this.undo(b, e);
        return;
      }
      if (this.walBytes > COMPACT_BYTES) await this.compact().catch(() => undefined); // the next commit or close tries again
    })().finally(() => {
      this.running = undefined;
      this.writing = undefined;
      this.kick();
    });
  }

  /**
   * A write failed or stopped short: cut the log back to its last good record (a partial record
   * would read as damage), mark what the batch held as changed again (the next commit retries it)
   * and fail everyone waiting on it. If the log cannot be cut back, stop acknowledging anything.
   */
  private async undo(b: Batch, cause: unknown): Promise<void> {
    const why = describeError(cause);
    try {
      await this.fh.truncate(this.walBytes);
      await this.fh.datasync();
    } catch (e) {
      this.broken = new GoliveError('IO', `cannot write the emulator state log ${this.file}.wal (${why}), nor cut the failed write back off it (${describeError(e)}); restart the emulator`, { cause: e });
    }
    for (const [coll, ids] of b.ids) for (const id of ids) this.mark(coll, id);
    if (b.meta) this.lastMeta = '';
    b.reject(this.broken ?? new GoliveError('IO', `cannot write the emulator state log ${this.file}.wal: ${why}`, { cause }));
  }

  /** Snapshot first, then an empty log: a crash in between replays the log onto it harmlessly. */
  private async compact(): Promise<void> {
    await writeSnapshot(this.file, this.state);
    await this.fh.close();
    this.fh = await freshLog(`${this.file}.wal`);
    this.walBytes = WAL_MAGIC.length;
  }

  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
    while (this.running) await this.running;
    // A log that could not be written stays as it is: its good records are all there is.
    if (!this.broken) await this.compact().catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }
}

async function freshLog(file: string): Promise<FileHandle> {
  const fh = await open(file, 'w', 0o600);
  try {
    await fh.write(WAL_MAGIC, 0, WAL_MAGIC.length, 0);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
  return fh;
}

async function writeSnapshot(file: string, state: EmulatorState): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(state));
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    // A full disk must not also be left holding half a snapshot.
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
  // The rename itself must survive a power cut too.
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
