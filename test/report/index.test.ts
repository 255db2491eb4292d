// The format registry and the guarantees every format shares: snapshots, determinism, masking.
import { describe, expect, it } from 'vitest';
import { EXTENSIONS, FORMATS, isFormat, renderGithubAnnotations, renderReport } from '../../src/report/index.js';
import { maskSecret } from '../../src/engine/mask.js';
import { createOutput } from '../../src/output/boundary.js';
import { Secrets } from '../../src/output/secrets.js';
import { ReportOutput, relativePaths } from '../../src/report/write.js';
import { fakeKey } from '../helpers/keys.js';
import { check, finding, reportOf, sampleReport } from './fixtures/sample.js';

describe('renderReport', () => {
  it('has an extension for every format', () => {
    expect(Object.keys(EXTENSIONS).sort()).toEqual([...FORMATS].sort());
    expect(EXTENSIONS).toMatchObject({ pretty: 'txt', json: 'json', markdown: 'md', html: 'html', sarif: 'sarif', junit: 'xml' });
    expect(isFormat('sarif')).toBe(true);
    expect(isFormat('yaml')).toBe(false);
  });

  it.each(FORMATS)('renders the sample report as %s (file snapshot)', async (format) => {
    const text = renderReport(sampleReport(), format, { width: 80 });
    expect(text.endsWith('\n')).toBe(true);
    // Two formats write .json: Code Quality keeps its own snapshot name.
    await expect(text).toMatchFileSnapshot(`__snapshots__/sample.${format === 'codequality' ? 'codequality.json' : EXTENSIONS[format]}`);
  });

  it('marks plugin checks in every human and CI format', () => {
    const report = reportOf([
      check({ id: 'acme/lockfile-present', section: 'credentials', title: 'No lockfile', status: 'fail', source: 'golive-plugin-acme', findings: [finding({ message: 'commit one' })] }),
      check({ id: 'credentials.live-keys', title: 'Keys ok', status: 'pass' }),
    ]);
    expect(renderReport(report, 'pretty')).toContain('plugin golive-plugin-acme (acme/lockfile-present)');
    expect(renderReport(report, 'markdown')).toContain('plugin `golive-plugin-acme`');
    expect(renderReport(report, 'html')).toContain('<small class="plugin">plugin golive-plugin-acme</small>');
    const rules = JSON.parse(renderReport(report, 'sarif')).runs[0].tool.driver.rules;
    expect(rules.find((r: { id: string }) => r.id === 'acme/lockfile-present').properties).toMatchObject({ source: 'golive-plugin-acme', tags: expect.arrayContaining(['plugin']) });
    expect(rules.find((r: { id: string }) => r.id === 'credentials.live-keys').properties.tags).not.toContain('plugin');
    // JUnit: the namespaced id alone sets a plugin check apart, so its identity never changes.
    expect(renderReport(report, 'junit')).toContain('<testcase classname="credentials" name="acme/lockfile-present"');
    expect(JSON.parse(renderReport(report, 'json')).checks[0].source).toBe('golive-plugin-acme');
  });

  it('renders the sample annotations (file snapshot)', async () => {
    await expect(renderGithubAnnotations(sampleReport())).toMatchFileSnapshot('__snapshots__/sample.annotations.txt');
  });

  it.each(FORMATS)('is deterministic and does not mutate the report (%s)', (format) => {
    const report = sampleReport();
    const before = JSON.stringify(report);
    const a = renderReport(report, format, { verbose: true });
    const b = renderReport(sampleReport(), format, { verbose: true });
    expect(a).toBe(b);
    expect(JSON.stringify(report)).toBe(before);
  });

  it('renderers are pure: they render what they are given, and the output boundary masks a planted raw key in every format and the annotations', () => {
    const sk = fakeKey('sk', 'live', 'planted');
    const pk = fakeKey('pk', 'test', 'planted');
    const report = reportOf(
      [
        check({
          id: 'credentials.no-secrets-in-source',
          title: `Leaked ${sk}`,
          status: 'fail',
          summary: `found ${pk}`,
          findings: [finding({ message: `key=${sk} and <${pk}>`, file: `keys/${sk}.txt`, line: 1, column: 1, evidence: { raw: sk, nested: { pk } } })],
          evidence: { sk },
          help: { why: sk, fix: `rotate ${sk}` },
        }),
      ],
      { notes: [{ source: 'repo', message: `saw ${sk}`, file: 'a.txt' }] },
    );
    // Pure: no masking inside a renderer (the boundary does it once, for every format).
    expect(renderReport(report, 'json')).toContain(sk);
    let annotations = '';
    const output = createOutput({ secrets: new Secrets(), stdout: { write: (s: string) => ((annotations += s), true) } as never, stderr: { write: () => true } as never });
    const reports = new ReportOutput(report, output);
    reports.annotations(output.out);
    const outputs = [...FORMATS.map((f) => reports.render(f, { verbose: true, color: true })), annotations];
    for (const out of outputs) {
      expect(out).not.toContain(sk);
      expect(out).not.toContain(pk);
      expect(out).toContain(maskSecret(sk));
    }
  });
});

describe('relativePaths (no absolute path leaves golive in a report)', () => {
  const rel = relativePaths({ root: '/srv/checkout/repo', cwd: '/srv/checkout', home: '/opt/ana' });

  it('names paths under the repository root from the root, under the working directory from it, under home as ~', () => {
    expect(rel('/srv/checkout/repo')).toBe('.');
    expect(rel('/srv/checkout/repo/src/a.js')).toBe('src/a.js');
    expect(rel('cannot read /srv/checkout/repo/.env.production (EACCES)')).toBe('cannot read .env.production (EACCES)');
    expect(rel('plugin /srv/checkout/tools/p.mjs failed')).toBe('plugin tools/p.mjs failed');
    expect(rel('policy "/opt/ana/golive/policy.json"')).toBe('policy "~/golive/policy.json"');
  });

  it('touches only whole path prefixes: a sibling, a URL or a longer name keeps its text', () => {
    expect(rel('/srv/checkout/repository/a')).toBe('repository/a'); // under the cwd, not the root
    expect(rel('https://example.com/srv/checkout/repo/a')).toBe('https://example.com/srv/checkout/repo/a');
    expect(rel('/opt/ana-bel/x')).toBe('/opt/ana-bel/x');
    expect(rel('plain text')).toBe('plain text');
  });

  it('applies to every string of every format a run writes', () => {
    const output = createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never });
    const r = reportOf([check({ id: 'credentials.no-secrets-in-source', title: 'T', status: 'error', summary: 'Could not run: cannot read /srv/checkout/repo/config/app.env' })], {
      target: { dir: '/srv/checkout/repo', environment: 'live', repo: { path: '' } },
      notes: [{ source: 'repo', message: 'skipped /srv/checkout/repo/big.bin', file: '/srv/checkout/repo/big.bin' }],
    });
    const out = new ReportOutput(r, output, { relativeTo: { root: '/srv/checkout/repo', cwd: '/srv/checkout', home: '/opt/ana' } });
    for (const f of FORMATS) expect(out.render(f, { verbose: true }), f).not.toContain('/srv/');
  });
});
