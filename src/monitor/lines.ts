// Streams the lines of the monitor's inputs: files, globs (rotated `access.log.*`), gzip files
// (recognised by their magic bytes, whatever their name) and `-` for stdin. Memory is bounded: a
// line longer than MAX_LINE is counted as malformed and skipped, never buffered whole. Lines are
// handed to a synchronous callback (no await per line: a week of access log is millions of lines).
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import picomatch from 'picomatch';
import { GoliveError, describeError } from '../errors.js';

export const MAX_LINE = 64 * 1024;
/** Files one glob may expand to: a typo like `/var/log/**` must not read a whole disk. */
const MAX_FILES = 1000;

export interface LineSink {
  /** A complete line (without its newline); `tooLong` when it was cut at MAX_LINE. */
  (line: string, lineNo: number, tooLong: boolean): void;
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

async function isGzip(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await h.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/** A readable of the source's bytes, gunzipped when gzip; `start` skips bytes already read (--follow). */
export async function openSource(src: Source, stdin: NodeJS.ReadableStream, start = 0): Promise<NodeJS.ReadableStream> {
  if (!src.file) return stdin;
  try {
    const gz = await isGzip(src.file);
    const raw = createReadStream(src.file, { highWaterMark: 1 << 20, start: gz ? 0 : start });
    return gz ? raw.pipe(createGunzip()) : raw;
  } catch (e) {
    throw new GoliveError('IO', `cannot read ${src.label}: ${describeError(e)}`, { suggestion: 'Check the file and its permissions.' });
  }
}

/** Splits a byte stream into lines; returns bytes consumed (for --follow) and lines seen. */
export async function forEachLine(stream: NodeJS.ReadableStream, sink: LineSink, firstLineNo = 1, holdPartial = false): Promise<{ lines: number; bytes: number }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let skipping = false;
  let lineNo = firstLineNo - 1;
  let bytes = 0;
  let consumed = 0;
  const emit = (line: string, tooLong: boolean) => {
    lineNo++;
    sink(line.endsWith('\r') ? line.slice(0, -1) : line, lineNo, tooLong);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      const text = carry + decoder.write(buf);
      let from = 0;
      for (;;) {
        const nl = text.indexOf('\n', from);
        if (nl === -1) break;
        if (skipping) skipping = false;
        else if (nl - from > MAX_LINE) emit(text.slice(from, from + 200), true);
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
    throw new GoliveError('IO', `cannot read input: ${describeError(e)}`, { suggestion: 'A truncated .gz or an unreadable file: check it with `zcat -t` or `cat`.' });
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
