// SARIF 2.1.0: rules per check, results per finding with suppressions, notifications for errors.
// No network in tests, so the key parts of the spec are checked by a small structural validator.
import { describe, expect, it } from 'vitest';
import { buildSarif, fileUri, renderSarif, securitySeverity } from '../../src/report/sarif.js';
import type { RunReport } from '../../src/engine/types.js';
import { check, finding, reportOf, sampleReport } from './fixtures/sample.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const LEVELS = ['none', 'note', 'warning', 'error'];
const RESULT_KEYS = new Set(
  'ruleId ruleIndex rule kind level message analysisTarget locations guid correlationGuid occurrenceCount partialFingerprints fingerprints stacks codeFlows graphs graphTraversals relatedLocations suppressions baselineState rank attachments hostedViewerUri workItemUris provenance fixes taxa webRequest webResponse properties'.split(' '),
);
const RULE_KEYS = new Set('id deprecatedIds guid deprecatedGuids name deprecatedNames shortDescription fullDescription messageStrings defaultConfiguration helpUri help relationships properties'.split(' '));

/** Problems with the parts of the SARIF 2.1.0 schema that code-scanning consumers rely on. */
function sarifProblems(log: Obj): string[] {
  const p: string[] = [];
  const need = (cond: unknown, msg: string) => {
    if (!cond) p.push(msg);
  };
  need(log.version === '2.1.0', 'version must be 2.1.0');
  need(typeof log.$schema === 'string', '$schema');
  need(Array.isArray(log.runs) && log.runs.length === 1, 'exactly one run');
  for (const run of log.runs ?? []) {
    const driver = run.tool?.driver;
    need(typeof driver?.name === 'string' && driver.name.length > 0, 'tool.driver.name');
    need(/^https?:\/\//.test(driver?.informationUri ?? ''), 'informationUri is an absolute URI');
    const rules: Obj[] = driver?.rules ?? [];
    const ids = new Set<string>();
    rules.forEach((r, i) => {
      need(typeof r.id === 'string' && !ids.has(r.id), `rules[${i}].id unique`);
      ids.add(r.id);
      for (const k of Object.keys(r)) need(RULE_KEYS.has(k), `rules[${i}] unknown key ${k}`);
      need(typeof r.shortDescription?.text === 'string', `rules[${i}].shortDescription.text`);
      need(typeof r.fullDescription?.text === 'string', `rules[${i}].fullDescription.text`);
      need(typeof r.help?.text === 'string', `rules[${i}].help.text`);
      need(LEVELS.includes(r.defaultConfiguration?.level), `rules[${i}].defaultConfiguration.level`);
      need(Array.isArray(r.properties?.tags) && r.properties.tags.every((t: unknown) => typeof t === 'string'), `rules[${i}].properties.tags`);
      const sev = r.properties?.['security-severity'];
      need(sev === undefined || (/^\d+\.\d$/.test(sev) && Number(sev) <= 10), `rules[${i}] security-severity`);
    });
    need(Array.isArray(run.invocations) && run.invocations.length > 0, 'invocations');
    for (const inv of run.invocations ?? []) {
      need(typeof inv.executionSuccessful === 'boolean', 'invocation.executionSuccessful is required');
      for (const n of inv.toolExecutionNotifications ?? []) {
        need(typeof n.message?.text === 'string', 'notification.message.text');
        need(LEVELS.includes(n.level), 'notification.level');
        need(rules[n.associatedRule?.index]?.id === n.associatedRule?.id, 'notification.associatedRule index/id agree');
      }
    }
    (run.results as Obj[]).forEach((r, i) => {
      for (const k of Object.keys(r)) need(RESULT_KEYS.has(k), `results[${i}] unknown key ${k}`);
      need(rules[r.ruleIndex]?.id === r.ruleId, `results[${i}] ruleIndex points at ruleId`);
      need(LEVELS.includes(r.level), `results[${i}].level`);
      need(typeof r.message?.text === 'string' && r.message.text.length > 0, `results[${i}].message.text`);
      for (const loc of r.locations ?? []) {
        const pl = loc.physicalLocation;
        need(typeof pl?.artifactLocation?.uri === 'string' && !/[\s\\]/.test(pl.artifactLocation.uri), `results[${i}] uri is a URI reference`);
        if (pl?.region) {
          need(Number.isInteger(pl.region.startLine) && pl.region.startLine >= 1, `results[${i}] startLine >= 1`);
          need(pl.region.startColumn === undefined || pl.region.startColumn >= 1, `results[${i}] startColumn >= 1`);
        }
      }
      for (const v of Object.values(r.partialFingerprints ?? {})) need(typeof v === 'string', `results[${i}] fingerprint`);
      for (const s of r.suppressions ?? []) {
        need(['inSource', 'external'].includes(s.kind), `results[${i}] suppression kind`);
        need(typeof s.justification === 'string', `results[${i}] suppression justification`);
      }
      need(r.baselineState === undefined || ['new', 'unchanged', 'updated', 'absent'].includes(r.baselineState), `results[${i}] baselineState`);
    });
  }
  return p;
}

const sarif = (r: RunReport): Obj => JSON.parse(renderSarif(r)) as Obj;

describe('renderSarif', () => {
  it('passes the structural check of SARIF 2.1.0', () => {
    const log = sarif(sampleReport());
    expect(sarifProblems(log)).toEqual([]);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'golive', version: '0.1.0' });
  });

  it('the validator catches broken logs (it is not vacuous)', () => {
    const log = sarif(sampleReport());
    log.runs[0].results[0].ruleIndex = 0;
    log.runs[0].results[1].level = 'fatal';
    log.runs[0].results[2].locations = [{ physicalLocation: { artifactLocation: { uri: 'a b' }, region: { startLine: 0 } } }];
    delete log.runs[0].invocations[0].executionSuccessful;
    expect(sarifProblems(log)).toHaveLength(5);
  });

  it('has one rule per check with the documented security-severity mapping', () => {
    const rules: Obj[] = sarif(sampleReport()).runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(sampleReport().checks.map((c) => c.id));
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['credentials.no-secrets-in-source']).toMatchObject({
      name: 'CredentialsNoSecretsInSource',
      shortDescription: { text: 'A secret key is committed to the repository' },
      fullDescription: { text: 'Why credentials.no-secrets-in-source matters.' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'credentials'], 'security-severity': '9.0' },
    });
    expect(byId['credentials.no-secrets-in-source'].help.text).toContain('How to fix: Fix credentials.no-secrets-in-source');
    expect(byId['webhook.signature'].properties['security-severity']).toBe('7.5');
    expect(byId['idempotency.external-id-quality'].properties['security-severity']).toBe('4.0');
    expect(byId['rehearsal.refund'].defaultConfiguration).toEqual({ level: 'none', enabled: false });
    expect(byId['rehearsal.refund'].properties['security-severity']).toBeUndefined();
    expect(securitySeverity({ section: 'webhook', severity: 'warning' })).toBe('4.0');
  });

  it('emits open findings as results and accepted ones with suppressions', () => {
    const results: Obj[] = sarif(sampleReport()).runs[0].results;
    // 5 secrets (2 open, 3 accepted) + 1 webhook-retired + 1 signature + 12 externalId + 1 baselined quality.
    expect(results).toHaveLength(20);
    const first = results[0]!;
    expect(first).toMatchObject({
      ruleId: 'credentials.no-secrets-in-source',
      ruleIndex: 2,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'config/app.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 18 } } }],
      partialFingerprints: { 'golive/v1': 'a0000000000000000001' },
    });
    expect(first.suppressions).toBeUndefined();
    const sup = (file: string) => results.find((r) => r.locations?.[0]?.physicalLocation.artifactLocation.uri === file)?.suppressions;
    expect(sup('legacy/fixture.js')).toEqual([{ kind: 'external', justification: 'waived by ana@shop.example until 2099-12-31: Fixture for the legacy importer' }]);
    expect(sup('docs/setup.md')).toEqual([{ kind: 'external', justification: 'present in the baseline report' }]);
    expect(sup('test/pay.test.ts')).toEqual([{ kind: 'inSource', justification: 'fake key used by the unit tests' }]);
    expect(results.find((r) => r.properties.commit)?.properties.commit).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(results.filter((r) => r.level === 'warning').map((r) => r.ruleId)).toContain('credentials.test-webhook-retired');
  });

  it('omits locations for a finding without a file, and the region without a line', () => {
    const r = reportOf([
      check({
        id: 'webhook.dedup',
        title: 'T',
        status: 'fail',
        findings: [finding({ message: 'no file' }), finding({ message: 'no line', file: 'my dir/a#b.ts' })],
      }),
    ]);
    const log = sarif(r);
    expect(sarifProblems(log)).toEqual([]);
    const [noFile, noLine] = log.runs[0].results as Obj[];
    expect(noFile!.locations).toBeUndefined();
    expect(noLine!.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'my%20dir/a%23b.ts', uriBaseId: '%SRCROOT%' } } }]);
    expect(fileUri('a\\b c.ts')).toBe('a/b%20c.ts');
  });

  it('reports erroring checks as tool notifications and marks the run unsuccessful', () => {
    const inv = sarif(sampleReport()).runs[0].invocations;
    expect(inv).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'credentials.keys-verified: Could not run: api.mintcash.me refused the connection (ECONNREFUSED)' },
            associatedRule: { id: 'credentials.keys-verified', index: 1 },
          },
        ],
      },
    ]);
    const ok = sarif(reportOf([check({ id: 'credentials.live-keys', title: 'ok', status: 'pass' })]));
    expect(ok.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(ok.runs[0].results).toEqual([]);
  });

  it('skipped and pending checks produce no results; --baseline runs carry baselineState', () => {
    const base = sampleReport();
    const withBaseline = reportOf(base.checks, { options: { ...base.options, baseline: 'prev.json' } });
    const results: Obj[] = (buildSarif(withBaseline).runs as Obj[])[0]!.results;
    expect(results.every((r) => !r.ruleId.startsWith('rehearsal.') && r.ruleId !== 'webhook.latency')).toBe(true);
    expect(results.filter((r) => r.baselineState === 'unchanged')).toHaveLength(2);
    expect(results.filter((r) => r.baselineState === 'new')).toHaveLength(18);
    expect(sarif(base).runs[0].results.every((r: Obj) => r.baselineState === undefined)).toBe(true);
  });
});
