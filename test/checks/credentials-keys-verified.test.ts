// credentials.keys-verified: the judgement as a table over evidence, then the real collector
// against the emulator for valid, revoked, wrong-environment, unauthorised and IP-denied pairs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsKeysVerified } from '../../checks/credentials-keys-verified.js';
import { collectMintcash } from '../../src/evidence/mintcash.js';
import { configSchema } from '../../src/config/schema.js';
import type { CollectContext, CredentialItem, EvidenceMap, KeyInventory, MintcashFacts } from '../../src/evidence/types.js';
import type { CheckOutcome, RunOptions } from '../../src/engine/types.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { fakeKey } from '../helpers/keys.js';

const options: RunOptions = { offline: false, history: false, requireRehearsal: false };
const PK = fakeKey('pk', 'live', 'a');

async function judge(facts: MintcashFacts, environment: 'live' | 'test' = facts.environment) {
  const config = configSchema.parse({ environment });
  const out = (await credentialsKeysVerified.run({ evidence: { mintcash: facts }, config, options })) as CheckOutcome;
  const ids = (out.findings ?? []).map((f) => f.messageId);
  // fingerprintOf holds the raw matched value on purpose: the runner hashes it and drops it.
  const text = JSON.stringify({ ...out, findings: (out.findings ?? []).map((f) => ({ ...f, fingerprintOf: undefined })) });
  return { out, ids, verdict: out.status ?? (ids.length ? 'fail' : 'pass'), text };
}

const base: MintcashFacts = {
  attempted: true,
  baseUrl: 'https://api.mintcash.me',
  baseUrlKind: 'production',
  environment: 'live',
  publicKey: PK,
  publicKeyEnv: 'live',
  secretKeyEnv: 'live',
  status: 200,
  apiKeys: [{ id: 'k1', publicKey: PK, environment: 'live', isActive: true, revokedAt: null }],
  notes: [],
};
const listed = (patch: Partial<NonNullable<MintcashFacts['apiKeys']>[number]>) => ({ ...base, apiKeys: [{ ...base.apiKeys![0]!, ...patch }] });

describe('credentials.keys-verified judgement', () => {
  it.each<[string, MintcashFacts, string, string[]]>([
    ['active live key', base, 'pass', []],
    // The docs never list the environment values: "production" must count as live.
    ['listed as production', listed({ environment: 'production' }), 'pass', []],
    ['listed as Live (case)', listed({ environment: 'Live' }), 'pass', []],
    ['listed as sandbox', listed({ environment: 'sandbox' }), 'fail', ['key-wrong-environment']],
    ['listed as test', listed({ environment: 'test' }), 'fail', ['key-wrong-environment']],
    ['unknown environment value', listed({ environment: 'staging' }), 'fail', ['key-wrong-environment']],
    ['revoked (isActive false)', listed({ isActive: false }), 'fail', ['key-revoked']],
    // A naive check of isActive alone would pass this one.
    ['revokedAt set but isActive true', listed({ revokedAt: '2026-01-01T00:00:00.000Z' }), 'fail', ['key-revoked']],
    // A prefix-only comparison would wrongly match a different key with the same start.
    ['a similar but different key listed', listed({ publicKey: PK.slice(0, -1) + (PK.endsWith('x') ? 'y' : 'x') }), 'fail', ['key-not-listed']],
    ['empty list', { ...base, apiKeys: [] }, 'fail', ['key-not-listed']],
    ['401', { ...base, status: 401, errorCode: 'unauthenticated', requestId: 'req_1', apiKeys: undefined }, 'fail', ['unauthenticated']],
    ['403 ip reason', { ...base, status: 403, errorCode: 'permission_denied', errorReason: 'ip_not_allowed', apiKeys: undefined }, 'fail', ['ip-not-allowed']],
    ['403 ip_not_allowed as code', { ...base, status: 403, errorCode: 'ip_not_allowed', apiKeys: undefined }, 'fail', ['ip-not-allowed']],
    ['403 merchant inactive', { ...base, status: 403, errorCode: 'permission_denied', apiKeys: undefined }, 'fail', ['permission-denied']],
    ['500', { ...base, status: 500, errorCode: 'internal', apiKeys: undefined }, 'error', []],
    ['network failure', { ...base, status: undefined, errorCode: 'network_error', apiKeys: undefined }, 'error', []],
    ['test keys at production', { ...base, attempted: false, skippedReason: 'env-mismatch', mismatch: 'test-keys-production' }, 'fail', ['test-keys-production']],
    ['live keys at sandbox', { ...base, attempted: false, skippedReason: 'env-mismatch', mismatch: 'live-keys-sandbox' }, 'fail', ['live-keys-sandbox']],
    ['live keys at the emulator', { ...base, attempted: false, skippedReason: 'env-mismatch', mismatch: 'live-keys-loopback' }, 'fail', ['live-keys-loopback']],
    ['offline', { ...base, attempted: false, skippedReason: 'offline' }, 'skip', []],
    ['no keys', { ...base, attempted: false, skippedReason: 'no-keys', publicKey: undefined }, 'pending', []],
  ])('%s -> %s', async (_name, facts, verdict, ids) => {
    const r = await judge(facts);
    expect(r.verdict).toBe(verdict);
    expect(r.ids).toEqual(ids);
    expect(r.text).not.toContain(PK);
    for (const f of r.out.findings ?? []) expect(f.fingerprintOf).toBeTruthy();
  });

  it('quotes the requestId on an authentication failure', async () => {
    const r = await judge({ ...base, status: 401, errorCode: 'unauthenticated', requestId: 'req_ABC', apiKeys: undefined });
    expect(r.out.findings?.[0]?.message).toContain('req_ABC');
  });
});

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

function ctxFor(opts: { baseUrl: string; environment: 'live' | 'test'; pk?: string; sk?: string; offline?: boolean; source?: CredentialItem['source'] }): CollectContext {
  const config = configSchema.parse({ environment: opts.environment, api: { baseUrl: opts.baseUrl } });
  const items: CredentialItem[] = [];
  const source = opts.source ?? 'env';
  if (opts.pk) items.push({ source, name: 'MINTCASH_PUBLIC_KEY', role: 'publicKey', value: opts.pk });
  if (opts.sk) items.push({ source, name: 'MINTCASH_SECRET_KEY', role: 'secretKey', value: opts.sk });
  const keys: KeyInventory = { environment: opts.environment, items, productionFiles: [], notes: [] };
  return {
    root: '/nonexistent',
    config,
    options: { ...options, offline: !!opts.offline },
    env: {},
    get: (async (k: keyof EvidenceMap) => {
      if (k !== 'keys') throw new Error(`unexpected ${k}`);
      return keys;
    }) as CollectContext['get'],
  };
}

describe('credentials.keys-verified against the emulator', () => {
  it('passes for the active test pair', async () => {
    const { publicKey, secretKey } = emu.credentials('test');
    const facts = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: publicKey, sk: secretKey }));
    expect(facts.attempted).toBe(true);
    const r = await judge(facts);
    expect([r.verdict, r.ids]).toEqual(['pass', []]);
    expect(JSON.stringify(r.out)).not.toContain(secretKey);
  });

  it('reads the pair from --env-file when the environment has none', async () => {
    const { publicKey, secretKey } = emu.credentials('test');
    const facts = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: publicKey, sk: secretKey, source: 'env-file' }));
    expect(facts.keySource).toContain('--dotenv');
    expect((await judge(facts)).verdict).toBe('pass');
  });

  it('fails with unauthenticated for a wrong secret, and the facts hold no secret', async () => {
    const { publicKey } = emu.credentials('test');
    const sk = fakeKey('sk', 'test', 'wrong');
    const facts = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: publicKey, sk }));
    expect(facts.status).toBe(401);
    expect(facts.requestId).toMatch(/^req_/);
    expect(JSON.stringify(facts)).not.toContain(sk);
    expect((await judge(facts)).ids).toEqual(['unauthenticated']);
  });

  it('fails for a revoked pair', async () => {
    const r = await fetch(`${emu.url}/__emulator/keys`, { method: 'POST', body: JSON.stringify({ environment: 'test' }) });
    const k = (await r.json()) as { publicKey: string; secretKey: string };
    await fetch(`${emu.url}/__emulator/keys/revoke`, { method: 'POST', body: JSON.stringify({ publicKey: k.publicKey }) });
    const facts = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: k.publicKey, sk: k.secretKey }));
    // Real MintCash answers 401 for revoked credentials (API-FACTS §2).
    expect((await judge(facts)).ids).toEqual(['unauthenticated']);
  });

  it('fails when the test pair is checked for the live environment', async () => {
    const { publicKey, secretKey } = emu.credentials('test');
    const facts = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'live', pk: publicKey, sk: secretKey }));
    expect((await judge(facts)).ids).toEqual(['key-wrong-environment']);
  });

  it('never sends live keys to the emulator, and never sends test keys to production', async () => {
    const { publicKey, secretKey } = emu.credentials('live');
    const before = emu.core.events.length;
    const live = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'live', pk: publicKey, sk: secretKey }));
    expect([live.attempted, live.mismatch]).toEqual([false, 'live-keys-loopback']);
    expect(emu.core.events.length).toBe(before);
    const sandbox = await collectMintcash(ctxFor({ baseUrl: 'https://sandbox.mintcash.me', environment: 'live', pk: publicKey, sk: secretKey }));
    expect([sandbox.attempted, sandbox.mismatch]).toEqual([false, 'live-keys-sandbox']);
    const t = emu.credentials('test');
    const prod = await collectMintcash(ctxFor({ baseUrl: 'https://api.mintcash.me', environment: 'test', pk: t.publicKey, sk: t.secretKey }));
    expect([prod.attempted, prod.mismatch]).toEqual([false, 'test-keys-production']);
    // A mixed pair (live secret) is refused at the emulator too.
    const mixed = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: t.publicKey, sk: secretKey }));
    expect(mixed.mismatch).toBe('live-keys-loopback');
  });

  it('reports ip-not-allowed for a live pair from outside the allow list', async () => {
    // Judged through the evidence the emulator's 403 produces; live keys never reach loopback from golive.
    await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ allowedIps: ['203.0.113.7'] }) });
    try {
      const { createClient } = await import('../../src/mintcash/client.js');
      const { approved } = await import('../helpers/api.js');
      const e = await createClient({ target: approved(emu.liveUrl, emu.credentials('live'), { allowLive: true }), ...emu.credentials('live'), retries: 0 }).listApiKeys().catch((x: unknown) => x as { status: number; code: string; reason: string });
      const facts: MintcashFacts = { ...base, status: (e as { status: number }).status, errorCode: (e as { code: string }).code, errorReason: (e as { reason: string }).reason, apiKeys: undefined };
      expect((await judge(facts)).ids).toEqual(['ip-not-allowed']);
    } finally {
      await fetch(`${emu.url}/__emulator/merchant`, { method: 'POST', body: JSON.stringify({ allowedIps: [] }) });
    }
  });

  it('skips offline and without keys, without any request', async () => {
    const off = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', offline: true, pk: 'x', sk: 'y' }));
    expect([off.attempted, off.skippedReason]).toEqual([false, 'offline']);
    const none = await collectMintcash(ctxFor({ baseUrl: emu.url, environment: 'test', pk: emu.credentials('test').publicKey }));
    expect([none.attempted, none.skippedReason]).toEqual([false, 'no-keys']);
  });

  it('records an unreachable API as data, not a throw', async () => {
    const t = emu.credentials('test');
    const facts = await collectMintcash(ctxFor({ baseUrl: 'http://127.0.0.1:1', environment: 'test', pk: t.publicKey, sk: t.secretKey }));
    expect(facts.errorCode).toBe('network_error');
    expect((await judge(facts)).verdict).toBe('error');
  });
});
