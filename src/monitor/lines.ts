// Streams the lines of the monitor's inputs: files, globs (rotated `access.log.*`), gzip files
// (recognised by their magic bytes, whatever their name) and `-` for stdin. Memory is bounded: a
// line longer than MAX_LINE bytes is counted as malformed and skipped, never buffered whole. Lines are
// handed to a synchronous callback (no await per line: a week of access log is millions of lines),
// as strings, or as byte ranges of the chunk read (the access log's and ledger's fast paths: no
// decoding, no copy). A plain file is read into two buffers refilled in turn (fileChunks).
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import picomatch from 'picomatch';
import { GoliveError, describeError } from '../errors.js';

/** A source's bytes in chunks: a stream (stdin, gunzip), or fileChunks (two buffers, refilled in turn). */
export type Chunks = AsyncIterable<Buffer | string>;

/** An input that failed part-way (a truncated .gz, a file gone unreadable), as every reader reports it. */
export const readError = (e: unknown): GoliveError =>
  new GoliveError('IO', `cannot read input: ${describeError(e)}`, { suggestion: 'A truncated .gz or an unreadable file: check it with `zcat -t` or `cat`.' });

/** In bytes, by both readers (a UTF-16 code unit is 1 to 3 bytes of UTF-8). */
export const MAX_LINE = 64 * 1024;
/** The bytes a too-long line's excerpt keeps: at least 200 characters of any UTF-8 text. */
const EXCERPT_BYTES = 600;

/** Whether text[from, to) is over MAX_LINE bytes as UTF-8 (measured only when it may be). */
function overCap(text: string, from: number, to: number): boolean {
  if (to - from <= MAX_LINE / 3) return false;
  return to - from > MAX_LINE || Buffer.byteLength(text.slice(from, to)) > MAX_LINE;
}
/** Files one glob may expand to: a typo like `/var/log/**` must not read a whole disk. */
const MAX_FILES = 1000;

export interface LineSink {
  /** A complete line (without its newline); `tooLong` when it was cut at MAX_LINE. */
  (line: string, lineNo: number, tooLong: boolean): void;
}

export interface ByteLineSink {
  /** A line is buf[start, end) (no newline, no trailing CR); `tooLong`: its first EXCERPT_BYTES. */
  (buf: Buffer, start: number, end: number, lineNo: number, tooLong: boolean): void;
}

export interface Source {
  /** As shown in reports: the path as given, or `-`. */
  label: string;
  file: string | null;
}

async function walk(dir: string, depth: number, out: string[]): Promise<void> {
  if (depth > 8 || out.length > MAX_FILES) return;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, depth + 1, out);
    else if (e.isFile()) out.push(p);
  }
}

/** Expands files and globs (oldest first, so rotated logs read in order); `-` is stdin. */
export async function expandInputs(specs: readonly string[], flag: string): Promise<Source[]> {
  const out: Source[] = [];
  for (const spec of specs) {
    if (spec === '-') {
      out.push({ label: '-', file: null });
      continue;
    }
    const scan = picomatch.scan(spec);
    if (!scan.isGlob) {
      const st = await stat(spec).catch(() => undefined);
      if (!st) throw new GoliveError('IO', `${flag}: file not found: ${spec}`, { suggestion: `Check the path given to ${flag} (globs like 'access.log*' are expanded by golive: quote them).` });
      if (!st.isFile()) throw new GoliveError('IO', `${flag}: ${spec} is not a regular file`, { suggestion: `Give ${flag} a log file, a glob, or - for stdin.` });
      out.push({ label: spec, file: spec });
      continue;
    }
    const base = scan.base || '.';
    const files: string[] = [];
    await walk(base, 0, files);
    const match = picomatch(spec, { dot: true });
    const hits = files.filter((f) => match(f) || match(path.relative('.', f)));
    if (hits.length === 0) throw new GoliveError('IO', `${flag}: no file matches ${spec}`, { suggestion: 'Check the glob; rotated logs look like access.log, access.log.1, access.log.2.gz.' });
    if (hits.length > MAX_FILES) throw new GoliveError('IO', `${flag}: ${spec} matches more than ${MAX_FILES} files`, { suggestion: 'Narrow the glob to the webhook receiver\'s logs.' });
    const dated = await Promise.all(hits.map(async (f) => ({ f, m: (await stat(f)).mtimeMs, n: rotation(f) })));
    // Oldest first: by modification time, then by rotation number (access.log.2 before .1).
    dated.sort((a, b) => a.m - b.m || b.n - a.n || (a.f < b.f ? -1 : 1));
    for (const d of dated) out.push({ label: d.f, file: d.f });
  }
  return out;
}

function rotation(file: string): number {
  const m = /\.(\d+)(?:\.gz)?$/.exec(file);
  return m ? Number(m[1]) : 0;
}

export async function isGzip(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await h.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await h.close();
  }
}

const CHUNK = 1 << 20;

/**
 * A file's bytes from `start` to its current end, read into two buffers taken in turn: a chunk
 * stays as it is until the consumer asks for the next one, so it must be done with it by then
 * (forEachLine and forEachLineBytes are; a stream that queues chunks is not: copy for it), while
 * the next read runs beside its work. Why not a read stream: it allocates a fresh 1 MB buffer per
 * read, garbage only at the next collection, and while the line readers allocate little that comes
 * late: 60-100 MB of dead buffers at the peak (Node 26). The handle stays open (`close`: closed at
 * the end or on an early exit).
 */
export async function* fileChunks(handle: FileHandle, start = 0, close = false): AsyncGenerator<Buffer> {
  const bufs = [Buffer.allocUnsafeSlow(CHUNK), Buffer.allocUnsafeSlow(CHUNK)];
  let pos = start;
  let next: Promise<{ bytesRead: number }> | undefined = handle.read(bufs[0]!, 0, CHUNK, pos);
  try {
    for (let turn = 0; ; turn ^= 1) {
      const { bytesRead } = await next;
      next = undefined;
      if (bytesRead === 0) return;
      pos += bytesRead;
      next = handle.read(bufs[turn ^ 1]!, 0, CHUNK, pos);
      const buf = bufs[turn]!;
      yield bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    // A consumer that stops early leaves a read in flight: wait for it (its error is no one's).
    await next?.catch(() => undefined);
    if (close) await handle.close().catch(() => undefined);
  }
}

/**
 * The source's bytes, gunzipped when gzip; `start` skips bytes already read (--follow). A plain
 * file's chunks are reused buffers (fileChunks).
 */
export async function openSource(src: Source, stdin: NodeJS.ReadableStream, start = 0): Promise<Chunks> {
  if (!src.file) return stdin as Chunks;
  try {
    if (await isGzip(src.file)) return createReadStream(src.file, { highWaterMark: CHUNK }).pipe(createGunzip());
    return fileChunks(await open(src.file, 'r'), start, true);
  } catch (e) {
    throw new GoliveError('IO', `cannot read ${src.label}: ${describeError(e)}`, { suggestion: 'Check the file and its permissions.' });
  }
}

/** Splits a byte stream into lines; returns bytes consumed (for --follow) and lines seen. */
export async function forEachLine(stream: Chunks, sink: LineSink, firstLineNo = 1, holdPartial = false): Promise<{ lines: number; bytes: number }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let skipping = false;
  let lineNo = firstLineNo - 1;
  let bytes = 0;
  let consumed = 0;
  // An all-ASCII chunk is decoded as latin1 (a copy, 2-5x cheaper than UTF-8 decoding) unless the
  // decoder still holds part of a character from the chunk before.
  let partial = false;
  const emit = (line: string, tooLong: boolean) => {
    lineNo++;
    sink(line.endsWith('\r') ? line.slice(0, -1) : line, lineNo, tooLong);
  };
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      const ascii: boolean = !partial && isAscii(buf);
      const text = carry + (ascii ? buf.toString('latin1') : decoder.write(buf));
      partial = !ascii && buf.length > 0 && buf[buf.length - 1]! >= 0x80;
      let from = 0;
      for (;;) {
        const nl = text.indexOf('\n', from);
        if (nl === -1) break;
        if (skipping) skipping = false;
        else if (overCap(text, from, nl)) emit(text.slice(from, from + 200), true);
        else emit(text.slice(from, nl), false);
        from = nl + 1;
      }
      carry = text.slice(from);
      if (carry.length > MAX_LINE) {
        // Count the over-long line once, then drop its bytes until the next newline.
        if (!skipping) emit(carry.slice(0, 200), true);
        skipping = true;
        carry = '';
      }
      consumed = bytes - Buffer.byteLength(carry);
    }
  } catch (e) {
    throw readError(e);
  }
  // Following a growing file, an unterminated last line is still being written: read it next time.
  if (holdPartial) return { lines: lineNo - firstLineNo + 1, bytes: consumed };
  carry += decoder.end();
  if (carry.length > 0 && !skipping) {
    emit(carry, false);
    consumed = bytes;
  }
  return { lines: lineNo - firstLineNo + 1, bytes: consumed };
}

/**
 * Splits a byte stream into lines handed over as ranges of the chunk they sit in (a line split
 * across chunks is copied once). Same line numbers, 64 KiB cap (in bytes), bytes consumed and
 * `holdPartial` as forEachLine.
 */
export async function forEachLineBytes(stream: Chunks, sink: ByteLineSink, firstLineNo = 1, holdPartial = false): Promise<{ lines: number; bytes: number }> {
  let carry: Buffer | null = null;
  let skipping = false;
  let lineNo = firstLineNo - 1;
  let bytes = 0;
  const emit = (b: Buffer, s: number, e: number) => {
    lineNo++;
    if (e - s > MAX_LINE) sink(b, s, s + EXCERPT_BYTES, lineNo, true);
    else sink(b, s, e > s && b[e - 1] === 0x0d ? e - 1 : e, lineNo, false);
  };
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      let from = 0;
      if (carry || skipping) {
        const nl = buf.indexOf(0x0a);
        if (nl === -1) {
          if (carry && carry.length + buf.length > MAX_LINE) {
            // Count the over-long line once, then drop its bytes until the next newline.
            emit(Buffer.concat([carry, buf.subarray(0, MAX_LINE + 1 - carry.length)]), 0, MAX_LINE + 1);
            carry = null;
            skipping = true;
          } else if (carry) carry = Buffer.concat([carry, buf]);
          continue;
        }
        if (carry) emit(Buffer.concat([carry, buf.subarray(0, nl)]), 0, carry.length + nl);
        carry = null;
        skipping = false;
        from = nl + 1;
      }
      for (;;) {
        const nl = buf.indexOf(0x0a, from);
        if (nl === -1) break;
        emit(buf, from, nl);
        from = nl + 1;
      }
      if (buf.length - from > MAX_LINE) {
        emit(buf, from, buf.length);
        skipping = true;
      } else if (from < buf.length) carry = Buffer.from(buf.subarray(from));
    }
  } catch (e) {
    throw readError(e);
  }
  // Following a growing file, an unterminated last line is still being written: read it next time.
  if (holdPartial) return { lines: lineNo - firstLineNo + 1, bytes: bytes - (carry?.length ?? 0) };
  if (carry) emit(carry, 0, carry.length);
  return { lines: lineNo - firstLineNo + 1, bytes };
}

/** A too-long line's excerpt as forEachLine gives it (200 characters) from forEachLineBytes' bytes. */
export const longLineExcerpt = (buf: Buffer, start: number, end: number): string => buf.toString('utf8', start, end).slice(0, 200);
