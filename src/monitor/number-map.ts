// A map from key53() hashes to numbers in typed arrays (open addressing, linear probing, key and
// value side by side so a lookup touches one cache line). A week's million eventIds and payments
// fit in about 24 MB instead of a Map's boxed keys and entries, and an insert costs an array probe
// instead of a hash-table node (1M inserts: ~0.2 s instead of ~1.3 s). The table is cut into 64
// segments by the hash's top bits, each grown on its own: growing one whole 16 MB table into a
// 32 MB one held both (and the dead one until a full collection), 48 MB at once per map; a
// segment's growth holds 1/64 of that. A segment is kept between half and three quarters full
// (it grows by half): power-of-two tables kept a quarter to half full took 33-64 bytes a key.
const EMPTY = -1;
const SEGMENT_BITS = 6;
const SEGMENTS = 1 << SEGMENT_BITS;
/** The hash bits that place a key in its segment: a slot is (those bits / 2^26) of the way along. */
const LOW_BITS = 32 - SEGMENT_BITS;
const LOW = 2 ** LOW_BITS;

export class NumberMap {
  /** Per segment: [key, value, key, value, …]; EMPTY keys are free slots. */
  private readonly tables: Float64Array[] = [];
  /** Per segment: its number of slots. */
  private readonly slots = new Int32Array(SEGMENTS);
  private readonly counts = new Int32Array(SEGMENTS);
  /** Where the last get() or has() found the key or would insert it (set() right after skips a probe). */
  private lastKey = EMPTY;
  private lastSegment = 0;
  private lastSlot = 0;
  size = 0;

  constructor(capacity = 1024) {
    const n = Math.max(16, Math.ceil((capacity * 2) / SEGMENTS));
    for (let s = 0; s < SEGMENTS; s++) {
      this.tables.push(new Float64Array(n * 2).fill(EMPTY));
      this.slots[s] = n;
    }
  }

  /** Finds key (an integer in [0, 2^53)): sets lastSegment and lastSlot (the key's slot times 2, or the free one where it would go). */
  private find(key: number): void {
    const hi = (key / 0x200000) >>> 0;
    const lo = key % 0x200000;
    let h = Math.imul(hi ^ lo, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    // The top bits pick the segment, the low bits the slot in it (exact: the product is below 2^53).
    const seg = h >>> LOW_BITS;
    const t = this.tables[seg]!;
    const n = this.slots[seg]!;
    let i = Math.floor(((h & (LOW - 1)) * n) / LOW);
    for (;;) {
      const k = t[i * 2]!;
      if (k === key || k === EMPTY) break;
      if (++i === n) i = 0;
    }
    this.lastKey = key;
    this.lastSegment = seg;
    this.lastSlot = i * 2;
  }

  get(key: number): number | undefined {
    this.find(key);
    const t = this.tables[this.lastSegment]!;
    return t[this.lastSlot] === EMPTY ? undefined : t[this.lastSlot + 1];
  }

  has(key: number): boolean {
    this.find(key);
    return this.tables[this.lastSegment]![this.lastSlot] !== EMPTY;
  }

  set(key: number, value: number): this {
    if (key !== this.lastKey) this.find(key);
    const seg = this.lastSegment;
    let t = this.tables[seg]!;
    if (t[this.lastSlot] === EMPTY) {
      if ((this.counts[seg]! + 1) * 4 > this.slots[seg]! * 3) {
        this.grow(seg);
        this.find(key);
        t = this.tables[seg]!;
      }
      t[this.lastSlot] = key;
      this.counts[seg]!++;
      this.size++;
    }
    t[this.lastSlot + 1] = value;
    return this;
  }

  /** The bytes its tables hold. */
  get bytes(): number {
    return this.tables.reduce((sum, t) => sum + t.byteLength, 0);
  }

  *values(): IterableIterator<number> {
    for (const t of this.tables) {
      for (let i = 0; i < t.length; i += 2) if (t[i] !== EMPTY) yield t[i + 1]!;
    }
  }

  private grow(seg: number): void {
    const old = this.tables[seg]!;
    const n = Math.ceil(this.slots[seg]! * 1.5);
    this.tables[seg] = new Float64Array(n * 2).fill(EMPTY);
    this.slots[seg] = n;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i]!;
      if (k === EMPTY) continue;
      this.find(k);
      const t = this.tables[seg]!;
      t[this.lastSlot] = k;
      t[this.lastSlot + 1] = old[i + 1]!;
    }
    this.lastKey = EMPTY;
    // Freed now, not at the next full collection (an old table has long left the young generation).
    // ArrayBuffer.prototype.transfer: Node 22+; on older engines the table waits for the collector.
    (old.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer }).transfer?.(0);
  }
}
