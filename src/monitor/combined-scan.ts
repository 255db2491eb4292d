// The combined access log's fast path: reads one line's bytes the way parseCombined reads its
// string (the COMBINED regex, then record()), without making a string, a match array or a record.
// It takes only the plain shape of a line: printable ASCII where it looks, a `[dd/Mon/yyyy:hh:mm:ss
// +zzzz]` time, `METHOD /path[?query] PROTOCOL/x.y` and a status 100-599; at anything else
// (a control or non-ASCII byte, a backslash in the request, an absolute URL, a time in another
// shape, a User-Agent starting `golive/`, the regex needing a later `[`) it answers false and the
// caller gives the line's string to parseCombined, which decides. So the result is the same either
// way: test/monitor/combined-scan.test.ts compares both on generated, mutated and hand-written lines.

/** What a line gave: where its method and path sit in the buffer, its time and status. */
export class CombinedScan {
  t = 0;
  status = 0;
  methodStart = 0;
  methodEnd = 0;
  pathStart = 0;
  pathEnd = 0;
}

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Printable ASCII and space: bytes the scan reads without thinking about JS's \s or `.`. */
const plain = (c: number) => c >= 0x20 && c < 0x7f;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

/** `Jan` … `Dec` as three bytes in one number, to their month index. */
const MONTH_OF = new Map(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i]));

/** The last time's minute and zone bytes (`10/Oct/2026:13:55` and `-0700`) and that minute's epoch ms. */
const lastTime = Buffer.alloc(26);
let lastBase = NaN;

/** Where a time's digits are. */
const DIGITS = Uint8Array.of(0, 1, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19, 22, 23, 24, 25);
const two = (b: Buffer, i: number) => (b[i]! - 48) * 10 + (b[i + 1]! - 48);

/**
 * `10/Oct/2026:13:55:36 -0700` at b[s, s + 26) → epoch ms, as parseTimeLocal reads it; NaN when the
 * bytes have another shape (the string path then decides). Consecutive lines share their minute.
 */
function timeAt(b: Buffer, s: number): number {
  // dd/Mon/yyyy:hh:mm:ss +zzzz
  if (b[s + 2] !== 0x2f || b[s + 6] !== 0x2f || b[s + 11] !== 0x3a || b[s + 14] !== 0x3a || b[s + 17] !== 0x3a || b[s + 20] !== SPACE) return NaN;
  const sign = b[s + 21];
  if (sign !== 0x2b && sign !== 0x2d) return NaN;
  for (let k = 0; k < DIGITS.length; k++) if (!isDigit(b[s + DIGITS[k]!]!)) return NaN;
  const sec = two(b, s + 18);
  let same = Number.isFinite(lastBase);
  for (let i = 0; same && i < 26; i++) if ((i < 17 || i > 20) && b[s + i] !== lastTime[i]) same = false;
  if (same) return lastBase + sec * 1000;
  const mon = MONTH_OF.get((b[s + 3]! << 16) | (b[s + 4]! << 8) | b[s + 5]!);
  if (mon === undefined) return NaN;
  const off = (sign === 0x2d ? -1 : 1) * (two(b, s + 22) * 60 + two(b, s + 24)) * 60_000;
  const base = Date.UTC(two(b, s + 7) * 100 + two(b, s + 9), mon, two(b, s), two(b, s + 12), two(b, s + 15), 0, 0) - off;
  b.copy(lastTime, 0, s, s + 26);
  lastBase = base;
  return base + sec * 1000;
}

const GOLIVE = Buffer.from('golive/');
function startsGolive(b: Buffer, i: number, end: number): boolean {
  if (end - i < GOLIVE.length) return false;
  for (let k = 0; k < GOLIVE.length; k++) if (b[i + k] !== GOLIVE[k]) return false;
  return true;
}

/** The end of a quoted field's text that starts at i (after its `"`): at its closing quote; -1 for anything unusual. */
function quotedEnd(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (!plain(c)) return -1;
    if (c === BACKSLASH) {
      if (i + 1 >= end || !plain(b[i + 1]!)) return -1;
      i += 2;
    } else i++;
  }
  return -1;
}

/** The end of a run of non-space bytes from i (at least one); -1 when empty or unusual. */
function tokenEnd(b: Buffer, i: number, end: number): number {
  const from = i;
  while (i < end && b[i] !== SPACE) {
    if (!plain(b[i]!)) return -1;
    i++;
  }
  return i > from ? i : -1;
}

/**
 * Scans b[start, end) (one line, no newline) into `out`; true when it is a valid combined line of
 * the plain shape that is not golive's probe, false when parseCombined must read its string.
 */
export function scanCombined(b: Buffer, start: number, end: number, out: CombinedScan): boolean {
  // ^\S+ \S+
  let i = tokenEnd(b, start, end);
  if (i < 0 || b[i] !== SPACE) return false;
  i = tokenEnd(b, i + 1, end);
  if (i < 0 || b[i] !== SPACE) return false;
  // .*?\[([^\]]+)\] " : the first `[`; a later one only if this one fails, and that is the string path's.
  i++;
  while (i < end && b[i] !== 0x5b) {
    if (!plain(b[i]!)) return false;
    i++;
  }
  const ts = i + 1;
  if (ts + 29 > end || b[ts + 26] !== 0x5d || b[ts + 27] !== SPACE || b[ts + 28] !== QUOTE) return false;
  for (let k = ts; k < ts + 26; k++) if (!plain(b[k]!) || b[k] === 0x5d) return false;
  const t = timeAt(b, ts);
  if (Number.isNaN(t)) return false;
  // "METHOD target PROTOCOL/x.y" with no escapes: ^([A-Z]{3,10}) (\S+)(?: [A-Z]+\/[\d.]+)?$
  const rs = ts + 29;
  const re = quotedEnd(b, rs, end);
  if (re < 0) return false;
  let k = rs;
  while (k < re && isUpper(b[k]!)) k++;
  if (k - rs < 3 || k - rs > 10 || b[k] !== SPACE) return false;
  const ps = k + 1;
  let pe = ps;
  let target = ps;
  while (target < re && b[target] !== SPACE) {
    const c = b[target]!;
    if (c === BACKSLASH) return false;
    if ((c === 0x3f || c === 0x23) && pe === ps) pe = target;
    target++;
  }
  if (target === ps || b[ps] !== 0x2f) return false;
  if (pe === ps) pe = target;
  if (target < re) {
    let p = target + 1;
    const from = p;
    while (p < re && isUpper(b[p]!)) p++;
    if (p === from || b[p] !== 0x2f) return false;
    const digits = ++p;
    while (p < re && (isDigit(b[p]!) || b[p] === 0x2e)) p++;
    if (p === digits || p !== re) return false;
  }
  // " (\d{3}) \S+
  const st = re + 1;
  if (st + 5 >= end || b[st] !== SPACE || !isDigit(b[st + 1]!) || !isDigit(b[st + 2]!) || !isDigit(b[st + 3]!) || b[st + 4] !== SPACE) return false;
  const status = (b[st + 1]! - 48) * 100 + two(b, st + 2);
  if (status < 100 || status > 599) return false;
  const sent = tokenEnd(b, st + 5, end);
  if (sent < 0) return false;
  // (?: "referer" "(user agent)")?: only a User-Agent starting `golive/` can make the line a probe.
  if (sent + 1 < end && b[sent] === SPACE && b[sent + 1] === QUOTE) {
    const refEnd = quotedEnd(b, sent + 2, end);
    if (refEnd < 0) {
      // Unusual bytes in the referer (the string path decides), or no closing quote (no agent group).
      for (let j = sent + 2; j < end; j++) if (!plain(b[j]!)) return false;
    } else if (refEnd + 2 < end && b[refEnd + 1] === SPACE && b[refEnd + 2] === QUOTE && startsGolive(b, refEnd + 3, end)) return false;
  }
  out.t = t;
  out.status = status;
  out.methodStart = rs;
  out.methodEnd = k;
  out.pathStart = ps;
  out.pathEnd = pe;
  return true;
}
