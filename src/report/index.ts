// The report formats and one entry point to render a RunReport in any of them. Every renderer is
// a pure function of the report and its options: no fs, no env, no clock.
import type { RunReport } from '../engine/types.js';
import { renderCodeQuality } from './codequality.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPretty } from './pretty.js';
import { renderSarif } from './sarif.js';

import { FORMATS, type Format } from './formats.js';

export { EXTENSIONS, FORMATS, type Format } from './formats.js';

export interface RenderOptions {
  /** ANSI colour in `pretty`; the CLI decides from TTY, NO_COLOR and FORCE_COLOR. */
  color?: boolean;
  /** Show evidence of passing checks, every finding and every note. */
  verbose?: boolean;
  /** Terminal width for `pretty` (default 80). */
  width?: number;
  /** Link findings to the file and line at this commit (GitHub Actions: server/repo/blob/sha/). */
  links?: { blobBase: string };
  /** How golive was invoked (`npx golive`): `pretty` hints repeat it. Default `golive`. */
  command?: string;
}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function renderReport(report: RunReport, format: Format, opts: RenderOptions = {}): string {
  switch (format) {
    case 'pretty':
      return renderPretty(report, opts);
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, opts);
    case 'html':
      return renderHtml(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'codequality':
      return renderCodeQuality(report);
  }
}

export { renderGithubAnnotations } from './annotations.js';
