// The HTML report: self-contained, printable, and every piece of text escaped.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

describe('renderHtml', () => {
  it('is one self-contained document: inline CSS, print rules, no scripts, nothing loaded from outside', () => {
    const html = renderHtml(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import|url\(/i);
  });

  it('shows the verdict, sections and findings', () => {
    const html = renderHtml(sampleReport());
    expect(html).toContain('<h1>✖ Not ready: 4 checks block the gate</h1>');
    expect(html).toContain('<h2>Webhook endpoint <small>1/3 passed</small></h2>');
    expect(html).toContain('<code>config/app.ts:12:18</code>');
    expect(html).toContain('<li class="quiet"><code>docs/setup.md:40:1</code>');
    expect(renderHtml(passingReport())).toContain('<h1>✔ Ready for the live dress rehearsal: credentials, webhook and idempotency are proven</h1>');
  });

  it('escapes a <script> in any report text', () => {
    const evil = '<script>alert("x")</script>';
    const r = reportOf(
      [
        check({
          id: 'webhook.signature',
          title: evil,
          status: 'fail',
          summary: evil,
          findings: [finding({ message: evil, file: `${evil}.ts`, line: 1, evidence: { [evil]: evil } })],
          evidence: { probe: evil },
          help: { why: evil, fix: evil },
        }),
      ],
      { target: { dir: evil, environment: 'live' }, notes: [{ source: evil, message: evil, file: evil }] },
    );
    const html = renderHtml(r);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
