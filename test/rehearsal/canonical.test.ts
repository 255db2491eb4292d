// Canonical JSON and the sign-off digest: key order, whitespace and nesting never change the digest;
// any change of content does.
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf, sha256Hex } from '../../src/rehearsal/canonical.js';
import { verifyDocument } from '../../src/rehearsal/signoff.js';

describe('canonical JSON', () => {
  it.each([
    [{ b: 1, a: [3, { d: null, c: 'x' }] }, '{"a":[3,{"c":"x","d":null}],"b":1}'],
    [{ 'é': 1, Z: 2, a: 3 }, '{"Z":2,"a":3,"é":1}'],
    [{ u: undefined, s: 'line\n"q"' }, '{"s":"line\\n\\"q\\""}'],
    [[1.5, -0, true, 'a'], '[1.5,0,true,"a"]'],
  ])('%j → %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('digests ignore key order and the digest and signature members, and catch any content change', () => {
    const a = { kind: 'golive-rehearsal-signoff', x: { p: 1, q: [1, 2] } };
    const b = { x: { q: [1, 2], p: 1 }, kind: 'golive-rehearsal-signoff', digest: { algorithm: 'sha256', value: 'old' }, signature: { algorithm: 'ed25519', value: 'x' } };
    expect(digestOf(a)).toBe(digestOf(b));
    expect(digestOf(a)).toBe(sha256Hex('{"kind":"golive-rehearsal-signoff","x":{"p":1,"q":[1,2]}}'));
    const doc = { ...a, digest: { algorithm: 'sha256', value: digestOf(a) } };
    // A correct digest alone is not enough any more: anyone can compute one.
    expect(verifyDocument(doc)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsigned/) });
    expect(verifyDocument({ ...doc, x: { p: 1, q: [2, 1] } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^digest mismatch/) });
    expect(verifyDocument({ ...a })).toMatchObject({ ok: false, reason: 'the document carries no sha256 digest' });
    expect(verifyDocument({ hello: 1 })).toMatchObject({ ok: false, reason: 'not a golive rehearsal sign-off' });
  });
});
