// GitHub workflow commands: one per open finding, escaped so merchant text cannot forge a command.
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithubAnnotations } from '../../src/report/annotations.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

describe('renderGithubAnnotations', () => {
  it('emits one command per open finding of failing and warning checks only', () => {
    const lines = renderGithubAnnotations(sampleReport()).trimEnd().split('\n');
    // 2 open secrets + 1 webhook-retired + 1 signature + 12 externalId; accepted ones stay quiet.
    expect(lines).toHaveLength(16);
    expect(lines[0]).toMatch(/^::error file=config\/app\.ts,line=12,col=18,title=golive credentials\.no-secrets-in-source%3A A secret key/);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('docs/setup.md');
  });

  it('omits file, line and col when the finding has none', () => {
    const out = renderGithubAnnotations(passingReport());
    expect(out).toBe('::warning file=src/hooks.ts,line=20,col=1,title=golive webhook.code-dedup%3A The handler does not dedupe on eventId::No eventId dedup found in the handler.%0AHow to fix: Fix webhook.code-dedup like this.\n');
    const r = reportOf([check({ id: 'webhook.dedup', title: 'T', status: 'fail', findings: [finding({ message: 'm' })] })]);
    expect(renderGithubAnnotations(r)).toBe('::error title=golive webhook.dedup%3A T::m%0AHow to fix: Fix webhook.dedup like this.\n');
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
