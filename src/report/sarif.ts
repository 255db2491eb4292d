// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one rule per check, one result per
// finding of a judged check (accepted findings carry `suppressions`), erroring checks as tool
// notifications. Every result has a location, relative to the repository root: a finding with no
// file of its own (a webhook probe, an API answer) points at the config line that sets the URL,
// the config file, or a stable file at the target, with the URL in its message.
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
  line?: number;
  column?: number;
}

export function placeOf(r: CheckResult, f: Finding, report: RunReport): Place {
  const ctx = report.target.repo;
  if (f.file) return { uri: inRepo(ctx, f.file), ...(f.line !== undefined ? { line: f.line } : {}), ...(f.column !== undefined ? { column: f.column } : {}) };
  const config = ctx?.configFile && !ctx.configFile.startsWith('../') && !ctx.configFile.startsWith('/') ? ctx.configFile : undefined;
  const aboutWebhook = r.section === 'webhook' && r.kind === 'network';
  if (config) return { uri: fileUri(config), ...(aboutWebhook && ctx?.webhookUrlLine ? { line: ctx.webhookUrlLine } : {}) };
  return { uri: fileUri(ctx?.anchor ?? inRepo(ctx, LAST_RESORT)) };
}

function result(r: CheckResult, ruleIndex: number, f: Finding, report: RunReport, withBaseline: boolean): Record<string, unknown> {
  const place = placeOf(r, f, report);
  const url = f.file ? undefined : urlOf(r, report);
  const text = url && !f.message.includes(url) ? `${f.message} (${url})` : f.message;
  const region = place.line !== undefined && place.line >= 1 ? { region: { startLine: place.line, ...(place.column !== undefined && place.column >= 1 ? { startColumn: place.column } : {}) } } : {};
  const out: Record<string, unknown> = {
    ruleId: r.id,
    ruleIndex,
    level: f.severity,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri: place.uri, uriBaseId: SRCROOT }, ...region } }],
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
    ...(f.commit ? { commit: f.commit } : {}),
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

/** The repository root as an absolute file URI ending in `/`, when the report knows it. */
function rootUri(report: RunReport): string | undefined {
  const dir = report.target.dir.replace(/\\/g, '/').replace(/\/+$/, '');
  const sub = report.target.repo?.path ?? '';
  if (!dir.startsWith('/') && !/^[A-Za-z]:\//.test(dir)) return undefined;
  if (sub && !dir.endsWith(`/${sub}`)) return undefined;
  const root = sub ? dir.slice(0, dir.length - sub.length - 1) : dir;
  const encoded = root.split('/').map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg))).join('/');
  return `file://${encoded.startsWith('/') ? '' : '/'}${encoded}/`;
}

export function buildSarif(report: RunReport): Record<string, unknown> {
  const withBaseline = report.options.baseline !== undefined;
  const results: Array<Record<string, unknown>> = [];
  const notifications: Array<Record<string, unknown>> = [];
  report.checks.forEach((r, i) => {
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
  const root = rootUri(report);
  const target = report.target.repo?.path ?? '';
  // Files the code checks set aside as not the merchant's: named, with why, where a reader looks.
  const aside = (report.setAside ?? []).map((f) => ({
    level: 'note',
    message: { text: `set aside for code checks as not your code: ${f.rule}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: inRepo(report.target.repo, f.file), uriBaseId: SRCROOT } } }],
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'golive',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFORMATION_URI,
            rules: report.checks.map(rule),
          },
        },
        // One category per target folder: two golive runs in one workflow keep their own alerts.
        automationDetails: { id: `golive/${target ? `${target}/` : ''}` },
        originalUriBaseIds: { [SRCROOT]: { ...(root ? { uri: root } : {}), description: { text: 'The repository root (git top level).' } } },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
            ...(aside.length > 0 ? { toolConfigurationNotifications: aside } : {}),
          },
        ],
        results,
        properties: {
          gate: report.summary.gate,
          verdict: report.summary.verdict,
          verdictText: verdictText(report).headline,
          ...(verdictText(report).details.length > 0 ? { verdictDetails: verdictText(report).details } : {}),
          ...(report.target.policy ? { policy: report.target.policy } : {}),
          ...(report.summary.off.length > 0 ? { off: report.summary.off } : {}),
          ...(report.summary.notProven?.length ? { notProven: report.summary.notProven } : {}),
          ...(report.summary.notApplicable?.length ? { notApplicable: report.summary.notApplicable } : {}),
          proven: report.summary.proven,
          inScope: report.summary.inScope,
          counts: report.summary.counts,
          environment: report.target.environment,
          target: target || '.',
          ...(report.setAside?.length ? { setAside: report.setAside } : {}),
        },
      },
    ],
  };
}

export function renderSarif(report: RunReport): string {
  return `${JSON.stringify(buildSarif(report), null, 2)}\n`;
}
