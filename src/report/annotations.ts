// GitHub Actions workflow commands (`::error file=…::message`) so findings show inline on the PR
// diff. Escaping follows the runner's rules (actions/runner ActionCommand): data escapes %, CR
// and LF; properties also `:` and `,`. Pure: the output boundary prints each line through its one
// path for golive's own commands (LogStream.command), which masks and neutralises `##[` as well.
import type { RunReport } from '../engine/types.js';
import { openFindings } from './common.js';

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One command per open finding of a failing or warning check; accepted findings stay quiet. */
export function renderGithubAnnotations(report: RunReport): string {
  const lines: string[] = [];
  for (const r of report.checks) {
    if (r.status !== 'fail' && r.status !== 'warn') continue;
    for (const f of openFindings(r.findings)) {
      const props: string[] = [];
      if (f.file) {
        props.push(`file=${escapeProperty(f.file)}`);
        if (f.line !== undefined) props.push(`line=${f.line}`);
        if (f.line !== undefined && f.column !== undefined) props.push(`col=${f.column}`);
      }
      props.push(`title=${escapeProperty(`golive ${r.id}: ${r.title}`)}`);
      const command = f.severity === 'error' ? 'error' : 'warning';
      lines.push(`::${command} ${props.join(',')}::${escapeData(`${f.message}\nHow to fix: ${r.help.fix}`)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
