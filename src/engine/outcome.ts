// The one schema a check's result must satisfy, built-in or plugin. A malformed result (an unknown
// status, a fractional line, a severity the reports do not know) would otherwise crash a renderer
// or produce invalid SARIF; here it becomes one line naming the field and the value.
import { z } from 'zod';
import type { CheckOutcome } from './types.js';

// Any position a file can hold: a key after ten million lines, or deep in a 2 GB one-line log, keeps
// its place (a schema cap would turn the finding into an error and lose where the key is).
const position = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const findingSchema = z.strictObject({
  messageId: z.string().min(1).max(200),
  message: z.string().max(10_000),
  severity: z.enum(['error', 'warning']).optional(),
  file: z.string().min(1).max(4096).optional(),
  line: position.optional(),
  column: position.optional(),
  fingerprintOf: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
  commit: z.string().max(200).optional(),
  title: z.string().min(1).max(200).optional(),
});

export const outcomeSchema = z
  .strictObject({
    findings: z.array(findingSchema).max(100_000).optional(),
    status: z.enum(['skip', 'pending', 'error']).optional(),
    summary: z.string().max(10_000).optional(),
    evidence: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((o) => o.status !== 'skip' || !o.findings?.length, {
    message: 'a skipped check cannot report findings (return them without status, or status "error")',
    path: ['status'],
  });

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of p) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function pathText(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('') || '(result)';
}

/** The outcome, or a one-line reason naming the field and the value that broke the schema. */
export function parseOutcome(value: unknown): { ok: true; outcome: CheckOutcome } | { ok: false; reason: string } {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: `the check returned ${show(value)}, not a result object ({ findings, status, summary })` };
  }
  const r = outcomeSchema.safeParse(value);
  if (r.success) return { ok: true, outcome: r.data as CheckOutcome };
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    return { ok: false, reason: `the check returned an invalid result: ${pathText([...issue.path, issue.keys[0]!])} is not a known field` };
  }
  const where = pathText(issue.path);
  return { ok: false, reason: `the check returned an invalid result: ${where} = ${show(valueAt(value, issue.path))}: ${issue.message}` };
}
