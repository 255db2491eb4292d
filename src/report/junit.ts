// JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps), valid against the Jenkins JUnit
// XSD: one <testsuite> per checklist section, one <testcase> per check. A test's identity never
// depends on its result (classname = section, name = check id), so history and flaky tracking
// work; the check's neutral title is a suite property. Times are the run's own: a suite lasts from
// its first check's start to its last check's end (checks run concurrently, so never the sum).
// Everything is XML-escaped and characters XML 1.0 cannot carry are replaced.
import { policyText, verdictText } from './verdict.js';
import type { CheckResult, Finding, RunReport } from '../engine/types.js';
import { groupBySection, headline, locationOf, ownSummary, openFindings, quietFindings, quietReason, setAsideFor } from './common.js';

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
  return `${loc ? `${loc}  ` : ''}${f.message}${f.commit && !f.file ? ` (commit ${f.commit.slice(0, 7)})` : ''}${reason ? ` [${reason}]` : ''}`;
}

function findingsText(r: CheckResult): string {
  // The headline is the message attribute; the text says what else the check saw, then every finding.
  const own = ownSummary(r);
  const lines = [...(own ? [own] : []), ...openFindings(r.findings).map(findingLine)];
  const quiet = quietFindings(r.findings);
  if (quiet.length > 0) lines.push('', 'Accepted:', ...quiet.map(findingLine));
  if (r.status === 'fail' || r.status === 'warn') lines.push('', `How to fix: ${r.help.fix}`);
  return lines.join('\n');
}

function testcase(r: CheckResult, failOnWarning: boolean, blocking: boolean): { xml: string; failure: boolean; error: boolean; skipped: boolean } {
  const open = `    <testcase classname="${escapeAttr(r.section)}" name="${escapeAttr(r.id)}" time="${seconds(r.durationMs)}"`;
  const body = (inner: string) => `${open}>\n${inner}\n    </testcase>`;
  switch (r.status) {
    case 'pass': {
      const quiet = quietFindings(r.findings);
      return { xml: quiet.length > 0 ? body(`      <system-out>${escapeXml(findingsText(r))}</system-out>`) : `${open}/>`, failure: false, error: false, skipped: false };
    }
    case 'fail':
      return { xml: body(`      <failure message="${escapeAttr(headline(r))}" type="${escapeAttr(r.severity)}">${escapeXml(findingsText(r))}</failure>`), failure: true, error: false, skipped: false };
    case 'warn':
      // A warning passes, with its findings in <system-out>, because it does not block the gate;
      // under --fail-on warning it does, so the dashboard shows it as a failure to match the exit code.
      if (failOnWarning) {
        return { xml: body(`      <failure message="${escapeAttr(headline(r))}" type="warning">${escapeXml(findingsText(r))}</failure>`), failure: true, error: false, skipped: false };
      }
      return { xml: body(`      <system-out>${escapeXml(`warning: ${findingsText(r)}`)}</system-out>`), failure: false, error: false, skipped: false };
    case 'error':
      return { xml: body(`      <error message="${escapeAttr(r.summary)}" type="error">${escapeXml(r.summary)}</error>`), failure: false, error: true, skipped: false };
    case 'pending':
      // An unproven item that blocks the gate fails the test, so the dashboard matches the exit code.
      if (blocking) {
        return { xml: body(`      <failure message="${escapeAttr(`pending: ${r.summary}`)}" type="pending">${escapeXml(r.summary)}</failure>`), failure: true, error: false, skipped: false };
      }
      // The Jenkins XSD gives <skipped> text content only, no attributes.
      return { xml: body(`      <skipped>${escapeXml(`${r.status}: ${r.summary}`)}</skipped>`), failure: false, error: false, skipped: true };
    case 'skip':
      return { xml: body(`      <skipped>${escapeXml(`${r.status}: ${r.summary}`)}</skipped>`), failure: false, error: false, skipped: true };
  }
}

/**
 * A section's wall-clock time: first start to last end of its checks, within the run. A report
 * from before start times were recorded falls back to the sum, capped at the run's length.
 */
export function suiteMs(checks: readonly CheckResult[], runMs: number): number {
  const ran = checks.filter((c) => c.durationMs > 0);
  if (ran.length === 0) return 0;
  if (ran.every((c) => c.startMs !== undefined)) {
    const start = Math.min(...ran.map((c) => c.startMs!));
    const end = Math.max(...ran.map((c) => c.startMs! + c.durationMs));
    return Math.min(end - start, runMs);
  }
  return Math.min(ran.reduce((s, c) => s + c.durationMs, 0), runMs);
}

export function renderJunit(report: RunReport): string {
  const failOnWarning = report.options.failOn === 'warning';
  const blocking = new Set(report.summary.blocking);
  const verdict = verdictText(report);
  const verdictProps = [
    `      <property name="golive.verdict" value="${escapeAttr(verdict.verdict)}"/>`,
    `      <property name="golive.verdictText" value="${escapeAttr(verdict.headline)}"/>`,
    `      <property name="golive.gate" value="${escapeAttr(report.summary.gate)}"/>`,
    ...(policyText(report) ? [`      <property name="golive.policy" value="${escapeAttr(policyText(report)!)}"/>`] : []),
    ...(verdict.details.length > 0 ? [`      <property name="golive.verdictDetails" value="${escapeAttr(verdict.details.join(' '))}"/>`] : []),
  ];
  const suites: string[] = [];
  // The JUnit XSD wants a local ISO time without zone or fraction; the report's is UTC.
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(report.startedAt)?.[0];
  const timestamp = stamp ? ` timestamp="${stamp}"` : '';
  const totals = { tests: 0, failures: 0, errors: 0 };
  for (const g of groupBySection(report)) {
    const cases = g.checks.map((c) => testcase(c, failOnWarning, blocking.has(c.id)));
    const n = {
      tests: cases.length,
      failures: cases.filter((c) => c.failure).length,
      errors: cases.filter((c) => c.error).length,
      skipped: cases.filter((c) => c.skipped).length,
    };
    totals.tests += n.tests;
    totals.failures += n.failures;
    totals.errors += n.errors;
    const props = g.checks.map((c) => `      <property name="${escapeAttr(c.id)}" value="${escapeAttr(c.checkTitle ?? c.title)}"/>`);
    // Files the section's code checks set aside as not the merchant's, with why.
    setAsideFor(report, g.section).forEach((f, k) => props.push(`      <property name="golive.setAside.${k + 1}" value="${escapeAttr(`${f.file}: ${f.rule}`)}"/>`));
    suites.push(
      `  <testsuite name="${escapeAttr(g.title)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${seconds(suiteMs(g.checks, report.durationMs))}"${timestamp}>`,
      '    <properties>',
      ...verdictProps,
      ...props,
      '    </properties>',
      ...cases.map((c) => c.xml),
      '  </testsuite>',
    );
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="golive" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${seconds(report.durationMs)}">`,
    ...suites,
    '</testsuites>',
  ];
  return `${xml.join('\n')}\n`;
}
