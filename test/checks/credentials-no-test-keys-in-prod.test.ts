import { describe, expect, it } from 'vitest';
import check from '../../checks/credentials-no-test-keys-in-prod.js';
import { configSchema } from '../../src/config/schema.js';
import type { CheckOutcome } from '../../src/engine/types.js';
import type { CredentialItem, KeyInventory, KeyMatch, SandboxUrlMatch, SecretScan } from '../../src/evidence/types.js';
import { fakeKey } from '../helpers/keys.js';

const skTest = fakeKey('sk', 'test', 'prod');
const pkTest = fakeKey('pk', 'test', 'prod');
const skLive = fakeKey('sk', 'live', 'prod');
const SANDBOX = 'https://sandbox.mintcash.me';

/** A key match for a line written with `@KEY@` where the key goes. */
function keyLine(file: string, template: string, value = skTest): KeyMatch {
  const lineText = template.replace('@KEY@', value);
  return { file, line: 5, column: lineText.indexOf(value) + 1, kind: value.slice(0, 2) as KeyMatch['kind'], env: value.slice(3, 7) as KeyMatch['env'], value, lineText };
}
/** A sandbox match for a line written with `@URL@` where the sandbox URL goes. */
function urlLine(file: string, template: string): SandboxUrlMatch {
  const lineText = template.replace('@URL@', SANDBOX);
  return { file, line: 7, column: lineText.indexOf('sandbox.mintcash.me') + 1, lineText };
}

interface Case {
  items?: CredentialItem[];
  productionFiles?: string[];
  keys?: KeyMatch[];
  urls?: SandboxUrlMatch[];
  environment?: 'live' | 'test';
}
function run(c: Case): CheckOutcome {
  const environment = c.environment ?? 'live';
  const config = configSchema.parse({ environment });
  const keys: KeyInventory = { environment, items: c.items ?? [], productionFiles: c.productionFiles ?? [], notes: [] };
  const secrets: SecretScan = { keys: c.keys ?? [], sandboxUrls: c.urls ?? [], filesScanned: 4, bytesScanned: 100, notes: [] };
  return check.run({ evidence: { keys, secrets }, config, options: { offline: true, history: false, requireRehearsal: false } }) as CheckOutcome;
}
const ids = (o: CheckOutcome) => (o.findings ?? []).map((f) => f.messageId).sort();

const keyFallbacks: Array<[string, string]> = [
  ['src/pay.ts', "const sk = process.env.MINTCASH_SECRET_KEY ?? '@KEY@';"],
  ['src/pay.js', 'const sk = process.env.MINTCASH_SECRET_KEY || "@KEY@";'],
  ['src/pay.ts', "const sk = process.env['MINTCASH_SECRET_KEY'] ?? `@KEY@`;"],
  ['src/pay.ts', "const { MINTCASH_SECRET_KEY = '@KEY@' } = process.env;"],
  ['web/env.ts', "export const pk = import.meta.env.VITE_MINTCASH_PK ?? '@KEY@';"],
  ['app/pay.py', 'SK = os.getenv("MINTCASH_SECRET_KEY", "@KEY@")'],
  ['app/pay.py', "SK = os.environ.get('MINTCASH_SECRET_KEY', '@KEY@')"],
  ['app/pay.py', "SK = os.getenv('MINTCASH_SECRET_KEY') or '@KEY@'"],
  ['app/pay.py', "SK = os.environ.get('MINTCASH_SECRET_KEY', default='@KEY@')"],
  ['lib/pay.rb', 'SK = ENV.fetch("MINTCASH_SECRET_KEY", "@KEY@")'],
  ['lib/pay.rb', "SK = ENV['MINTCASH_SECRET_KEY'] || '@KEY@'"],
  ['lib/pay.rb', "SK = ENV.fetch('MINTCASH_SECRET_KEY') { '@KEY@' }"],
  ['src/Pay.php', "$sk = getenv('MINTCASH_SECRET_KEY') ?: '@KEY@';"],
  ['src/Pay.php', "$sk = $_ENV['MINTCASH_SECRET_KEY'] ?? '@KEY@';"],
  ['config/services.php', "'secret' => env('MINTCASH_SECRET_KEY', '@KEY@'),"],
  ['src/Pay.kt', 'val sk = System.getenv("MINTCASH_SECRET_KEY") ?: "@KEY@"'],
  ['src/Pay.java', 'String sk = System.getenv().getOrDefault("MINTCASH_SECRET_KEY", "@KEY@");'],
  ['src/Pay.cs', 'var sk = Environment.GetEnvironmentVariable("MINTCASH_SECRET_KEY") ?? "@KEY@";'],
  ['src/pay.rs', 'let sk = env::var("MINTCASH_SECRET_KEY").unwrap_or("@KEY@".to_string());'],
  ['src/pay.rs', 'let sk = env::var("MINTCASH_SECRET_KEY").unwrap_or_else(|_| "@KEY@".into());'],
  ['pay/pay.go', 'sk := cmp.Or(os.Getenv("MINTCASH_SECRET_KEY"), "@KEY@")'],
  ['docker-compose.yml', '      MINTCASH_SECRET_KEY: ${MINTCASH_SECRET_KEY:-@KEY@}'],
  ['deploy/start.sh', 'export MINTCASH_SECRET_KEY="${MINTCASH_SECRET_KEY:-@KEY@}"'],
  ['src/main/resources/application.yml', '  secret-key: ${MINTCASH_SECRET_KEY:@KEY@}'],
  // A command-line continuation starting with `--` is code, not a comment.
  ['deploy/run.sh', '  --env MINTCASH_SECRET_KEY=${MINTCASH_SECRET_KEY:-@KEY@} \\'],
];

const notFallbacks: Array<[string, string]> = [
  ['src/pay.ts', "// const sk = process.env.MINTCASH_SECRET_KEY ?? '@KEY@';"],
  ['app/pay.py', "# SK = os.getenv('MINTCASH_SECRET_KEY', '@KEY@')"],
  ['src/pay.ts', "const sk = process.env.MINTCASH_SECRET_KEY; // was ?? '@KEY@'"],
  ['src/pay.ts', "const sk = env === 'live' ? LIVE_KEY : '@KEY@';"],
  ['src/pay.ts', "const sk = process.env.NODE_ENV === 'production' ? process.env.MINTCASH_SECRET_KEY : '@KEY@';"],
  ['src/pay.ts', "const TEST_KEY = '@KEY@';"],
  ['README.md', "const sk = process.env.MINTCASH_SECRET_KEY ?? '@KEY@';"],
  ['test/pay.test.ts', "const sk = process.env.MINTCASH_SECRET_KEY ?? '@KEY@';"],
  ['src/pay.spec.ts', "const sk = process.env.MINTCASH_SECRET_KEY ?? '@KEY@';"],
  ['.env.example', 'MINTCASH_SECRET_KEY=${MINTCASH_SECRET_KEY:-@KEY@}'],
  ['.env.test', 'MINTCASH_SECRET_KEY=${MINTCASH_SECRET_KEY:-@KEY@}'],
  ['src/pay.ts', "const sk = requireEnv('MINTCASH_SECRET_KEY'); const sample = '@KEY@';"],
];

const urlFallbacks: Array<[string, string]> = [
  ['src/api.ts', "const base = process.env.MINTCASH_API_URL ?? '@URL@';"],
  ['src/api.js', 'const base = process.env.MINTCASH_API_URL || "@URL@/v1";'],
  ['app/api.py', 'BASE = os.environ.get("MINTCASH_API_URL", "@URL@")'],
  ['lib/api.rb', 'BASE = ENV.fetch("MINTCASH_API_URL", "@URL@")'],
  ['config/app.php', "'base' => env('MINTCASH_API_URL', '@URL@'),"],
  ['docker-compose.yml', '      MINTCASH_API_URL: ${MINTCASH_API_URL:-@URL@}'],
];

const notUrlFallbacks: Array<[string, string]> = [
  ['README.md', 'Point `MINTCASH_API_URL` at @URL@ while testing.'],
  ['docs/setup.mdx', "const base = process.env.MINTCASH_API_URL ?? '@URL@';"],
  ['src/api.ts', "// const base = process.env.MINTCASH_API_URL ?? '@URL@';"],
  ['src/api.ts', "const base = env === 'live' ? 'https://api.mintcash.me' : '@URL@';"],
  ['src/api.ts', "const SANDBOX_URL = '@URL@';"],
  ['src/api.ts', "const base = process.env.MINTCASH_ENV === 'test' ? '@URL@' : LIVE;"],
  ['tests/api_test.py', 'BASE = os.environ.get("MINTCASH_API_URL", "@URL@")'],
  ['.env.sample', 'MINTCASH_API_URL=${MINTCASH_API_URL:-@URL@}'],
];

describe('credentials.no-test-keys-in-prod: fallbacks in code', () => {
  it.each(keyFallbacks)('flags a test key fallback in %s: %s', (file, template) => {
    const o = run({ keys: [keyLine(file, template)] });
    expect(ids(o)).toEqual(['test-key-fallback']);
    expect(o.findings![0]).toMatchObject({ file, line: 5, fingerprintOf: skTest });
    expect(o.findings![0]!.message).not.toContain(skTest);
  });
  it.each(notFallbacks)('does not flag %s: %s', (file, template) => {
    expect(run({ keys: [keyLine(file, template)] }).findings).toEqual([]);
  });
  it('flags a publishable test key fallback too', () => {
    expect(ids(run({ keys: [keyLine('web/pk.ts', "const pk = process.env.PK ?? '@KEY@';", pkTest)] }))).toEqual(['test-key-fallback']);
  });
  it('ignores a live key as a default (not this check)', () => {
    expect(run({ keys: [keyLine('src/pay.ts', "const sk = process.env.SK ?? '@KEY@';", skLive)] }).findings).toEqual([]);
  });
  it.each(urlFallbacks)('flags a sandbox URL fallback in %s: %s', (file, template) => {
    const o = run({ urls: [urlLine(file, template)] });
    expect(ids(o)).toEqual(['sandbox-url-fallback']);
    expect(o.findings![0]!.fingerprintOf).toMatch(/^https:\/\/sandbox\.mintcash\.me/);
  });
  it.each(notUrlFallbacks)('does not flag %s: %s', (file, template) => {
    expect(run({ urls: [urlLine(file, template)] }).findings).toEqual([]);
  });
  it('tolerates a 0-based column from the scanner', () => {
    const m = urlLine('src/api.ts', "xx; const base = process.env.API ?? '@URL@';");
    expect(ids(run({ urls: [{ ...m, column: m.column - 1 }] }))).toEqual(['sandbox-url-fallback']);
  });
});

describe('credentials.no-test-keys-in-prod: production config', () => {
  const item = (over: Partial<CredentialItem>): CredentialItem => ({ source: 'env-file', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', file: '.env.production', line: 2, column: 21, value: skTest, ...over });

  const ng: Array<[string, Case, string[]]> = [
    ['a test secret in the env file', { items: [item({})] }, ['test-key-in-production-config']],
    ['a test public key in the process env', { items: [item({ source: 'env', name: 'MINTCASH_PUBLIC_KEY', role: 'publicKey', value: pkTest, file: undefined })] }, ['test-key-in-production-config']],
    ['a quoted test key still counts', { items: [item({ value: `"${skTest}"` })] }, ['test-key-in-production-config']],
    ['a sandbox @URL@ in a YAML config', { items: [item({ source: 'config-file', name: 'mintcash.baseUrl', role: undefined, file: 'config/production.yaml', value: SANDBOX })] }, ['sandbox-url-in-production-config']],
    ['a sandbox @URL@ the scanner found in a production file', { productionFiles: ['config/production.ts'], urls: [urlLine('config/production.ts', "  baseUrl: '@URL@',")] }, ['sandbox-url-in-production-config']],
    [
      'a config item and the scanner on the same line count once',
      { items: [item({ source: 'config-file', name: 'baseUrl', role: undefined, file: 'config/production.ts', line: 7, value: SANDBOX })], productionFiles: ['config/production.ts'], urls: [urlLine('config/production.ts', "  baseUrl: '@URL@',")] },
      ['sandbox-url-in-production-config'],
    ],
  ];
  it.each(ng)('fails: %s', (_n, c, expected) => {
    expect(ids(run(c))).toEqual(expected);
  });

  const ok: Array<[string, Case]> = [
    ['live keys only', { items: [item({ value: skLive })] }],
    ['a sandbox @URL@ outside production files', { productionFiles: ['config/production.ts'], urls: [urlLine('config/dev.ts', "  baseUrl: '@URL@',")] }],
    ['a commented sandbox @URL@ in a production file', { productionFiles: ['config/production.ts'], urls: [urlLine('config/production.ts', "  // baseUrl: '@URL@',")] }],
  ];
  it.each(ok)('passes: %s', (_n, c) => {
    expect(run(c).findings).toEqual([]);
  });

  it('skips when the target is test', () => {
    const o = run({ environment: 'test', items: [item({})] });
    expect(o).toMatchObject({ status: 'skip', summary: 'Target is test; nothing to compare.' });
  });

  it('never shows the raw key and locates env items without a file', () => {
    const o = run({ items: [item({ source: 'env', file: undefined, line: undefined, column: undefined })] });
    const f = o.findings![0]!;
    expect(f.file).toBeUndefined();
    expect(f.message).toContain('environment variable MINTCASH_SECRET_KEY');
    expect(JSON.stringify({ ...f, fingerprintOf: undefined })).not.toContain(skTest);
  });
});
