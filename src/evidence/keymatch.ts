// The one MintCash key matcher, shared by the working-tree scan (secrets.ts) and the history scan
// (history.ts), so both agree on what a key is. It works on raw bytes: native Buffer.indexOf on a
// rare literal, then a few byte checks around each hit, so the cost is close to a memory scan.
import { isUtf8 } from 'node:buffer';
import type { KeyEnv, KeyKind } from './types.js';

/** Cap on `lineText`, so a minified one-line bundle does not drag megabytes into the evidence. */
export const LINE_TEXT_CAP = 400;

/**
 * The docs give only the prefixes, no length or charset for the body (API-FACTS §20.16), so we
 * accept any run of >= 8 ASCII alphanumerics: loose enough for any real key, strict enough that
 * `sk_live_` or `sk_live_xxx` in prose is not a key. `rk_` is not a MintCash key and is ignored.
 */
export const MIN_KEY_BODY = 8;

/**
 * Placeholders are not keys (issue 12). A key body (after `sk_live_` etc.) is a placeholder when it
 * is one character repeated, holds a run of 8+ `x`/`X`/`0`/`*` (docs mask keys that way: `sk_live_`
 * then a row of x, or a body ending in `0000000012`), is a short chunk repeated (`abcabcabc`), or is an obvious
 * sequence (`12345678`, `abcdefgh`, `0123456789abcdef`, descending too). A random 24-character body
 * has a 1 in 62^8 chance per position of such a run, so no real key is hidden; a real key sitting
 * next to placeholders is still matched on its own. The matcher still finds placeholders; the
 * checks count them in their evidence instead of reporting them.
 */
export function isPlaceholderKey(value: string): boolean {
  const body = value.replace(/^(pk|sk|rk)_(live|test)_/, '');
  if (body.length === 0) return true;
  if (/[xX*]{8,}|0{8,}/.test(body)) return true;
  for (let p = 1; p <= 4 && p * 2 <= body.length; p++) {
    if (body.slice(p) === body.slice(0, -p)) return true; // periodic with a short period
  }
  return isSequence(body.toLowerCase());
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Each character follows the previous one in the alphabet (cyclically, `90` too), up or down. */
function isSequence(s: string): boolean {
  const step = (a: string, b: string): number => {
    const i = ALPHABET.indexOf(a);
    const j = ALPHABET.indexOf(b);
    if (i < 0 || j < 0) return 0;
    if (j === i + 1 || (a === '9' && b === '0')) return 1;
    if (j === i - 1 || (a === '0' && b === '9')) return -1;
    return 0;
  };
  const dir = step(s[0]!, s[1]!);
  if (dir === 0) return false;
  for (let k = 2; k < s.length; k++) if (step(s[k - 1]!, s[k]!) !== dir) return false;
  return true;
}

export const SANDBOX_HOST = 'sandbox.mintcash.me';

// One pass per file for keys: Buffer.indexOf on `k_` (memchr skips to each rare `k`), then the
// bytes around it are checked for `pk_`/`sk_` and `live_`/`test_`. One needle instead of one per
// environment halves the memory passes (measured on medusa's 144 MB: 44 ms for `k_live_` plus
// `k_test_`, 21 ms for `k_`). Needles of 8 bytes or more take a slower search path in Node, so the
// sandbox host is found by its 7-byte middle `x.mintc`, with the rest compared around each hit
// (57 ms for the whole host, 28 ms for the middle).
const KEY_NEEDLE = Buffer.from('k_');
const LIVE = Buffer.from('live_');
const TEST = Buffer.from('test_');
const SANDBOX_NEEDLE = Buffer.from(SANDBOX_HOST);
const SANDBOX_ANCHOR = Buffer.from('x.mintc');
const SANDBOX_ANCHOR_AT = SANDBOX_HOST.indexOf('x.mintc');

/** buf holds `tag` at `at` (false past the end). */
function bytesAt(buf: Buffer, at: number, tag: Buffer): boolean {
  if (at < 0 || at + tag.length > buf.length) return false;
  for (let k = 0; k < tag.length; k++) if (buf[at + k] !== tag[k]) return false;
  return true;
}

const P = 0x70; // p
const S = 0x73; // s
const NL = 0x0a;
const CR = 0x0d;

function isAlnum(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

function isContinuation(b: number | undefined): boolean {
  return b !== undefined && (b & 0xc0) === 0x80;
}

/** A hit as byte offsets into the scanned buffer; positions are resolved later, only for hits. */
export interface RawHit {
  start: number;
  end: number;
  /** Absent for a sandbox URL mention. */
  kind?: KeyKind;
  env?: KeyEnv;
}

/**
 * Every key (`pk|sk` + `_live_|_test_` + >= 8 alnum) in buf, in no particular order. Pass a view
 * (`subarray`) that ends where the data ends: a reused read buffer holds stale bytes after it.
 */
export function findKeyHits(buf: Buffer, out: RawHit[]): void {
  const len = buf.length;
  let pos = buf.indexOf(KEY_NEEDLE, 1);
  while (pos !== -1) {
    const ps = buf[pos - 1];
    // The prefix must start a word: `ask_live_…` is not a key, `=sk_live_…` is.
    const env: KeyEnv | undefined = bytesAt(buf, pos + 2, LIVE) ? 'live' : bytesAt(buf, pos + 2, TEST) ? 'test' : undefined;
    if (env && (ps === P || ps === S) && !isAlnum(pos >= 2 ? buf[pos - 2] : undefined)) {
      let end = pos + 7; // past `k_live_` / `k_test_`
      while (end < len && isAlnum(buf[end])) end++;
      if (end - (pos + 7) >= MIN_KEY_BODY) {
        out.push({ start: pos - 1, end, kind: ps === P ? 'pk' : 'sk', env });
        pos = buf.indexOf(KEY_NEEDLE, end);
        continue;
      }
    }
    pos = buf.indexOf(KEY_NEEDLE, pos + 1);
  }
}

/** Every mention of the sandbox host in buf. */
export function findSandboxHits(buf: Buffer, out: RawHit[]): void {
  let pos = buf.indexOf(SANDBOX_ANCHOR);
  while (pos !== -1) {
    const start = pos - SANDBOX_ANCHOR_AT;
    if (bytesAt(buf, start, SANDBOX_NEEDLE)) {
      out.push({ start, end: start + SANDBOX_NEEDLE.length });
      pos = buf.indexOf(SANDBOX_ANCHOR, start + SANDBOX_NEEDLE.length);
    } else pos = buf.indexOf(SANDBOX_ANCHOR, pos + 1);
  }
}

/** Keys in one line of text (history diffs), with 1-based columns. */
export function findKeysInText(text: string): Array<{ column: number; kind: KeyKind; env: KeyEnv; value: string }> {
  const re = /(?<![A-Za-z0-9])(pk|sk)_(live|test)_[A-Za-z0-9]{8,}/g;
  const out: Array<{ column: number; kind: KeyKind; env: KeyEnv; value: string }> = [];
  for (const m of text.matchAll(re)) {
    out.push({ column: m.index + 1, kind: m[1] as KeyKind, env: m[2] as KeyEnv, value: m[0] });
  }
  return out;
}

/** Decodes bytes as UTF-8 when they are valid UTF-8, otherwise as latin1 (never throws). */
export function decode(buf: Buffer, start: number, end: number): string {
  const view = buf.subarray(start, end);
  return isUtf8(view) ? view.toString('utf8') : view.toString('latin1');
}

export interface PositionedHit extends RawHit {
  line: number;
  column: number;
  lineText: string;
}

/**
 * Resolves 1-based line and column for hits, counting newlines only from one hit to the next.
 * Columns count characters (UTF-16 units of the decoded line), not bytes. A CR before the LF is
 * not part of the line text.
 */
/**
 * How many newlines buf[from, to) holds, and the offset just after the last one. Buffer.indexOf
 * per line beats a byte loop in JS on every shape measured (medusa's 2.7 MB OpenAPI YAML: 2.3 vs
 * 7.2 ms; a 10 MB log of 15-byte lines: 11.6 vs 14.7 ms; a 2.2 MB bundle: 0.14 vs 4.5 ms).
 */
export function newlinesIn(buf: Buffer, from: number, to: number): { count: number; after: number } {
  let count = 0;
  let after = from;
  let nl = buf.indexOf(NL, from);
  while (nl !== -1 && nl < to) {
    count++;
    after = nl + 1;
    nl = buf.indexOf(NL, after);
  }
  return { count, after };
}

export function positionHits(buf: Buffer, hits: RawHit[]): PositionedHit[] {
  const len = buf.length;
  hits.sort((a, b) => a.start - b.start);
  const out: PositionedHit[] = [];
  let line = 1;
  let lineStart = 0;
  let scanned = 0; // newlines are counted in buf[0, scanned)
  // Column cache for several hits on one long line (minified bundles): decode only the gap.
  let colAt = 0;
  let colOffset = 0;
  for (const h of hits) {
    if (h.start > scanned) {
      const { count, after } = newlinesIn(buf, scanned, h.start);
      line += count;
      if (count > 0) lineStart = after;
      scanned = h.start;
    }
    const nl = buf.indexOf(NL, h.start);
    if (colOffset < lineStart || colOffset > h.start) {
      colOffset = lineStart;
      colAt = 0;
    }
    colAt += decode(buf, colOffset, h.start).length;
    colOffset = h.start;
    let lineEnd = nl === -1 ? len : nl;
    if (lineEnd > lineStart && buf[lineEnd - 1] === CR) lineEnd--;
    out.push({ ...h, line, column: colAt + 1, lineText: lineTextAround(buf, lineStart, lineEnd, h.start, h.end) });
  }
  return out;
}

/** The whole line when short; on a long line, a window around the hit so the context survives. */
function lineTextAround(buf: Buffer, lineStart: number, lineEnd: number, hitStart: number, hitEnd: number): string {
  if (lineEnd - lineStart <= LINE_TEXT_CAP) return decode(buf, lineStart, lineEnd);
  const hitLen = hitEnd - hitStart;
  const before = Math.max(0, Math.floor((LINE_TEXT_CAP - hitLen) / 2));
  let from = Math.max(lineStart, hitStart - before);
  let to = Math.min(lineEnd, from + LINE_TEXT_CAP);
  // Keep the byte window off UTF-8 continuation bytes so a valid UTF-8 line still decodes as such.
  while (from < hitStart && isContinuation(buf[from])) from++;
  while (to > hitEnd && to < lineEnd && isContinuation(buf[to])) to--;
  return decode(buf, from, to).slice(0, LINE_TEXT_CAP);
}
