// The strict golive config schema (GUIDE §4). Unknown keys are errors with their path.
import picomatch from 'picomatch';
import { z } from 'zod';
import { monitorSchema } from '../monitor/config.js';

const severitySetting = z.enum(['off', 'warning', 'error']);

/** Test code by each language's convention: the code checks judge production code only. */
export const DEFAULT_TEST_FILES = [
  '**/test/**', '**/tests/**', '**/Tests/**', '**/__tests__/**', '**/spec/**', '**/testdata/**',
  '**/fixtures/**', '**/__fixtures__/**', '**/__mocks__/**',
  '**/*.test.*', '**/*.spec.*', '**/*_spec.rb', '**/*_test.go', '**/test_*.py', '**/*_test.py', '**/conftest.py',
  '**/*Test.java', '**/*Tests.java', '**/*Test.php',
] as const;

/** A real calendar date (2026-02-30 is refused, not rolled over to March), optionally with a time. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(s);
  if (!m || Number.isNaN(Date.parse(s))) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

const isoDate = z.string().refine(isCalendarDate, { message: 'expected a real calendar date like 2026-12-31' });

/** A glob compiled now, so a broken one is a config error naming its path, not a silent non-match. */
const glob = z
  .string()
  .min(1)
  .max(1000)
  .superRefine((g, ctx) => {
    try {
      picomatch.makeRe(g, { strictBrackets: true, dot: true });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid glob (${e instanceof Error ? e.message : String(e)})` });
    }
  });

export const waiverSchema = z
  .strictObject({
    id: z.string().min(1),
    fingerprint: z.string().min(1).optional(),
    path: glob.optional(),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: isoDate,
  });

/** A URL prefix a plugin may have golive fetch (HTTPS only, no credentials). */
const httpsPrefix = z
  .string()
  .max(2048)
  .superRefine((s, ctx) => {
    let u: URL | undefined;
    try {
      u = new URL(s);
    } catch {
      u = undefined;
    }
    if (u?.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'expected an https:// URL prefix (golive fetches for plugins over HTTPS only)' });
    else if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
  });

/**
 * One `plugins` entry: a path or package name, or an object naming it with its options and the
 * capabilities the policy grants it (what it may read beyond the repository, which hosts it may
 * fetch). Agreed with the plugin sandbox; the whole entry is policy, compared as a whole.
 */
export const pluginEntrySchema = z.union([
  z.string().min(1).max(4096),
  z.strictObject({
    use: z.string().min(1).max(4096),
    options: z.record(z.string(), z.unknown()).optional(),
    grants: z
      .strictObject({
        reads: z.array(glob).max(100).optional(),
        fetches: z.array(httpsPrefix).max(100).optional(),
      })
      .optional(),
  }),
]);

/** A checklist item the trusted policy says does not apply, with why (listed under the verdict). */
export const notApplicableSchema = z.strictObject({
  id: z.string().min(1),
  reason: z.string().trim().min(1, 'say why the item does not apply').max(500),
});

const TOKEN_PARAM = /^(token|access_token|auth|key|api_key|apikey|secret|password|passwd|sig|signature)$/i;

/** Why a URL must not go into a committed config, or undefined when it is fine. */
export function urlCredentialProblem(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (u.username || u.password) return 'must not contain a user name or password (the config is committed; keep credentials out of URLs)';
  for (const k of u.searchParams.keys()) if (TOKEN_PARAM.test(k)) return `must not carry a "${k}" parameter (a token in a committed config leaks with the repository)`;
  return undefined;
}

const httpUrl = z
  .string()
  .max(2048)
  .superRefine((s, ctx) => {
    let ok = false;
    try {
      const u = new URL(s);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL' });
    const cred = ok ? urlCredentialProblem(s) : undefined;
    if (cred) ctx.addIssue({ code: 'custom', message: cred });
  });

export const probesSchema = z.strictObject({
  /** How many signed probes the latency check sends. */
  count: z.number().int().min(1).max(50).default(5),
  /** Per-probe time limit; above MintCash's 10 s budget so a slow endpoint is measured. */
  timeoutMs: z.number().int().min(1000).max(60000).default(15000),
  /** p95 above this is a warning: MintCash wants a prompt 2xx. */
  promptAckMs: z.number().int().min(1).max(10000).default(2000),
  /** Warn when the certificate expires within this many days. */
  certExpiryWarnDays: z.number().int().min(0).max(365).default(21),
  /** Fail when the certificate expires within this many days: the launch would outlive it. */
  certExpiryFailDays: z.number().int().min(0).max(365).default(7),
  /** Probes in flight at once. */
  concurrency: z.number().int().min(1).max(8).default(2),
  /** MintCash's delivery budget: slower answers count as timeouts and are retried (API-FACTS §10). */
  budgetMs: z.number().int().min(1).max(60000).default(10000),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  environment: z.enum(['live', 'test']).default('live'),
  webhook: z
    .strictObject({
      url: httpUrl.optional(),
      testUrl: httpUrl.optional(),
      allowPrivateNetwork: z.boolean().default(false),
      probes: probesSchema.default(probesSchema.parse({})),
    })
    .default({ allowPrivateNetwork: false, probes: probesSchema.parse({}) }),
  api: z
    .strictObject({
      baseUrl: httpUrl.default('https://api.mintcash.me'),
    })
    .default({ baseUrl: 'https://api.mintcash.me' }),
  env: z
    .strictObject({
      publicKey: z.string().min(1).default('MINTCASH_PUBLIC_KEY'),
      secretKey: z.string().min(1).default('MINTCASH_SECRET_KEY'),
      webhookSecret: z.string().min(1).default('MINTCASH_WEBHOOK_SECRET'),
    })
    .default({
      publicKey: 'MINTCASH_PUBLIC_KEY',
      secretKey: 'MINTCASH_SECRET_KEY',
      webhookSecret: 'MINTCASH_WEBHOOK_SECRET',
    }),
  /** Globs of files that end up in production (rendered env files, deploy manifests). */
  productionConfig: z
    .array(glob)
    .max(1000)
    .default([
      '.env.production',
      '.env.prod',
      '.env.live',
      '**/.env.production',
      'config/production.{json,yaml,yml,js,ts,toml}',
      'config/prod.{json,yaml,yml,js,ts,toml}',
      '**/*.prod.{json,yaml,yml}',
      '**/*.production.{json,yaml,yml}',
    ]),
  /** Globs of files golive never reads. */
  ignore: z.array(glob).max(1000).default([]),
  /** Globs of vendored code (on top of GitHub Linguist's rules); code checks skip it, the secret scan still reads it. */
  vendored: z.array(glob).max(1000).default([]),
  /** Globs of generated code (on top of Linguist's rules and .gitattributes); code checks skip it. */
  generated: z.array(glob).max(1000).default([]),
  /**
   * Globs of test files; static code checks skip them. The default follows each language's own
   * convention (RSpec, Go, pytest, Jest/Vitest, JUnit, PHPUnit, XCTest); setting it replaces it.
   */
  testFiles: z
    .array(glob)
    .max(1000)
    .default([...DEFAULT_TEST_FILES]),
  /** Local files (JS/TS) or installed npm packages that export extra checks, with their options and grants. */
  plugins: z.array(pluginEntrySchema).max(100).default([]),
  checks: z.record(z.string(), severitySetting).default({}),
  waivers: z.array(waiverSchema).default([]),
  /** Items that do not apply to this merchant (no subscriptions: renewal, cancel), each with a reason. */
  notApplicable: z.array(notApplicableSchema).max(200).default([]),
  /** `golive rehearse` settings; amounts are integer minor units (100 = 1.00 USD). */
  rehearsal: z
    .strictObject({
      amountCap: z.number().int().min(1).max(100_000).optional(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code like USD').optional(),
      subscriptionPlan: z
        .strictObject({ amount: z.number().int().min(1).max(100_000).optional(), billingIntervalDays: z.number().int().min(1).max(365).optional() })
        .optional(),
      returnUrl: httpUrl.optional(),
      /** The operator's Ed25519 private key (created on first use, 0600); outside the repository. */
      keyFile: z.string().min(1).optional(),
      /** Public keys whose sign-offs are accepted (base64 SPKI, as `golive rehearse` prints it). */
      signers: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            publicKey: z.string().regex(/^[A-Za-z0-9+/]{40,}={0,2}$/, 'expected the base64 public key golive prints for the signer'),
          }),
        )
        .optional(),
      /** `--require-rehearsal` accepts only sign-offs whose charge MintCash created within this many days. */
      maxAgeDays: z.number().int().min(1).max(3650).optional(),
      /** Binds sign-offs to this merchant (with the repository's origin remote and the live key). */
      merchantId: z.string().min(1).max(200).optional(),
      /** Policy: a live sign-off whose answers came from a file (`--answers`) counts. Off by default: a person attests. */
      allowScripted: z.boolean().optional(),
    })
    .optional(),
  /** `golive monitor`: first-week inputs and thresholds (src/monitor/config.ts). */
  monitor: monitorSchema.optional(),
});

export type GoliveConfig = z.infer<typeof configSchema>;
export type WaiverConfig = z.infer<typeof waiverSchema>;
export type PluginEntry = z.infer<typeof pluginEntrySchema>;
export type NotApplicable = z.infer<typeof notApplicableSchema>;

/** The package or path a plugin entry names. */
export function pluginSpec(entry: PluginEntry): string {
  return typeof entry === 'string' ? entry : entry.use;
}
export type SeveritySetting = z.infer<typeof severitySetting>;
