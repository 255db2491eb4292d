// `golive report <run.json>`: re-render a saved JSON report in any format.
import type { Command } from 'commander';
import { FORMATS } from '../report/formats.js';
import { Option } from 'commander';
import { linkOptions, oneOf, terminalWidth, useColor } from './shared.js';


export function registerReport(program: Command, setCode: (code: number) => void): void {
  program
    .command('report')
    .description('re-render a saved JSON report (from `golive check --format json`)')
    .argument('<file>', 'a JSON report, or with --verify a rehearsal sign-off (.json, .md or .html)')
    .option('--verify', 'check a rehearsal sign-off against its SHA-256 digest: exit 0 if intact, 1 if edited')
    .addOption(new Option('-f, --format <format>', 'output format').argParser(oneOf(FORMATS, '--format')).default('pretty'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-v, --verbose', 'show evidence and notes for every check')
    .addHelpText('after', '\nExamples:\n  $ golive report golive-report/golive-report.json --format html --output report.html\n  $ golive report run.json --format markdown\n  $ golive report --verify golive-rehearsal/golive-rehearsal-<id>.json')
    .action(async (file: string, flags: { format: (typeof FORMATS)[number]; output?: string; verbose?: boolean; verify?: boolean }) => {
      if (flags.verify) {
        const { verifySignOffFile } = await import('../rehearsal/verify.js');
        const r = await verifySignOffFile(file);
        process.stdout.write(r.ok ? `OK: ${file} is intact (sha256 ${r.digest})\n` : `FAILED: ${file}: ${r.reason}\n`);
        setCode(r.ok ? 0 : 1);
        return;
      }
      const [{ readReport }, { renderReport }, { writeFileAtomic }] = await Promise.all([
        import('../report/load.js'),
        import('../report/index.js'),
        import('../report/write.js'),
      ]);
      const report = await readReport(file);
      const color = !flags.output && flags.format === 'pretty' && useColor(process.stdout, process.env);
      const links = linkOptions(process.env);
      const out = renderReport(report, flags.format, { color, verbose: Boolean(flags.verbose), width: terminalWidth(flags.output ? undefined : process.stdout), ...(links ? { links } : {}) });
      if (flags.output) await writeFileAtomic(flags.output, out);
      else process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
      // The exit code reflects the saved gate, so a re-render can still gate a pipeline.
      setCode(report.summary.gate === 'pass' ? 0 : 1);
    });
}
