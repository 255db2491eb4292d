// Writes rendered reports to disk: one file for --output, every format for --report-dir, and the
// markdown summary appended to $GITHUB_STEP_SUMMARY. The only report module that touches the fs.
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError, describeError } from '../errors.js';
import type { RunReport } from '../engine/types.js';
import { EXTENSIONS, renderReport, type Format, type RenderOptions } from './index.js';

/** Writes atomically (temp file + rename) so a crash never leaves half a report. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, file);
  } catch (e) {
    throw new GoliveError('IO', `cannot write ${file}: ${describeError(e)}`, { suggestion: 'Check that the directory exists and is writable.' });
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
    await appendFile(file, `${renderReport(report, 'markdown', opts)}\n`, 'utf8');
  } catch (e) {
    throw new GoliveError('IO', `cannot append to GITHUB_STEP_SUMMARY (${file}): ${describeError(e)}`);
  }
}
