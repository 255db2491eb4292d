// JUnit XML: suites per section, cases per check, status mapping and XML 1.0-safe escaping.
import { describe, expect, it } from 'vitest';
import { escapeAttr, escapeXml, renderJunit, suiteMs } from '../../src/report/junit.js';
import { junitXsdProblems } from '../helpers/junit.js';
import { check, finding, passingReport, reportOf, sampleReport } from './fixtures/sample.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITY[e]!,
  );

/** A strict little XML parser: throws on anything not well-formed (enough for what junit.ts writes). */
function parseXml(xml: string): El {
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) throw new Error('character not allowed in XML 1.0');
  let rest = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const textOk = (t: string) => {
    if (/[<>]|&(?!(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);)/i.test(t)) throw new Error(`bad text: ${t.slice(0, 40)}`);
  };
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    textOk(text);
    stack.at(-1)!.text += decode(text);
    if (lt === -1) break;
    rest = rest.slice(lt);
    const close = /^<\/([\w.-]+)\s*>/.exec(rest);
    if (close) {
      const top = stack.pop()!;
      if (top.name !== close[1]) throw new Error(`</${close[1]}> closes <${top.name}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const open = /^<([\w.-]+)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!open) throw new Error(`bad tag at: ${rest.slice(0, 40)}`);
    const attrs: Record<string, string> = {};
    for (const m of open[2]!.matchAll(/([\w.:-]+)="([^"]*)"/g)) {
      textOk(m[2]!);
      if (m[1]! in attrs) throw new Error(`duplicate attribute ${m[1]}`);
      attrs[m[1]!] = decode(m[2]!);
    }
    const el: El = { name: open[1]!, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(el);
    if (!open[3]) stack.push(el);
    rest = rest.slice(open[0].length);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('unbalanced document');
  return root.children[0]!;
}

const cases = (doc: El) => doc.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
const caseOf = (doc: El, id: string) => cases(doc).find((c) => c.attrs.name === id)!;

/** The suite property that carries a check's neutral title. */
const titleProp = (doc: El, id: string) =>
  doc.children.flatMap((s) => s.children.filter((c) => c.name === 'properties').flatMap((p) => p.children)).find((p) => p.attrs.name === id)?.attrs;

describe('renderJunit', () => {
  it('is well-formed with one suite per section and totals that add up', () => {
    const doc = parseXml(renderJunit(sampleReport()));
    expect(doc.name).toBe('testsuites');
    expect(doc.children.map((s) => s.attrs.name)).toEqual(['Credentials', 'Webhook endpoint', 'Idempotency', 'Dress rehearsal']);
    expect(doc.attrs).toEqual({ name: 'golive', tests: '11', failures: '3', errors: '1', time: '1.234' });
    for (const s of doc.children) expect(Number(s.attrs.tests)).toBe(s.children.filter((c) => c.name === 'testcase').length);
    // Every suite carries the run's verdict, so a dashboard can show it beside the tests.
    const props = doc.children[0]!.children.find((c) => c.name === 'properties')!;
    expect(props.children.map((p) => [p.attrs.name, p.attrs.value])).toContainEqual(['golive.verdict', 'not-ready']);
    expect(doc.children[0]!.attrs.timestamp).toBe('2025-03-01T10:00:00');
  });

  it('maps statuses: fail → failure, error → error, skip and non-blocking pending → skipped, warn → pass with system-out', () => {
    const doc = parseXml(renderJunit(sampleReport()));
    const secrets = caseOf(doc, 'credentials.no-secrets-in-source');
    expect(secrets.attrs).toEqual({ classname: 'credentials', name: 'credentials.no-secrets-in-source', time: '0.003' });
    // The headline Jenkins and Azure DevOps show: the first finding and a count, never "2 problems found".
    expect(secrets.children[0]).toMatchObject({ name: 'failure', attrs: { type: 'error', message: expect.stringMatching(/^Live secret key sk_live_…\w{4} is committed: move it to the environment and roll it\. \(and 1 more; 3 waived, baselined or suppressed\)$/) } });
    expect(secrets.children[0]!.text).toContain('config/app.ts:12:18  Live secret key');
    expect(secrets.children[0]!.text).toContain('How to fix: Fix credentials.no-secrets-in-source like this.');
    expect(caseOf(doc, 'credentials.keys-verified').children[0]!.name).toBe('error');
    expect(caseOf(doc, 'webhook.latency').children[0]).toMatchObject({ name: 'skipped', attrs: {}, text: 'skip: Skipped: --offline.' });
    expect(caseOf(doc, 'rehearsal.charge').children[0]!.text).toMatch(/^pending: /);
    // With --require-rehearsal the pending step blocks the gate, so the dashboard shows a failure.
    const strict = sampleReport();
    const required = parseXml(renderJunit(reportOf(strict.checks, { options: { ...strict.options, requireRehearsal: true } })));
    expect(caseOf(required, 'rehearsal.charge').children[0]).toMatchObject({ name: 'failure', attrs: { type: 'pending' } });
    const warn = caseOf(doc, 'credentials.test-webhook-retired');
    expect(warn.children.map((c) => c.name)).toEqual(['system-out']);
    expect(warn.children[0]!.text).toMatch(/^warning: https:\/\/staging\.shop\.example\/hooks answered 200 with a body/);
    expect(caseOf(doc, 'credentials.live-keys').children).toEqual([]);
  });

  it('turns a warning into a failure under --fail-on warning, matching the gate', () => {
    const base = passingReport();
    const doc = parseXml(renderJunit(reportOf(base.checks, { options: { ...base.options, failOn: 'warning' } })));
    expect(caseOf(doc, 'webhook.code-dedup').children[0]).toMatchObject({ name: 'failure', attrs: { type: 'warning' } });
    expect(doc.attrs.failures).toBe('1');
  });

  it('escapes specials and replaces characters XML 1.0 cannot carry, in text and attributes', () => {
    const nasty = 'a<b>&"c\'\u0000\u0007\u001b[31m\uD800 \uFFFE ok 😀\nnext\ttab';
    const r = reportOf([check({ id: 'webhook.dedup', title: nasty, status: 'fail', summary: nasty, findings: [finding({ message: nasty, file: 'x<y>.ts', line: 1 })] })]);
    const xml = renderJunit(r);
    const doc = parseXml(xml);
    const c = caseOf(doc, 'webhook.dedup');
    const clean = 'a<b>&"c\'\uFFFD\uFFFD\uFFFD[31m\uFFFD \uFFFD ok 😀\nnext\ttab';
    expect(c.attrs.name).toBe('webhook.dedup');
    expect(titleProp(doc, 'webhook.dedup')).toEqual({ name: 'webhook.dedup', value: clean });
    expect(c.children[0]!.attrs.message).toBe(clean);
    expect(c.children[0]!.text).toContain(`x<y>.ts:1  ${clean}`);
  });

  it('is valid against the Jenkins JUnit XSD (sample, passing, nasty text) and the validator is not vacuous', async () => {
    expect(await junitXsdProblems(renderJunit(sampleReport()))).toEqual([]);
    expect(await junitXsdProblems(renderJunit(passingReport()))).toEqual([]);
    const nasty = 'a<b>&"c\'\u0000\u001b[31m ok 😀\nnext';
    expect(await junitXsdProblems(renderJunit(reportOf([check({ id: 'webhook.dedup', title: nasty, status: 'fail', summary: nasty })])))).toEqual([]);
    // What the XSD rejects: the old `skipped` on <testsuites> and attributes on <skipped>.
    const old = renderJunit(sampleReport()).replace('<testsuites name="golive"', '<testsuites skipped="3" name="golive"');
    expect((await junitXsdProblems(old)).join('\n')).toMatch(/skipped/);
    const attr = renderJunit(sampleReport()).replace('<skipped>', '<skipped message="x">');
    expect(await junitXsdProblems(attr)).not.toEqual([]);
  });

  it('keeps the same test identities whether a check passes or fails; the neutral title is a suite property', () => {
    const pass = reportOf([check({ id: 'idempotency.external-id', title: 'Every create call sends an externalId', checkTitle: 'Every create call sends an externalId', status: 'pass' })]);
    const fail = reportOf([
      check({ id: 'idempotency.external-id', title: 'A create call sends no externalId', checkTitle: 'Every create call sends an externalId', status: 'fail', findings: [finding({ message: 'm', file: 'a.ts', line: 1 })] }),
    ]);
    const ids = (xml: string) => cases(parseXml(xml)).map((c) => `${c.attrs.classname}/${c.attrs.name}`);
    expect(ids(renderJunit(pass))).toEqual(['idempotency/idempotency.external-id']);
    expect(ids(renderJunit(fail))).toEqual(ids(renderJunit(pass)));
    const prop = (xml: string) => titleProp(parseXml(xml), 'idempotency.external-id');
    expect(prop(renderJunit(fail))).toEqual({ name: 'idempotency.external-id', value: 'Every create call sends an externalId' });
    expect(prop(renderJunit(fail))).toEqual(prop(renderJunit(pass)));
  });

  it('times suites by wall clock (first start to last end), never more than the run', () => {
    const at = (id: string, startMs: number, durationMs: number) => check({ id, title: id, status: 'pass', startMs, durationMs });
    // Three credentials checks overlapping in the same 900 ms: the sum (2.4 s) would exceed the run.
    const r = reportOf([at('credentials.live-keys', 100, 800), at('credentials.keys-verified', 100, 900), at('credentials.no-secrets-in-source', 200, 700), at('webhook.https', 50, 300)], { durationMs: 1000 });
    const doc = parseXml(renderJunit(r));
    expect(doc.children.map((s) => s.attrs.time)).toEqual(['0.900', '0.300']);
    expect(doc.attrs.time).toBe('1.000');
    for (const s of doc.children) expect(Number(s.attrs.time)).toBeLessThanOrEqual(Number(doc.attrs.time));
    // Older reports without start times: the sum, capped at the run.
    expect(suiteMs([check({ id: 'a.b', title: 't', status: 'pass', durationMs: 700 }), check({ id: 'a.c', title: 't', status: 'pass', durationMs: 700 })], 1000)).toBe(1000);
  });

  it('escape helpers', () => {
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
    expect(escapeAttr('a\nb\tc\rd')).toBe('a&#10;b&#9;c&#13;d');
  });

  it('the parser used here rejects malformed XML (it is not vacuous)', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1<2"/>')).toThrow();
    expect(() => parseXml('<a>&bogus</a>')).toThrow();
    expect(() => parseXml('<a>\u0001</a>')).toThrow();
  });
});
