// GitHub workflow commands: what GitHub shows per step (10 errors, 10 warnings), each failing check
// once before any twice, blocking checks first, then one notice for the rest; placed relative to the
// repository root; escaped so merchant text cannot forge a command.
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithubAnnotations, selectAnnotations } from '../../src/report/annotations.js';
import type { CheckResult } from '../../src/engine/types.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

const commands = (out: string) => out.trimEnd().split('\n').filter(Boolean);
const checkOf = (line: string) => /title=golive ([^%]+)%3A/.exec(line)?.[1];

/** `n` committed keys: the case where one check's findings used to crowd out every other. */
const keys = (n: number, severity: 'error' | 'warning' = 'error'): CheckResult =>
  check({
    id: 'credentials.no-secrets-in-source',
    title: 'Secret keys are committed',
    status: 'fail',
    findings: Array.from({ length: n }, (_, i) => finding({ message: `key ${i + 1}`, file: `config/k${i + 1}.js`, line: 1, severity })),
  });

describe('renderGithubAnnotations', () => {
  it('gives every failing check one annotation before any check gets a second, within what GitHub shows, then one notice', () => {
    const r = reportOf([
      keys(12),
      check({ id: 'webhook.timing-safe-compare', title: 'Timing leak', status: 'fail', findings: [finding({ message: 'compared with !==', file: 'src/webhook.js', line: 21, column: 7 })] }),
      check({ id: 'idempotency.external-id', title: 'No externalId', status: 'fail', findings: [finding({ message: 'no externalId', file: 'src/mintcash.js', line: 14 })] }),
    ]);
    const lines = commands(renderGithubAnnotations(r));
    const errors = lines.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(10);
    // Round one: each check's first finding, in checklist order; then the keys fill what is left.
    expect(errors.slice(0, 3).map(checkOf)).toEqual(['credentials.no-secrets-in-source', 'webhook.timing-safe-compare', 'idempotency.external-id']);
    expect(errors.slice(3).every((l) => checkOf(l) === 'credentials.no-secrets-in-source')).toBe(true);
    expect(lines.at(-1)).toBe('::notice title=golive::4 more findings: see the step summary / code scanning (GitHub shows 10 errors and 10 warnings per step).');
    expect(lines).toHaveLength(11);
  });

  it('puts blocking checks first, then errors, then the checklist order; warnings have their own 10', () => {
    const advisory = check({ id: 'credentials.live-keys', title: 'Advisory', status: 'warn', severity: 'warning', findings: [finding({ message: 'w', file: 'a.js', line: 1, severity: 'warning' })] });
    const blocking = check({ id: 'webhook.code-dedup', title: 'Blocking', status: 'fail', findings: [finding({ message: 'e', file: 'b.js', line: 1 }), finding({ message: 'w2', file: 'b.js', line: 2, severity: 'warning' })] });
    const { shown, more } = selectAnnotations(reportOf([advisory, blocking, keys(15, 'warning')]));
    expect(more).toBe(7);
    expect(shown.map((a) => `${a.kind} ${a.check.id} ${a.finding.message}`).slice(0, 4)).toEqual([
      'error webhook.code-dedup e',
      // The warnings: the blocking checks' (in checklist order) before the advisory one, each once before any twice.
      'warning credentials.no-secrets-in-source key 1',
      'warning webhook.code-dedup w2',
      'warning credentials.live-keys w',
    ]);
    expect(shown.filter((a) => a.kind === 'warning')).toHaveLength(10);
  });

  it('places every annotation relative to the repository root, a finding with no file at the config line', () => {
    const repo = { path: 'services/acme', configFile: 'services/acme/golive.config.json', webhookUrlLine: 4, keyLines: { 'webhook.url': 4, 'webhook.testUrl': 5 }, anchor: 'services/acme/golive.config.json' };
    const r = reportOf(
      [
        check({ id: 'webhook.timing-safe-compare', title: 'T', status: 'fail', findings: [finding({ message: 'leak', file: 'src/routes/webhooks.js', line: 9, column: 3 })] }),
        check({ id: 'webhook.dedup', kind: 'network', title: 'D', status: 'fail', findings: [finding({ message: 'HTTP 500 on a repeat' })] }),
        check({ id: 'credentials.test-webhook-retired', kind: 'network', title: 'R', status: 'warn', findings: [finding({ message: 'still there', severity: 'warning' })] }),
      ],
      { target: { dir: 'services/acme', environment: 'live', repo } },
    );
    const lines = commands(renderGithubAnnotations(r));
    expect(lines[0]).toMatch(/^::error file=services\/acme\/src\/routes\/webhooks\.js,line=9,col=3,title=/);
    expect(lines[1]).toMatch(/^::error file=services\/acme\/golive\.config\.json,line=4,title=golive webhook\.dedup/);
    expect(lines[2]).toMatch(/^::warning file=services\/acme\/golive\.config\.json,line=5,title=golive credentials\.test-webhook-retired/);
  });

  it('emits the sample: accepted findings stay quiet, nothing is cut below the limits', () => {
    const lines = commands(renderGithubAnnotations(sampleReport()));
    // 2 open secrets + 1 webhook-retired + 1 signature + 12 externalId: 15 errors, 10 shown, then the notice.
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^::notice title=golive::5 more findings/);
    expect(lines.join('\n')).not.toContain('docs/setup.md');
    expect(renderGithubAnnotations(passingReport())).toBe('::warning file=src/hooks.ts,line=20,col=1,title=golive webhook.code-dedup%3A The handler does not dedupe on eventId::No eventId dedup found in the handler.%0AHow to fix: Fix webhook.code-dedup like this.\n');
  });

  it('escapes data and properties so text cannot start a new command', () => {
    const r = reportOf([
      check({
        id: 'webhook.dedup',
        title: 'a,b:c',
        status: 'fail',
        // The renderer is pure: CR and LF are escaped as GitHub's data rules say (the boundary also
        // makes them visible before: see test/hostile/ci-commands.test.ts).
        findings: [finding({ message: '100%\r\n::set-env name=X::1', file: 'dir,x/a:b%.ts', line: 3 })],
        help: { why: '', fix: 'f' },
      }),
    ]);
    const out = renderGithubAnnotations(r);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(out).toBe('::error file=dir%2Cx/a%3Ab%25.ts,line=3,title=golive webhook.dedup%3A a%2Cb%3Ac::100%25%0D%0A::set-env name=X::1%0AHow to fix: f\n');
    expect(escapeData('%\r\n:,')).toBe('%25%0D%0A:,');
    expect(escapeProperty('%\r\n:,')).toBe('%25%0D%0A%3A%2C');
  });

  it('is empty when nothing is open', () => {
    expect(renderGithubAnnotations(reportOf([check({ id: 'credentials.live-keys', title: 'ok', status: 'pass' })]))).toBe('');
  });
});
