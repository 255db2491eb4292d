// Reading a saved JSON report back: round trip, tolerance for extra/missing optional fields,
// one clear typed error for everything else; and turning a report into a baseline.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoliveError } from '../../src/errors.js';
import { baselineKey } from '../../src/engine/waivers.js';
import { baselineFromReport, parseReport, readReport } from '../../src/report/load.js';
import { renderJson } from '../../src/report/json.js';
import { sampleReport } from './fixtures/sample.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function save(name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content, 'utf8');
  return file;
}

async function failure(p: Promise<unknown>): Promise<GoliveError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GoliveError);
  return e as GoliveError;
}

describe('readReport', () => {
  it('reads back exactly what renderJson wrote', async () => {
    const report = sampleReport();
    const file = await save('run.json', renderJson(report));
    expect(await readReport(file)).toEqual(report);
  });

  it('keeps extra fields, accepts a BOM and fills what older writers left out', async () => {
    const minimal = {
      schemaVersion: 1,
      future: { anything: true },
      tool: { version: '0.0.9' },
      summary: { gate: 'fail', counts: { fail: 1 } },
      checks: [
        { id: 'webhook.dedup', section: 'webhook', title: 'T', status: 'fail', severity: 'warning', summary: 's', durationMs: 1, extra: 1, findings: [{ message: 'm', file: 'a.ts', line: 2 }] },
      ],
    };
    const r = await readReport(await save('min.json', `\uFEFF${JSON.stringify(minimal)}`));
    expect((r as unknown as { future: unknown }).future).toEqual({ anything: true });
    expect(r.tool).toEqual({ version: '0.0.9', name: 'golive' });
    // A report from before verdicts gets its staged verdict derived from its checks.
    expect(r.summary).toEqual({
      gate: 'fail',
      verdict: 'not-ready',
      counts: { pass: 0, fail: 1, warn: 0, skip: 0, error: 0, pending: 0 },
      total: 1,
      proven: 0,
      inScope: 1,
      blocking: ['webhook.dedup'],
      off: [],
    });
    expect(r.options).toEqual({ failOn: 'error', offline: false, history: false });
    expect(r.waivers).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(r.checks[0]).toMatchObject({ kind: 'static', help: { why: '', fix: '' }, extra: 1 });
    expect(r.checks[0]!.findings[0]).toEqual({ messageId: 'finding', message: 'm', file: 'a.ts', line: 2, severity: 'warning' });
  });

  it.each([
    ['a missing file', null, 'IO', /cannot read report .*: no such file/],
    ['a directory', 'DIR', 'IO', /is a directory, not a regular file/],
    ['broken JSON', '{"schemaVersion":', 'REPORT_INVALID', /is not valid JSON/],
    ['JSON that is not an object', '[1,2]', 'REPORT_INVALID', /is not a golive JSON report: \(top level\)/],
    ['a newer schema', '{"schemaVersion":2}', 'REPORT_INVALID', /has schemaVersion 2; this golive reads version 1/],
    ['no schemaVersion', '{"tool":{"version":"1"}}', 'REPORT_INVALID', /is not a golive JSON report: schemaVersion/],
    ['a bad status', JSON.stringify({ ...sampleReport(), checks: [{ ...sampleReport().checks[0], status: 'great' }] }), 'REPORT_INVALID', /checks\.0\.status/],
    ['a finding without message', JSON.stringify({ ...sampleReport(), checks: [{ ...sampleReport().checks[0], findings: [{ file: 'a' }] }] }), 'REPORT_INVALID', /checks\.0\.findings\.0\.message/],
  ])('rejects %s with one clear typed error', async (name, content, code, message) => {
    let file = path.join(dir, 'does-not-exist.json');
    if (content === 'DIR') file = dir;
    else if (content !== null) file = await save(`${name.replace(/\W+/g, '-')}.json`, content);
    const e = await failure(readReport(file));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
    expect(e.suggestion).toBeTruthy();
    expect(e.exitCode).toBe(2);
  });

  it('says how many problems there are and lists the rest as details', () => {
    const e = (() => {
      try {
        parseReport({ schemaVersion: 1 }, 'x.json');
      } catch (err) {
        return err as GoliveError;
      }
      throw new Error('expected a failure');
    })();
    expect(e.message).toMatch(/^x\.json is not a golive JSON report: tool: .* \(and 2 more\)$/);
    expect(e.details).toHaveLength(2);
  });
});

describe('baselineFromReport', () => {
  it('knows every fingerprinted finding, open or accepted, keyed by check id', () => {
    const report = sampleReport();
    const b = baselineFromReport(report, 'prev.json');
    expect(b.file).toBe('prev.json');
    expect(b.keys.has(baselineKey('credentials.no-secrets-in-source', 'a0000000000000000001'))).toBe(true);
    expect(b.keys.has(baselineKey('credentials.no-secrets-in-source', 'a0000000000000000004'))).toBe(true);
    expect(b.keys.has(baselineKey('webhook.signature', 'a0000000000000000001'))).toBe(false);
    const total = new Set(report.checks.flatMap((c) => c.findings.map((f) => baselineKey(c.id, f.fingerprint!)))).size;
    expect(b.keys.size).toBe(total);
  });
});
