// Reads one file for the secret scan, whatever it holds: UTF-8 or Latin-1 text, UTF-16 (LE/BE,
// with or without a BOM, transcoded), or binary (searched as bytes for the ASCII key patterns and
// reported by byte offset). Files are read in windows of WINDOW bytes that overlap by OVERLAP, so
// memory stays bounded whatever the file or line length and a key across a window edge is found.
// Used on the main thread for small repositories and inside the scan workers for big ones.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { findKeyHits, findSandboxHits, newlinesIn, positionHits, type RawHit } from './keymatch.js';
import { Cue, cueOf, languageOf, MAX_SOURCE_BYTES } from './code/cues.js';
import type { KeyMatch, SandboxUrlMatch, TextEncoding } from './types.js';

/** Bytes looked at to call a file binary or UTF-16 (git and ripgrep use the same NUL heuristic). */
export const SNIFF_BYTES = 8 * 1024;
/** Window size: most files are read whole in one window; bigger ones are streamed. */
export const WINDOW = 4 * 1024 * 1024;
/** Carried from one window into the next; longer than any key, so none is cut in two. */
export const OVERLAP = 4 * 1024;

const NONE = Object.freeze([]) as unknown as never[];
// O_NONBLOCK: a FIFO put in place of a listed file must not hang the scan.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

export interface FileScanResult {
  keys: KeyMatch[];
  sandboxUrls: SandboxUrlMatch[];
  bytes: number;
  /** Set when the file was read; absent for plain text. */
  encoding?: TextEncoding;
  /** Why the file could not be examined (it may hold a key we did not see). */
  unread?: string;
  /** Why the file was deliberately passed over (a symlink, a submodule), not a gap in the scan. */
  skipped?: string;
  /** For a source file, when the scanner was asked: what the code index will find in it (code/cues.ts). */
  cue?: Cue;
}

/** Which encoding the first bytes of a file suggest. */
export function sniffEncoding(head: Buffer): 'text' | TextEncoding {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.indexOf(0) === -1) return 'text';
  // UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte, on one side only.
  let even = 0;
  let odd = 0;
  const n = head.length & ~1;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (odd > half * 0.3 && even < half * 0.02) return 'utf-16le';
  if (even > half * 0.3 && odd < half * 0.02) return 'utf-16be';
  return 'binary';
}

/** ASCII context around a hit in a binary file: printable bytes kept, others shown as '.'. */
function binaryContext(buf: Buffer, start: number, end: number): string {
  const from = Math.max(0, start - 60);
  const to = Math.min(buf.length, end + 60);
  let s = '';
  for (let i = from; i < to; i++) {
    const b = buf[i] as number;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return s;
}

/** Turns raw UTF-16 chunks into UTF-8, carrying an odd byte and a split surrogate pair over. */
class Utf16Transcoder {
  private carry: Buffer = Buffer.alloc(0);
  private high = '';
  constructor(private readonly bigEndian: boolean) {}

  push(raw: Buffer, last: boolean): Buffer {
    let bytes = this.carry.length ? Buffer.concat([this.carry, raw]) : raw;
    const even = bytes.length & ~1;
    this.carry = last ? Buffer.alloc(0) : Buffer.from(bytes.subarray(even));
    bytes = bytes.subarray(0, even);
    if (this.bigEndian) bytes = Buffer.from(bytes).swap16();
    let text = this.high + bytes.toString('utf16le');
    this.high = '';
    const tail = text.charCodeAt(text.length - 1);
    if (!last && tail >= 0xd800 && tail <= 0xdbff) {
      this.high = text.slice(-1);
      text = text.slice(0, -1);
    }
    return Buffer.from(text, 'utf8');
  }
}

/** Reads and scans files one at a time; holds one window buffer that every file reuses. */
export class FileScanner {
  private buf = Buffer.allocUnsafe(WINDOW + OVERLAP);
  private raw: Buffer | undefined;
  private readonly prefix: string;

  /** With `cues`, source files also get their code cue, so the code index need not read them again. */
  constructor(
    root: string,
    private readonly cues = false,
  ) {
    this.prefix = root.endsWith(path.sep) ? root : root + path.sep;
  }

  scan(rel: string): FileScanResult {
    // Most files hold nothing: they share empty arrays and cost one small object.
    const out: FileScanResult = { keys: NONE, sandboxUrls: NONE, bytes: 0 };
    let fd: number;
    try {
      fd = openSync(this.prefix + rel, OPEN_FLAGS);
    } catch (e) {
      return { ...out, ...openProblem(e) };
    }
    try {
      // The inventory lists only regular files (git's index modes, lstat for the rest); no fstat
      // here (it was ~10% of a worker's time): a directory or FIFO swapped in meanwhile fails the
      // read below (EISDIR, EAGAIN) and is passed over.
      this.read(fd, rel, out, this.cues && languageOf(rel) !== undefined);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') return { ...out, skipped: 'directory listed by git (a submodule?), not scanned' };
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return { ...out, skipped: 'not a regular file, skipped' };
      out.unread = `read failed part-way: ${(e as Error).message}`;
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** Fills `into[from..]` from fd until full or end of file; returns the bytes read. */
  private fill(fd: number, into: Buffer, from: number): number {
    let n = 0;
    while (from + n < into.length) {
      const got = readSync(fd, into, from + n, into.length - from - n, null);
      if (got === 0) break;
      n += got;
    }
    return n;
  }

  private read(fd: number, rel: string, out: FileScanResult, code: boolean): void {
    const buf = this.buf;
    const cap = buf.length;
    let n = this.fill(fd, buf, 0);
    out.bytes = n;
    const kind = sniffEncoding(buf.subarray(0, Math.min(n, SNIFF_BYTES)));
    if (code) {
      // Only what the code index would read as text (UTF-8, no NUL, not too big); anything else it
      // reads itself and treats as it always has (Cue.Unknown).
      const view = buf.subarray(0, n);
      out.cue = kind === 'text' && n <= MAX_SOURCE_BYTES && !view.includes(0) ? cueOf(view.toString('utf8')) : Cue.Unknown;
    }
    if (kind === 'text' && n < cap) {
      // The common case, a text file in one window: no window bookkeeping unless something is there.
      const view = buf.subarray(0, n);
      const hits: RawHit[] = [];
      findKeyHits(view, hits);
      findSandboxHits(view, hits);
      if (hits.length === 0) return;
    }
    if (kind !== 'text') out.encoding = kind;
    const windows = new WindowScan(rel, kind === 'binary', out);
    if (kind === 'text' || kind === 'binary') {
      let carry = 0;
      for (;;) {
        // A short fill means the file ended in this window. A file that exactly fills it gets one
        // more window holding only the carried bytes, which settles hits that touched the end.
        const last = carry + n < cap;
        const keep = windows.window(buf.subarray(0, carry + n), carry, last);
        if (last) return;
        buf.copy(buf, 0, cap - keep, cap);
        carry = keep;
        n = this.fill(fd, buf, carry);
        out.bytes += n;
      }
    }
    // UTF-16: transcode each raw window to UTF-8 and scan that, so lines and columns are the text's.
    const t = new Utf16Transcoder(kind === 'utf-16be');
    const bom = (kind === 'utf-16le' && buf[0] === 0xff && buf[1] === 0xfe) || (kind === 'utf-16be' && buf[0] === 0xfe && buf[1] === 0xff);
    let raw: Buffer = buf.subarray(bom ? 2 : 0, n);
    let last = n < cap;
    let carryText: Buffer = Buffer.alloc(0);
    for (;;) {
      const text = t.push(raw, last);
      const view = carryText.length ? Buffer.concat([carryText, text]) : text;
      const keep = windows.window(view, carryText.length, last);
      if (last) return;
      carryText = Buffer.from(view.subarray(view.length - keep));
      this.raw ??= Buffer.allocUnsafe(WINDOW);
      const more = this.fill(fd, this.raw, 0);
      out.bytes += more;
      raw = this.raw.subarray(0, more);
      last = more < WINDOW;
    }
  }
}

/** One thread's share of a pooled scan: only files with something to say, by index into the list. */
export interface ScanTally {
  results: Array<[number, FileScanResult]>;
  files: number;
  bytes: number;
}

/**
 * Claims the next batch of `batch` files from counter[0] (shared by every scanning thread) and
 * scans it into tally, writing source files' code cues into `cues` when given; returns how many
 * files the batch held, 0 when none are left. The main thread and the workers both call this.
 */
export function scanNextBatch(scanner: FileScanner, files: readonly string[], counter: Int32Array, batch: number, tally: ScanTally, cues?: Uint8Array): number {
  const start = Atomics.add(counter, 0, 1) * batch;
  if (start >= files.length) return 0;
  const end = Math.min(start + batch, files.length);
  for (let i = start; i < end; i++) {
    const r = scanner.scan(files[i] as string);
    if (cues && r.cue) cues[i] = r.cue;
    if (r.keys.length || r.sandboxUrls.length || r.unread || r.skipped || r.encoding) tally.results.push([i, r]);
    if (!r.unread && !r.skipped) {
      tally.files++;
      tally.bytes += r.bytes;
    }
  }
  return end - start;
}

function openProblem(e: unknown): Pick<FileScanResult, 'unread' | 'skipped'> {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return { skipped: 'symbolic link, not followed' };
  if (code === 'EACCES' || code === 'EPERM') return { unread: 'permission denied' };
  if (code === 'ENOENT' || code === 'ENOTDIR') return { unread: 'disappeared before it could be read' };
  return { unread: (e as Error).message };
}

/**
 * Scans consecutive overlapping windows of one file's (text) bytes and keeps absolute positions:
 * a hit wholly inside the previous window was judged there; a hit that touches a window's end
 * waits for the next window, where the carried bytes hold all of it.
 */
class WindowScan {
  private abs = 0; // absolute offset of the current window's first byte
  private prevEnd = 0; // absolute end of the previous window
  private line = 1; // line number at `abs`
  private lineStart = 0; // absolute offset where the line containing `abs` starts

  constructor(
    private readonly file: string,
    private readonly binary: boolean,
    private readonly out: FileScanResult,
  ) {}

  /**
   * Scans view (whose first `carried` bytes repeat the end of the previous window); returns how
   * many bytes from its end the next window must start with.
   */
  window(view: Buffer, carried: number, last: boolean): number {
    this.abs = this.prevEnd - carried;
    const hits: RawHit[] = [];
    findKeyHits(view, hits);
    findSandboxHits(view, hits);
    const end = view.length;
    const keep = last ? 0 : Math.min(OVERLAP, end);
    const mine = hits.filter((h) => {
      if (carried > 0) {
        if (this.abs + h.end < this.prevEnd) return false; // wholly in the last window: judged there
        if (h.start === 0) return false; // the rest of a huge run reported last window
      }
      // Touching the end: more key characters may follow in the next window (unless it is huge).
      return last || h.end < end || h.end - h.start >= OVERLAP - 64;
    });
    if (mine.length > 0) this.report(view, mine);
    if (!last) this.advance(view, end - keep);
    this.prevEnd = this.abs + end;
    return keep;
  }

  private report(view: Buffer, hits: RawHit[]): void {
    const { file, out } = this;
    if (out.keys === NONE) out.keys = [];
    if (out.sandboxUrls === NONE) out.sandboxUrls = [];
    if (this.binary) {
      for (const h of hits.sort((a, b) => a.start - b.start)) {
        const offset = this.abs + h.start;
        const lineText = binaryContext(view, h.start, h.end);
        if (h.kind && h.env) out.keys.push({ file, line: 0, column: 0, offset, encoding: 'binary', kind: h.kind, env: h.env, value: view.toString('latin1', h.start, h.end), lineText });
        else out.sandboxUrls.push({ file, line: 0, column: 0, offset, encoding: 'binary', lineText });
      }
      return;
    }
    for (const h of positionHits(view, hits)) {
      const line = this.line + h.line - 1;
      // On the window's first line, the line began in an earlier window: add its earlier bytes.
      const column = h.line === 1 ? h.column + (this.abs - this.lineStart) : h.column;
      const enc = out.encoding;
      if (h.kind && h.env) {
        const k: KeyMatch = { file, line, column, kind: h.kind, env: h.env, value: view.toString('latin1', h.start, h.end), lineText: h.lineText };
        if (enc) k.encoding = enc;
        out.keys.push(k);
      } else {
        const s: SandboxUrlMatch = { file, line, column, lineText: h.lineText };
        if (enc) s.encoding = enc;
        out.sandboxUrls.push(s);
      }
    }
  }

  /** Counts the lines in view[0, upTo): the bytes that will not be seen again. */
  private advance(view: Buffer, upTo: number): void {
    if (this.binary) return;
    const { count, after } = newlinesIn(view, 0, upTo);
    this.line += count;
    if (count > 0) this.lineStart = this.abs + after;
  }
}
