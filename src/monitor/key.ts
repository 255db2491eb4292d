// A 53-bit hash of an id (two FNV-1a passes), used as a Map key instead of the id itself: a week's
// million eventIds or externalIds then cost a number each, not a retained string. Two ids collide
// with odds of about n²/2⁵⁴ (5 in 100,000 for a million ids): a rounding error in a rate.
export function key53(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
