// The optional state file, made durable before every 200: a snapshot (`<state>`) plus a write-ahead
// log (`<state>.wal`, JSON lines). Every change marks the record it touched; before a request is
// answered, the marked records are appended to the log and fsync'ed (group commit: requests that
// arrive while one fsync runs share the next). A kill -9 right after a 200 therefore loses nothing.
// At start and on stop the log is folded into a new snapshot. Both files are 0600: they hold the
// emulator's secret keys.
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError } from '../errors.js';
import { isEmulatorState, type EmulatorState } from './model.js';

/** Collections tracked record by record; everything else is small and logged whole ("meta"). */
export const TRACKED = ['payments', 'refunds', 'subscriptions', 'tokens', 'idempotency', 'deliveries', 'deliveryLog'] as const;
type Tracked = (typeof TRACKED)[number];

/** Beyond this the log is folded into a snapshot at the next quiet moment. */
const COMPACT_BYTES = 64 * 1024 * 1024;

interface WalLine {
  set: Partial<Record<Tracked, Record<string, unknown>>>;
  /** Present when the clock, keys, merchants or webhook secret changed since the last line. */
  meta?: Pick<EmulatorState, 'clockOffsetMs' | 'keys' | 'merchants' | 'webhookSecret'>;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoliveError('IO', `cannot read the emulator state file ${file}`, { cause: e, suggestion: 'Check the path and its permissions, or pass another --state file.' });
  }
}

/** Older state files had no delivery collections; they start empty. */
function upgrade(s: EmulatorState): EmulatorState {
  s.deliveries ??= {};
  s.deliveryLog ??= {};
  return s;
}

export async function loadState(file: string): Promise<EmulatorState | undefined> {
  const text = await readText(file);
  let state: EmulatorState | undefined;
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!isEmulatorState(json)) {
      throw new GoliveError('USAGE', `${file} is not an emulator state file`, { suggestion: 'Pass a new file name to --state, or delete the file to start fresh.' });
    }
    state = upgrade(json);
  }
  const wal = await readText(`${file}.wal`);
  if (!wal) return state;
  for (const line of wal.split('\n')) {
    if (!line) continue;
    let rec: WalLine;
    try {
      rec = JSON.parse(line) as WalLine;
    } catch {
      // Only the last line can be torn (killed mid-append), and its request was never answered.
      break;
    }
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
  text: string;
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
  return { text: '', done, resolve, reject };
}

/** Appends marked records to the log and fsyncs them, in groups. */
export class Journal {
  private readonly dirty = new Map<Tracked, Set<string>>();
  /** The small untracked part (clock, keys, merchants) as last logged: logged again only when it differs. */
  private lastMeta = '';
  private open: Batch | undefined;
  private writing: Batch | undefined;
  private running: Promise<void> | undefined;
  private walBytes = 0;

  private constructor(
    private readonly file: string,
    private readonly state: EmulatorState,
    private fh: FileHandle,
  ) {}

  /** Folds any existing log into a fresh snapshot and opens an empty log. */
  static async open(file: string, state: EmulatorState): Promise<Journal> {
    await writeSnapshot(file, state);
    const fh = await open(`${file}.wal`, 'w', 0o600);
    await fh.sync();
    return new Journal(file, state, fh);
  }

  mark(coll: Tracked, id: string): void {
    let set = this.dirty.get(coll);
    if (!set) this.dirty.set(coll, (set = new Set()));
    set.add(id);
  }

  /**
   * Resolves once every change made so far is on disk. Called before each reply, so even a read
   * never shows what a crash could still take back.
   */
  commit(): Promise<void> {
    const meta = this.metaText();
    if (this.dirty.size > 0 || meta !== this.lastMeta) {
      this.open ??= batch();
      this.open.text += `${JSON.stringify(this.line(meta))}\n`;
    }
    const wait = this.open ?? this.writing;
    if (!wait) return Promise.resolve();
    this.kick();
    return wait.done;
  }

  /** The log line for what changed since the last one; meta is metaText() as of now. */
  private line(meta: string): WalLine {
    const set: WalLine['set'] = {};
    for (const [coll, ids] of this.dirty) {
      const src = this.state[coll] as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const id of ids) out[id] = src[id] ?? null;
      set[coll] = out;
    }
    this.dirty.clear();
    if (meta === this.lastMeta) return { set };
    this.lastMeta = meta;
    return { set, meta: JSON.parse(meta) as WalLine['meta'] };
  }

  private metaText(): string {
    const { clockOffsetMs, keys, merchants, webhookSecret } = this.state;
    return JSON.stringify({ clockOffsetMs, keys, merchants, webhookSecret });
  }

  private kick(): void {
    if (this.running || !this.open) return;
    const b = this.open;
    this.open = undefined;
    this.writing = b;
    this.running = (async () => {
      try {
        const buf = Buffer.from(b.text, 'utf8');
        await this.fh.write(buf);
        await this.fh.datasync();
        this.walBytes += buf.length;
        b.resolve();
      } catch (e) {
        b.reject(new GoliveError('IO', `cannot write the emulator state log ${this.file}.wal`, { cause: e }));
      }
      if (this.walBytes > COMPACT_BYTES) await this.compact().catch(() => undefined); // the next commit or close tries again
    })().finally(() => {
      this.running = undefined;
      this.writing = undefined;
      this.kick();
    });
  }

  /** Snapshot first, then an empty log: a crash in between replays the log onto it harmlessly. */
  private async compact(): Promise<void> {
    await writeSnapshot(this.file, this.state);
    await this.fh.close();
    this.fh = await open(`${this.file}.wal`, 'w', 0o600);
    await this.fh.sync();
    this.walBytes = 0;
  }

  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
    while (this.running) await this.running;
    await this.compact().catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }
}

async function writeSnapshot(file: string, state: EmulatorState): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(state));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  // The rename itself must survive a power cut too.
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
