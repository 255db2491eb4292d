// The ledger's fast path against JSON.parse: for every line, reading the bytes (falling back to
// JSON.parse only where the scan says so) gives exactly the record, the malformed reason or the
// blank that ledgerRecord(JSON.parse(line)) gives. Tricky lines by hand, then mutated and generated
// ones from a seeded generator; then whole monitor reports with and without the scan. Also: the
// byte line splitter against the string one, and the ISO time reader against Date.parse.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { seeded } from '../helpers/seeded.js';
import { isoMs, scanEnvelope, Fields, F } from '../../src/monitor/envelope-scan.js';
import { ledgerRecord, ledgerRecordFromBytes } from '../../src/monitor/exports.js';
import { forEachLine, forEachLineBytes, MAX_LINE } from '../../src/monitor/lines.js';
import { defaultMonitorConfig } from '../../src/monitor/config.js';
import { Monitor } from '../../src/monitor/run.js';
import { fixtureWeek, T0 as FIXTURE_T0 } from './fixtures.js';

/** What the monitor made of a line before the fast path: JSON.parse, then ledgerRecord. */
function reference(line: string): unknown {
  if (line.trim() === '') return 'blank';
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  return ledgerRecord(o);
}

/** What it makes of it now; `fast` says whether the bytes decided without JSON.parse. */
function now(bytes: Buffer): { out: unknown; fast: boolean } {
  // The line sits inside a bigger buffer, as in a read chunk: the scan must stop at its end.
  const chunk = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('\n"}],\n')]);
  const r = ledgerRecordFromBytes(chunk, 8, 8 + bytes.length);
  return r === undefined ? { out: reference(bytes.toString('utf8')), fast: false } : { out: r, fast: true };
}

function same(line: string | Buffer): boolean {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const n = now(bytes);
  expect(n.out, `line: ${bytes.toString('utf8')}`).toEqual(reference(bytes.toString('utf8')));
  return n.fast;
}

const T = '2026-12-01T10:20:30.456Z';
const env = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) =>
  JSON.stringify({ eventId: 'evt_1', event: 'payment.failed', type: 'payment', environment: 'live', createdAt: T, data: { id: 'pay_1', externalId: 'order_1', status: 'failed', failureCode: 'card_declined', ...data }, ...over });

const tricky: Array<[string, string]> = [
  ['escaped quotes in values', String.raw`{"eventId":"a\"b\\","event":"payment.failed","createdAt":"${T}","data":{"id":"p\"1","failureCode":"x\\\"y"}}`],
  ['escaped slash and control escapes', String.raw`{"eventId":"a\/b\n\t\r\b\f","event":"payment.failed","createdAt":"${T}"}`],
  ['unicode escapes in values', String.raw`{"eventId":"\u00e9v\u0074","event":"payment.f\u0061iled","createdAt":"2026-12-01T10:20:30.456\u005a","data":{"externalId":"\ud83d\ude00"}}`],
  ['a lone surrogate escape', String.raw`{"eventId":"\ud800","event":"payment.failed","createdAt":"${T}"}`],
  ['a key spelled with a unicode escape', String.raw`{"event\u0049d":"e9","event":"payment.failed","createdAt":"${T}"}`],
  ['an escaped key inside data', String.raw`{"eventId":"e","event":"payment.failed","createdAt":"${T}","data":{"\u0069d":"p7"}}`],
  ['an escaped key deeper down (irrelevant)', String.raw`{"eventId":"e","event":"payment.failed","createdAt":"${T}","meta":{"\u0069d":"p7"}}`],
  ['nested objects holding the same key names', JSON.stringify({ meta: { eventId: 'inner', event: 'x.y', createdAt: 'never', data: { id: 'no' } }, eventId: 'outer', event: 'payment.succeeded', createdAt: T, data: { inner: { id: 'deep', externalId: 'deep' }, list: [{ id: 'arr' }], id: 'top' } })],
  ['fields only nested, none at the top', JSON.stringify({ wrapper: { eventId: 'e', event: 'payment.failed', createdAt: T } })],
  ['key order: data first, eventId last', JSON.stringify({ data: { status: 'failed', id: 'p' }, createdAt: T, event: 'payment.failed', eventId: 'last' })],
  ['duplicate keys: the last wins', `{"eventId":"first","eventId":"second","event":"payment.failed","createdAt":"${T}","createdAt":"2026-12-02T00:00:00Z"}`],
  ['duplicate data: the last object wins whole', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data":{"id":"a","externalId":"x"},"data":{"id":"b"}}`],
  ['duplicate data: a later non-object clears it', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data":{"id":"a"},"data":"gone"}`],
  ['data as an array, a string, null', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data":[{"id":"a"}]}`],
  ['data null', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data":null}`],
  ['a top-level "data.id" key (dig reads it first)', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data.id":"dotted","data":{"id":"nested"}}`],
  ['a top-level "data.id" key set to null', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","data.id":null,"data":{"id":"nested"}}`],
  ['whitespace everywhere', ` \t{ "eventId" :\t"e" , "event":"payment.failed" ,\r"createdAt" : "${T}" , "data" : { "id" : "p" , "status":"failed" } } \t `],
  ['a CR inside, as whitespace', `{"eventId":"e",\r"event":"payment.failed","createdAt":"${T}"}`],
  ['numbers as ids and times', `{"eventId":12345,"event":"payment.failed","createdAt":1796120430456,"receivedAt":1796120430,"data":{"id":-0,"externalId":1.5e3}}`],
  ['epoch strings and other time formats', `{"eventId":"e","event":"payment.failed","createdAt":"1796120430.5","receivedAt":"01/Dec/2026:10:20:30 +0100"}`],
  ['times the fast reader leaves to Date.parse', `{"eventId":"e","event":"payment.failed","createdAt":"2026-02-30T00:00:00Z","receivedAt":"2026-12-01T10:20:30+01:00"}`],
  ['times in odd shapes', `{"eventId":"e","event":"payment.failed","createdAt":"2026-12-01T24:00:00.000Z","processedAt":"2026-12-01T10:20:60Z"}`],
  ['lower-case z and t', `{"eventId":"e","event":"payment.failed","createdAt":"2026-12-01t10:20:30.456z"}`],
  ['empty strings and nulls fall through to the next key', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","receivedAt":"","processedAt":"2026-12-01T11:00:00Z","data":{"id":"","externalId":null}}`],
  ['receivedAt null, processedAt set', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","receivedAt":null,"processedAt":"2026-12-01T11:00:00Z"}`],
  ['receivedAt true stops the fall-through', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","receivedAt":true,"processedAt":"2026-12-01T11:00:00Z"}`],
  ['booleans, objects and arrays where strings belong', `{"eventId":true,"event":"payment.failed","createdAt":"${T}"}`],
  ['an object as eventId', `{"eventId":{"id":"e"},"event":"payment.failed","createdAt":"${T}"}`],
  ['an array as createdAt', `{"eventId":"e","event":"payment.failed","createdAt":["${T}"]}`],
  ['no eventId', `{"event":"payment.failed","createdAt":"${T}"}`],
  ['an event name of the wrong shape', `{"eventId":"e","event":"Payment Failed","createdAt":"${T}"}`],
  ['no createdAt', `{"eventId":"e","event":"payment.failed"}`],
  ['non-ASCII text in values', JSON.stringify({ eventId: 'événement-1', event: 'payment.failed', createdAt: T, data: { failureCode: 'carte_refusée', externalId: '注文-1' } })],
  ['__proto__ and constructor keys', `{"__proto__":{"eventId":"proto"},"constructor":"c","eventId":"e","event":"payment.failed","createdAt":"${T}","data":{"__proto__":{"id":"x"}}}`],
  ['deep nesting (beyond the scan depth)', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","deep":${'['.repeat(100)}${']'.repeat(100)}}`],
  ['every JSON value kind in an ignored key', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","x":[1,-2.5e-3,0,true,false,null,"s",{},[],{"a":[{}]}]}`],
  ['an empty object', '{}'],
  // Malformed: each must be counted as not valid JSON, never read.
  ['trailing comma in the object', `{"eventId":"e","event":"payment.failed","createdAt":"${T}",}`],
  ['trailing comma in an array', `{"eventId":"e","event":"payment.failed","createdAt":"${T}","x":[1,]}`],
  ['trailing garbage', `{"eventId":"e","event":"payment.failed","createdAt":"${T}"} x`],
  ['two objects on one line', `{"eventId":"e","event":"payment.failed","createdAt":"${T}"}{}`],
  ['an unclosed string', `{"eventId":"e,"event":"payment.failed","createdAt":"${T}"}`],
  ['truncated', `{"eventId":"e","event":"payment.failed","createdAt":"${T}"`],
  ['an unknown escape', String.raw`{"eventId":"a\x41","event":"payment.failed","createdAt":"${T}"}`],
  ['a short unicode escape', String.raw`{"eventId":"a\u12","event":"payment.failed","createdAt":"${T}"}`],
  ['a raw tab inside a string', `{"eventId":"a\tb","event":"payment.failed","createdAt":"${T}"}`],
  ['leading zeros', `{"eventId":0123,"event":"payment.failed","createdAt":"${T}"}`],
  ['a bare decimal point', `{"eventId":1.,"event":"payment.failed","createdAt":"${T}"}`],
  ['a plus sign', `{"eventId":+1,"event":"payment.failed","createdAt":"${T}"}`],
  ['an exponent without digits', `{"eventId":1e,"event":"payment.failed","createdAt":"${T}"}`],
  ['single quotes', `{'eventId':'e'}`],
  ['an unquoted key', `{eventId:"e","event":"payment.failed","createdAt":"${T}"}`],
  ['a missing colon', `{"eventId" "e","event":"payment.failed","createdAt":"${T}"}`],
  ['NaN and Infinity', `{"eventId":NaN,"x":Infinity}`],
  ['tru, nul', `{"eventId":tru,"event":nul}`],
  ['a non-breaking space as whitespace', `{\u00a0"eventId":"e","event":"payment.failed","createdAt":"${T}"}`],
  ['a byte-order mark', `\ufeff{"eventId":"e","event":"payment.failed","createdAt":"${T}"}`],
  ['an array, not an object', `[{"eventId":"e","event":"payment.failed","createdAt":"${T}"}]`],
  ['a string, a number, null', '"eventId"'],
  ['a number line', '42'],
  ['null', 'null'],
  ['blank with spaces and tabs', ' \t '],
  ['empty', ''],
];

describe('ledger fast path = JSON.parse + ledgerRecord', () => {
  it('reads ordinary envelopes from the bytes, without JSON.parse', () => {
    for (const line of [env(), env({ receivedAt: '2026-12-01T10:20:31Z' }), env({ event: 'subscription.failed' }, { status: 'past_due', failureCode: null }), env({ processedAt: '2026-12-01T10:21:00.000Z' })]) {
      expect(same(line)).toBe(true);
    }
    const r = now(Buffer.from(env())).out;
    expect(r).toEqual({ eventId: 'evt_1', event: 'payment.failed', t: Date.parse(T), created: Date.parse(T), receivedAt: null, objectId: 'pay_1', externalId: 'order_1', failureCode: 'card_declined', status: 'failed', acknowledged: true });
  });

  for (const [name, line] of tricky) {
    it(name, () => {
      same(line);
    });
  }

  it('never reads a malformed line as a record (the scan only accepts what JSON.parse accepts)', () => {
    for (const [, line] of tricky) {
      const ok = (() => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      })();
      if (!ok) expect(ledgerRecordFromBytes(Buffer.from(line), 0, Buffer.byteLength(line)), line).toBeUndefined();
    }
  });

  it('bytes that are not UTF-8: the same as decoding the line first', () => {
    const bad = Buffer.concat([Buffer.from('{"eventId":"a'), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(`","event":"payment.failed","createdAt":"${T}"}`)]);
    same(bad);
    same(Buffer.concat([Buffer.from('{"eventId":"a"'), Buffer.from([0xff]), Buffer.from('}')]));
  });

  it('a malformed line whose bytes run on into the next line is still malformed', () => {
    // The line ends inside a string; the chunk goes on with a closing quote and brace.
    const chunk = Buffer.from(`{"eventId":"e","event":"payment.failed","createdAt":"${T}","x":"\n"}\n`);
    expect(ledgerRecordFromBytes(chunk, 0, chunk.indexOf(0x0a))).toBeUndefined();
    const f = new Fields();
    expect(scanEnvelope(chunk, 0, chunk.indexOf(0x0a), f)).toBe(false);
  });

  it('mutated envelopes (seeded): 20,000 lines with bytes dropped, doubled or swapped for JSON punctuation', () => {
    const rnd = seeded(25);
    const bases = [env(), env({ receivedAt: '2026-12-01T10:21:00Z' }, { amount: 49.99, meta: { id: 'm', list: [1, 'two', null] } }), String.raw`{"eventId":"e\"1","event":"payment.failed","createdAt":"${T}","data":{"id":"\u0070"}}`];
    const punct = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '-', 'e', '.', 't', 'n', '\u00e9', 'u'];
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      let s = bases[i % bases.length]!;
      const edits = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * s.length);
        const op = rnd();
        if (op < 0.33) s = s.slice(0, at) + s.slice(at + 1);
        else if (op < 0.66) s = s.slice(0, at) + punct[Math.floor(rnd() * punct.length)]! + s.slice(at);
        else s = s.slice(0, at) + s.charAt(at) + s.slice(at);
      }
      if (same(s)) fast++;
    }
    // Most mutations break the line; the valid rest is read fast.
    expect(fast).toBeGreaterThan(1000);
  });

  it('generated envelopes (seeded): random key order, duplicates, nesting, whitespace and value kinds', () => {
    const rnd = seeded(7);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const names = ['eventId', 'event', 'createdAt', 'receivedAt', 'processedAt', 'data', 'id', 'externalId', 'failureCode', 'status', 'type', 'data.id'];
    const ws = () => pick(['', '', ' ', '\t', ' \r ']);
    const scalar = (): string => pick([`"${T}"`, '"payment.failed"', '"subscription.failed"', '"evt_9"', '""', 'null', 'true', '12', '1796120430456', '"2026-12-01T10:20:30Z"', '"caf\u00e9"', String.raw`"a\"b"`, String.raw`"\u0041"`, '"2026-02-29T00:00:00Z"']);
    const value = (depth: number): string => {
      const r = rnd();
      if (depth < 3 && r < 0.2) return object(depth + 1);
      if (depth < 3 && r < 0.3) return `[${ws()}${Array.from({ length: Math.floor(rnd() * 3) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
      return scalar();
    };
    const object = (depth: number): string => `{${ws()}${Array.from({ length: Math.floor(rnd() * 7) }, () => `"${pick(names)}"${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    let fast = 0;
    for (let i = 0; i < 20_000; i++) if (same(object(0))) fast++;
    expect(fast).toBeGreaterThan(15_000);
  });
});

describe('the ISO time reader = Date.parse', () => {
  it('on MintCash-shaped times across years, months and days, and on near misses', () => {
    const rnd = seeded(3);
    const f = new Fields();
    const read = (s: string) => {
      const b = Buffer.from(`{"createdAt":"${s}"}`);
      expect(scanEnvelope(b, 0, b.length, f)).toBe(true);
      return isoMs(b, f, F.createdAt);
    };
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const d = new Date(Date.UTC(1900, 0, 1) + Math.floor(rnd() * 300 * 365.25 * 86_400_000));
      const s = rnd() < 0.5 ? d.toISOString() : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const t = read(s);
      if (!Number.isNaN(t)) {
        fast++;
        expect(t, s).toBe(Date.parse(s));
      }
    }
    expect(fast).toBeGreaterThan(4000);
    for (const s of ['2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2026-12-01T24:00:00Z', '2026-12-01T10:20:60Z', '2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-12-00T00:00:00Z', '2026-12-01T00:00:00.1Z', '2026-12-01T00:00:00.1234Z', '2026-12-01 00:00:00Z', '2026-12-01T00:00:00+00:00', '1899-12-31T23:59:59Z', '2026-1a-01T00:00:00Z']) {
      const t = read(s);
      // Left to Date.parse (NaN here) or read the same.
      if (!Number.isNaN(t)) expect(t, s).toBe(Date.parse(s));
    }
  });
});

describe('byte lines = string lines', () => {
  const collect = async (text: Buffer, chunk: number) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < text.length; i += chunk) parts.push(text.subarray(i, i + chunk));
    const bytes: Array<[string, number, boolean]> = [];
    const strings: Array<[string, number, boolean]> = [];
    // A too-long line's excerpt: what a malformed example keeps of it (160 characters).
    const b = await forEachLineBytes(Readable.from(parts), (buf, s, e, no, long) => bytes.push([long ? buf.toString('utf8', s, e).slice(0, 160) : buf.toString('utf8', s, e), no, long]));
    const s = await forEachLine(Readable.from(parts.map((p) => Buffer.from(p))), (line, no, long) => strings.push([long ? line.slice(0, 160) : line, no, long]));
    return { bytes, strings, b, s };
  };

  it('same lines and numbers for every chunk size: CRLF, blank lines, no final newline, multi-byte characters split across chunks', async () => {
    const text = Buffer.from('a\r\n\nb\u00e9\u6ce8c\r\n\r\nlast without newline é');
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const { bytes, strings } = await collect(text, size);
      expect(bytes, `chunks of ${size}`).toEqual(strings);
      expect(bytes.map((l) => l[0])).toEqual(['a', '', 'b\u00e9\u6ce8c', '', 'last without newline é']);
    }
  });

  it('an over-long line is counted once as too long, whether split across chunks or not, and the next line is read', async () => {
    const long = 'x'.repeat(MAX_LINE + 10);
    const text = Buffer.from(`first\n${long}\nafter\n${long}`);
    for (const size of [1000, 1 << 16, 1 << 20]) {
      const { bytes, strings } = await collect(text, size);
      expect(bytes, `chunks of ${size}`).toEqual(strings);
      expect(bytes).toEqual([['first', 1, false], ['x'.repeat(160), 2, true], ['after', 3, false], ['x'.repeat(160), 4, true]]);
    }
  });

  it('the cap is in bytes for both: multi-byte lines just under and just over 64 KiB', async () => {
    const under = ['\u00e9'.repeat(MAX_LINE / 2), '\u6ce8'.repeat(Math.floor(MAX_LINE / 3)), '\u{1f600}'.repeat(MAX_LINE / 4)];
    // Over in bytes, well under MAX_LINE in characters (the string reader counted characters before).
    const over = ['\u00e9'.repeat(MAX_LINE / 2 + 1), '\u6ce8'.repeat(Math.floor(MAX_LINE / 3) + 1), '\u{1f600}'.repeat(MAX_LINE / 4) + 'x'];
    for (const l of [...under, ...over]) expect(Buffer.byteLength(l) > MAX_LINE).toBe(over.includes(l));
    const text = Buffer.from([...under, ...over, 'end'].join('\n'));
    for (const size of [4093, 1 << 16, 1 << 20]) {
      const { bytes, strings } = await collect(text, size);
      expect(bytes, `chunks of ${size}`).toEqual(strings);
      expect(bytes.map((l) => l[2])).toEqual([false, false, false, true, true, true, false]);
      expect(bytes[3]![0]).toBe('\u00e9'.repeat(160));
      expect(bytes[5]![0]).toBe('\u{1f600}'.repeat(80));
    }
  });
});

describe('whole reports: the byte scan = JSON.parse on every line', () => {
  /** The ledger read by the monitor, in chunks of `size` bytes, with or without the scan. */
  const read = async (body: Buffer, size: number, ledgerScan: boolean, window: { since?: number; until?: number } = {}) => {
    const mon = new Monitor({ config: defaultMonitorConfig(), webhookPaths: ['/webhooks/mintcash'], version: '0.1.0', ledgerScan, ...window });
    const parts: Buffer[] = [];
    for (let i = 0; i < body.length; i += size) parts.push(body.subarray(i, i + size));
    await mon.readExport('events', { label: 'ledger.ndjson', file: null }, Readable.from(parts));
    return mon.report(FIXTURE_T0 + 8 * 86_400_000);
  };

  it('the same report (metrics, series, inputs, malformed examples) on the fixture week mixed with tricky, broken and long lines', async () => {
    const rnd = seeded(42);
    const extra: Buffer[] = [
      ...tricky.map(([, l]) => Buffer.from(l)),
      Buffer.from(''),
      Buffer.from(' \t'),
      Buffer.from(`{"eventId":"crlf","event":"payment.failed","createdAt":"${T}","data":{"id":"pay_crlf","failureCode":"permission_denied"}}\r`),
      Buffer.concat([Buffer.from('{"eventId":"bad-utf8-'), Buffer.from([0xff, 0xc3]), Buffer.from(`","event":"payment.failed","createdAt":"${T}","data":{"id":"p_bad","failureCode":"card_declined"}}`)]),
      Buffer.from(`{"eventId":"long","event":"payment.failed","createdAt":"${T}","pad":"${'\u00e9'.repeat(MAX_LINE / 2)}"}`),
      Buffer.from(`{"eventId":"not-long","event":"payment.failed","createdAt":"${T}","pad":"${'\u00e9'.repeat(MAX_LINE / 2 - 100)}"}`),
    ];
    // The over-long line first: malformed examples keep the first five.
    const lines: Buffer[] = [extra[extra.length - 2]!];
    for (const l of fixtureWeek({ incidents: true }).ledger) {
      lines.push(Buffer.from(l));
      if (rnd() < 0.4) lines.push(extra[Math.floor(rnd() * extra.length)]!);
    }
    for (const l of extra) lines.push(l);
    const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const reference = await read(body, 1 << 20, false);
    const events = reference.inputs[0]!;
    // The mix really has every kind of line in it.
    expect(events.malformed).toBeGreaterThan(30);
    expect(events.examples.map((e) => e.reason)).toContain('line longer than 64 KiB');
    expect(events.records).toBeGreaterThan(1000);
    expect(reference.metrics.flatMap((m) => m.alerts).length).toBeGreaterThan(0);
    for (const size of [1 << 20, 4093, 61]) expect(await read(body, size, true), `chunks of ${size}`).toEqual(reference);
    const window = { since: FIXTURE_T0 + 86_400_000, until: FIXTURE_T0 + 3 * 86_400_000 };
    expect(await read(body, 1 << 16, true, window)).toEqual(await read(body, 1 << 16, false, window));
  });
});
