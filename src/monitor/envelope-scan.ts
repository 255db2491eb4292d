// The ledger's fast path: reads one NDJSON line's bytes as JSON without building the object. It
// validates the whole line by RFC 8259's grammar (what JSON.parse accepts) and notes where the few
// values the monitor needs sit: eventId, event, createdAt, receivedAt, processedAt at the top, and
// id, externalId, failureCode, status in the top-level `data` object (last duplicate wins, as in
// JSON.parse). Only those values become strings. Anything it does not handle itself (a key written
// with escapes, a top-level key like "data.id" that dig() would read, nesting deeper than 64) makes
// it answer `false`, and the caller parses the line with JSON.parse: the result is the same either
// way (test/monitor/envelope-scan.test.ts compares both on tricky and random lines).

export const F = { eventId: 0, event: 1, createdAt: 2, receivedAt: 3, processedAt: 4, id: 5, externalId: 6, failureCode: 7, status: 8 } as const;
const FIELDS = 9;

/** Kinds of a noted value. */
export const ABSENT = 0;
export const STR = 1;
/** A string with bytes above 0x7f (decoded as UTF-8). */
export const STR_UTF8 = 2;
/** A string with backslash escapes (decoded by JSON.parse). */
export const STR_ESC = 3;
export const NUM = 4;
export const NULL = 5;
/** true, false, an object or an array: present, but neither a string nor a number. */
export const OTHER = 6;

/** Where the noted values are: reused for every line (no allocation per line). */
export class Fields {
  readonly kind = new Uint8Array(FIELDS);
  /** For strings, the bytes between the quotes. */
  readonly start = new Int32Array(FIELDS);
  readonly end = new Int32Array(FIELDS);
}

const MAX_DEPTH = 64;
const TOP = [
  ['eventId', F.eventId],
  ['event', F.event],
  ['createdAt', F.createdAt],
  ['receivedAt', F.receivedAt],
  ['processedAt', F.processedAt],
] as const;
const DATA = [
  ['id', F.id],
  ['externalId', F.externalId],
  ['failureCode', F.failureCode],
  ['status', F.status],
] as const;
/** Top-level keys dig() would read instead of data.<key>: rare enough to leave to JSON.parse. */
const DOTTED = ['data.id', 'data.externalId', 'data.failureCode', 'data.status'];

const codes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const TOP_CODES = TOP.map(([k, f]) => [codes(k), f] as const);
const DATA_CODES = DATA.map(([k, f]) => [codes(k), f] as const);
const DOTTED_CODES = DOTTED.map(codes);
const DATA_KEY = codes('data');

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** Scans one line; state of the current scan lives here so helpers return only positions. */
class Scanner {
  b: Uint8Array = new Uint8Array(0);
  end = 0;
  /** Set by str(): the string had escapes / bytes above 0x7f. */
  esc = false;
  high = false;
  /** Set when the line needs JSON.parse (not malformed: just not handled here). */
  punt = false;

  /** The byte at p, or -1 past the line's end (the buffer may go on with the next line). */
  at(p: number): number {
    return p < this.end ? this.b[p]! : -1;
  }

  ws(p: number): number {
    const b = this.b;
    while (p < this.end && isWs(b[p]!)) p++;
    return p;
  }

  /** p at the opening quote; returns the position after the closing quote, or -1. */
  str(p: number): number {
    const b = this.b;
    const end = this.end;
    let esc = false;
    let high = false;
    p++;
    while (p < end) {
      const c = b[p]!;
      if (c === 0x22) {
        this.esc = esc;
        this.high = high;
        return p + 1;
      }
      if (c === 0x5c) {
        esc = true;
        const e = this.at(p + 1);
        if (e === 0x75) {
          if (p + 5 >= end || !isHex(b[p + 2]!) || !isHex(b[p + 3]!) || !isHex(b[p + 4]!) || !isHex(b[p + 5]!)) return -1;
          p += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) p += 2;
        else return -1;
        continue;
      }
      if (c < 0x20) return -1;
      if (c >= 0x80) high = true;
      p++;
    }
    return -1;
  }

  num(p: number): number {
    const b = this.b;
    const end = this.end;
    if (this.at(p) === 0x2d) p++;
    if (p >= end) return -1;
    if (b[p] === 0x30) p++;
    else if (b[p]! >= 0x31 && b[p]! <= 0x39) while (p < end && isDigit(b[p]!)) p++;
    else return -1;
    if (p < end && b[p] === 0x2e) {
      p++;
      if (p >= end || !isDigit(b[p]!)) return -1;
      while (p < end && isDigit(b[p]!)) p++;
    }
    if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
      p++;
      if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
      if (p >= end || !isDigit(b[p]!)) return -1;
      while (p < end && isDigit(b[p]!)) p++;
    }
    return p;
  }

  word(p: number, w: Uint8Array): number {
    if (p + w.length > this.end) return -1;
    for (let i = 0; i < w.length; i++) if (this.b[p + i] !== w[i]) return -1;
    return p + w.length;
  }

  /** Any JSON value at p (after whitespace); returns the position after it, or -1. */
  value(p: number, depth: number): number {
    const c = this.at(p);
    if (c === 0x22) return this.str(p);
    if (c === 0x7b) return this.object(p, depth + 1, null);
    if (c === 0x5b) return this.array(p, depth + 1);
    if (c === 0x74) return this.word(p, TRUE);
    if (c === 0x66) return this.word(p, FALSE);
    if (c === 0x6e) return this.word(p, NULL_W);
    if (c === 0x2d || isDigit(c)) return this.num(p);
    return -1;
  }

  array(p: number, depth: number): number {
    if (depth > MAX_DEPTH) return this.giveUp();
    p = this.ws(p + 1);
    if (this.at(p) === 0x5d) return p + 1;
    for (;;) {
      p = this.value(p, depth);
      if (p < 0) return -1;
      p = this.ws(p);
      const c = this.at(p);
      if (c === 0x5d) return p + 1;
      if (c !== 0x2c) return -1;
      p = this.ws(p + 1);
    }
  }

  /**
   * An object at p. `notes` names the keys whose values to note (the envelope's top level, or its
   * `data`); null for any other object, which is only validated.
   */
  object(p: number, depth: number, notes: 'top' | 'data' | null, f?: Fields): number {
    if (depth > MAX_DEPTH) return this.giveUp();
    const b = this.b;
    p = this.ws(p + 1);
    if (this.at(p) === 0x7d) return p + 1;
    for (;;) {
      if (this.at(p) !== 0x22) return -1;
      const k0 = p + 1;
      p = this.str(p);
      if (p < 0) return -1;
      const k1 = p - 1;
      let field = -1;
      let isData = false;
      if (notes !== null) {
        // An escaped key may spell a field's name: JSON.parse decodes it.
        if (this.esc) return this.giveUp();
        if (notes === 'top') {
          field = match(b, k0, k1, TOP_CODES);
          isData = field === -1 && same(b, k0, k1, DATA_KEY);
          if (field === -1 && !isData && dotted(b, k0, k1)) return this.giveUp();
        } else field = match(b, k0, k1, DATA_CODES);
      }
      p = this.ws(p);
      if (this.at(p) !== 0x3a) return -1;
      p = this.ws(p + 1);
      const v0 = p;
      if (isData) {
        // The last `data` wins: forget what an earlier one held.
        for (const [, i] of DATA) f!.kind[i] = ABSENT;
        p = this.at(p) === 0x7b ? this.object(p, depth + 1, 'data', f) : this.value(p, depth);
      } else p = this.value(p, depth);
      if (p < 0) return -1;
      if (field !== -1) note(f!, field, b, v0, p, this);
      p = this.ws(p);
      const c = this.at(p);
      if (c === 0x7d) return p + 1;
      if (c !== 0x2c) return -1;
      p = this.ws(p + 1);
    }
  }

  giveUp(): number {
    this.punt = true;
    return -1;
  }
}

const TRUE = codes('true');
const FALSE = codes('false');
const NULL_W = codes('null');

function same(b: Uint8Array, s: number, e: number, w: Uint8Array): boolean {
  if (e - s !== w.length) return false;
  for (let i = 0; i < w.length; i++) if (b[s + i] !== w[i]) return false;
  return true;
}

function match(b: Uint8Array, s: number, e: number, table: ReadonlyArray<readonly [Uint8Array, number]>): number {
  for (let i = 0; i < table.length; i++) {
    const entry = table[i]!;
    if (same(b, s, e, entry[0])) return entry[1];
  }
  return -1;
}

function dotted(b: Uint8Array, s: number, e: number): boolean {
  // All start with "data.": a cheap test first, as nearly every key fails it.
  if (e - s < 7 || b[s + 4] !== 0x2e) return false;
  for (let i = 0; i < DOTTED_CODES.length; i++) if (same(b, s, e, DOTTED_CODES[i]!)) return true;
  return false;
}

function note(f: Fields, i: number, b: Uint8Array, v0: number, v1: number, s: Scanner): void {
  const c = b[v0];
  if (c === 0x22) {
    f.kind[i] = s.esc ? STR_ESC : s.high ? STR_UTF8 : STR;
    f.start[i] = v0 + 1;
    f.end[i] = v1 - 1;
  } else {
    f.kind[i] = c === 0x6e ? NULL : c === 0x2d || isDigit(c!) ? NUM : OTHER;
    f.start[i] = v0;
    f.end[i] = v1;
  }
}

const scanner = new Scanner();

/**
 * Reads the line in buf[start, end) into `f`. True: the line is a JSON object (exactly what
 * JSON.parse accepts) and `f` holds its fields. False: malformed or not handled here; the caller
 * decides with JSON.parse.
 */
export function scanEnvelope(buf: Uint8Array, start: number, end: number, f: Fields): boolean {
  const s = scanner;
  s.b = buf;
  s.end = end;
  s.punt = false;
  f.kind.fill(ABSENT);
  let p = s.ws(start);
  if (s.at(p) !== 0x7b) return false;
  p = s.object(p, 1, 'top', f);
  if (p < 0) return false;
  return s.ws(p) === end;
}

/** The JavaScript value JSON.parse would give the field (true stands for true, false, {} and []). */
export function fieldValue(buf: Buffer, f: Fields, i: number): unknown {
  const s = f.start[i]!;
  const e = f.end[i]!;
  switch (f.kind[i]) {
    case STR:
      return i === F.event || i === F.status || i === F.failureCode ? interned(buf, s, e) : buf.toString('latin1', s, e);
    case STR_UTF8:
      return buf.toString('utf8', s, e);
    case STR_ESC:
      return JSON.parse(buf.toString('utf8', s - 1, e + 1)) as string;
    case NUM:
      return Number(buf.toString('latin1', s, e));
    case NULL:
      return null;
    case OTHER:
      return true;
    default:
      return undefined;
  }
}

/**
 * Event names, statuses and failure codes repeat on every line: one string each, kept in a small
 * table by length and last byte, instead of a new string per line. ASCII only.
 */
const INTERNED = new Array<string | undefined>(256);
function interned(b: Uint8Array, s: number, e: number): string {
  const len = e - s;
  if (len === 0 || len > 40) return Buffer.prototype.toString.call(b, 'latin1', s, e);
  const h = ((len * 31) ^ b[e - 1]! ^ (b[s + (len >> 1)]! << 3)) & 255;
  const hit = INTERNED[h];
  if (hit !== undefined && hit.length === len) {
    let i = 0;
    while (i < len && hit.charCodeAt(i) === b[s + i]) i++;
    if (i === len) return hit;
  }
  const str = Buffer.prototype.toString.call(b, 'latin1', s, e) as string;
  INTERNED[h] = str;
  return str;
}

/** True when the field is there and neither null nor "" (what first() takes). */
export function present(f: Fields, i: number): boolean {
  const k = f.kind[i]!;
  return k !== ABSENT && k !== NULL && !(k <= STR_ESC && f.end[i] === f.start[i]);
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Epoch ms of an unescaped ASCII string field in the one shape MintCash sends,
 * `YYYY-MM-DDTHH:MM:SS[.mmm]Z` (days 1-28, where Date.parse's rules are plain), else NaN: the caller
 * then uses parseAnyTime on the string.
 */
export function isoMs(b: Uint8Array, f: Fields, i: number): number {
  if (f.kind[i] !== STR) return NaN;
  const s = f.start[i]!;
  const len = f.end[i]! - s;
  if ((len !== 20 && len !== 24) || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x54 || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a || b[s + len - 1] !== 0x5a) return NaN;
  const d = (at: number) => {
    const x = b[s + at]! - 0x30;
    const y = b[s + at + 1]! - 0x30;
    return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
  };
  const c = d(0);
  const yy = d(2);
  const mo = d(5);
  const day = d(8);
  const h = d(11);
  const mi = d(14);
  const sec = d(17);
  if (c < 19 || yy < 0 || mo < 1 || mo > 12 || day < 1 || day > 28 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return NaN;
  let ms = 0;
  if (len === 24) {
    const m1 = d(20);
    const m2 = b[s + 22]! - 0x30;
    if (b[s + 19] !== 0x2e || m1 < 0 || m2 < 0 || m2 > 9) return NaN;
    ms = m1 * 10 + m2;
  }
  const year = c * 100 + yy;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  // Days from 1970-01-01 to the first of `year` (years from 1900 on: c >= 19).
  const y1 = year - 1;
  const days = 365 * (year - 1970) + (Math.floor(y1 / 4) - Math.floor(y1 / 100) + Math.floor(y1 / 400) - 477) + DAYS_BEFORE_MONTH[mo - 1]! + (leap && mo > 2 ? 1 : 0) + day - 1;
  return ((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms;
}
