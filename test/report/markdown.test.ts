// The markdown summary: verdict, section table, per-check lines, and escaping of merchant text.
import { describe, expect, it } from 'vitest';
import { escapeMd, renderMarkdown } from '../../src/report/markdown.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

describe('renderMarkdown', () => {
  it('opens with the verdict and a table of sections with passed/total', () => {
    const md = renderMarkdown(sampleReport());
    expect(md.split('\n')[0]).toBe('## ❌ golive: Not ready: 4 checks block the gate');
    expect(md).toContain('| Section | Passed | Status |');
    expect(md).toContain('| Credentials | 1/4 | ❌ 1 failed, ❗ 1 error, ⚠️ 1 warning |');
    expect(md).toContain('| Dress rehearsal | 0/2 | ⏳ 1 pending, ⏭️ 1 skipped |');
    expect(renderMarkdown(passingReport()).split('\n')[0]).toBe('## 🟡 golive: Ready for the live dress rehearsal: credentials, webhook and idempotency are proven');
  });

  it('lists findings of failing checks with file:line and the fix, accepted ones struck through', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('  - `config/app.ts:12:18` Live secret key');
    expect(md).toContain('**How to fix:** Fix credentials.no-secrets-in-source like this.');
    expect(md).toContain('  - ~~`docs/setup.md:40:1` Test secret key committed in docs.~~ _in baseline_');
    expect(md).toContain('`golive explain credentials.no-secrets-in-source`');
  });

  it('escapes pipes and HTML so a finding cannot break the table or inject markup', () => {
    const r = reportOf([
      check({
        id: 'webhook.signature',
        title: 'Bad | title <img src=x onerror=alert(1)>',
        status: 'fail',
        summary: 'a|b',
        findings: [finding({ message: '<script>alert(1)</script> | **bold** [link](http://x) `tick`', file: 'src/a|b`c.ts', line: 2 })],
      }),
    ]);
    const md = renderMarkdown(r);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*bold\\*\\* \\[link\\](http://x) \\`tick\\`');
    expect(md).toContain('``src/a\\|b`c.ts:2``');
    expect(md).toContain('Bad \\| title &lt;img');
    // Every table row still has exactly four unescaped pipes.
    for (const row of md.split('\n').filter((l) => l.startsWith('| '))) {
      expect(row.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(4);
    }
  });

  it('escapes markdown metacharacters and flattens newlines', () => {
    expect(escapeMd('a_b*c\nd & <e>')).toBe('a\\_b\\*c d &amp; &lt;e&gt;');
  });

  it('caps the findings listed per check', () => {
    const many = Array.from({ length: 25 }, (_, i) => finding({ message: `m${i}`, file: 'a.ts', line: i + 1 }));
    const md = renderMarkdown(reportOf([check({ id: 'idempotency.external-id', title: 'x', status: 'fail', findings: many })]));
    expect(md).toContain('  - … and 5 more (see the full report)');
    expect(md).not.toContain('m24');
  });
});
