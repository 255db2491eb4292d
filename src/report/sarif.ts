// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one rule per check, one result per
// finding of a judged check (accepted findings carry `suppressions`), erroring checks as tool
// notifications. Every result has a location with a region, relative to the repository root: a
// finding with no file of its own (a webhook probe, an API answer) points at the config line that
// sets the URL it is about, else the config file or a stable file at the target (line 1), with the
// URL in its message; a history finding at the line that added the key, in the commit named in its
// properties and in versionControlProvenance. No absolute path: %SRCROOT% is the checkout.
//
// One run per code-scanning category: the static checks (golive/<target>/), and each network check
// on its own (golive/<target>/network/<check id>/). Code scanning closes every alert of a category
// that the newest upload for it lacks, so a network check this run could not judge (the endpoint
// unreachable for a moment, keys not at hand, --offline, --only) leaves its run out: its category
// keeps its alerts as the last run that judged it left them, instead of closing them now and
// reopening them next time. A tool notification in the static run says which were left out.
import { verdictText } from './verdict.js';
import type { CheckResult, Finding, RepoContext, RunReport, Severity } from '../engine/types.js';
import { HOMEPAGE } from '../version.js';
import { openFindings } from './common.js';
import { riskOf, scoreFor } from './risk.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** No project site yet: the npm page is the stable public home of the package. */
export const INFORMATION_URI = 'https://www.npmjs.com/package/mintcash-golive';
export const FINGERPRINT_KEY = 'golive/v1';
export const SRCROOT = '%SRCROOT%';
/** Where a result lands when the report knows nothing about the repository (an old saved run). */
const LAST_RESORT = 'golive.config.json';

type Level = 'error' | 'warning' | 'note' | 'none';

/**
 * GitHub's critical/high/medium/low comes from `security-severity`, read only on rules tagged
 * `security`: the check's risk (src/report/risk.ts) at its configured severity. Reliability and
 * process checks carry no score; their level speaks for them. A check turned off has none.
 */
export function securitySeverity(r: Pick<CheckResult, 'id' | 'severity'>): string | undefined {
  if (r.severity === 'off' || riskOf(r.id).kind !== 'security') return undefined;
  return scoreFor(r.id, r.severity);
}

/** `credentials.no-secrets-in-source` → `CredentialsNoSecretsInSource` (SARIF's readable rule name). */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A relative URI reference for a repo path: forward slashes, each segment percent-encoded. */
export function fileUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** GitHub's heading anchor for a check id in docs/checks.md (`webhook.code-dedup` → `webhookcode-dedup`). */
export function docsAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

export function helpUri(r: Pick<CheckResult, 'id' | 'source'>): string | undefined {
  if (!r.source) return `${HOMEPAGE}/blob/main/docs/checks.md#${docsAnchor(r.id)}`;
  // A plugin from npm has a page there; a local file has no public home.
  return /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(r.source) ? `https://www.npmjs.com/package/${r.source}` : undefined;
}

function rule(r: CheckResult): Record<string, unknown> {
  const level: Level = r.severity === 'off' ? 'none' : r.severity;
  const sev = securitySeverity(r);
  const help = helpUri(r);
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.checkTitle ?? r.title },
    fullDescription: { text: r.help.why },
    ...(help ? { helpUri: help } : {}),
    help: { text: `${r.help.why}\n\nHow to fix: ${r.help.fix}`, markdown: `${r.help.why}\n\n**How to fix:** ${r.help.fix}` },
    defaultConfiguration: { level, ...(r.severity === 'off' ? { enabled: false } : {}) },
    properties: {
      tags: [riskOf(r.id).kind, r.section, ...(r.source ? ['plugin'] : [])],
      ...(sev ? { 'security-severity': sev } : {}),
      ...(r.source ? { source: r.source } : {}),
    },
  };
}

function suppressions(f: Finding): Array<{ kind: 'external' | 'inSource'; justification: string }> | undefined {
  // An inline golive-ignore lives in the file itself; waivers and baselines live outside it.
  if (f.suppressed) return [{ kind: 'inSource', justification: f.suppressed.reason }];
  if (f.waived) return [{ kind: 'external', justification: `waived by ${f.waived.owner} until ${f.waived.expires}: ${f.waived.reason}` }];
  if (f.baseline) return [{ kind: 'external', justification: 'present in the baseline report' }];
  return undefined;
}

/** The repository-relative place of a file named relative to the target. */
function inRepo(ctx: RepoContext | undefined, file: string): string {
  return fileUri(ctx?.path ? `${ctx.path}/${file}` : file);
}

/** The URL a check without files is about, for the message of a result placed elsewhere. */
export function urlOf(r: CheckResult, report: RunReport): string | undefined {
  const urls = report.target.urls;
  if (r.id === 'credentials.test-webhook-retired') return urls?.testWebhook;
  if (r.id === 'credentials.keys-verified') return urls?.api;
  return r.section === 'webhook' && r.kind === 'network' ? urls?.webhook : undefined;
}

export interface Place {
  uri: string;
  line: number;
  column?: number;
}

/** The config key a finding with no file is about: the line that sets it is where it is placed. */
function keyOf(r: CheckResult): 'webhook.url' | 'webhook.testUrl' | 'api.baseUrl' | undefined {
  if (r.id === 'credentials.test-webhook-retired') return 'webhook.testUrl';
  if (r.id === 'credentials.keys-verified') return 'api.baseUrl';
  return r.section === 'webhook' && r.kind === 'network' ? 'webhook.url' : undefined;
}

/**
 * Where a finding lands in the repository: its own file and line (line 1 for a file without lines,
 * a binary one), else the config line that sets what it is about, else line 1 of the config file
 * or of a stable file at the target.
 */
export function placeOf(r: CheckResult, f: Finding, report: RunReport): Place {
  const ctx = report.target.repo;
  if (f.file) return { uri: inRepo(ctx, f.file), line: f.line !== undefined && f.line >= 1 ? f.line : 1, ...(f.line !== undefined && f.column !== undefined && f.column >= 1 ? { column: f.column } : {}) };
  const config = ctx?.configFile && !ctx.configFile.startsWith('../') && !ctx.configFile.startsWith('/') ? ctx.configFile : undefined;
  if (config) {
    const key = keyOf(r);
    const line = key ? (ctx?.keyLines?.[key] ?? (key === 'webhook.url' ? ctx?.webhookUrlLine : undefined)) : undefined;
    return { uri: fileUri(config), line: line ?? 1 };
  }
  return { uri: fileUri(ctx?.anchor ?? inRepo(ctx, LAST_RESORT)), line: 1 };
}

function result(r: CheckResult, ruleIndex: number, f: Finding, report: RunReport, withBaseline: boolean): Record<string, unknown> {
  const place = placeOf(r, f, report);
  const url = f.file ? undefined : urlOf(r, report);
  const text = url && !f.message.includes(url) ? `${f.message} (${url})` : f.message;
  const region = { startLine: place.line, ...(place.column !== undefined ? { startColumn: place.column } : {}) };
  const out: Record<string, unknown> = {
    ruleId: r.id,
    ruleIndex,
    level: f.severity,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri: place.uri, uriBaseId: SRCROOT }, region } }],
  };
  if (f.fingerprint) out.partialFingerprints = { [FINGERPRINT_KEY]: f.fingerprint };
  const fixes = sarifFixes(f, report);
  if (fixes.length > 0) out.fixes = fixes;
  const sup = suppressions(f);
  if (sup) out.suppressions = sup;
  if (withBaseline) out.baselineState = f.baseline ? 'unchanged' : 'new';
  const sev = riskOf(r.id).kind === 'security' ? scoreFor(r.id, f.severity as Severity) : undefined;
  out.properties = {
    messageId: f.messageId,
    ...(f.file ? {} : { placed: 'no file of its own' }),
    ...(sev ? { 'security-severity': sev } : {}),
    // A history finding: the region is in this commit's version of the file (which HEAD may no longer have).
    ...(f.commit ? { commit: f.commit, ...(f.file ? { locatedIn: 'commit' } : {}) } : {}),
    ...(f.evidence ? { evidence: f.evidence } : {}),
  };
  return out;
}

/**
 * `golive fix`'s span edits as SARIF fixes: one per safe fix or suggestion, each with the
 * replacements of every file it changes (an empty deleted region is an insertion). Text
 * suggestions and templates change no file golive could describe, so they are not fixes here.
 */
function sarifFixes(f: Finding, report: RunReport): Record<string, unknown>[] {
  return (f.fixes ?? [])
    .filter((x) => x.changes && x.changes.length > 0)
    .map((x) => ({
      description: { text: `${x.tier === 'safe' ? 'Safe fix' : 'Suggestion'} (golive fix): ${x.title}` },
      artifactChanges: x.changes!.map((c) => ({
        artifactLocation: { uri: inRepo(report.target.repo, c.file), uriBaseId: SRCROOT },
        replacements: c.replacements.map((r) => ({
          deletedRegion: { startLine: r.startLine, startColumn: r.startColumn, endLine: r.endLine, endColumn: r.endColumn },
          ...(r.text ? { insertedContent: { text: r.text } } : {}),
        })),
      })),
    }));
}

/**
 * The network checks this run did not judge, by id: left out by --only/--skip, skipped (--offline),
 * pending, erroring, or judged against an endpoint that could not be reached (a blip is no verdict).
 */
export function networkNotJudged(report: RunReport): string[] {
  const unjudged = report.checks.filter(
    (c) => c.kind === 'network' && c.severity !== 'off' && (!['pass', 'warn', 'fail'].includes(c.status) || c.findings.some((f) => f.messageId === 'unreachable')),
  );
  // The retired test URL counts as gone when it does not answer: on the endpoint's own host, while
  // the endpoint did not answer either, that is the same outage, not a retirement.
  const host = (u: string | undefined) => (u ? URL.parse(u)?.host : undefined);
  const { webhook, testWebhook } = report.target.urls ?? {};
  const down = unjudged.some((c) => c.findings.some((f) => f.messageId === 'unreachable'));
  const retired = report.checks.find((c) => c.id === 'credentials.test-webhook-retired');
  if (down && retired && host(webhook) !== undefined && host(webhook) === host(testWebhook)) unjudged.push(retired);
  return [...new Set([...(report.summary.networkNotSelected ?? []), ...unjudged.map((c) => c.id)])];
}

/** Commits that history findings were added in, newest first as found: versionControlProvenance entries. */
function provenance(report: RunReport, results: CheckResult[]): Array<Record<string, unknown>> {
  const ctx = report.target.repo;
  if (!ctx?.repositoryUri) return [];
  const commits = [...new Set(results.flatMap((r) => r.findings.filter((f) => f.commit && f.file).map((f) => f.commit!)))].filter((c) => c !== ctx.head);
  return [
    ...(ctx.head ? [{ repositoryUri: ctx.repositoryUri, revisionId: ctx.head, mappedTo: { uriBaseId: SRCROOT } }] : []),
    // Scanned too (--history): each commit a history finding points into.
    ...commits.map((c) => ({ repositoryUri: ctx.repositoryUri, revisionId: c, properties: { scanned: 'git history: a finding\'s key was added in this commit' } })),
  ];
}

function buildRun(report: RunReport, checks: CheckResult[], category: string, extraNotifications: Array<Record<string, unknown>>, withRunProperties: boolean): Record<string, unknown> {
  const withBaseline = report.options.baseline !== undefined;
  const results: Array<Record<string, unknown>> = [];
  const notifications: Array<Record<string, unknown>> = [];
  checks.forEach((r, i) => {
    if (r.status === 'error') {
      notifications.push({ level: 'error', message: { text: `${r.id}: ${r.summary}` }, associatedRule: { id: r.id, index: i } });
      return;
    }
    // Skipped and pending checks were not judged; a passing one may still hold accepted findings.
    if (r.status !== 'fail' && r.status !== 'warn' && r.status !== 'pass') return;
    const open = new Set(openFindings(r.findings));
    for (const f of r.findings) {
      if (open.has(f) || suppressions(f)) results.push(result(r, i, f, report, withBaseline));
    }
  });
  // Files the code checks set aside as not the merchant's: named, with why, where a reader looks.
  const aside = withRunProperties
    ? (report.setAside ?? []).map((f) => ({
        level: 'note',
        message: { text: `set aside for code checks as not your code: ${f.rule}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: inRepo(report.target.repo, f.file), uriBaseId: SRCROOT }, region: { startLine: 1 } } }],
      }))
    : [];
  const vcs = provenance(report, checks);
  const verdict = verdictText(report);
  const target = report.target.repo?.path ?? '';
  return {
    tool: {
      driver: {
        name: 'golive',
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules: checks.map(rule),
      },
    },
    automationDetails: { id: category },
    // The checkout, wherever it is: no absolute path leaves golive.
    originalUriBaseIds: { [SRCROOT]: { description: { text: 'The repository root (git top level).' } } },
    ...(vcs.length > 0 ? { versionControlProvenance: vcs } : {}),
    invocations: [
      {
        executionSuccessful: [...notifications, ...extraNotifications].every((n) => n.level !== 'error'),
        ...(notifications.length + extraNotifications.length > 0 ? { toolExecutionNotifications: [...notifications, ...extraNotifications] } : {}),
        ...(aside.length > 0 ? { toolConfigurationNotifications: aside } : {}),
      },
    ],
    results,
    properties: withRunProperties
      ? {
          gate: report.summary.gate,
          verdict: report.summary.verdict,
          verdictText: verdict.headline,
          ...(verdict.details.length > 0 ? { verdictDetails: verdict.details } : {}),
          ...(report.target.policy ? { policy: report.target.policy } : {}),
          ...(report.summary.off.length > 0 ? { off: report.summary.off } : {}),
          ...(report.summary.notProven?.length ? { notProven: report.summary.notProven } : {}),
          ...(report.summary.notApplicable?.length ? { notApplicable: report.summary.notApplicable } : {}),
          proven: report.summary.proven,
          inScope: report.summary.inScope,
          counts: report.summary.counts,
          environment: report.target.environment,
          target: target || '.',
          checks: 'static',
          ...(report.setAside?.length ? { setAside: report.setAside } : {}),
        }
      : { checks: 'network', target: target || '.' },
  };
}

/** GitHub takes at most 20 runs per upload: the static run and 19 for network checks. */
const MAX_NETWORK_RUNS = 19;

export function buildSarif(report: RunReport): Record<string, unknown> {
  const target = report.target.repo?.path ?? '';
  // One category per target folder (two golive runs in one workflow keep their own alerts), and
  // within it one for the static checks and one per network check (see the header).
  const category = `golive/${target ? `${target}/` : ''}`;
  const network = report.checks.filter((c) => c.kind === 'network');
  const unjudged = networkNotJudged(report);
  // Past the limit (many plugin network checks), the rest share one category, judged only together.
  const groups: Array<{ id: string; checks: CheckResult[] }> = network.slice(0, MAX_NETWORK_RUNS - 1).map((c) => ({ id: `${category}network/${c.id}/`, checks: [c] }));
  if (network.length >= MAX_NETWORK_RUNS) {
    const rest = network.slice(MAX_NETWORK_RUNS - 1);
    groups.push(rest.length === 1 ? { id: `${category}network/${rest[0]!.id}/`, checks: rest } : { id: `${category}network/more/`, checks: rest });
  }
  const judged = groups.filter((g) => g.checks.every((c) => !unjudged.includes(c.id)));
  // The network runs left out: each network check that could not run, and why, in the static run.
  const held = unjudged.length > 0
    ? [
        ...network.filter((c) => c.status === 'error').map((c) => ({ level: 'error', message: { text: `${c.id}: ${c.summary}` } })),
        { level: 'warning', message: { text: `Network checks not judged in this run (${unjudged.join(', ')}): their categories (${category}network/<check id>/) are left out, so code scanning keeps their alerts as the last run that judged them left them.` } },
      ]
    : [];
  const runs = [buildRun(report, report.checks.filter((c) => c.kind !== 'network'), category, held, true), ...judged.map((g) => buildRun(report, g.checks, g.id, [], false))];
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}

export function renderSarif(report: RunReport): string {
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}
