// Writes rendered reports: one file for --output, every format for --report-dir, and the markdown
// summary appended to $GITHUB_STEP_SUMMARY. The only report module that touches the fs.
// A regular file (or a new one) is replaced atomically: a temp file beside it, renamed over it,
// removed on every failure path. A symlink is followed, so the link stays and its target gets the
// report. A FIFO, a character device (/dev/stdout) or `-` is written as a stream. Anything else
// (a directory, a socket) is refused with one line.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { GoliveError, describeError } from '../errors.js';
import type { RunReport } from '../engine/types.js';
import { onCleanup } from '../cleanup.js';
import { EXTENSIONS, renderReport, type Format, type RenderOptions } from './index.js';

const suggestion = 'Check that the directory exists and is writable, and that the path names a file.';

/** Opens file with flags (and mode, when it creates it), writes content, closes it whatever happens. */
async function writeVia(file: string, flags: string | number, content: string, mode?: number): Promise<void> {
  const handle = await open(file, flags, mode);
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}

// O_NONBLOCK would fail on a FIFO with no reader yet; a plain open waits for one, as `>` does.
const writeStream = (file: string, content: string): Promise<void> => writeVia(file, constants.O_WRONLY | constants.O_APPEND, content);

/** Where the report really goes: the target of a symlink chain (which may not exist yet). */
async function finalTarget(file: string): Promise<string> {
  const abs = path.resolve(file);
  const st = await lstat(abs).catch(() => undefined);
  if (!st?.isSymbolicLink()) return abs;
  return realpath(abs).catch(async () => {
    // A dangling link: write where it points.
    return path.resolve(path.dirname(abs), await readlink(abs));
  });
}

/** Writes a report file safely (see the header); `-` is stdout. */
export async function writeFileAtomic(file: string, content: string, stdout: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (file === '-') {
    await new Promise<void>((resolve, reject) => stdout.write(content.endsWith('\n') ? content : `${content}\n`, (e) => (e ? reject(e) : resolve())));
    return;
  }
  let tmp: string | undefined;
  let forget: (() => void) | undefined;
  try {
    const target = await finalTarget(file);
    const st = await stat(target).catch(() => undefined);
    if (st && (st.isFIFO() || st.isCharacterDevice())) return await writeStream(target, content);
    if (st && !st.isFile()) throw new Error(st.isDirectory() ? 'it is a directory' : 'it is not a regular file, FIFO or terminal');
    await mkdir(path.dirname(target), { recursive: true });
    tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const t = tmp;
    // Removed even when golive is interrupted between creating and renaming it.
    forget = onCleanup(() => unlink(t).catch(() => undefined));
    await writeVia(tmp, 'wx', content, st ? st.mode & 0o777 : 0o644);
    await rename(tmp, target);
    tmp = undefined;
  } catch (e) {
    throw new GoliveError('IO', `cannot write ${file}: ${describeError(e)}`, { suggestion });
  } finally {
    if (tmp) await unlink(tmp).catch(() => undefined);
    forget?.();
  }
}

export const REPORT_DIR_FORMATS: Format[] = ['json', 'markdown', 'html', 'sarif', 'junit'];

/** Writes golive-report.{json,md,html,sarif,xml} into dir; returns the paths written. */
export async function writeReportDir(dir: string, report: RunReport, opts: RenderOptions = {}): Promise<string[]> {
  const written: string[] = [];
  for (const format of REPORT_DIR_FORMATS) {
    const file = path.join(dir, `golive-report.${EXTENSIONS[format]}`);
    await writeFileAtomic(file, renderReport(report, format, opts));
    written.push(file);
  }
  return written;
}

export async function appendStepSummary(file: string, report: RunReport, opts: RenderOptions = {}): Promise<void> {
  try {
    const st = await stat(file).catch(() => undefined);
    if (st && !st.isFile() && !st.isFIFO()) throw new Error('it is not a regular file');
    await writeVia(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, `${renderReport(report, 'markdown', opts)}\n`, 0o644);
  } catch (e) {
    throw new GoliveError('IO', `cannot append to GITHUB_STEP_SUMMARY (${file}): ${describeError(e)}`);
  }
}
