// The body of `golive check`, loaded only when the command runs: config, selection, the run with a
// spinner on a TTY, rendering, writing reports, CI integrations and the exit code.
import path from 'node:path';
import { selectChecks } from '../engine/registry.js';
import { runChecks } from '../engine/runner.js';
import type { RunReport } from '../engine/types.js';
import { loadSuppressions } from '../evidence/suppressions.js';
import { renderReport, type Format } from '../report/index.js';
import { renderGithubAnnotations } from '../report/annotations.js';
import { baselineFromReport, readReport } from '../report/load.js';
import { appendStepSummary, writeFileAtomic, writeReportDir } from '../report/write.js';
import { VERSION } from '../version.js';
import { verdictText } from '../report/verdict.js';
import type { CheckFlags } from './check.js';
import { assertReadable, loadProject, resolveTargetDir, terminalWidth } from './shared.js';
import { startProgress } from './progress.js';
import { onInterrupt } from './main.js';

export interface CliIO {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  color: (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) => boolean;
}

export async function runCheckCommand(dir: string, flags: CheckFlags, io: CliIO): Promise<number> {
  const root = await resolveTargetDir(dir);
  const { config, registry } = await loadProject(root, flags.config);
  // The rehearsal items always run: without --require-rehearsal they tell the verdict whether the
  // live dress rehearsal is done, but do not block the gate (decideGate).
  const selected = selectChecks(registry, flags.only, flags.skip);
  const chosen = new Set(selected.map((c) => c.id));
  const notSelected = registry.checks.filter((c) => !chosen.has(c.id)).map((c) => c.id);
  if (flags.envFile) await assertReadable(flags.envFile, '--env-file');
  const baseline = flags.baseline ? baselineFromReport(await readReport(flags.baseline), flags.baseline) : undefined;

  const format: Format = (flags.format as Format | undefined) ?? 'pretty';
  const progress = startProgress(io.stderr, io.env, selected.length);
  // On Ctrl-C, stop git (a `git log` over a big history can run for minutes) and wait for it.
  const unhook = onInterrupt(async () => (await import('../evidence/git.js')).stopGitChildren());
  let report: RunReport;
  try {
    report = await runChecks({
      root,
      config,
      options: {
        offline: Boolean(flags.offline),
        history: Boolean(flags.history),
        requireRehearsal: Boolean(flags.requireRehearsal),
        ...(flags.webhookUrl ? { webhookUrl: flags.webhookUrl } : {}),
        ...(flags.envFile ? { envFile: path.resolve(flags.envFile) } : {}),
      },
      checks: selected,
      env: io.env,
      version: VERSION,
      failOn: flags.failOn,
      ...(flags.only ? { only: flags.only } : {}),
      ...(flags.skip ? { skip: flags.skip } : {}),
      ...(baseline ? { baseline } : {}),
      ...(notSelected.length > 0 ? { notSelected } : {}),
      suppressions: (files) => loadSuppressions(root, files),
      onCheckStart: (c) => progress.started(c.id),
      onCheckDone: (r) => progress.done(r.id),
    });
  } finally {
    progress.stop();
    unhook();
  }

  const toFile = Boolean(flags.output);
  const color = !toFile && format === 'pretty' && io.color(io.stdout, io.env);
  const rendered = renderReport(report, format, { color, verbose: Boolean(flags.verbose), width: terminalWidth(toFile ? undefined : io.stdout) });
  if (flags.output) {
    await writeFileAtomic(flags.output, rendered);
  } else {
    io.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  }
  if (flags.reportDir) await writeReportDir(flags.reportDir, report);
  if (io.env.GITHUB_STEP_SUMMARY) await appendStepSummary(io.env.GITHUB_STEP_SUMMARY, report);
  // Workflow commands go to stdout, unless stdout carries a machine-readable report (the runner
  // reads them from stderr as well), so `--format json > x` stays valid JSON.
  if (io.env.GITHUB_ACTIONS === 'true') {
    const machineStdout = !flags.output && format !== 'pretty';
    (machineStdout ? io.stderr : io.stdout).write(renderGithubAnnotations(report));
  }
  if (flags.output || flags.reportDir) {
    const where = [flags.output, flags.reportDir].filter(Boolean).join(' and ');
    io.stderr.write(`golive: ${verdictText(report).headline}; report written to ${where}\n`);
  }
  return report.summary.gate === 'pass' ? 0 : 1;
}
