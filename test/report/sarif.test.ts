// SARIF 2.1.0: validated against the official OASIS schema and GitHub's upload rules; every result
// located (with a region) relative to the repository root, no absolute path anywhere; static and
// network checks in their own runs and categories; scores from the per-check risk table.
import { describe, expect, it } from 'vitest';
import { builtinChecks } from '../../checks/index.js';
import { buildSarif, docsAnchor, fileUri, helpUri, renderSarif, securitySeverity } from '../../src/report/sarif.js';
import { RISKS } from '../../src/report/risk.js';
import type { RunReport } from '../../src/engine/types.js';
import { githubProblems, schemaProblems } from '../helpers/sarif.js';
import { check, finding, reportOf, sampleReport } from './fixtures/sample.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sarif = (r: RunReport): Obj => JSON.parse(renderSarif(r)) as Obj;
/** The run of one code-scanning category (`golive/…/` or `golive/…/network/`). */
const runOf = (log: Obj, category: string): Obj | undefined => (log.runs as Obj[]).find((r) => r.automationDetails.id === category);

const webhookFail = (repo: RunReport['target']['repo'], urls: RunReport['target']['urls'] = { webhook: 'https://shop.example.com/hooks' }) =>
  reportOf([check({ id: 'webhook.signature', kind: 'network', title: 'T', status: 'fail', findings: [finding({ message: 'an unsigned event got HTTP 200' })] })], {
    target: { dir: '/srv/mono/services/shop', environment: 'live', ...(repo ? { repo } : {}), urls },
  });

describe('renderSarif', () => {
  it('is valid against the official SARIF 2.1.0 schema and GitHub upload rules', () => {
    const log = sarif(sampleReport());
    expect(schemaProblems(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'golive', version: '0.1.0' });
  });

  it('the validators catch broken logs (they are not vacuous)', () => {
    const log = sarif(sampleReport());
    log.runs[0].results[1].level = 'fatal';
    log.runs[0].results[2].locations[0].physicalLocation.region.startLine = 0;
    delete log.runs[0].results[3].message;
    expect(schemaProblems(log).length).toBeGreaterThanOrEqual(3);
    const gh = sarif(sampleReport());
    delete gh.runs[0].results[0].locations;
    gh.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = '../outside.ts';
    gh.runs[0].results[2].locations[0].physicalLocation.artifactLocation.uri = 'file:///srv/shop/a.ts';
    gh.runs[0].tool.driver.rules[0].properties['security-severity'] = 'high';
    delete gh.runs[0].automationDetails;
    expect(githubProblems(gh)).toHaveLength(5);
    expect(schemaProblems(gh)).toEqual([]); // the schema alone would have let these through
  });

  it('gives every result a location: a finding without a file points at the config line that sets webhook.url', () => {
    const log = sarif(webhookFail({ path: 'services/shop', configFile: 'services/shop/golive.config.yaml', webhookUrlLine: 3, anchor: 'services/shop/golive.config.yaml' }));
    expect(schemaProblems(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    const [res] = runOf(log, 'golive/services/shop/network/webhook.signature/')!.results as Obj[];
    expect(res!.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'services/shop/golive.config.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } } }]);
    expect(res!.message.text).toBe('an unsigned event got HTTP 200 (https://shop.example.com/hooks)');
    expect(res!.properties.placed).toBe('no file of its own');
  });

  it('falls back to line 1 of the config file (URL from a flag), then of a stable file at the target, then golive.config.json', () => {
    const loc = (log: Obj) => (log.runs as Obj[]).at(-1)!.results[0].locations[0].physicalLocation;
    expect(loc(sarif(webhookFail({ path: 'services/shop', configFile: 'golive.config.json', anchor: 'golive.config.json' })))).toEqual({
      artifactLocation: { uri: 'golive.config.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    // A --config outside the repository cannot be placed: the anchor is used.
    expect(loc(sarif(webhookFail({ path: 'services/shop', configFile: '../elsewhere/golive.json', anchor: 'services/shop/package.json' })))).toEqual({
      artifactLocation: { uri: 'services/shop/package.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    // An old saved report with no repository context still yields a located, valid result.
    const old = sarif(webhookFail(undefined, undefined));
    expect(loc(old)).toEqual({ artifactLocation: { uri: 'golive.config.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
    expect(githubProblems(old)).toEqual([]);
  });

  it('places config-level findings at the line that sets what they are about: webhook.testUrl, api.baseUrl', () => {
    const repo = { path: '', configFile: 'golive.config.json', webhookUrlLine: 3, keyLines: { 'webhook.url': 3, 'webhook.testUrl': 4, 'api.baseUrl': 7 }, anchor: 'golive.config.json' };
    const r = reportOf(
      [
        check({ id: 'credentials.test-webhook-retired', kind: 'network', title: 'T', status: 'warn', findings: [finding({ messageId: 'test-handler-active', message: 'still answers', severity: 'warning' })] }),
        check({ id: 'credentials.keys-verified', kind: 'network', title: 'K', status: 'fail', findings: [finding({ messageId: 'rejected', message: 'MintCash refused the key pair' })] }),
      ],
      { target: { dir: '.', environment: 'live', repo } },
    );
    const lines = Object.fromEntries((sarif(r).runs as Obj[]).flatMap((run) => run.results as Obj[]).map((x) => [x.ruleId, x.locations[0].physicalLocation.region.startLine]));
    expect(lines).toEqual({ 'credentials.test-webhook-retired': 4, 'credentials.keys-verified': 7 });
  });

  it('locates a history finding at the line that added the key, in the commit its properties and versionControlProvenance name', () => {
    const added = '0123456789abcdef0123456789abcdef01234567';
    const head = 'fedcba9876543210fedcba9876543210fedcba98';
    const r = reportOf(
      [check({ id: 'credentials.no-secrets-in-source', title: 'T', status: 'fail', findings: [finding({ messageId: 'live-secret-in-history', message: 'removed but in history', file: 'config/old.js', line: 3, commit: added })] })],
      { target: { dir: '.', environment: 'live', repo: { path: 'services/shop', anchor: 'services/shop/package.json', head, repositoryUri: 'https://github.com/acme/shop' } } },
    );
    const log = sarif(r);
    expect(schemaProblems(log)).toEqual([]);
    const run = runOf(log, 'golive/services/shop/')!;
    expect(run.results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'services/shop/config/old.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } });
    expect(run.results[0].properties).toMatchObject({ commit: added, locatedIn: 'commit' });
    expect(run.versionControlProvenance).toEqual([
      { repositoryUri: 'https://github.com/acme/shop', revisionId: head, mappedTo: { uriBaseId: '%SRCROOT%' } },
      { repositoryUri: 'https://github.com/acme/shop', revisionId: added, properties: { scanned: "git history: a finding's key was added in this commit" } },
    ]);
    // Without a remote there is no address to name: no provenance rather than a local path.
    const local = sarif(reportOf(r.checks, { target: { dir: '.', environment: 'live', repo: { path: '', head } } }));
    expect(local.runs[0].versionControlProvenance).toBeUndefined();
  });

  it('gives the static checks and each network check a category, and leaves out the run of a network check it could not judge', () => {
    const net = (status: 'pass' | 'fail' | 'error' | 'skip', messageId = 'accepts-unsigned') =>
      check({ id: 'webhook.signature', kind: 'network', title: 'S', status, ...(status === 'fail' ? { findings: [finding({ messageId, message: 'm' })] } : {}), ...(status === 'error' ? { summary: 'Not proven: no probe was sent' } : {}) });
    const stat = check({ id: 'webhook.timing-safe-compare', title: 'C', status: 'fail', findings: [finding({ message: 'leak', file: 'src/h.js', line: 5 })] });
    const ids = (log: Obj) => (log.runs as Obj[]).map((r) => `${r.automationDetails.id}:${(r.results as Obj[]).map((x) => x.ruleId).join(',')}`);
    expect(ids(sarif(reportOf([stat, net('fail')])))).toEqual(['golive/:webhook.timing-safe-compare', 'golive/network/webhook.signature/:webhook.signature']);
    expect(ids(sarif(reportOf([stat, net('pass')])))).toEqual(['golive/:webhook.timing-safe-compare', 'golive/network/webhook.signature/:']);
    // One check that could not run leaves out only its own category.
    const latency = check({ id: 'webhook.latency', kind: 'network', title: 'L', status: 'error', summary: 'Not proven' });
    expect(ids(sarif(reportOf([stat, net('fail'), latency])))).toEqual(['golive/:webhook.timing-safe-compare', 'golive/network/webhook.signature/:webhook.signature']);
    // An endpoint that could not be reached, a check that could not run, --offline, --only: no network run.
    const base = reportOf([]);
    for (const r of [reportOf([stat, net('fail', 'unreachable')]), reportOf([stat, net('error')]), reportOf([stat, net('skip')]), reportOf([stat], { summary: { ...base.summary, networkNotSelected: ['webhook.signature'] } })]) {
      const log = sarif(r);
      expect(ids(log)).toEqual(['golive/:webhook.timing-safe-compare']);
      const notes: Obj[] = log.runs[0].invocations[0].toolExecutionNotifications;
      expect(notes.at(-1)).toMatchObject({ level: 'warning', message: { text: expect.stringContaining('Network checks not judged in this run (webhook.signature): their categories (golive/network/<check id>/) are left out') } });
      expect(githubProblems(log)).toEqual([]);
    }
  });

  it('a retired test URL on the endpoint host that does not answer while the endpoint does not either is the same outage, not a retirement', () => {
    const down = check({ id: 'webhook.https', kind: 'network', title: 'H', status: 'fail', findings: [finding({ messageId: 'unreachable', message: 'Could not connect' })] });
    const gone = check({ id: 'credentials.test-webhook-retired', kind: 'network', title: 'R', status: 'pass', summary: 'Gone: unreachable.' });
    const categories = (testWebhook: string) =>
      (sarif(reportOf([down, gone], { target: { dir: '.', environment: 'live', urls: { webhook: 'https://shop.example/hooks', testWebhook } } })).runs as Obj[]).map((r) => r.automationDetails.id);
    expect(categories('https://shop.example/hooks-test')).toEqual(['golive/']);
    expect(categories('https://old.shop.example/hooks')).toEqual(['golive/', 'golive/network/credentials.test-webhook-retired/']);
  });

  it('makes URIs relative to the repository root and names no absolute path, not even the root', () => {
    const r = reportOf([check({ id: 'credentials.no-secrets-in-source', title: 'T', status: 'fail', findings: [finding({ message: 'm', file: 'config/secrets.env', line: 2 })] })], {
      target: { dir: '/srv/mono/services/shop', environment: 'live', repo: { path: 'services/shop', anchor: 'services/shop/package.json' } },
    });
    const log = sarif(r);
    const run = log.runs[0];
    expect(run.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'services/shop/config/secrets.env', uriBaseId: '%SRCROOT%' });
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { description: { text: 'The repository root (git top level).' } } });
    expect(JSON.stringify(log)).not.toContain('/srv/');
    expect(run.automationDetails).toEqual({ id: 'golive/services/shop/' });
    // At the root: the category is plain golive/.
    expect(sarif(sampleReport()).runs[0].automationDetails).toEqual({ id: 'golive/' });
    expect(JSON.stringify(sarif(sampleReport()))).not.toMatch(/file:\/\/|"\/srv/);
    expect(fileUri('my dir/a#b.ts')).toBe('my%20dir/a%23b.ts');
    expect(fileUri('./a\\b c.ts')).toBe('a/b%20c.ts');
  });

  it('scores security checks from the risk table and the configured severity; reliability checks carry no score', () => {
    const rules: Obj[] = sarif(sampleReport()).runs[0].tool.driver.rules;
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['credentials.no-secrets-in-source'].properties).toEqual({ tags: ['security', 'credentials'], 'security-severity': '9.5' });
    expect(securitySeverity({ id: 'webhook.signature', severity: 'error' })).toBe('9.1');
    // The sample's network checks were not all judged: their rules are in no run of this log.
    expect(byId['webhook.signature']).toBeUndefined();
    expect(byId['idempotency.external-id'].properties).toEqual({ tags: ['reliability', 'idempotency'] });
    expect(byId['rehearsal.refund'].defaultConfiguration).toEqual({ level: 'none', enabled: false });
    expect(byId['rehearsal.refund'].properties).toEqual({ tags: ['process', 'rehearsal'] });
    // The same check turned down to a warning scores lower; turned off, not at all.
    expect(securitySeverity({ id: 'webhook.signature', severity: 'warning' })).toBe('6.1');
    expect(securitySeverity({ id: 'webhook.signature', severity: 'off' })).toBeUndefined();
    expect(securitySeverity({ id: 'webhook.latency', severity: 'error' })).toBeUndefined();
    // Every built-in check has a documented risk; nothing in the table is stale.
    expect(Object.keys(RISKS).sort()).toEqual(builtinChecks.filter((c) => c.section !== 'rehearsal' && !(c.section === 'firstweek' && c.kind === 'manual')).map((c) => c.id).sort());
  });

  it('links every built-in rule to its docs heading; npm plugins to their package page; local ones nowhere', () => {
    const rules: Obj[] = sarif(sampleReport()).runs[0].tool.driver.rules;
    expect(rules.every((r) => /^https:\/\/.+\/docs\/checks\.md#[a-z0-9_-]+$/.test(r.helpUri))).toBe(true);
    expect(docsAnchor('webhook.code-dedup')).toBe('webhookcode-dedup');
    expect(helpUri({ id: 'acme/vault', source: '@acme/golive-checks' })).toBe('https://www.npmjs.com/package/@acme/golive-checks');
    expect(helpUri({ id: 'local/vault', source: './golive/checks.ts' })).toBeUndefined();
  });

  it('emits open findings as results and accepted ones with suppressions', () => {
    const results: Obj[] = sarif(sampleReport()).runs[0].results;
    expect(results).toHaveLength(18);
    expect(results[0]).toMatchObject({
      ruleId: 'credentials.no-secrets-in-source',
      ruleIndex: 1,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'config/app.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 18 } } }],
      partialFingerprints: { 'golive/v1': 'a0000000000000000001' },
    });
    const sup = (file: string) => results.find((r) => r.locations[0].physicalLocation.artifactLocation.uri === file)?.suppressions;
    expect(sup('legacy/fixture.js')).toEqual([{ kind: 'external', justification: 'waived by ana@shop.example until 2099-12-31: Fixture for the legacy importer' }]);
    expect(sup('docs/setup.md')).toEqual([{ kind: 'external', justification: 'present in the baseline report' }]);
    expect(sup('test/pay.test.ts')).toEqual([{ kind: 'inSource', justification: 'fake key used by the unit tests' }]);
    expect(results.find((r) => r.properties.commit)?.properties.commit).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(results.some((r) => r.ruleId === 'credentials.test-webhook-retired' || r.ruleId === 'webhook.signature')).toBe(false);
  });

  it('reports erroring checks as tool notifications and marks the run unsuccessful', () => {
    const inv = sarif(sampleReport()).runs[0].invocations;
    // credentials.keys-verified is a network check: its network run is left out, so the static run says why.
    expect(inv).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          { level: 'error', message: { text: 'credentials.keys-verified: Could not run: api.mintcash.me refused the connection (ECONNREFUSED)' } },
          { level: 'warning', message: { text: expect.stringMatching(/^Network checks not judged in this run \(credentials\.keys-verified, webhook\.latency\)/) } },
        ],
      },
    ]);
    const broken = sarif(reportOf([check({ id: 'credentials.live-keys', title: 'ok', status: 'error', summary: 'Could not run: boom' })]));
    expect(broken.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'credentials.live-keys: Could not run: boom' }, associatedRule: { id: 'credentials.live-keys', index: 0 } }] });
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
    expect(results.filter((r) => r.baselineState === 'new')).toHaveLength(16);
    expect(sarif(base).runs[0].results.every((r: Obj) => r.baselineState === undefined)).toBe(true);
  });
});
