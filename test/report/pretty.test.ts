// The terminal renderer: layout at 80 columns, colour only on request, verbosity, verdicts.
import { describe, expect, it } from 'vitest';
import { renderPretty, wrap } from '../../src/report/pretty.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';
import { createOutput } from '../../src/output/boundary.js';
import { ReportOutput } from '../../src/report/write.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

/** The report's lines without the legend, which always ends it (a blank line, then the legend). */
function withoutLegend(out: string): string[] {
  const lines = out.trimEnd().split('\n');
  expect(lines.at(-2)).toBe('');
  expect(lines.at(-1)).toMatch(/^✔ passed|^✖ failed/);
  return lines.slice(0, -2);
}

describe('renderPretty', () => {
  it('states a reason shared by consecutive skipped checks once', () => {
    const why = 'Not configured: set webhook.url.';
    const report = reportOf([
      check({ id: 'webhook.https', kind: 'network', title: 'HTTPS', status: 'skip', summary: why }),
      check({ id: 'webhook.public', kind: 'network', title: 'Public', status: 'skip', summary: why }),
      check({ id: 'webhook.latency', kind: 'network', title: 'Latency', status: 'skip', summary: why }),
      check({ id: 'webhook.dedup', kind: 'network', title: 'Dedup', status: 'skip', summary: 'Offline.' }),
    ]);
    const out = renderPretty(report, { width: 200 });
    // Once in the check list (the verdict names the skipped ids with the short reason only).
    expect(out.match(/Not configured: set/g)).toHaveLength(1);
    expect(out).toContain('(these 3) Not configured: set webhook.url.');
    expect(out).toContain('Offline.');
    expect(renderPretty(report, { width: 200, verbose: true }).match(/Not configured: set/g)).toHaveLength(3);
  });

  it('has no ANSI codes when colour is off (default) and some when on', () => {
    expect(renderPretty(sampleReport())).not.toMatch(ANSI);
    expect(renderPretty(sampleReport(), { color: false, verbose: true })).not.toMatch(ANSI);
    expect(renderPretty(sampleReport(), { color: true })).toMatch(ANSI);
  });

  it('keeps colour out of the width: coloured and plain lines have the same text', () => {
    const strip = (s: string) => s.replace(new RegExp(ANSI.source, 'g'), '');
    expect(strip(renderPretty(sampleReport(), { color: true }))).toBe(renderPretty(sampleReport()));
  });

  it.each([80, 60])('fits %i columns when no single word is longer', (width) => {
    for (const line of renderPretty(sampleReport(), { width }).split('\n')) {
      expect([...line].length, line).toBeLessThanOrEqual(width);
    }
  });

  it('groups by the four sections in checklist order with passed/total', () => {
    const out = renderPretty(sampleReport());
    const heads = ['Credentials', 'Webhook endpoint', 'Idempotency', 'Dress rehearsal'].map((t) => out.indexOf(`\n${t} `));
    expect(heads.every((i) => i > 0)).toBe(true);
    expect([...heads].sort((a, b) => a - b)).toEqual(heads);
    expect(out).toMatch(/^Credentials +1\/4 passed$/m);
  });

  it('shows a symbol per status, findings with locations, a fix once per failing check', () => {
    const out = renderPretty(sampleReport());
    for (const sym of ['✔', '✖', '⚠', '–', '!', '…']) expect(out).toContain(`  ${sym} `);
    expect(out).toContain('config/app.ts:12:18  Live secret key');
    expect(out.match(/How to fix: Fix credentials.no-secrets-in-source/g)).toHaveLength(1);
    expect(out).not.toContain('How to fix: Fix credentials.live-keys');
  });

  it('caps findings at 10 per check unless verbose', () => {
    expect(renderPretty(sampleReport())).toContain('… and 2 more');
    const verbose = renderPretty(sampleReport(), { verbose: true });
    expect(verbose).not.toContain('… and 2 more');
    expect(verbose).toContain('src/checkout/payments.ts:87:5');
  });

  it('shows accepted findings with their reason, dimmed in colour', () => {
    const out = renderPretty(sampleReport(), { width: 200 });
    expect(out).toContain('[waived: Fixture for the legacy importer (owner');
    expect(out).toContain('[in baseline]');
    expect(out).toContain('[suppressed');
    expect(renderPretty(sampleReport(), { color: true })).toContain('\u001b[2m    docs/setup.md:40:1');
  });

  it('shows evidence of non-passing checks only, unless verbose', () => {
    const out = renderPretty(sampleReport());
    expect(out).toContain('probe unsigned: HTTP 200 in 41 ms');
    expect(out).not.toContain('probes.unsigned.status');
    expect(renderPretty(sampleReport(), { verbose: true })).toContain('probes.unsigned.status: 200');
    expect(out).not.toContain('keysFound');
    const verbose = renderPretty(sampleReport(), { verbose: true });
    expect(verbose).toContain('keysFound: 2');
    expect(verbose).toContain('certificate.daysLeft: 64');
    expect(verbose).toContain('key: sk_live_…');
  });

  it('shows no evidence under a pending item: its summary says what to do, the facts are for --verbose', () => {
    const report = reportOf([
      check({ id: 'rehearsal.charge', kind: 'manual', title: 'Live charge rehearsed', status: 'pending', summary: 'No signed rehearsal sign-off: run `golive rehearse`.', evidence: { verifiedSignOff: false, signOffsFound: 0 } }),
      check({ id: 'webhook.https', kind: 'network', title: 'HTTPS', status: 'error', summary: 'Could not connect.', evidence: { host: 'shop.example' } }),
    ]);
    const out = renderPretty(report, { width: 120 });
    expect(out).toContain('run `golive rehearse`');
    expect(out).not.toContain('verifiedSignOff');
    expect(out).toContain('host: shop.example');
    expect(renderPretty(report, { width: 120, verbose: true })).toContain('verifiedSignOff: false');
  });

  it('lists stale waivers and collapses notes unless verbose', () => {
    const out = renderPretty(sampleReport(), { width: 200 });
    expect(out).toContain('expired on 2024-01-31 and no longer applies');
    expect(out).toContain('matched nothing');
    expect(out).toContain('2 notes (files skipped and similar); run with --verbose');
    expect(out).not.toContain('assets/logo.png');
    expect(out.match(/expired on 2024-01-31/g)).toHaveLength(1);
    expect(renderPretty(sampleReport(), { verbose: true, width: 200 })).toContain('repo: assets/logo.png: skipped: binary file');
  });

  it('ends with a failing verdict, what was turned off, and what to do next', () => {
    const out = withoutLegend(renderPretty(sampleReport(), { width: 120 }));
    // The pending rehearsal step does not block without --require-rehearsal.
    expect(out.at(-4)).toBe('✖ Not ready: 4 checks block the gate');
    expect(out.at(-3)).toBe('  Not proven, turned off in config: rehearsal.refund.');
    expect(out.at(-2)).toBe('  Not proven, findings in the baseline: idempotency.external-id-quality.');
    expect(out.at(-1)).toBe('  Next: fix the items above; `golive explain credentials.no-secrets-in-source` shows how.');
  });

  it('says "ready for the live dress rehearsal", not "ready to go live", until the rehearsal is proven', () => {
    const out = withoutLegend(renderPretty(passingReport(), { width: 120 }));
    expect(out.at(-3)).toBe('✔ Ready for the live dress rehearsal: credentials, webhook and idempotency are proven');
    expect(out.at(-2)).toBe('  1 warning worth a look before launch.');
    expect(out.at(-1)).toContain('Next: run `golive rehearse`');
    expect(out.join('\n')).not.toMatch(/ready to go live/i);
  });

  it('says "ready to go live" only when the rehearsal passed too', () => {
    const base = passingReport();
    const ready = reportOf([...base.checks, check({ id: 'rehearsal.charge', kind: 'manual', title: 'Live charge rehearsed', status: 'pass' })]);
    const out = withoutLegend(renderPretty(ready, { width: 120 }));
    expect(out.at(-2)).toBe('✔ Ready to go live: every checklist item is proven, the dress rehearsal included');
  });

  it('never gives a positive verdict to a run that proved nothing', () => {
    const r = reportOf([check({ id: 'credentials.live-keys', title: 'Live keys', status: 'skip', summary: 'Offline: not checked.' })], {
      options: { failOn: 'error', offline: true, history: false },
    });
    expect(r.summary).toMatchObject({ gate: 'fail', verdict: 'not-ready', proven: 0 });
    expect(renderPretty(r)).toContain('✖ Not ready: nothing was proven');
  });

  it('counts a warning as blocking under --fail-on warning', () => {
    const base = passingReport();
    const strict = reportOf(base.checks, { options: { ...base.options, failOn: 'warning' } });
    expect(renderPretty(strict)).toContain('✖ Not ready: 1 check blocks the gate');
  });

  it('on its way out, terminal control sequences from merchant text are made visible', () => {
    const evil = 'ok\u001b[2J\u001b]0;pwned\u0007\u009b31m done';
    const r = reportOf([check({ id: 'webhook.dedup', title: evil, status: 'fail', findings: [finding({ message: evil, file: `a${evil}.ts`, line: 1 })], evidence: { [evil]: evil } })]);
    const reports = new ReportOutput(r, createOutput({ stdout: { write: () => true } as never, stderr: { write: () => true } as never }));
    for (const out of [reports.render('pretty', { verbose: true }), reports.render('pretty', { color: true })]) {
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F](?!\[[0-9;]*m)/);
      expect(out).toContain('ok\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m done');
    }
  });

  it('handles a finding with no file, an empty report and odd text', () => {
    const r = reportOf([check({ id: 'webhook.dedup', title: 'Dedup', status: 'fail', findings: [finding({ message: 'line one\nline two\ttab' })] })]);
    expect(renderPretty(r)).toContain('    line one line two tab');
    expect(renderPretty(reportOf([]))).toContain('No checks ran');
  });
});

describe('wrap', () => {
  it('wraps on spaces with a hanging indent and lets a long word overflow', () => {
    expect(wrap('aaa bbb ccc', 9, '- ', '  ')).toEqual(['- aaa bbb', '  ccc']);
    expect(wrap('x'.repeat(20), 10, '', '')).toEqual(['x'.repeat(20)]);
    expect(wrap('', 10, '> ', '')).toEqual(['> ']);
  });
  it('ends with a one-line legend of the symbols it used', () => {
    const out = renderPretty(sampleReport(), { width: 120 }).trimEnd().split('\n');
    expect(out.at(-1)).toBe('✔ passed  ✖ failed  ⚠ warning  ! could not run  … not proven yet  – skipped or off');
    expect(renderPretty(passingReport(), { width: 120 }).trimEnd().split('\n').at(-1)).toBe('✔ passed  ⚠ warning');
  });

  it('writes every hint as the user invoked golive (npx golive), and nothing else that says golive', () => {
    const out = renderPretty(sampleReport(), { width: 120, command: 'npx golive' });
    expect(out).toContain('Next: fix the items above; `npx golive explain credentials.no-secrets-in-source` shows how.');
    expect(out).toContain('run `npx golive rehearse`');
    expect(out).not.toMatch(/`golive /);
    // A config file name or a report folder is not a command.
    expect(renderPretty(sampleReport(), { width: 120 })).toContain('`golive explain credentials.no-secrets-in-source`');
    expect(out).toContain('golive 0.1.0 · environment live');
  });

  it('leads a failing check with its first finding once: no "1 problem found." above the findings', () => {
    const out = renderPretty(sampleReport(), { width: 200 });
    expect(out).not.toMatch(/\d+ problems? found/);
    expect(out.match(/is committed: move it to the environment and roll it/g)).toHaveLength(1);
  });
});
