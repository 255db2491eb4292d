// Reads a saved JSON report back (for `golive report <file>` and `--baseline`). Tolerant of extra
// fields and of fields older writers left out, strict about what GUIDE §4 promises.
import { readRegularFile } from '../config/read.js';
import { z } from 'zod';
import { GoliveError, describeError } from '../errors.js';
import { baselineKey, type Baseline } from '../engine/waivers.js';
import { SECTIONS, SEVERITIES, STATUSES, VERDICTS, type CheckResult, type RunReport } from '../engine/types.js';
import { decideGate } from '../engine/gate.js';

const SUGGESTION = 'Pass a file written by `golive check --format json` (or the golive-report.json of --report-dir).';

// Objects are loose (extra keys kept, newer writers may add fields); anything the renderers need
// beyond the GUIDE §4 contract gets a neutral default instead of a rejection.
const evidence = z.record(z.string(), z.unknown());

const finding = z.looseObject({
  messageId: z.string().default('finding'),
  message: z.string(),
  severity: z.enum(SEVERITIES).optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  fingerprint: z.string().optional(),
  commit: z.string().optional(),
  evidence: evidence.optional(),
  waived: z.looseObject({ reason: z.string(), owner: z.string(), expires: z.string() }).optional(),
  baseline: z.boolean().optional(),
  suppressed: z.looseObject({ reason: z.string() }).optional(),
});

const check = z.looseObject({
  id: z.string().min(1),
  // A checklist section, or a plugin's own (its namespace).
  section: z.union([z.enum(SECTIONS), z.string().regex(/^[a-z0-9][a-z0-9-]*$/)]),
  sectionTitle: z.string().max(100).optional(),
  kind: z.enum(['static', 'network', 'manual']).default('static'),
  title: z.string(),
  status: z.enum(STATUSES),
  severity: z.enum([...SEVERITIES, 'off']),
  summary: z.string(),
  durationMs: z.number().nonnegative(),
  findings: z.array(finding),
  evidence: evidence.optional(),
  help: z.looseObject({ why: z.string().default(''), fix: z.string().default('') }).default({ why: '', fix: '' }),
  source: z.string().optional(),
});

const counts = z.looseObject(Object.fromEntries(STATUSES.map((s) => [s, z.number().int().nonnegative().default(0)])) as Record<(typeof STATUSES)[number], z.ZodDefault<z.ZodNumber>>);

const reportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('golive').default('golive'), version: z.string() }),
  target: z.looseObject({ dir: z.string().default(''), environment: z.enum(['live', 'test']).default('live') }).default({ dir: '', environment: 'live' }),
  startedAt: z.string().default(''),
  durationMs: z.number().nonnegative().default(0),
  options: z
    .looseObject({
      failOn: z.enum(SEVERITIES).default('error'),
      offline: z.boolean().default(false),
      history: z.boolean().default(false),
      historyRange: z.string().optional(),
      files: z.number().int().nonnegative().optional(),
      requireRehearsal: z.boolean().optional(),
      requireFirstWeek: z.boolean().optional(),
      only: z.array(z.string()).optional(),
      skip: z.array(z.string()).optional(),
      baseline: z.string().optional(),
    })
    .default({ failOn: 'error', offline: false, history: false }),
  summary: z.looseObject({
    gate: z.enum(['pass', 'fail']),
    verdict: z.enum(VERDICTS).optional(),
    counts,
    total: z.number().int().nonnegative().optional(),
  }),
  checks: z.array(check),
  waivers: z
    .array(
      z.looseObject({
        id: z.string(),
        fingerprint: z.string().optional(),
        path: z.string().optional(),
        reason: z.string(),
        owner: z.string(),
        expires: z.string(),
        state: z.enum(['active', 'expired', 'unused']),
        matched: z.number().int().nonnegative().default(0),
      }),
    )
    .default([]),
  notes: z.array(z.looseObject({ source: z.string(), message: z.string(), file: z.string().optional() })).default([]),
  setAside: z
    .array(z.looseObject({ file: z.string(), why: z.enum(['vendored', 'generated', 'minified']), rule: z.string(), holds: z.array(z.enum(['handler', 'call'])) }))
    .optional(),
});

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((p) => String(p)).join('.');
}

/**
 * The validated value with the key order of the file: zod emits schema keys first, but a report
 * re-rendered by `golive report` should come out as it went in. Defaults go after the originals.
 */
function inFileOrder(original: unknown, parsed: unknown): unknown {
  if (Array.isArray(original) && Array.isArray(parsed)) return parsed.map((v, i) => inFileOrder(original[i], v));
  if (!original || !parsed || typeof original !== 'object' || typeof parsed !== 'object' || Array.isArray(parsed)) return parsed;
  const src = original as Record<string, unknown>;
  const out = parsed as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of Object.keys(src)) if (k in out) ordered[k] = inFileOrder(src[k], out[k]);
  for (const k of Object.keys(out)) if (!(k in ordered)) ordered[k] = out[k];
  return ordered;
}

/** Validates parsed JSON as a RunReport; `label` names the source in the error. */
export function parseReport(value: unknown, label: string): RunReport {
  if (value && typeof value === 'object' && 'schemaVersion' in value && value.schemaVersion !== 1) {
    throw new GoliveError('REPORT_INVALID', `${label} has schemaVersion ${JSON.stringify(value.schemaVersion)}; this golive reads version 1`, {
      suggestion: 'Re-run `golive check --format json` with this version of golive.',
    });
  }
  const parsed = reportSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new GoliveError('REPORT_INVALID', `${label} is not a golive JSON report: ${issues[0]}${more}`, {
      suggestion: SUGGESTION,
      details: issues.slice(1, 10),
    });
  }
  const data = parsed.data;
  for (const c of data.checks) {
    // A finding without a severity takes its check's, as the runner would have given it.
    for (const f of c.findings) f.severity ??= c.severity === 'off' ? 'warning' : c.severity;
  }
  data.summary.total ??= data.checks.length;
  if (!data.summary.verdict) {
    // A report from before verdicts: derive the staged verdict from its checks, as the runner would.
    const o = data.options;
    Object.assign(data.summary, decideGate(data.checks as CheckResult[], {
      failOn: o.failOn,
      requireRehearsal: Boolean(o.requireRehearsal),
      requireFirstWeek: Boolean(o.requireFirstWeek),
      scoped: Boolean(o.offline || o.only?.length || o.skip?.length),
    }));
  }
  return inFileOrder(value, data) as RunReport;
}

export async function readReport(file: string): Promise<RunReport> {
  // A regular file only: a FIFO or a device would block or stream forever.
  const text = await readRegularFile(file, `report ${file}`, SUGGESTION);
  if (text === undefined) throw new GoliveError('IO', `cannot read report ${file}: no such file`, { suggestion: SUGGESTION });
  let value: unknown;
  try {
    // Some Windows shells write a byte-order mark in front of redirected output.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // Not the parser's message: it quotes the text around the error, which may hold a secret.
    const pos = /position (\d+)/.exec(describeError(e));
    throw new GoliveError('REPORT_INVALID', `${file} is not valid JSON${pos ? ` (at character ${pos[1]})` : ''}`, { suggestion: SUGGESTION });
  }
  return parseReport(value, file);
}

/** Every fingerprinted finding of a previous report, open or accepted, becomes known. */
export function baselineFromReport(report: RunReport, file: string): Baseline {
  const keys = new Set<string>();
  for (const c of report.checks) {
    for (const f of c.findings) if (f.fingerprint) keys.add(baselineKey(c.id, f.fingerprint));
  }
  return { file, keys };
}
