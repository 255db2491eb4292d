// The JSON Schema of golive.config.json, generated from the zod schema (zod 4's toJSONSchema), so
// editors complete and check the config (`$schema`, which `golive init` writes). The generated file
// is schema/golive.config.schema.json, shipped in the package and kept in step by
// test/docs/config-schema.test.ts. What zod checks in code (real calendar dates, globs that
// compile, URLs without credentials) stays golive's own job: the schema is the editor's help.
import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where the schema lives in the package, relative to its root. */
export const CONFIG_SCHEMA_FILE = 'schema/golive.config.schema.json';

/** Hover text for editors, by property path; a key without one simply has none. */
const DESCRIPTIONS: Record<string, string> = {
  $schema: 'The JSON Schema of this file, for editor completion (golive init writes it).',
  environment: 'The environment the deployment targets: live (production) or test (sandbox).',
  webhook: 'The deployed webhook endpoint golive probes.',
  'webhook.url': 'The live webhook URL, as registered with your account manager (--webhook-url overrides it).',
  'webhook.testUrl': 'The old test-mode webhook URL that must be retired.',
  'webhook.allowPrivateNetwork': 'Accept loopback and private addresses (staging, the emulator).',
  'webhook.probes': 'How the endpoint is probed: count, time limits, budgets, certificate windows, concurrency.',
  'webhook.probes.count': 'Signed probes the latency check sends.',
  'webhook.probes.timeoutMs': 'Time limit per probe, in ms.',
  'webhook.probes.promptAckMs': 'A p95 above this (ms) is a warning: MintCash wants a prompt 2xx.',
  'webhook.probes.certExpiryWarnDays': 'Warn when the certificate expires within this many days.',
  'webhook.probes.certExpiryFailDays': 'Fail when the certificate expires within this many days.',
  'webhook.probes.concurrency': 'Probes in flight at once.',
  'webhook.probes.budgetMs': "MintCash's delivery budget in ms: slower answers count as timeouts.",
  api: 'The MintCash API.',
  'api.baseUrl': 'MintCash API base URL (sandbox: https://sandbox.mintcash.me). Live keys go only to the live API.',
  env: 'Names of the environment variables holding the keys (secrets never go in this file).',
  'env.publicKey': 'Variable holding the public key (pk_live_…).',
  'env.secretKey': 'Variable holding the secret key (sk_live_…).',
  'env.webhookSecret': 'Variable holding the webhook signing secret.',
  productionConfig: 'Globs of files that end up in production (rendered env files, deploy manifests).',
  ignore: 'Globs golive never reads.',
  vendored: 'Globs of vendored code the code checks leave alone (the secret scan still reads them).',
  generated: 'Globs of generated code the code checks leave alone (the secret scan still reads them).',
  testFiles: 'Globs of test files the code checks leave alone.',
  plugins: 'Local files (JS/TS) or installed npm packages with extra checks: a path or package name, or { use, options, grants }.',
  'plugins.use': 'The plugin: a local file (relative to this config) or an installed npm package.',
  'plugins.options': "Options passed to the plugin, checked against the plugin's own schema.",
  'plugins.grants': 'What the plugin may use beyond the evidence golive hands it (the trusted policy grants it).',
  'plugins.grants.reads': 'Globs of repository files the plugin may read.',
  'plugins.grants.fetches': 'HTTPS URL prefixes golive may fetch for the plugin.',
  checks: 'Per-check setting: "off", "warning" or "error" (golive list shows every id).',
  waivers: 'Accepted findings: each shows in every report with its reason, owner and expiry.',
  'waivers.id': 'The check id the waiver applies to.',
  'waivers.fingerprint': 'The finding fingerprint (from any report).',
  'waivers.path': 'A glob of files whose findings are waived.',
  'waivers.reason': 'Why the finding is accepted.',
  'waivers.owner': 'Who owns the decision.',
  'waivers.expires': 'When the waiver stops applying (YYYY-MM-DD).',
  notApplicable: 'Checklist items that do not apply to this merchant, each with a reason (only the trusted policy can set them).',
  'notApplicable.id': 'The check id that does not apply.',
  'notApplicable.reason': 'Why it does not apply (shown under the verdict).',
  rehearsal: '`golive rehearse` settings; amounts are integer minor units (100 = 1.00 USD).',
  'rehearsal.amountCap': 'The largest amount a rehearsal may charge, in minor units.',
  'rehearsal.currency': 'ISO 4217 currency code, e.g. USD.',
  'rehearsal.subscriptionPlan': 'The subscription the rehearsal creates.',
  'rehearsal.subscriptionPlan.amount': 'Subscription amount, in minor units.',
  'rehearsal.subscriptionPlan.billingIntervalDays': 'Days between renewals.',
  'rehearsal.signers.name': 'Who signs.',
  'rehearsal.signers.publicKey': 'Their Ed25519 public key (base64), as `golive rehearse` prints it.',
  'rehearsal.returnUrl': 'Where the hosted payment page returns to.',
  'rehearsal.keyFile': "The operator's Ed25519 private key (created on first use, mode 0600), outside the repository.",
  'rehearsal.signers': 'Public keys whose sign-offs are accepted (as `golive rehearse` prints them).',
  'rehearsal.maxAgeDays': '--require-rehearsal accepts only sign-offs generated within this many days.',
  'rehearsal.merchantId': 'Binds sign-offs to this merchant (with the origin remote and the live key); policy.',
  'rehearsal.allowScripted': 'Policy: a live sign-off with scripted answers (--answers) counts. Off by default: a person attests.',
  monitor: '`golive monitor`: the first week measured from your logs and exports (inputs and alert thresholds).',
  'monitor.accessLog': 'Access log files or globs of the webhook receiver (rotated .gz too).',
  'monitor.accessLogFormat': 'auto, combined, alb, json, recommended, or an nginx log_format string.',
  'monitor.webhookPath': 'The webhook path(s) MintCash posts to (default: the path of webhook.url).',
  'monitor.appLog': 'NDJSON app log files or globs (pino, pino-http, winston, bunyan).',
  'monitor.appLogFields': 'Where facts sit in app log lines: dotted paths, first match wins (defaults fit pino-http).',
  'monitor.mintcashErrorPattern': 'A warn-or-above app log line matching this (regular expression) is a MintCash error.',
  'monitor.events': 'The webhook event ledger export (NDJSON or CSV).',
  'monitor.subscriptions': 'The subscriptions table export (NDJSON or CSV).',
  'monitor.delivery': 'Webhook delivery success thresholds.',
  'monitor.delivery.minAttemptRate': 'Alert when webhook POSTs answered 2xx in time fall below this share.',
  'monitor.delivery.minEventualRate': 'Alert when events that ever got a 2xx fall below this share.',
  'monitor.delivery.minAttempts': 'Fewest webhook POSTs before the attempt rate alerts.',
  'monitor.delivery.minEvents': 'Fewest events before the eventual rate alerts.',
  'monitor.delivery.persistentAfterMinutes': 'No 2xx for an event after this long is a persistent failure.',
  'monitor.delivery.lostAfterHours': 'No 2xx for an event after this long: lost.',
  'monitor.delivery.promptAckMs': 'Alert when the p95 answer time exceeds this (ms).',
  'monitor.delivery.budgetMs': "MintCash's delivery budget in ms: slower answers count as failed.",
  'monitor.failures': 'payment.failed by error code: spike and drift alerts.',
  'monitor.failures.driftCodes': 'failureCode substrings (regular expressions) meaning configuration drift: alert on first sight.',
  'monitor.failures.spikeFactor': 'A code at this many times its trailing rate is a spike.',
  'monitor.failures.spikeMinCount': 'Fewest failed payments in the hour for a spike.',
  'monitor.failures.spikeMinRate': "Smallest share of the hour's payments for a spike.",
  'monitor.failures.baselineHours': 'Hours of trailing rate a spike is measured against.',
  'monitor.churn': 'Churn at past_due → cancelled.',
  'monitor.churn.maxChurnRate': 'Alert when more than this share of a dunning cohort is cancelled.',
  'monitor.churn.minCohort': 'Smallest cohort the churn rate alerts on.',
  'monitor.requestId': 'requestId correlation.',
  'monitor.requestId.maxMissing': 'MintCash errors logged without details.requestId that are tolerated.',
  'monitor.reconcile': '--reconcile: read-only GETs of what is still open in your data.',
  'monitor.reconcile.ratePerSecond': 'Requests per second to MintCash.',
  'monitor.reconcile.maxObjects': 'Most payments and subscriptions read.',
};

/** Shapes zod cannot express in JSON Schema, by property path (the editor's first line of help). */
const PATTERNS: Record<string, string> = {
  'webhook.url': '^https?://',
  'webhook.testUrl': '^https?://',
  'api.baseUrl': '^https?://',
  'rehearsal.returnUrl': '^https?://',
  'waivers.expires': '^\\d{4}-\\d{2}-\\d{2}',
};

type Node = Record<string, unknown> & { properties?: Record<string, Node>; items?: Node; anyOf?: Node[] };

/** Visits every named property, with its dotted path (array items keep their array's path). */
function walk(node: Node, at: string, visit: (path: string, node: Node) => void): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const p = at ? `${at}.${key}` : key;
    visit(p, child);
    walk(child, p, visit);
  }
  if (node.items) walk(node.items, at, visit);
  for (const alt of node.anyOf ?? []) walk(alt, at, visit);
}

/** The config's JSON Schema (draft-07, which every editor's JSON and YAML support reads). */
export function configJsonSchema(checks: ReadonlyArray<{ id: string; title: string }>): Record<string, unknown> {
  // io "input": what a user writes (keys with defaults are optional); unrepresentable parts of a
  // schema added later become "any" rather than breaking the generator.
  const schema = z.toJSONSchema(configSchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Node;
  walk(schema, '', (p, node) => {
    if (DESCRIPTIONS[p] && node.description === undefined) node.description = DESCRIPTIONS[p];
    if (PATTERNS[p] && node.type === 'string' && node.pattern === undefined) node.pattern = PATTERNS[p];
  });
  // Check ids complete as `checks` keys and as waiver ids; plugin ids (acme/…) stay allowed.
  const setting = (schema.properties?.checks?.additionalProperties ?? {}) as Node;
  const checksNode = schema.properties?.checks;
  if (checksNode) checksNode.properties = Object.fromEntries(checks.map((c) => [c.id, { ...setting, description: c.title }]));
  const waiverId = schema.properties?.waivers?.items?.properties?.id;
  if (waiverId) waiverId.examples = checks.map((c) => c.id);
  const { $schema, ...rest } = schema;
  return { $schema, title: 'golive configuration', description: 'golive.config.json (or .yaml): the MintCash go-live checklist for this repository (README "Configuration").', ...rest };
}

/** The file's text: stable key order as generated, two-space indent, final newline. */
export function renderConfigJsonSchema(checks: ReadonlyArray<{ id: string; title: string }>): string {
  return `${JSON.stringify(configJsonSchema(checks), null, 2)}\n`;
}
