// The body of `golive init`: detect sensible defaults in the repository, ask (or take flags),
// validate every answer as it is given, and write a config that golive itself accepts.
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { configSchema, urlCredentialProblem } from '../config/schema.js';
import { validateConfig } from '../config/load.js';
import { CONFIG_SCHEMA_FILE } from '../config/json-schema.js';
import { VERSION } from '../version.js';
import { GoliveError } from '../errors.js';
import { writeFileAtomic } from '../report/write.js';
import type { InitFlags } from './init.js';
import type { Prompter } from './prompter.js';
import { resolveTargetDir } from './shared.js';
import { normaliseHost } from '../mintcash/hosts.js';
import { Secrets, secretsFromEnv } from '../output/secrets.js';

export interface Detected {
  productionConfig: string[];
  publicKey: string;
  secretKey: string;
  webhookSecret: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', 'dist', 'build', '.next', 'coverage']);

/** Shallow walk (3 levels) for production config files and MintCash variable names. */
export async function detect(root: string): Promise<Detected> {
  const defaults = configSchema.parse({});
  const isProd = picomatch(defaults.productionConfig, { dot: true });
  const found: string[] = [];
  const names = new Set<string>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 3 && !SKIP_DIRS.has(e.name)) await walk(p, depth + 1);
      else if (e.isFile()) {
        if (isProd(p)) found.push(p);
        if (/^\.env(\..+)?$/.test(e.name) || e.name.endsWith('.env')) {
          const text = await readFile(path.join(root, p), 'utf8').catch(() => '');
          for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Z][A-Z0-9_]*MINTCASH[A-Z0-9_]*|MINTCASH[A-Z0-9_]*)\s*=/gm)) names.add(m[1]!);
        }
      }
    }
  };
  await walk('', 0);
  const pick = (re: RegExp, fallback: string) => [...names].sort().find((n) => re.test(n)) ?? fallback;
  return {
    productionConfig: found.sort(),
    publicKey: pick(/PUBLIC|PUBLISHABLE|_PK\b|PK$/, defaults.env.publicKey),
    secretKey: pick(/SECRET_KEY|API_SECRET|_SK\b|SK$/, defaults.env.secretKey),
    webhookSecret: pick(/WEBHOOK/, defaults.env.webhookSecret),
  };
}

export function validateWebhookUrl(value: string, { required }: { required: boolean }): true | string {
  if (!value) return required ? 'enter the URL MintCash will deliver webhooks to' : true;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'not a URL; expected e.g. https://shop.example.com/webhooks/mintcash';
  }
  // Plain http only for this machine, however it is spelled (127.1, [::ffff:7f00:1], localhost.).
  const local = normaliseHost(u.hostname)?.kind === 'loopback';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) return 'MintCash delivers webhooks over HTTPS: use an https:// URL';
  const cred = urlCredentialProblem(value);
  return cred ? `the URL ${cred}` : true;
}

/**
 * The config's `$schema`, for editor completion: the copy in the project's own node_modules when
 * golive is installed there (works offline, always the installed version), else the published
 * file of this version.
 */
export function schemaRef(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', 'mintcash-golive', CONFIG_SCHEMA_FILE);
    if (existsSync(file)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      return rel.startsWith('.') ? rel : `./${rel}`;
    }
    if (path.dirname(dir) === dir) return `https://unpkg.com/mintcash-golive@${VERSION}/${CONFIG_SCHEMA_FILE}`;
  }
}

const envName = (v: string): true | string => (ENV_NAME.test(v) ? true : 'letters, digits and _ only, not starting with a digit');

/**
 * The environment variable whose secret value the URL carries (as typed, URL-encoded or decoded),
 * or a MintCash key found in it: the config is committed, so that secret would leak with it.
 */
export function secretInUrl(url: string, env: Record<string, string | undefined>, names: readonly string[]): string | undefined {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // Not valid percent-encoding: the text as given is all there is to search.
  }
  for (const [name, value] of Object.entries(env)) {
    if (!value || secretsFromEnv({ [name]: value }, names).length === 0) continue;
    const forms = new Secrets().add([value]).list();
    if (forms.some((f) => url.includes(f) || decoded.includes(f))) return `$${name}`;
  }
  return new Secrets().mask(decoded) !== decoded && /(?:sk|pk|rk)_(?:live|test)_/.test(decoded) ? 'a MintCash key' : undefined;
}

export async function runInit(dir: string, flags: InitFlags, io: { prompter?: Prompter; out: { write(text: string): unknown }; env?: Record<string, string | undefined> }): Promise<number> {
  const root = await resolveTargetDir(dir);
  const file = path.join(root, 'golive.config.json');
  const exists = await stat(file).then(() => true, () => false);
  const { prompter } = io;
  if (!prompter && !flags.yes) {
    throw new GoliveError('USAGE', 'golive init needs a terminal to ask its questions', {
      suggestion: 'Run it in a terminal, or pass --yes with flags, e.g. `golive init --yes --webhook-url https://…`.',
    });
  }
  if (exists && !flags.force) {
    const overwrite = prompter ? await prompter.confirm({ message: 'golive.config.json exists. Overwrite it?', default: false }) : false;
    if (!overwrite) {
      throw new GoliveError('USAGE', 'golive.config.json already exists', { suggestion: 'Pass --force to overwrite it, or edit it by hand.' });
    }
  }

  const found = await detect(root);
  const env = io.env ?? {};
  const secretNames = [found.publicKey, found.secretKey, found.webhookSecret, flags.publicKeyEnv, flags.secretKeyEnv, flags.webhookSecretEnv].filter((n): n is string => Boolean(n));
  // A URL is written into the committed config: it must not carry a secret from this environment.
  const urlRule = (v: string): true | string => {
    const ok = validateWebhookUrl(v, { required: false });
    if (ok !== true || !v) return ok;
    const held = secretInUrl(v, env, secretNames);
    return held ? `the URL holds the value of ${held}, and golive.config.json is committed: give the URL without it (golive reads secrets from the environment)` : true;
  };
  for (const [flag, v] of [['--public-key-env', flags.publicKeyEnv], ['--secret-key-env', flags.secretKeyEnv], ['--webhook-secret-env', flags.webhookSecretEnv]] as const) {
    if (v !== undefined && envName(v) !== true) throw new GoliveError('USAGE', `${flag}: "${v}" is not a variable name`);
  }
  const ask = async (message: string, def: string, validate: (v: string) => true | string, given?: string): Promise<string> => {
    if (given !== undefined) {
      // A value given as a flag is held to the same rule as a typed answer (and never echoed back).
      const ok = validate(given);
      if (ok !== true) throw new GoliveError('USAGE', `${message.split(' (')[0]!.replace(/:$/, '')}: ${ok}`, { suggestion: 'Pass the URL without credentials or secrets; nothing was written.' });
      return given;
    }
    if (!prompter) return def;
    return prompter.input({ message, default: def, validate });
  };

  const environment = flags.environment ?? (prompter ? await prompter.select({ message: 'Which environment does this deployment target?', choices: [{ value: 'live' as const, name: 'live (production)' }, { value: 'test' as const, name: 'test (sandbox)' }], default: 'live' }) : 'live');
  const webhookUrl = await ask('Live webhook URL (as registered with your account manager; empty to skip the probes):', '', urlRule, flags.webhookUrl);
  const testUrl = await ask('Old test-mode webhook URL to retire (empty if none):', '', urlRule, flags.testWebhookUrl);
  let productionConfig = flags.productionConfig ?? found.productionConfig;
  if (!flags.productionConfig && prompter) {
    const answer = await prompter.input({
      message: 'Files that end up in production (comma-separated globs):',
      default: (found.productionConfig.length ? found.productionConfig : configSchema.parse({}).productionConfig.slice(0, 3)).join(', '),
      validate: (v) => (v.split(',').every((g) => g.trim().length > 0) ? true : 'enter one or more globs separated by commas'),
    });
    productionConfig = answer.split(',').map((g) => g.trim()).filter(Boolean);
  }
  const publicKey = await ask('Variable holding the public key:', found.publicKey, envName, flags.publicKeyEnv);
  const secretKey = await ask('Variable holding the secret key:', found.secretKey, envName, flags.secretKeyEnv);
  const webhookSecret = await ask('Variable holding the webhook signing secret:', found.webhookSecret, envName, flags.webhookSecretEnv);

  const config: Record<string, unknown> = { $schema: schemaRef(root), environment };
  const webhook: Record<string, unknown> = {};
  if (webhookUrl) webhook.url = webhookUrl;
  if (testUrl) webhook.testUrl = testUrl;
  if (Object.keys(webhook).length) config.webhook = webhook;
  if (productionConfig.length) config.productionConfig = productionConfig;
  config.env = { publicKey, secretKey, webhookSecret };
  validateConfig(config, 'the generated config');
  await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  const target = dir === '.' ? '' : ` ${dir}`;
  io.out.write(
    [
      `Wrote ${path.relative(process.cwd(), file) || file}.`,
      `Next: export ${publicKey}, ${secretKey} and ${webhookSecret}, then run \`golive check${target}\`.`,
      '',
      'To practise the dress rehearsal first (no real money), against the local emulator:',
      '  golive emulate --state emu.json                  # in another terminal; prints its URL and a test.env',
      '  set -a; . <that test.env>; set +a              # its test keys (a practice run probes your endpoint with test events)',
      `  golive rehearse${target} --api-base-url http://127.0.0.1:4010`,
      `  golive check${target} --require-rehearsal --api-base-url http://127.0.0.1:4010 --config <a copy of the config with "environment": "test">`,
      'A practice sign-off counts only where the config says "environment": "test"; README "Dress rehearsal" walks through it.',
      '',
    ].join('\n'),
  );
  return 0;
}
