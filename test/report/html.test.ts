// The HTML report: self-contained, printable, and every piece of text escaped.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

/** Where a CI runner's checkout lives (on GitHub, a home folder): it must not reach the report. */
const RUNNER = path.join(tmpdir(), 'runner');

describe('renderHtml', () => {
  it('is one self-contained document: inline CSS, print rules, no scripts, nothing loaded from outside', () => {
    const html = renderHtml(sampleReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|@import|url\(/i);
  });

  it('reads in order: verdict, blocking checks (failed, then error), warnings, unproven, passes, then skipped folded in one <details>', () => {
    const html = renderHtml(sampleReport());
    const at = (s: string) => {
      const i = html.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      '<h1>✖ Not ready: 4 checks block the gate</h1>',
      '<p class="legend">',
      '<h2>Blocks the gate <small>4</small></h2>',
      'id="credentials.no-secrets-in-source"',
      'id="webhook.signature"',
      'id="idempotency.external-id"',
      'id="credentials.keys-verified"',
      '<h2>Warnings <small>1</small></h2>',
      'id="credentials.test-webhook-retired"',
      '<h2>Not proven yet (does not block this gate) <small>1</small></h2>',
      'id="rehearsal.charge"',
      '<h2>Passed <small>3</small></h2>',
      'id="credentials.live-keys"',
      '<details class="skipped"><summary>Skipped or off: 2',
      'id="webhook.latency"',
      'id="rehearsal.refund"',
      '</details>',
      '<h2>By section</h2>',
    ].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Only one fold for skipped checks, and nothing skipped outside it.
    expect(html.match(/<details class="skipped">/g)).toHaveLength(1);
    const fold = html.slice(html.indexOf('<details class="skipped">'), html.indexOf('</details>'));
    expect(html.replace(fold, '').match(/class="check skip"/g)).toBeNull();
    expect(renderHtml(passingReport())).not.toContain('Blocks the gate');
  });

  it('has a legend for every symbol, renders `code` in messages, drops empty evidence rows, shows no absolute path', () => {
    const r = reportOf(
      [
        check({
          id: 'webhook.signature',
          title: 'Sends `X-Mint-Signature`',
          status: 'fail',
          summary: 'See `golive explain webhook.signature`.',
          findings: [finding({ message: 'Compare with `crypto.timingSafeEqual` <now>', file: 'src/hook.ts', line: 3, evidence: { empty: '', none: [], kept: 'yes' } })],
        }),
      ],
      { target: { dir: path.join(RUNNER, 'work/shop/shop/services/api'), environment: 'live', repo: { path: 'services/api', configFile: 'golive.config.json' } }, options: { failOn: 'error', offline: false, history: false, baseline: path.join(RUNNER, 'prev.json') } },
    );
    const html = renderHtml(r);
    for (const label of ['passed', 'failed', 'warning', 'error', 'pending', 'skipped']) expect(html).toMatch(new RegExp(`<p class="legend">.*</span>${label}`));
    expect(html).toContain('Compare with <code>crypto.timingSafeEqual</code> &lt;now&gt;');
    expect(html).toContain('Sends <code>X-Mint-Signature</code>');
    expect(html).not.toContain('`');
    expect(html).toContain('<dt>kept</dt><dd>yes</dd>');
    expect(html).not.toContain('<dt>empty</dt>');
    expect(html).not.toContain('<dt>none</dt>');
    expect(html).not.toContain(RUNNER);
    expect(html).toContain('target <code>services/api</code>');
    expect(html).toContain('config <code>golive.config.json</code>');
    expect(html).toContain('baseline <code>prev.json</code>');
  });

  it('shows the findings', () => {
    const html = renderHtml(sampleReport());
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
