// A reporter beside vitest's default one: after the run, it lists every test that skipped itself
// with the reason it gave (`ctx.skip(reason)`), so a test that did not run on this machine says why
// in the output instead of hiding in the "N skipped" count. Static skips (`it.skip`, `skipIf`)
// are not allowed in this repository (test/repo/hermetic.test.ts), so the tests left out of the
// listing are the ones a `-t` filter or `.only` left out.
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests() as Iterable<TestCase>) {
        const r = t.result();
        if (r.state !== 'skipped' || t.options.mode !== 'run') continue;
        const where = path.relative(process.cwd(), t.module.moduleId);
        lines.push(`  ${where} > ${t.fullName}: ${r.note ?? 'skipped without a reason (give ctx.skip a reason)'}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped on this machine (${lines.length}):\n${lines.sort().join('\n')}\n`);
  }
}
