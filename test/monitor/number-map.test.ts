// NumberMap (the metrics' per-event and per-payment state) against a Map on the same operations.
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { key53 } from '../../src/monitor/key.js';
import { NumberMap } from '../../src/monitor/number-map.js';

describe('NumberMap = Map<number, number>', () => {
  it('after 200,000 seeded sets and gets over keys from 0 to 2^53 - 1, through several growths', () => {
    const rnd = seeded(5);
    const map = new NumberMap(4);
    const ref = new Map<number, number>();
    const keys = [0, 1, 2 ** 53 - 1, 2 ** 52, 0x200000, 0x1fffff];
    const wrong: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const k = rnd() < 0.5 && keys.length > 0 ? keys[Math.floor(rnd() * keys.length)]! : key53(`id-${Math.floor(rnd() * 1e9)}`);
      if (rnd() < 0.3) keys.push(k);
      if (rnd() < 0.4) {
        if (map.get(k) !== ref.get(k) || map.has(k) !== ref.has(k)) wrong.push(k);
        continue;
      }
      // get then set (the pattern the metrics use: the slot found by get is reused by set).
      if (rnd() < 0.5) map.get(k);
      const v = rnd() < 0.1 ? 0 : rnd() < 0.5 ? -Math.floor(rnd() * 1e6) : rnd() * 1e12;
      map.set(k, v);
      ref.set(k, v);
    }
    expect(wrong).toEqual([]);
    expect(map.size).toBe(ref.size);
    expect([...map.values()].sort((a, b) => a - b)).toEqual([...ref.values()].sort((a, b) => a - b));
    for (const [k, v] of ref) expect(map.get(k)).toBe(v);
  });

  it('a million keys: every one found, in 21 to 32 bytes a key (tables a half to three quarters full)', () => {
    const map = new NumberMap();
    for (let i = 0; i < 1_000_000; i++) map.set(key53(`evt-${i}`), i);
    expect(map.size).toBe(1_000_000);
    let wrong = 0;
    for (let i = 0; i < 1_000_000; i += 7) if (map.get(key53(`evt-${i}`)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(map.get(key53('evt-1000000'))).toBeUndefined();
    expect(map.bytes / map.size).toBeGreaterThan(16 / 0.75);
    expect(map.bytes / map.size).toBeLessThan(32);
  });
});
