// The operator key and the signed sign-off: created 0600 outside the repository on first use, reused
// after; a signature over the canonical content catches any edit even when the digest is recomputed;
// pinned signers decide whose signatures count.
import { mkdir, mkdtemp, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/rehearsal/canonical.js';
import { fingerprintOf, loadOrCreateOperatorKey, operatorKeyPath } from '../../src/rehearsal/signing.js';
import { buildSignOff, verifyDocument, type SignOff } from '../../src/rehearsal/signoff.js';
import { STEP_IDS, emptyStep, type RehearsalState } from '../../src/rehearsal/types.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'golive-sign-'));
  dirs.push(d);
  return d;
}

function state(): RehearsalState {
  const steps = Object.fromEntries(STEP_IDS.map((k) => [k, { ...emptyStep(), status: 'done' }])) as RehearsalState['steps'];
  steps.charge.ids.paymentId = 'pay-1';
  steps.charge.facts.amount = 100;
  steps.refund.answers['refund.confirm'] = 'REFUND';
  return {
    schemaVersion: 1,
    id: '20260513-abc234',
    createdAt: '2026-05-13T10:00:00.000Z',
    updatedAt: '2026-05-14T10:00:00.000Z',
    status: 'completed',
    target: { baseUrl: 'https://api.mintcash.me', baseUrlKind: 'production', keyEnvironment: 'live', publicKey: 'pk_live_…abcd' },
    operator: { name: 'Ada Operator', username: 'ada', hostname: 'laptop' },
    settings: { amount: 100, currency: 'USD', amountCap: 100, billingIntervalDays: 7, subscriptionAmount: 100, returnUrl: 'https://shop.example/' },
    steps,
    sessions: [],
  };
}

const redigest = (d: Record<string, unknown>) => ({ ...d, digest: { algorithm: 'sha256', value: digestOf(d) } });

describe('operator key', () => {
  it('is created 0600 on first use, reused after, and never inside the repository', async () => {
    const home = await tmp();
    const repo = await tmp();
    const file = path.join(home, 'cfg', 'golive', 'operator-ed25519.pem');
    const a = await loadOrCreateOperatorKey(file, repo);
    expect(a.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(a.fingerprint).toBe(fingerprintOf(a.publicKey));
    expect(a.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const b = await loadOrCreateOperatorKey(file, repo);
    expect([b.created, b.publicKey]).toEqual([false, a.publicKey]);
    await expect(loadOrCreateOperatorKey(path.join(repo, '.golive', 'key.pem'), repo)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('inside the repository') });
    await chmod(file, 0o644);
    await expect(loadOrCreateOperatorKey(file, repo)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('readable by others') });
    const junk = path.join(home, 'junk.pem');
    await writeFile(junk, 'not a key', { mode: 0o600 });
    await expect(loadOrCreateOperatorKey(junk, repo)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('is not a private key') });
  });

  it('lives under XDG_CONFIG_HOME or ~/.config by default; the flag or GOLIVE_OPERATOR_KEY_FILE override it', () => {
    expect(operatorKeyPath(undefined, { XDG_CONFIG_HOME: '/x' })).toBe('/x/golive/operator-ed25519.pem');
    expect(operatorKeyPath(undefined, { GOLIVE_OPERATOR_KEY_FILE: '/k.pem', XDG_CONFIG_HOME: '/x' })).toBe('/k.pem');
    expect(operatorKeyPath('/flag.pem', { GOLIVE_OPERATOR_KEY_FILE: '/k.pem' })).toBe('/flag.pem');
  });
});

describe('signed sign-off', () => {
  it('verifies, names the signer, and catches every edit even with a recomputed digest', async () => {
    const home = await tmp();
    await mkdir(home, { recursive: true });
    const key = await loadOrCreateOperatorKey(path.join(home, 'k.pem'), await tmp());
    const doc = buildSignOff(state(), '1.0.0', key);
    expect(doc.practice).toBe(false);
    const ok = verifyDocument(doc);
    expect(ok).toMatchObject({ ok: true, signer: { name: 'Ada Operator', fingerprint: key.fingerprint }, pinned: null });
    const pinned = verifyDocument(doc, [{ name: 'ada', publicKey: key.publicKey }]);
    expect(pinned).toMatchObject({ ok: true, pinned: { name: 'ada' } });

    const plain = JSON.parse(JSON.stringify(doc)) as SignOff & Record<string, unknown>;
    const edits: Array<[string, (d: SignOff) => void]> = [
      ['operator name', (d) => (d.operator.name = 'Mallory')],
      ['an answer', (d) => (d.steps[3]!.answers['refund.confirm'] = 'NO')],
      ['an amount', (d) => (d.rehearsal.settings.amount = 1)],
      ['a payment id', (d) => (d.steps[1]!.ids.paymentId = 'pay-2')],
      ['a step status', (d) => (d.steps[6]!.status = 'failed')],
      ['the practice flag', (d) => (d.practice = true)],
      ['the signer name', (d) => (d.signer.name = 'Someone Else')],
    ];
    for (const [what, edit] of edits) {
      const forged = JSON.parse(JSON.stringify(plain)) as SignOff;
      edit(forged);
      const r = verifyDocument(redigest(forged as unknown as Record<string, unknown>));
      expect(r, what).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });
    }
    const { signature: _s, ...unsigned } = plain;
    expect(verifyDocument(unsigned)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsigned/) });
    expect(verifyDocument(redigest({ ...plain, signer: { ...plain.signer, fingerprint: 'SHA256:x' } }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^bad signature/) });

    // Re-signed by another key: valid on its own, refused where the real operator is pinned.
    const other = await loadOrCreateOperatorKey(path.join(home, 'other.pem'), await tmp());
    const resigned = buildSignOff({ ...state(), operator: { name: 'Mallory', username: 'm', hostname: 'h' } }, '1.0.0', other);
    expect(verifyDocument(resigned)).toMatchObject({ ok: true, pinned: null });
    expect(verifyDocument(resigned, [{ name: 'ada', publicKey: key.publicKey }])).toMatchObject({ ok: false, reason: expect.stringContaining('signed by key ' + other.fingerprint + ' (the document names "Mallory"), which is not one of the 1 key(s) pinned') });
  });

  it('marks a test-key, emulator or not-MintCash-live-host run as practice, and its charge "Practice charge"', async () => {
    const key = await loadOrCreateOperatorKey(path.join(await tmp(), 'k.pem'), await tmp());
    const s = state();
    expect(buildSignOff({ ...s, target: { ...s.target, keyEnvironment: 'test', baseUrlKind: 'sandbox' } }, '1', key).practice).toBe(true);
    const emu = buildSignOff({ ...s, target: { ...s.target, keyEnvironment: 'test', baseUrlKind: 'loopback' } }, '1', key);
    expect(emu.practice).toBe(true);
    expect(emu.steps.find((x) => x.id === 'charge')?.title).toBe('Practice charge (no real money)');
    // Live keys against a host that was not MintCash's live host: not a live rehearsal either.
    expect(buildSignOff({ ...s, target: { ...s.target, baseUrl: 'http://vm:4710/live', baseUrlKind: 'custom', liveHost: false } }, '1', key).practice).toBe(true);
    const live = buildSignOff({ ...s, target: { ...s.target, liveHost: true } }, '1', key);
    expect([live.practice, live.steps.find((x) => x.id === 'charge')?.title]).toEqual([false, 'Live charge']);
  });

  it('is dated by the record, not by when it was written: re-rendering gives the same document', async () => {
    const key = await loadOrCreateOperatorKey(path.join(await tmp(), 'k.pem'), await tmp());
    const a = buildSignOff(state(), '1.0.0', key);
    const b = buildSignOff(state(), '1.0.0', key);
    expect(a.generatedAt).toBe(state().updatedAt);
    expect(b).toEqual(a);
  });
});
