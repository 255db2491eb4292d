// `monitor.*` in golive.config: where the inputs are and the thresholds of the four metrics. Every
// key is optional; the defaults are suggestions to tune (MintCash publishes no thresholds,
// API-FACTS §20 q21), with minimum sample sizes so one failure in three events pages nobody.
import { z } from 'zod';

const paths = z.array(z.string().min(1).max(4096)).max(100);
const fieldList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)]);
const rate = z.number().min(0).max(1);
const regexString = z.string().min(1).max(500).superRefine((s, ctx) => {
  try {
    new RegExp(s, 'i');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${e instanceof Error ? e.message : String(e)})` });
  }
});

export const DEFAULT_DRIFT_CODES = ['auth', 'permission', 'forbidden', 'credential', 'invalid_arg', 'invalid_request', 'invalid_merchant', 'not_configured', 'misconfig', 'api_key', 'merchant_inactive'];

export const monitorSchema = z.strictObject({
  /** Access log files or globs of the webhook receiver (rotated .gz too). */
  accessLog: paths.optional(),
  /** `auto`, `combined`, `alb`, `json`, `recommended`, or an nginx log_format string. */
  accessLogFormat: z.string().min(1).max(4096).default('auto'),
  /** The webhook path(s) MintCash posts to (default: the path of webhook.url). */
  webhookPath: z.array(z.string().regex(/^\//, 'expected a path starting with /')).max(20).optional(),
  appLog: paths.optional(),
  /** Where facts sit in app log lines: dotted paths, first match wins (defaults fit pino-http). */
  appLogFields: z.record(z.string(), fieldList).optional(),
  /** An app log line at warn or above whose message matches this is a MintCash error even without a MintCash code. */
  mintcashErrorPattern: regexString.default('mintcash'),
  events: paths.optional(),
  subscriptions: paths.optional(),
  delivery: z
    .strictObject({
      minAttemptRate: rate.default(0.99),
      minEventualRate: rate.default(0.999),
      minAttempts: z.number().int().min(1).default(50),
      minEvents: z.number().int().min(1).default(50),
      persistentAfterMinutes: z.number().min(1).default(60),
      lostAfterHours: z.number().min(1).default(24),
      promptAckMs: z.number().int().min(1).default(2000),
      budgetMs: z.number().int().min(1).default(10000),
    })
    .prefault({}),
  failures: z
    .strictObject({
      /** Substrings (regular expressions) of failureCodes that mean configuration drift: flagged on first sight. */
      driftCodes: z.array(regexString).max(100).default(DEFAULT_DRIFT_CODES),
      spikeFactor: z.number().min(1).default(3),
      spikeMinCount: z.number().int().min(1).default(5),
      spikeMinRate: rate.default(0.05),
      baselineHours: z.number().int().min(1).max(24 * 14).default(24),
    })
    .prefault({}),
  churn: z
    .strictObject({
      maxChurnRate: rate.default(0.2),
      minCohort: z.number().int().min(1).default(5),
    })
    .prefault({}),
  requestId: z.strictObject({ maxMissing: z.number().int().min(0).default(0) }).prefault({}),
  reconcile: z
    .strictObject({
      ratePerSecond: z.number().min(0.1).max(50).default(5),
      maxObjects: z.number().int().min(1).max(100_000).default(500),
    })
    .prefault({}),
});

export type MonitorConfig = z.infer<typeof monitorSchema>;

export function defaultMonitorConfig(): MonitorConfig {
  return monitorSchema.parse({});
}
