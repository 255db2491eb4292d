import { describe, expect, it } from 'vitest';
import check from '../../checks/credentials-live-keys.js';
import { configSchema } from '../../src/config/schema.js';
import type { CheckOutcome } from '../../src/engine/types.js';
import type { CredentialItem, KeyInventory } from '../../src/evidence/types.js';
import { fakeKey } from '../helpers/keys.js';

const pkLive = fakeKey('pk', 'live', 'a');
const skLive = fakeKey('sk', 'live', 'a');
const pkTest = fakeKey('pk', 'test', 'a');
const skTest = fakeKey('sk', 'test', 'a');
const whsec = 'whsec_' + 'Zq8uR2mN4bV6cX1e';

const env = (name: string, role: CredentialItem['role'], value: string): CredentialItem => ({ source: 'env', name, ...(role ? { role } : {}), value });
const pk = (value: string) => env('MINTCASH_PUBLIC_KEY', 'publicKey', value);
const sk = (value: string) => env('MINTCASH_SECRET_KEY', 'secretKey', value);
const hook = (value: string) => env('MINTCASH_WEBHOOK_SECRET', 'webhookSecret', value);
const inFile = (item: CredentialItem, file: string, line: number): CredentialItem => ({ ...item, source: 'env-file', file, line, column: item.name.length + 2 });

function run(items: CredentialItem[], environment: 'live' | 'test' = 'live', scoped = false): CheckOutcome {
  const config = configSchema.parse({ environment });
  const keys: KeyInventory = { environment, items, productionFiles: [], notes: [] };
  return check.run({ evidence: { keys }, config, options: { offline: false, history: false, requireRehearsal: false, scoped } }) as CheckOutcome;
}
const ids = (o: CheckOutcome) => (o.findings ?? []).map((f) => f.messageId).sort();

describe('credentials.live-keys', () => {
  const ok: Array<[string, CredentialItem[], ('live' | 'test')?]> = [
    ['a live pair and a signing secret', [pk(pkLive), sk(skLive), hook(whsec)]],
    ['only a secret key', [sk(skLive)]],
    ['a test pair when the target is test', [pk(pkTest), sk(skTest)], 'test'],
    ['a live pair in an env file', [inFile(pk(pkLive), '.env.production', 1), inFile(sk(skLive), '.env.production', 2)]],
    // Pairing is per source: the env pair and the file pair are each consistent.
    ['separate sources each consistent', [pk(pkLive), sk(skLive), inFile(pk(fakeKey('pk', 'live', 'b')), 'p.env', 1)]],
    ['a webhook secret that merely contains sk_ later', [pk(pkLive), sk(skLive), hook('whsec_sk_live_is_not_a_prefix_here')]],
    ['a sandbox URL item is not a credential to judge', [pk(pkLive), { source: 'config-file', name: 'api.url', file: 'c.yaml', line: 1, column: 1, value: 'https://sandbox.mintcash.me' }]],
  ];
  it.each(ok)('passes: %s', (_name, items, target) => {
    const o = run(items, target);
    expect(o.findings).toEqual([]);
    expect(o.status).toBeUndefined();
  });

  const ng: Array<[string, CredentialItem[], string[], ('live' | 'test')?]> = [
    ['a test pair against a live target', [pk(pkTest), sk(skTest)], ['test-key-for-live', 'test-key-for-live']],
    ['a live key against a test target', [pk(pkTest), sk(skLive)], ['live-key-for-test', 'mixed-environment-pair'], 'test'],
    ['a mixed pair', [pk(pkLive), sk(skTest)], ['mixed-environment-pair', 'test-key-for-live']],
    ['swapped pk and sk', [pk(skLive), sk(pkLive)], ['swapped-keys']],
    ['a secret key in the public variable', [pk(skLive), sk(fakeKey('sk', 'live', 'z'))], ['public-key-is-secret']],
    ['a public key in the secret variable', [sk(pkLive)], ['secret-key-is-public']],
    ['an unknown prefix', [pk('pk_' + 'prod_' + 'A1b2C3d4E5f6G7h8J9')], ['malformed-prefix']],
    ['a value that is not a key', [sk('hunter2-password-value')], ['not-a-key']],
    ['quotes kept inside the value', [sk(`"${skLive}"`)], ['key-has-quotes']],
    ['a trailing newline/space', [sk(`${skLive} `)], ['key-has-whitespace']],
    ['a space inside the key', [sk(skLive.slice(0, 12) + ' ' + skLive.slice(12))], ['key-has-whitespace']],
    ['a body with odd characters', [sk(skLive + '-x')], ['key-bad-characters']],
    ['a short body', [sk('sk_' + 'live_' + 'Ab12Cd34')], ['key-too-short']],
    ['the webhook secret is the secret key', [sk(skLive), hook(skLive)], ['webhook-secret-is-secret-key']],
    ['the webhook secret is a public key', [pk(pkLive), hook(pkLive)], ['webhook-secret-is-api-key']],
    ['the webhook secret is quoted', [hook(`'${whsec}'`)], ['webhook-secret-malformed']],
    ['a stray test key in a config file', [pk(pkLive), sk(skLive), { source: 'config-file', name: 'stripe.key', file: 'config/production.json', line: 3, column: 12, value: skTest }], ['test-key-for-live']],
  ];
  it.each(ng)('fails: %s', (_name, items, expected, target) => {
    expect(ids(run(items, target))).toEqual([...expected].sort());
  });

  it('is pending in a full run, skipped in a scoped one, naming the configured variables when nothing is found', () => {
    expect(run([], 'live', true).status).toBe('skip');
    const o = run([]);
    expect(o.status).toBe('pending');
    expect(o.summary).toContain('MINTCASH_PUBLIC_KEY');
    expect(o.summary).toContain('MINTCASH_SECRET_KEY');
    expect(o.summary).toContain('MINTCASH_WEBHOOK_SECRET');
    expect(o.summary).toContain('--dotenv');
  });

  it('puts file positions on file items, none on env items, and never the raw key', () => {
    const o = run([inFile(pk(pkTest), '.env.production', 4), sk(skTest)]);
    const fromFile = o.findings!.find((f) => f.file);
    const fromEnv = o.findings!.find((f) => !f.file && f.messageId === 'test-key-for-live');
    expect(fromFile).toMatchObject({ file: '.env.production', line: 4, column: 21, fingerprintOf: pkTest });
    expect(fromEnv?.message).toContain('environment variable MINTCASH_SECRET_KEY');
    const shown = JSON.stringify({ f: o.findings!.map(({ fingerprintOf: _f, ...rest }) => rest), e: o.evidence, s: o.summary });
    for (const k of [pkTest, skTest]) expect(shown).not.toContain(k);
    expect(shown).toContain(`sk_test_…${skTest.slice(-4)}`);
  });

  it('marks short bodies and odd characters as warnings, prefix problems as errors', () => {
    const o = run([sk('sk_' + 'live_' + 'Ab12Cd34'), pk('pk_' + 'prod_' + 'A1b2C3d4E5f6G7h8J9')]);
    const sev = Object.fromEntries(o.findings!.map((f) => [f.messageId, f.severity ?? 'error']));
    expect(sev).toEqual({ 'key-too-short': 'warning', 'malformed-prefix': 'error' });
  });

  it('uses configured variable names', () => {
    const config = configSchema.parse({ env: { publicKey: 'PAY_PK', secretKey: 'PAY_SK', webhookSecret: 'PAY_HOOK' } });
    const keys: KeyInventory = { environment: 'live', items: [], productionFiles: [], notes: [] };
    const o = check.run({ evidence: { keys }, config, options: { offline: true, history: false, requireRehearsal: false } }) as CheckOutcome;
    expect(o.summary).toMatch(/PAY_PK.*PAY_SK.*PAY_HOOK/);
  });
});
