// The JSON report is the public contract of GUIDE §4: the RunReport as built, in its key order.
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { FORMATS, renderReport } from '../../src/report/index.js';
import { parseReport } from '../../src/report/load.js';
import { sampleReport } from './fixtures/sample.js';

describe('renderJson', () => {
  it('is the report itself, pretty-printed, with a trailing newline and the keys in build order', () => {
    const report = sampleReport();
    const text = renderJson(report);
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(Object.keys(JSON.parse(text))).toEqual(['schemaVersion', 'tool', 'target', 'startedAt', 'durationMs', 'options', 'summary', 'checks', 'waivers', 'notes']);
  });

  it('carries every GUIDE §4 field', () => {
    const json = JSON.parse(renderJson(sampleReport()));
    expect(json.schemaVersion).toBe(1);
    expect(typeof json.tool.version).toBe('string');
    expect(json.summary.gate).toBe('fail');
    expect(json.summary.counts).toEqual({ pass: 3, fail: 3, warn: 1, skip: 2, error: 1, pending: 1 });
    for (const c of json.checks) {
      for (const k of ['id', 'section', 'title', 'status', 'severity', 'summary', 'durationMs', 'findings']) expect(c).toHaveProperty(k);
    }
  });

  it.each(FORMATS)('a saved report re-renders identically (%s), as `golive report` does', (format) => {
    const report = sampleReport();
    const reloaded = parseReport(JSON.parse(renderJson(report)), 'run.json');
    expect(renderReport(reloaded, format, { verbose: true })).toBe(renderReport(report, format, { verbose: true }));
  });
});
