// The placeholder rule next to the key pattern: docs-style placeholders are not keys, real-looking
// keys (including ones that merely contain a short run or a few x) still are. Keys are built at
// run time so nothing key-shaped is committed.
import { describe, expect, it } from 'vitest';
import { isPlaceholderKey } from '../../src/evidence/keymatch.js';
import { fakeKey } from '../helpers/keys.js';

const k = (body: string, kind = 'sk', env = 'live'): string => `${kind}_` + `${env}_` + body;

describe('isPlaceholderKey', () => {
  it.each([
    ['one repeated char', k('aaaaaaaaaaaaaaaa')],
    ['lowercase x run', k('x'.repeat(24))],
    ['uppercase X run', k('X'.repeat(32), 'pk', 'test')],
    ['mixed-case x run', k('xXxXxXxXxXxX')],
    ['zero run', k('0'.repeat(24))],
    ['x run then a visible tail', k('x'.repeat(20) + '4242')],
    ['a visible head then zeros', k('51Hq' + '0'.repeat(20))],
    ['ascending digits', k('12345678')],
    ['digits wrapping 9 to 0', k('1234567890')],
    ['ascending alphanumerics', k('0123456789abcdef')],
    ['descending letters', k('zyxwvuts')],
    ['uppercase alphabet', k('ABCDEFGHIJKLMNOP')],
    ['short chunk repeated', k('abcabcabcabc')],
    ['pair repeated', k('12121212')],
  ])('placeholder: %s', (_name, value) => {
    expect(isPlaceholderKey(value)).toBe(true);
  });

  it.each([
    ['a random-looking key', fakeKey('sk', 'live', 'p1')],
    ['another random-looking key', fakeKey('pk', 'test', 'p2')],
    ['a short run of x inside a real key', k('a8F' + 'xxxxxxx' + 'Q2pLm9Zt')],
    ['a sequence prefix only', k('12345678' + 'QzR7pW2m')],
    ['a long period is not a placeholder', k('a7Kq9Za7Kq9Z')],
    ['almost a sequence', k('12345679')],
  ])('real: %s', (_name, value) => {
    expect(isPlaceholderKey(value)).toBe(false);
  });
});
