// The byte matcher against a plain regular expression that states the rule: every key and sandbox
// host the regex finds, the matcher finds at the same offsets, and nothing else, on hand-picked
// edges and on many generated strings made of the pieces that matter.
import { describe, expect, it } from 'vitest';
import { findKeyHits, findSandboxHits, type RawHit } from '../../src/evidence/keymatch.js';

// A key: pk_/sk_ that starts a word, live_/test_, then at least 8 ASCII alphanumerics (greedy).
const KEY_RULE = /(?<![A-Za-z0-9])([ps])k_(live|test)_[A-Za-z0-9]{8,}/g;
const HOST = 'sandbox.' + 'mintcash.me';

function viaRegex(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(KEY_RULE)) out.push(`${m.index}-${m.index + m[0].length} ${m[1]}k ${m[2]}`);
  let p = text.indexOf(HOST);
  while (p !== -1) {
    out.push(`${p}-${p + HOST.length} host`);
    p = text.indexOf(HOST, p + HOST.length);
  }
  return out.sort();
}

function viaMatcher(text: string): string[] {
  const buf = Buffer.from(text, 'latin1');
  const hits: RawHit[] = [];
  findKeyHits(buf, hits);
  findSandboxHits(buf, hits);
  return hits.map((h) => (h.kind ? `${h.start}-${h.end} ${h.kind} ${h.env}` : `${h.start}-${h.end} host`)).sort();
}

const body = 'A1b2C3d4E5f6';

describe('key and sandbox matcher', () => {
  it.each([
    ['key at the very start', `sk_${'live'}_${body}`],
    ['key at the very end', `x=pk_${'test'}_${body}`],
    ['prefix inside a word is not a key', `ask_${'live'}_${body} tsk_${'test'}_${body}`],
    ['body too short', `sk_${'live'}_A1b2C3d token`],
    ['other environments and separators', `sk_${'lives'}_${body} sk-${'live'}-${body} rk_${'live'}_${body}`],
    ['host at start, end and twice in a row', `${HOST}/x ${HOST}${HOST}`],
    ['near misses of the host', `inbox.mintcash.me sandbox.mintcash.m sandbox.mintcash.io x.mintcash.me`],
    ['key right after a host', `${HOST}?k=sk_${'test'}_${body}`],
    ['k_ everywhere', `check_live_ block_test_ k_ k_live_ sk_ sk_live_ sk_test_${body}`],
  ])('%s', (_name, text) => {
    expect(viaMatcher(text)).toEqual(viaRegex(text));
  });

  it('agrees with the rule on 5,000 generated strings', () => {
    const pieces = ['s', 'p', 'k', '_', 'k_', 'sk_', 'pk_', 'live_', 'test_', 'live', 'x', 'A1b2', '9', ' ', '-', 'sandbox.', 'mintcash.me', 'x.mintc', HOST];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const parts = 1 + rnd(30);
      for (let j = 0; j < parts; j++) text += pieces[rnd(pieces.length)];
      expect(viaMatcher(text), text).toEqual(viaRegex(text));
    }
  });
});
