// Where reports leave golive: files for --output, every format for --report-dir, the Markdown
// summary appended to $GITHUB_STEP_SUMMARY, the report on stdout and golive's own annotations. The
// report's strings are masked with the run's Secrets and made one line before any renderer sees
// them (format escaping, e.g. Markdown's `\_`, cannot then split a secret), and the rendered bytes
// are masked again on the way out; stdout adds the CI command rule (output/boundary.ts). Renderers
// stay pure. The only report module that touches the fs.
// A regular file (or a new one) is replaced atomically: a temp file beside it, renamed over it,
// removed on every failure path. A symlink is followed, so the link stays and its target gets the
// report, unless `fresh` is asked for (the Action, CI): then each file is created anew with
// O_CREAT|O_EXCL|O_NOFOLLOW in a directory that is not a symlink, and anything already there, a
// symlink above all, is refused. A FIFO or a character device is written as a stream. Anything
// else (a directory, a socket) is refused with one line.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { GoliveError, describeError } from '../errors.js';
import type { RunReport } from '../engine/types.js';
import { onCleanup } from '../cleanup.js';
import type { Output, LogStream } from '../output/boundary.js';
import { cleanDeep, type LogFormat } from '../output/escape.js';
import { EXTENSIONS, renderReport, type Format, type RenderOptions } from './index.js';
import { renderGithubAnnotations } from './annotations.js';

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

export interface WriteFileOptions {
  /** Create the file anew: refuse one that exists (or a symlink) and a symlinked directory. */
  fresh?: boolean;
  /**
   * Absolute directories whose paths a report names relative instead (the repository root first):
   * a report travels (artifacts, PR comments, code scanning), the runner's or laptop's layout does not.
   */
  relativeTo?: { root: string; cwd?: string; home?: string };
}

/**
 * Rewrites absolute paths under the repository root as repository-relative (`<root>/src/a.js` →
 * `src/a.js`, the root itself → `.`), under the working directory likewise, and under the home
 * directory as `~/…`. Longest prefix first, only at a path boundary.
 */
export function relativePaths(places: NonNullable<WriteFileOptions['relativeTo']>): (text: string) => string {
  const norm = (p: string) => p.replace(/[\\/]+$/, '');
  const rules = [
    { dir: norm(places.root), as: '.' },
    ...(places.cwd ? [{ dir: norm(places.cwd), as: '.' }] : []),
    ...(places.home ? [{ dir: norm(places.home), as: '~' }] : []),
  ]
    .filter((r) => r.dir.length > 1 && path.isAbsolute(r.dir))
    .sort((a, b) => b.dir.length - a.dir.length);
  // After the directory: a separator (a path inside it), or the end of the path.
  const ends = /^(?:$|[\s'"`),;:\]])/;
  const starts = /(?:^|[\s'"`(=,;[])$/;
  return (text) => {
    let out = text;
    for (const { dir, as } of rules) {
      if (!out.includes(dir)) continue;
      let from = 0;
      let i: number;
      while ((i = out.indexOf(dir, from)) !== -1) {
        const before = out.slice(0, i);
        const after = out.slice(i + dir.length);
        if (!starts.test(before)) {
          from = i + dir.length;
          continue;
        }
        if (after[0] === '/' || after[0] === '\\') {
          const put = as === '.' ? '' : `${as}/`;
          out = before + put + after.slice(1);
          from = i + put.length;
        } else if (ends.test(after)) {
          out = before + as + after;
          from = i + as.length;
        } else from = i + dir.length;
      }
    }
    return out;
  };
}

/** Creates file with O_CREAT|O_EXCL|O_NOFOLLOW in a directory that is itself no symlink. */
async function writeFresh(file: string, content: string): Promise<void> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const d = await lstat(dir).catch(() => undefined);
  if (!d) throw new Error(`its directory ${dir} does not exist`);
  if (d.isSymbolicLink()) throw new Error(`its directory ${dir} is a symbolic link`);
  if (!d.isDirectory()) throw new Error(`${dir} is not a directory`);
  const there = await lstat(abs).catch(() => undefined);
  if (there) throw new Error(there.isSymbolicLink() ? 'it is a symbolic link (not followed)' : 'it already exists (a fresh file was asked for)');
  let created = false;
  const forget = onCleanup(() => (created ? unlink(abs).catch(() => undefined) : undefined));
  try {
    const handle = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    created = true;
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    created = false;
  } catch (e) {
    if (created) await unlink(abs).catch(() => undefined);
    throw (e as NodeJS.ErrnoException).code === 'ELOOP' || (e as NodeJS.ErrnoException).code === 'EEXIST' ? new Error('it appeared meanwhile (a file or a symbolic link); not written') : e;
  } finally {
    forget();
  }
}

/** Writes a report file safely (see the header). */
export async function writeFileAtomic(file: string, content: string, opts: WriteFileOptions = {}): Promise<void> {
  if (opts.fresh) {
    try {
      await writeFresh(file, content);
    } catch (e) {
      throw new GoliveError('IO', `cannot write ${file}: ${describeError(e)}`, { suggestion: 'Write the reports into a new directory of their own (the Action creates one).' });
    }
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

/**
 * Text a command made (a monitor report, rule files) on its way out: to a file, masked with the
 * run's Secrets; to stdout, through the boundary's stream (masking and the CI command rule).
 */
export async function writeText(output: Output, text: string, to: { file?: string; format: LogFormat; ansi?: boolean }, files: WriteFileOptions = {}): Promise<void> {
  if (to.file) await writeFileAtomic(to.file, output.secrets.mask(text), files);
  else output.out.write(text, { format: to.format, ...(to.ansi ? { ansi: true } : {}) });
}

export const REPORT_DIR_FORMATS: Format[] = ['json', 'markdown', 'html', 'sarif', 'junit'];

const LOG_FORMAT: Record<Format, LogFormat> = { pretty: 'text', json: 'json', sarif: 'json', codequality: 'json', markdown: 'markdown', html: 'html', junit: 'xml' };

/** One run's report on its way out: every format, file and stream gets the same masked copy. */
export class ReportOutput {
  private readonly safe: RunReport;

  constructor(
    report: RunReport,
    private readonly output: Output,
    private readonly files: WriteFileOptions = {},
  ) {
    const relative = files.relativeTo ? relativePaths(files.relativeTo) : (t: string) => t;
    this.safe = cleanDeep(report, (t) => output.secrets.mask(relative(t)));
  }

  /** The report rendered in a format, masked: what any file or stream receives. */
  render(format: Format, opts: RenderOptions = {}): string {
    const text = this.output.secrets.mask(renderReport(this.safe, format, opts));
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  toStream(stream: LogStream, format: Format, opts: RenderOptions = {}): void {
    stream.write(this.render(format, opts), { format: LOG_FORMAT[format], ansi: format === 'pretty' && Boolean(opts.color) });
  }

  async toFile(file: string, format: Format, opts: RenderOptions = {}): Promise<void> {
    await writeFileAtomic(file, this.render(format, opts), this.files);
  }

  /** Writes golive-report.{json,md,html,sarif,xml} into dir; returns the paths written. */
  async toDir(dir: string, opts: RenderOptions = {}): Promise<string[]> {
    const written: string[] = [];
    // Fresh: the folder itself may be new (made here, one level), or a real folder already there;
    // a symlink in its place is refused by each file's own check.
    await mkdir(dir, { recursive: !this.files.fresh }).catch(() => undefined);
    for (const format of REPORT_DIR_FORMATS) {
      const file = path.join(dir, `golive-report.${EXTENSIONS[format]}`);
      await this.toFile(file, format, opts);
      written.push(file);
    }
    return written;
  }

  /** Appends the Markdown summary to $GITHUB_STEP_SUMMARY (a file the runner made). */
  async appendSummary(file: string, opts: RenderOptions = {}): Promise<void> {
    try {
      const st = await stat(file).catch(() => undefined);
      if (st && !st.isFile() && !st.isFIFO()) throw new Error('it is not a regular file');
      await writeVia(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, this.render('markdown', opts), 0o644);
    } catch (e) {
      throw new GoliveError('IO', `cannot append to GITHUB_STEP_SUMMARY (${file}): ${describeError(e)}`);
    }
  }

  /** golive's own GitHub annotations, each through the one path that may print a command. */
  annotations(stream: LogStream): void {
    for (const line of renderGithubAnnotations(this.safe).split('\n')) if (line) stream.command(line);
  }
}
