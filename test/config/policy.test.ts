// comparePolicy: the trusted policy against the working tree's config, as tables of one change
// each: what weakens the gate is named (kind, key, line) and the trusted value governs; what is
// as strict or stricter is no finding and takes effect.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparePolicy, keyOf } from '../../src/config/policy.js';
import { configLines } from '../../src/config/load.js';
import { configSchema, type GoliveConfig } from '../../src/config/schema.js';

const SIGNER_A = { name: 'Ada', publicKey: 'MCowBQYDK2VwAyEA' + 'a'.repeat(28) + '=' };
const SIGNER_B = { name: 'Mallory', publicKey: 'MCowBQYDK2VwAyEA' + 'b'.repeat(28) + '=' };
const WAIVER = { id: 'credentials.no-secrets-in-source', path: 'docs/**', reason: 'revoked', owner: 'ana', expires: '2030-06-30' };

const cfg = (raw: object): GoliveConfig => configSchema.parse(raw);
const ids = { trusted: (s: string) => (s.startsWith('.') ? `/t/${s.slice(2)}` : s), worktree: (s: string) => (s.startsWith('.') ? `/t/${s.slice(2)}` : s) };

function compare(trusted: object, worktree: object) {
  return comparePolicy({ trusted: cfg(trusted), worktree: cfg(worktree), pluginId: ids, trustedName: 'origin/main' });
}
const kinds = (r: ReturnType<typeof compare>) => r.changes.map((c) => `${c.kind} ${c.key}`);

describe('comparePolicy: weakenings are named and do not apply', () => {
  it.each<[string, object, object, string[], (e: GoliveConfig) => unknown, unknown]>([
    ['a check turned off', {}, { checks: { 'webhook.https': 'off' } }, ['check-off checks.webhook.https'], (e) => e.checks['webhook.https'], undefined],
    ['a check downgraded from error', { checks: { 'webhook.code-dedup': 'error' } }, { checks: { 'webhook.code-dedup': 'warning' } }, ['check-downgraded checks.webhook.code-dedup'], (e) => e.checks['webhook.code-dedup'], 'error'],
    ['a check downgraded from its default', {}, { checks: { 'webhook.https': 'warning' } }, ['check-downgraded checks.webhook.https'], (e) => e.checks['webhook.https'], undefined],
    ['an explicit "error" dropped (its own warnings stop blocking)', { checks: { 'credentials.no-secrets-in-source': 'error' } }, {}, ['check-downgraded checks'], (e) => e.checks['credentials.no-secrets-in-source'], 'error'],
    ['a waiver added', {}, { waivers: [WAIVER] }, ['waiver-added waivers[0]'], (e) => e.waivers, []],
    ['a waiver extended', { waivers: [WAIVER] }, { waivers: [{ ...WAIVER, expires: '2031-01-01' }] }, ['waiver-extended waivers[0].expires'], (e) => e.waivers[0]?.expires, '2030-06-30'],
    ['a waiver widened (another path)', { waivers: [WAIVER] }, { waivers: [{ ...WAIVER, path: '**' }] }, ['waiver-added waivers[0]'], (e) => e.waivers, []],
    ['a waiver moved to another check', { waivers: [WAIVER] }, { waivers: [{ ...WAIVER, id: 'credentials.live-keys' }] }, ['waiver-added waivers[0]'], (e) => e.waivers, []],
    ['a signer pinned', { rehearsal: { signers: [SIGNER_A] } }, { rehearsal: { signers: [SIGNER_A, SIGNER_B] } }, ['signer-added rehearsal.signers[1]'], (e) => e.rehearsal?.signers, [SIGNER_A]],
    ['every signer removed (verify would accept any key)', { rehearsal: { signers: [SIGNER_A] } }, { rehearsal: { signers: [] } }, ['signers-removed rehearsal.signers'], (e) => e.rehearsal?.signers, [SIGNER_A]],
    ['rehearsal.maxAgeDays raised', {}, { rehearsal: { maxAgeDays: 90 } }, ['max-age-raised rehearsal.maxAgeDays'], (e) => e.rehearsal?.maxAgeDays, 14],
    ['scripted live sign-offs allowed', {}, { rehearsal: { allowScripted: true } }, ['scripted-allowed rehearsal.allowScripted'], (e) => e.rehearsal?.allowScripted, false],
    ['the merchant id changed', { rehearsal: { merchantId: 'acme' } }, { rehearsal: { merchantId: 'globex' } }, ['merchant-changed rehearsal.merchantId'], (e) => e.rehearsal?.merchantId, 'acme'],
    ['a plugin added', {}, { plugins: ['./evil.mjs'] }, ['plugin-added plugins[0]'], (e) => e.plugins, []],
    ['a plugin removed', { plugins: ['./acme.ts'] }, {}, ['plugin-removed plugins'], (e) => e.plugins, ['./acme.ts']],
    ['a plugin\'s grants widened', { plugins: [{ use: './acme.ts', grants: { fetches: ['https://vault.example'] } }] }, { plugins: [{ use: './acme.ts', grants: { fetches: ['https://vault.example', 'https://evil.example'] } }] }, ['plugin-changed plugins[0]'], (e) => e.plugins, [{ use: './acme.ts', grants: { fetches: ['https://vault.example'] } }]],
    ['a plugin\'s options changed', { plugins: [{ use: 'golive-plugin-acme', options: { strict: true } }] }, { plugins: [{ use: 'golive-plugin-acme', options: { strict: false } }] }, ['plugin-changed plugins[0]'], (e) => e.plugins, [{ use: 'golive-plugin-acme', options: { strict: true } }]],
    ['api.baseUrl changed', {}, { api: { baseUrl: 'http://[::ffff:7f00:1]:18555' } }, ['api-changed api.baseUrl'], (e) => e.api.baseUrl, 'https://api.mintcash.me'],
    ['webhook.url changed', { webhook: { url: 'https://shop.example/hook' } }, { webhook: { url: 'https://attacker.example/hook' } }, ['webhook-url-changed webhook.url'], (e) => e.webhook.url, 'https://shop.example/hook'],
    ['webhook.url set where the policy has none', {}, { webhook: { url: 'https://attacker.example/hook' } }, ['webhook-url-changed webhook.url'], (e) => e.webhook.url, undefined],
    ['webhook.testUrl changed', { webhook: { testUrl: 'https://shop.example/old' } }, { webhook: { testUrl: 'https://shop.example/gone' } }, ['webhook-test-url-changed webhook.testUrl'], (e) => e.webhook.testUrl, 'https://shop.example/old'],
    ['private addresses allowed', {}, { webhook: { allowPrivateNetwork: true } }, ['private-network-allowed webhook.allowPrivateNetwork'], (e) => e.webhook.allowPrivateNetwork, false],
    ['the latency budget relaxed', {}, { webhook: { probes: { budgetMs: 60000 } } }, ['probes-relaxed webhook.probes.budgetMs'], (e) => e.webhook.probes.budgetMs, 10000],
    ['fewer probes', {}, { webhook: { probes: { count: 1 } } }, ['probes-relaxed webhook.probes.count'], (e) => e.webhook.probes.count, 5],
    ['ignore widened', {}, { ignore: ['src/**'] }, ['scope-narrowed ignore[0]'], (e) => e.ignore, []],
    ['vendored widened', {}, { vendored: ['app/**'] }, ['scope-narrowed vendored[0]'], (e) => e.vendored, []],
    ['generated widened', { generated: ['gen/**'] }, { generated: ['gen/**', 'src/**'] }, ['scope-narrowed generated[1]'], (e) => e.generated, ['gen/**']],
    ['testFiles widened', {}, { testFiles: ['**/test/**', 'src/**'] }, ['scope-narrowed testFiles[1]'], (e) => e.testFiles, ['**/test/**']],
    ['productionConfig narrowed', { productionConfig: ['.env.production', 'config/prod.json'] }, { productionConfig: ['.env.production'] }, ['scope-narrowed productionConfig'], (e) => e.productionConfig, ['.env.production', 'config/prod.json']],
    ['an env name changed', {}, { env: { secretKey: 'UNSET_VARIABLE' } }, ['env-name-changed env.secretKey'], (e) => e.env.secretKey, 'MINTCASH_SECRET_KEY'],
    ['live changed to test', {}, { environment: 'test' }, ['environment-changed environment'], (e) => e.environment, 'live'],
    ['an item marked not applicable', {}, { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }, ['not-applicable-added notApplicable[0]'], (e) => e.notApplicable, []],
  ])('%s', (_name, trusted, worktree, expected, pick, governs) => {
    const r = compare(trusted, worktree);
    expect(kinds(r)).toEqual(expected);
    expect(pick(r.effective)).toEqual(governs);
    for (const c of r.changes) expect(c.message).toContain(c.key.replace(/\[\d+\].*$/, '').split('.')[0]);
  });
});

describe('comparePolicy: as strict or stricter is no finding, and takes effect', () => {
  it.each<[string, object, object, (e: GoliveConfig) => unknown, unknown]>([
    ['the same config', { checks: { 'webhook.https': 'off' }, waivers: [WAIVER] }, { checks: { 'webhook.https': 'off' }, waivers: [WAIVER] }, (e) => e.checks['webhook.https'], 'off'],
    ['a check turned back on', { checks: { 'webhook.https': 'off' } }, {}, (e) => e.checks['webhook.https'], undefined],
    ['a check raised to error', { checks: { 'webhook.code-dedup': 'warning' } }, { checks: { 'webhook.code-dedup': 'error' } }, (e) => e.checks['webhook.code-dedup'], 'error'],
    ['a waiver removed', { waivers: [WAIVER] }, {}, (e) => e.waivers, []],
    ['a waiver shortened, reason reworded', { waivers: [WAIVER] }, { waivers: [{ ...WAIVER, expires: '2026-01-01', reason: 'revoked in March' }] }, (e) => e.waivers[0]?.expires, '2026-01-01'],
    ['a signer removed, one left', { rehearsal: { signers: [SIGNER_A, SIGNER_B] } }, { rehearsal: { signers: [SIGNER_B] } }, (e) => e.rehearsal?.signers, [SIGNER_B]],
    ['maxAgeDays lowered', { rehearsal: { maxAgeDays: 30 } }, { rehearsal: { maxAgeDays: 7 } }, (e) => e.rehearsal?.maxAgeDays, 7],
    ['a plugin\'s grants narrowed', { plugins: [{ use: './acme.ts', grants: { reads: ['a', 'b'] } }] }, { plugins: [{ use: './acme.ts', grants: { reads: ['a'] } }] }, (e) => e.plugins, [{ use: './acme.ts', grants: { reads: ['a'] } }]],
    ['api.baseUrl with a trailing slash', {}, { api: { baseUrl: 'https://API.mintcash.me/' } }, (e) => e.api.baseUrl, 'https://api.mintcash.me'],
    ['ignore narrowed, globs reordered', { ignore: ['a/**', 'b/**', 'c/**'] }, { ignore: ['c/**', 'a/**'] }, (e) => e.ignore, ['c/**', 'a/**']],
    ['productionConfig widened', {}, { productionConfig: [...cfg({}).productionConfig, 'deploy/**'] }, (e) => e.productionConfig.includes('deploy/**'), true],
    ['test changed to live', { environment: 'test' }, { environment: 'live' }, (e) => e.environment, 'live'],
    ['more probes, a tighter budget', {}, { webhook: { probes: { count: 10, budgetMs: 5000 } } }, (e) => [e.webhook.probes.count, e.webhook.probes.budgetMs], [10, 5000]],
    ['a not-applicable item dropped', { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }, {}, (e) => e.notApplicable, []],
    ['a not-applicable reason reworded: the trusted reason stands', { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }, { notApplicable: [{ id: 'rehearsal.renewal', reason: 'whatever' }] }, (e) => e.notApplicable, [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }]],
    ['rehearsal amounts are not policy', {}, { rehearsal: { amountCap: 500, currency: 'EUR' } }, (e) => [e.rehearsal?.amountCap, e.rehearsal?.currency], [500, 'EUR']],
  ])('%s', (_name, trusted, worktree, pick, value) => {
    const r = compare(trusted, worktree);
    expect(r.changes).toEqual([]);
    expect(pick(r.effective)).toEqual(value);
  });
});

describe('comparePolicy: where each change is', () => {
  it('names the line of each key in the working tree\'s YAML or JSON', async () => {
    const yaml = 'checks:\n  webhook.https: off\nignore:\n  - vendor/**\n  - src/**\nrehearsal:\n  signers:\n    - name: Mallory\n      publicKey: ' + SIGNER_B.publicKey + '\n';
    const lineOf = await configLines(yaml);
    const r = comparePolicy({ trusted: cfg({ ignore: ['vendor/**'] }), worktree: cfg({ checks: { 'webhook.https': 'off' }, ignore: ['vendor/**', 'src/**'], rehearsal: { signers: [SIGNER_B] } }), lineOf, pluginId: ids, trustedName: 'origin/main' });
    expect(r.changes.map((c) => [c.key, c.line])).toEqual([
      ['checks.webhook.https', 2],
      ['rehearsal.signers[0]', 8],
      ['ignore[1]', 5],
    ]);
    const json = await configLines('{\n  "plugins": [\n    "./a.ts",\n    "./evil.mjs"\n  ]\n}\n');
    expect(json(['plugins', 1])).toBe(4);
    expect(json(['plugins', 7])).toBe(2);
    expect(json(['nothing'])).toBeUndefined();
  });

  it('a plugin is the same plugin when both configs name the same file from different folders', () => {
    const pluginId = { trusted: (s: string) => path.resolve('/repo', s), worktree: (s: string) => path.resolve('/repo/services/shop', s) };
    const same = comparePolicy({ trusted: cfg({ plugins: ['./golive/acme.ts'] }), worktree: cfg({ plugins: ['../../golive/acme.ts'] }), pluginId, trustedName: 'origin/main' });
    expect(same.changes).toEqual([]);
    expect(same.effective.plugins).toEqual(['./golive/acme.ts']);
    const other = comparePolicy({ trusted: cfg({ plugins: ['./golive/acme.ts'] }), worktree: cfg({ plugins: ['./golive/acme.ts'] }), pluginId, trustedName: 'origin/main' });
    expect(kinds(other)).toEqual(['plugin-removed plugins', 'plugin-added plugins[0]']);
  });

  it('an unknown extra field of a plugin entry counts as a change', () => {
    const trusted = cfg({ plugins: [{ use: './acme.ts' }] });
    const worktree = { ...trusted, plugins: [{ use: './acme.ts', grants: { env: ['MINTCASH_SECRET_KEY'] } }] } as unknown as GoliveConfig;
    const r = comparePolicy({ trusted, worktree, pluginId: ids, trustedName: 'origin/main' });
    expect(kinds({ ...r })).toEqual(['plugin-changed plugins[0]']);
    expect(r.effective.plugins).toEqual([{ use: './acme.ts' }]);
  });

  it('keys read as they are written', () => {
    expect(keyOf(['checks', 'webhook.https'])).toBe('checks.webhook.https');
    expect(keyOf(['rehearsal', 'signers', 1])).toBe('rehearsal.signers[1]');
  });
});
