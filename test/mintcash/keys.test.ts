import { describe, expect, it } from 'vitest';
import { diagnoseKey, findKeysInText, isKeyShaped, isPlaceholder, keyPrefix, looksLikeApiKey, mentionsSandbox, parseKey } from '../../src/mintcash/keys.js';
import { fakeKey } from '../helpers/keys.js';

const skLive = fakeKey('sk', 'live', 'mk');
const pkTest = fakeKey('pk', 'test', 'mk');

describe('parseKey / isKeyShaped', () => {
  it('parses whole keys only', () => {
    expect(parseKey(skLive)).toEqual({ kind: 'sk', env: 'live', body: skLive.slice(8) });
    expect(parseKey(pkTest)).toMatchObject({ kind: 'pk', env: 'test' });
    for (const v of [` ${skLive}`, `"${skLive}"`, 'sk_' + 'live_' + 'short', 'rk_' + 'live_' + 'abcdefghijkl', 'sk_' + 'prod_' + 'abcdefghijkl', `${skLive}!`]) {
      expect(parseKey(v)).toBeUndefined();
      expect(isKeyShaped(v)).toBe(false);
    }
    expect(keyPrefix('pk', 'live')).toBe('pk_' + 'live_');
  });
});

describe('findKeysInText', () => {
  it('finds keys with offsets and ignores look-alikes', () => {
    const text = `a=${skLive} b=${pkTest} c=my_sk_${'live_'}abcdefghij d=sk_${'live_'}abc`;
    expect(findKeysInText(text).map((k) => [k.value, k.index])).toEqual([
      [skLive, 2],
      [pkTest, 2 + skLive.length + 3],
    ]);
  });
});

describe('diagnoseKey', () => {
  const cases: Array<[string, string, string[], string?]> = [
    ['a clean key', skLive, [], 'sk/live'],
    ['double quotes', `"${skLive}"`, ['quotes'], 'sk/live'],
    ['single quotes and padding', ` '${skLive}' `, ['whitespace', 'quotes'], 'sk/live'],
    ['an inner space', skLive.slice(0, 10) + ' ' + skLive.slice(10), ['whitespace'], 'sk/live'],
    ['a stray quote', `${skLive}"`, ['quotes'], 'sk/live'],
    ['odd characters', `${skLive}-_`, ['bad-characters'], 'sk/live'],
    ['a short body', 'pk_' + 'test_' + 'abc123', ['short-body'], 'pk/test'],
    ['an unknown environment', 'pk_' + 'prod_' + 'abcdefghijklmnopqr', ['wrong-prefix']],
    ['not a key', 'correct-horse-battery', ['not-a-key']],
    ['an upper-case prefix', 'SK_' + 'LIVE_' + 'abcdefghijklmnopqr', ['not-a-key']],
  ];
  it.each(cases)('%s', (_n, value, problems, parsed) => {
    const d = diagnoseKey(value);
    expect(d.problems).toEqual(problems);
    expect(d.parsed ? `${d.parsed.kind}/${d.parsed.env}` : undefined).toBe(parsed);
  });
});

describe('small predicates', () => {
  it.each([
    ['${MINTCASH_SECRET_KEY}', true],
    ['$MINTCASH_SECRET_KEY', true],
    ['{{ .Values.mintcash.secretKey }}', true],
    ['<your secret key>', true],
    ['', true],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:mintcash-sk', true],
    ['op://prod/mintcash/secret-key', true],
    ['vault:secret/data/mintcash#sk', true],
    ['projects/shop/secrets/mintcash-sk/versions/latest', true],
    [skLive, false],
    ['whsec_abc$def', false],
  ])('isPlaceholder(%j) is %s', (v, want) => {
    expect(isPlaceholder(v)).toBe(want);
  });

  it('tells API-key-like values and sandbox mentions apart', () => {
    expect(looksLikeApiKey(`"${skLive}`)).toBe(true);
    expect(looksLikeApiKey('pk_' + 'prod_' + 'x')).toBe(true);
    expect(looksLikeApiKey('whsec_abcdef')).toBe(false);
    expect(mentionsSandbox('https://SANDBOX.mintcash.me/v1')).toBe(true);
    expect(mentionsSandbox('https://api.mintcash.me')).toBe(false);
  });
});
