// SARIF 2.1.0 for code-scanning uploads: one rule per check, one result per finding of a judged
// check (accepted findings carry `suppressions`), erroring checks as tool notifications.
import { verdictText } from './verdict.js';
import { redactDeep, redactText } from '../engine/mask.js';
import type { CheckResult, Finding, RunReport } from '../engine/types.js';
import { openFindings } from './common.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** No project site yet: the npm page is the stable public home of the package. */
export const INFORMATION_URI = 'https://www.npmjs.com/package/mintcash-golive';
export const FINGERPRINT_KEY = 'golive/v1';

type Level = 'error' | 'warning' | 'note' | 'none';

/**
 * `security-severity` drives GitHub's critical/high/medium/low: leaked or wrong credentials mean
 * direct money loss (critical, 9.0); any other blocking check is high (7.5); a warning is medium
 * (4.0). A check turned off gets level "none" and no score.
 */
export function securitySeverity(r: Pick<CheckResult, 'section' | 'severity'>): string | undefined {
  if (r.severity === 'off') return undefined;
  if (r.severity === 'warning') return '4.0';
  return r.section === 'credentials' ? '9.0' : '7.5';
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
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function rule(r: CheckResult): Record<string, unknown> {
  const level: Level = r.severity === 'off' ? 'none' : r.severity;
  const sev = securitySeverity(r);
  return {
    id: r.id,
    name: ruleName(r.id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.help.why },
    help: { text: `${r.help.why}\n\nHow to fix: ${r.help.fix}`, markdown: `${r.help.why}\n\n**How to fix:** ${r.help.fix}` },
    defaultConfiguration: { level, ...(r.severity === 'off' ? { enabled: false } : {}) },
    // "security" lets GitHub file these as security alerts and honour security-severity.
    properties: {
      tags: ['security', r.section, ...(r.source ? ['plugin'] : [])],
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

function result(r: CheckResult, ruleIndex: number, f: Finding, withBaseline: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ruleId: r.id, ruleIndex, level: f.severity, message: { text: f.message } };
  // Findings with no file (e.g. an API answer) have no location; code scanning lists them as-is.
  if (f.file) {
    const region =
      f.line !== undefined && f.line >= 1
        ? { region: { startLine: f.line, ...(f.column !== undefined && f.column >= 1 ? { startColumn: f.column } : {}) } }
        : {};
    out.locations = [{ physicalLocation: { artifactLocation: { uri: fileUri(f.file), uriBaseId: '%SRCROOT%' }, ...region } }];
  }
  if (f.fingerprint) out.partialFingerprints = { [FINGERPRINT_KEY]: f.fingerprint };
  const sup = suppressions(f);
  if (sup) out.suppressions = sup;
  if (withBaseline) out.baselineState = f.baseline ? 'unchanged' : 'new';
  out.properties = {
    messageId: f.messageId,
    ...(f.commit ? { commit: f.commit } : {}),
    ...(f.evidence ? { evidence: f.evidence } : {}),
  };
  return out;
}

export function buildSarif(input: RunReport): Record<string, unknown> {
  const report = redactDeep(input);
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
      if (open.has(f) || suppressions(f)) results.push(result(r, i, f, withBaseline));
    }
  });
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
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        properties: {
          gate: report.summary.gate,
          verdict: report.summary.verdict,
          verdictText: verdictText(report).headline,
          proven: report.summary.proven,
          inScope: report.summary.inScope,
          counts: report.summary.counts,
          environment: report.target.environment,
        },
      },
    ],
  };
}

export function renderSarif(report: RunReport): string {
  return redactText(`${JSON.stringify(buildSarif(report), null, 2)}\n`);
}
