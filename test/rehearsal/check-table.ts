// Shared ok/ng table for the five rehearsal.* checks: each reads only its own step, and only of a
// sign-off that is a real, recent, live rehearsal of this merchant (valid signature by a pinned
// key, MintCash's live API host, typed by a person unless the policy allows scripts, the same
// repository, merchant id and key, its charge recent at MintCash and not in the future, and every
// claim confirmed at MintCash when this run could ask).
import { expect, it } from 'vitest';
import type { Check } from '../../src/engine/types.js';
import type { RehearsalEvidence, RehearsalStepFact, SignOffFact } from '../../src/evidence/types.js';
import { runCheck } from '../../src/testing/index.js';

const STEPS = ['preflight', 'charge', 'settlement', 'refund', 'subscription', 'renewal', 'cancel'] as const;
const NOW = '2026-05-20T10:00:00.000Z';
const signer = { name: 'Ada Operator', fingerprint: 'SHA256:abc', publicKey: 'MCowBQYDK2VwAyEA' + 'A'.repeat(44) };
const HERE = { merchant: { repository: 'github.com/acme/shop', merchantId: 'acme' }, key: { environment: 'live' as const, fingerprint: 'SHA256:livekey' } };

function signOff(step: string, fact: Partial<RehearsalStepFact>, over: Partial<SignOffFact> = {}): SignOffFact {
  const steps = Object.fromEntries(STEPS.map((s) => [s, { status: 'done', ids: {} }])) as unknown as NonNullable<SignOffFact['steps']>;
  // Every OTHER step is done, so a pass or pending can only come from this check's own step.
  (steps as Record<string, RehearsalStepFact>)[step] = { status: 'not_started', ids: {}, ...fact };
  return {
    file: 'golive-rehearsal/golive-rehearsal-20260513-abc123.json',
    valid: true,
    id: '20260513-abc123',
    signer,
    signerPinned: true,
    pinnedAs: 'Ada',
    keyEnvironment: 'live',
    practice: false,
    scripted: false,
    complete: false,
    generatedAt: '2026-05-14T10:00:00.000Z',
    apiBaseUrl: 'https://api.mintcash.me',
    apiHostIsLive: true,
    merchant: { repository: 'github.com/acme/shop', merchantId: 'acme' },
    publicKeyFingerprint: 'SHA256:livekey',
    chargeCreatedAt: '2026-05-13T10:00:00.000Z',
    online: { baseUrl: 'https://api.mintcash.me', claims: [{ what: 'charge', ok: true, detail: 'payment p1 is refunded' }] },
    steps,
    ...over,
  };
}

const ev = (signOffs: SignOffFact[], pinnedSigners = 1, here: RehearsalEvidence['here'] = HERE): RehearsalEvidence => ({ dir: 'golive-rehearsal', collectedAt: NOW, signOffs, pinnedSigners, here, notes: [] });

type Row = [string, RehearsalEvidence, 'live' | 'test', Record<string, unknown> | undefined, 'pass' | 'pending' | 'error', RegExp, boolean];

export function rehearsalCheckTable(check: Check, id: string, step: string): void {
  // Through the plugin tester (the real runner), as a plugin author's tests would.
  const run = (e: RehearsalEvidence, environment: 'live' | 'test' = 'live', rehearsal?: Record<string, unknown>) =>
    runCheck(check, { evidence: { rehearsal: e }, config: { environment, ...(rehearsal ? { rehearsal } : {}) }, options: { offline: false, history: false, requireRehearsal: true } });
  it(`${id} is a manual rehearsal check that requires only the rehearsal evidence`, () => {
    expect(check.id).toBe(id);
    expect(check.kind).toBe('manual');
    expect(check.section).toBe('rehearsal');
    expect([...check.requires]).toEqual(['rehearsal']);
  });
  const done = { status: 'done' as const, completedAt: '2026-05-14T09:00:00.000Z' };
  const practice = { keyEnvironment: 'test' as const, practice: true, apiBaseUrl: 'http://127.0.0.1:4010', apiHostIsLive: false };
  const cases: Row[] = [
    ['no sign-off at all', ev([]), 'live', undefined, 'pending', /No signed rehearsal sign-off in golive-rehearsal\/: run `golive rehearse`/, false],
    ['step done in a verified live sign-off', ev([signOff(step, done)]), 'live', undefined, 'pass', /was done on 2026-05-14T09:00:00.000Z: sign-off golive-rehearsal\/golive-rehearsal-20260513-abc123.json \(rehearsal 20260513-abc123, charge 7 days ago at MintCash, signed by key SHA256:abc \(pinned as "Ada"; the document names "Ada Operator"\); MintCash confirmed 1 claims\)/, true],
    ['forged (signature does not verify)', ev([{ file: 'golive-rehearsal/x.json', valid: false, problem: 'bad signature: the content was changed after signing', signerPinned: false }]), 'live', undefined, 'pending', /x.json does not verify \(bad signature/, false],
    // Pin advice is by key: the snippet never repeats the name the document gives itself.
    ['signed, but no signers pinned', ev([signOff(step, done, { signerPinned: false, pinnedAs: undefined as never })], 0), 'live', undefined, 'pending', /signed by key SHA256:abc \(the document names "Ada Operator", its own claim\), but no signers are pinned: .* add \{"name": "<who holds SHA256:abc>", "publicKey": "MCow/, false],
    ['signed by a key that is not pinned (a forged sign-off named after the real operator)', ev([signOff(step, done, { signerPinned: false, pinnedAs: undefined as never, signer: { ...signer, fingerprint: 'SHA256:mallory' } })], 2), 'live', undefined, 'pending', /signed by key SHA256:mallory \(the document names "Ada Operator"\), which is not pinned/, false],
    ['a practice run (test keys), live target', ev([signOff(step, done, practice)]), 'live', undefined, 'pending', /practice run/, false],
    ['a practice run, and the config targets test', ev([signOff(step, done, practice)]), 'test', undefined, 'pass', /was done/, true],
    ['a "LIVE" run against an emulator behind a hostname alias', ev([signOff(step, done, { apiBaseUrl: 'http://vm:4710/live', apiHostIsLive: false })]), 'live', undefined, 'pending', /made against http:\/\/vm:4710\/live, which is not MintCash's live API host/, false],
    ['scripted answers, live, policy silent', ev([signOff(step, done, { scripted: true })]), 'live', undefined, 'pending', /has SCRIPTED answers .* unless the trusted policy sets rehearsal.allowScripted/, false],
    ['scripted answers, live, allowed by policy: passes and says SCRIPTED', ev([signOff(step, done, { scripted: true })]), 'live', { allowScripted: true }, 'pass', /SCRIPTED answers, allowed by rehearsal.allowScripted/, true],
    ['scripted answers in a practice run (config targets test)', ev([signOff(step, done, { ...practice, scripted: true })]), 'test', undefined, 'pass', /was done/, true],
    ["another merchant's sign-off (repository)", ev([signOff(step, done, { merchant: { repository: 'github.com/acme/other-shop' } })]), 'live', undefined, 'pending', /another merchant's: made in repository github.com\/acme\/other-shop, this is github.com\/acme\/shop/, false],
    ["another merchant's sign-off (merchant id)", ev([signOff(step, done, { merchant: { merchantId: 'globex' } })]), 'live', undefined, 'pending', /made for merchant id "globex", this repository is "acme"/, false],
    ["another merchant's sign-off (its key)", ev([signOff(step, done, { publicKeyFingerprint: 'SHA256:otherkey' })]), 'live', undefined, 'pending', /made with live public key SHA256:otherkey, not this merchant's \(SHA256:livekey\)/, false],
    ['nothing to tie it to this merchant', ev([signOff(step, done, { merchant: {}, publicKeyFingerprint: undefined as never })], 1, { merchant: {} }), 'live', undefined, 'pending', /cannot be tied to this merchant/, false],
    ['re-dated: written recently, charge made 19 days ago at MintCash', ev([signOff(step, done, { generatedAt: '2026-05-20T09:00:00.000Z', chargeCreatedAt: '2026-05-01T10:00:00.000Z' })]), 'live', undefined, 'pending', /19 days old \(its charge was created at MintCash 2026-05-01T10:00:00.000Z\), over rehearsal.maxAgeDays \(14\)/, false],
    ['within a longer rehearsal.maxAgeDays', ev([signOff(step, done, { chargeCreatedAt: '2026-05-01T10:00:00.000Z' })]), 'live', { maxAgeDays: 30 }, 'pass', /was done/, true],
    ['dated ten years ahead (negative age)', ev([signOff(step, done, { chargeCreatedAt: '2036-05-13T10:00:00.000Z', generatedAt: '2036-05-14T10:00:00.000Z' })]), 'live', undefined, 'pending', /is dated in the future \(charge created at MintCash 2036-05-13T10:00:00.000Z/, false],
    ['no MintCash time for its charge', ev([signOff(step, done, { chargeCreatedAt: undefined as never })]), 'live', undefined, 'pending', /carries no MintCash creation time for its charge/, false],
    ['a subscription that never renewed, per MintCash', ev([signOff(step, done, { online: { baseUrl: 'https://api.mintcash.me', claims: [{ what: 'charge', ok: true, detail: 'ok' }, { what: 'renewal', ok: false, detail: 'MintCash shows no charge after the first period' }] } })]), 'live', undefined, 'pending', /MintCash does not confirm the renewal in .*: MintCash shows no charge after the first period/, false],
    ['MintCash refused the keys: an error, not a verdict on the rehearsal', ev([signOff(step, done, { online: { baseUrl: 'https://api.mintcash.me', claims: [{ what: 'keys', ok: false, kind: 'auth', detail: 'MintCash refused the key pair (401 unauthenticated)' }] } })]), 'live', undefined, 'error', /could not be verified at MintCash: MintCash refused the key pair \(401 unauthenticated\)/, false],
    ['emulator practice aged by the clock it ran beside (emulator 8 days ahead)', ev([signOff(step, done, { ...practice, chargeCreatedAt: '2026-05-21T10:00:00.000Z', clockSkewMs: 8 * 86_400_000 })]), 'test', undefined, 'pass', /charge 7 days ago at MintCash/, true],
    ['a newer forged one is skipped for the older verified one', ev([{ file: 'golive-rehearsal/new.json', valid: false, problem: 'unsigned', signerPinned: false }, signOff(step, done)]), 'live', undefined, 'pass', /was done/, true],
    ['step waiting', ev([signOff(step, { status: 'waiting', waitingFor: 'the renewal due at X' })]), 'live', undefined, 'pending', /waits for the renewal due at X/, true],
    ['step failed', ev([signOff(step, { status: 'failed', failure: 'payment p1 failed (card_declined)' })]), 'live', undefined, 'pending', /failed \(payment p1 failed \(card_declined\)\)/, true],
    ['step in progress', ev([signOff(step, { status: 'in_progress' })]), 'live', undefined, 'pending', /is in progress/, true],
    ['step not started while every other step is done', ev([signOff(step, {})]), 'live', undefined, 'pending', /has not started/, true],
  ];
  it.each(cases)(`${id}: %s`, async (_name, e, environment, rehearsal, status, summary, verified) => {
    const out = await run(e, environment, rehearsal);
    expect(out.status).toBe(status);
    expect(out.summary).toMatch(summary);
    expect(out.summary.split('\n')).toHaveLength(1);
    expect(out.findings).toEqual([]);
    expect(out.evidence?.verifiedSignOff).toBe(verified);
  });
}
