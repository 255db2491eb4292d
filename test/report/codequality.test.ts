// GitLab Code Quality: one issue per open finding of a static check, placed relative to the
// repository root, with the fields GitLab requires (description, check_name, fingerprint, severity,
// location.path/lines). Network findings stay out (GitLab would call them fixed after a blip).
import { describe, expect, it } from 'vitest';
import { buildCodeQuality, renderCodeQuality } from '../../src/report/codequality.js';
import { check, finding, reportOf, sampleReport } from './fixtures/sample.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'];

/** GitLab's documented required fields; [] when every issue has them. */
function gitlabProblems(issues: Obj[]): string[] {
  return issues.flatMap((i, n) => [
    ...(typeof i.description === 'string' && i.description ? [] : [`[${n}] description`]),
    ...(typeof i.check_name === 'string' && i.check_name ? [] : [`[${n}] check_name`]),
    ...(typeof i.fingerprint === 'string' && i.fingerprint ? [] : [`[${n}] fingerprint`]),
    ...(SEVERITIES.includes(i.severity) ? [] : [`[${n}] severity`]),
    ...(typeof i.location?.path === 'string' && !i.location.path.startsWith('/') ? [] : [`[${n}] location.path relative`]),
    ...(Number.isInteger(i.location?.lines?.begin) && i.location.lines.begin >= 1 ? [] : [`[${n}] location.lines.begin`]),
  ]);
}

describe('renderCodeQuality', () => {
  it('lists open findings only, each with every field GitLab requires', () => {
    const issues = JSON.parse(renderCodeQuality(sampleReport())) as Obj[];
    expect(gitlabProblems(issues)).toEqual([]);
    // 2 open secrets + 12 externalId (accepted ones and the network checks' left out).
    expect(issues).toHaveLength(14);
    expect(issues[0]).toMatchObject({ check_name: 'credentials.no-secrets-in-source', severity: 'blocker', categories: ['Security'], location: { path: 'config/app.ts', lines: { begin: 12 } } });
    expect(issues.some((i) => i.check_name === 'credentials.test-webhook-retired' || i.check_name === 'webhook.signature')).toBe(false);
    expect(issues.find((i) => i.check_name === 'idempotency.external-id')).toMatchObject({ severity: 'major', categories: ['Bug Risk'] });
    expect(gitlabProblems([{ ...issues[0], location: { path: '/abs', lines: { begin: 0 } } }])).toHaveLength(2);
  });

  it('leaves network findings out, and places a static finding below the target folder', () => {
    const r = reportOf(
      [
        check({ id: 'webhook.signature', kind: 'network', title: 'T', status: 'fail', findings: [finding({ message: 'forged event accepted' })] }),
        check({ id: 'webhook.code-dedup', title: 'D', status: 'warn', findings: [finding({ message: 'no dedup', file: 'src/hooks.ts', line: 3, severity: 'warning' })] }),
      ],
      { target: { dir: 'services/shop', environment: 'live', repo: { path: 'services/shop', configFile: 'services/shop/golive.config.json', webhookUrlLine: 7 }, urls: { webhook: 'https://shop.example/h' } } },
    );
    expect(buildCodeQuality(r)).toEqual([expect.objectContaining({ check_name: 'webhook.code-dedup', description: 'no dedup', severity: 'minor', location: { path: 'services/shop/src/hooks.ts', lines: { begin: 3 } } })]);
  });
});
