// JUnit XML for CI test dashboards: one <testsuite> per checklist section, one <testcase> per check.
// Everything is XML-escaped and characters XML 1.0 cannot carry are replaced.
import { verdictText } from './verdict.js';
import { redactDeep, redactText } from '../engine/mask.js';
import type { CheckResult, Finding, RunReport } from '../engine/types.js';
import { groupBySection, locationOf, openFindings, quietFindings, quietReason } from './common.js';

// XML 1.0 allows tab, LF, CR and U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF; with the `u`
// flag a lone surrogate is one code point in D800..DFFF, so it is caught too.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes element text; invalid characters become U+FFFD so the document stays well-formed. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** Attribute values also keep their line breaks and tabs (a parser would normalise them to spaces). */
export function escapeAttr(text: string): string {
  return escapeXml(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function findingLine(f: Finding): string {
  const loc = locationOf(f);
  const reason = quietReason(f);
  return `${loc ? `${loc}  ` : ''}${f.message}${f.commit ? ` (commit ${f.commit.slice(0, 7)})` : ''}${reason ? ` [${reason}]` : ''}`;
}

function findingsText(r: CheckResult): string {
  const lines = [r.summary, ...openFindings(r.findings).map(findingLine)];
  const quiet = quietFindings(r.findings);
  if (quiet.length > 0) lines.push('', 'Accepted:', ...quiet.map(findingLine));
  if (r.status === 'fail' || r.status === 'warn') lines.push('', `How to fix: ${r.help.fix}`);
  return lines.join('\n');
}

function testcase(r: CheckResult, failOnWarning: boolean, blocking: boolean): { xml: string; failure: boolean; error: boolean; skipped: boolean } {
  // Plugin checks get their own class so CI dashboards group them apart from the built-in checklist.
  const cls = r.source ? `golive.plugin.${r.section}` : `golive.${r.section}`;
  const open = `    <testcase classname="${escapeAttr(cls)}" name="${escapeAttr(`${r.id}: ${r.title}`)}" time="${seconds(r.durationMs)}"`;
  const body = (inner: string) => `${open}>\n${inner}\n    </testcase>`;
  switch (r.status) {
    case 'pass': {
      const quiet = quietFindings(r.findings);
      return { xml: quiet.length > 0 ? body(`      <system-out>${escapeXml(findingsText(r))}</system-out>`) : `${open}/>`, failure: false, error: false, skipped: false };
    }
    case 'fail':
      return { xml: body(`      <failure message="${escapeAttr(r.summary)}" type="${escapeAttr(r.severity)}">${escapeXml(findingsText(r))}</failure>`), failure: true, error: false, skipped: false };
    case 'warn':
      // A warning passes, with its findings in <system-out>, because it does not block the gate;
      // under --fail-on warning it does, so the dashboard shows it as a failure to match the exit code.
      if (failOnWarning) {
        return { xml: body(`      <failure message="${escapeAttr(r.summary)}" type="warning">${escapeXml(findingsText(r))}</failure>`), failure: true, error: false, skipped: false };
      }
      return { xml: body(`      <system-out>${escapeXml(`warning: ${findingsText(r)}`)}</system-out>`), failure: false, error: false, skipped: false };
    case 'error':
      return { xml: body(`      <error message="${escapeAttr(r.summary)}" type="error">${escapeXml(r.summary)}</error>`), failure: false, error: true, skipped: false };
    case 'pending':
      // An unproven item that blocks the gate fails the test, so the dashboard matches the exit code.
      if (blocking) {
        return { xml: body(`      <failure message="${escapeAttr(`pending: ${r.summary}`)}" type="pending">${escapeXml(r.summary)}</failure>`), failure: true, error: false, skipped: false };
      }
      return { xml: body(`      <skipped message="${escapeAttr(`${r.status}: ${r.summary}`)}"/>`), failure: false, error: false, skipped: true };
    case 'skip':
      return { xml: body(`      <skipped message="${escapeAttr(`${r.status}: ${r.summary}`)}"/>`), failure: false, error: false, skipped: true };
  }
}

export function renderJunit(input: RunReport): string {
  const report = redactDeep(input);
  const failOnWarning = report.options.failOn === 'warning';
  const blocking = new Set(report.summary.blocking);
  const verdict = verdictText(report);
  const properties = [
    '    <properties>',
    `      <property name="golive.verdict" value="${escapeAttr(verdict.verdict)}"/>`,
    `      <property name="golive.verdictText" value="${escapeAttr(verdict.headline)}"/>`,
    `      <property name="golive.gate" value="${escapeAttr(report.summary.gate)}"/>`,
    '    </properties>',
  ];
  const suites: string[] = [];
  // The JUnit XSD wants a local ISO time without zone or fraction; the report's is UTC.
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(report.startedAt)?.[0];
  const timestamp = stamp ? ` timestamp="${stamp}"` : '';
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const g of groupBySection(report)) {
    const cases = g.checks.map((c) => testcase(c, failOnWarning, blocking.has(c.id)));
    const n = {
      tests: cases.length,
      failures: cases.filter((c) => c.failure).length,
      errors: cases.filter((c) => c.error).length,
      skipped: cases.filter((c) => c.skipped).length,
      ms: g.checks.reduce((s, c) => s + c.durationMs, 0),
    };
    totals.tests += n.tests;
    totals.failures += n.failures;
    totals.errors += n.errors;
    totals.skipped += n.skipped;
    totals.ms += n.ms;
    suites.push(
      `  <testsuite name="${escapeAttr(g.title)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${seconds(n.ms)}"${timestamp}>`,
      ...properties,
      ...cases.map((c) => c.xml),
      '  </testsuite>',
    );
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
  ];
  return redactText(`${xml.join('\n')}\n`);
}
