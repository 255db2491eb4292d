// The combined access log's byte scan against parseCombined: for every line the scan takes, the
// same time, method, path and status (and never a probe); lines it leaves go to parseCombined,
// which decides. Hand-written and seeded mutated lines, then whole monitor reports with and without
// the scan, read from streams in odd chunk sizes and from files through the reused read buffers
// (lines across its refills, an unterminated last line held back, CSV rows).
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../helpers/git.js';
import { seeded } from '../helpers/seeded.js';
import { parseCombined } from '../../src/monitor/access-formats.js';
import { CombinedScan, scanCombined } from '../../src/monitor/combined-scan.js';
import { defaultMonitorConfig } from '../../src/monitor/config.js';
import { forEachLine, forEachLineBytes, openSource } from '../../src/monitor/lines.js';
import { Monitor } from '../../src/monitor/run.js';
import type { Chunks } from '../../src/monitor/lines.js';
import { fixtureWeek, T0 } from './fixtures.js';

const out = new CombinedScan();

/** The scan's reading of a line sitting inside a bigger buffer (as in a read chunk), or 'left'. */
function scanned(line: string, after = ''): unknown {
  const before = Buffer.from('x" "golive/1 (go-live probe)"\n');
  const b = Buffer.concat([before, Buffer.from(line), Buffer.from(after)]);
  const end = before.length + Buffer.byteLength(line);
  if (!scanCombined(b, before.length, end, out)) return 'left';
  return { t: out.t, method: b.toString('latin1', out.methodStart, out.methodEnd), path: b.toString('latin1', out.pathStart, out.pathEnd), status: out.status, durMs: null, probe: false };
}

const GOOD = [
  '203.0.113.10 - - [01/Dec/2026:00:00:00 +0000] "POST /webhooks/mintcash HTTP/1.1" 200 2 "-" "MintCash-Webhooks/1.0"',
  '198.51.3.7 - alice [08/Dec/2026:14:55:36 +0100] "GET /search?q=shoes HTTP/2.0" 404 5120 "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"',
  '::1 - - [29/Feb/2028:23:59:59 -0930] "PATCH /api/orders#frag HTTP/1.0" 599 - "-" "-"',
  '10.0.0.1 - - [31/Jan/2026:10:00:00 +0000] "POST /webhooks/mintcash" 100 0',
  '10.0.0.1 - - [31/Jan/2026:10:00:00 +0000] "OPTIONS /a HTTP/1.1" 204 0 "-',
  '10.0.0.1 x y z [02/Dec/2026:10:00:00 +0000] "POST /webhooks/mintcash HTTP/1.1" 502 17 "-" "caf\u00e9 \u2028 agent"',
  '10.0.0.1 - - [02/Dec/2026:10:00:00 +0000] "POST /webhooks/mintcash HTTP/1.1" 200 17 "a \\"quoted\\" referer" "golive-lookalike/1"',
];

describe('combined-scan = parseCombined', () => {
  it('reads the plain lines itself, with what parseCombined gives, wherever the line sits in the buffer', () => {
    for (const line of GOOD) {
      const got = scanned(line);
      expect(got, line).not.toBe('left');
      expect(got, line).toEqual(parseCombined(line));
    }
  });

  it('leaves what it does not read itself: probes, absolute URLs, escapes in the request, tabs, non-ASCII before the agent, other time shapes, a later [', () => {
    const left = [
      '::1 - - [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/1.1" 401 0 "-" "golive/0.1.0 (go-live probe; https://x)"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST https://shop.example/webhooks/mintcash HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"',
      '1.2.3.4\t- - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - j\u00f6rg [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36.123 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - [x] [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 2000 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 700 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "GETTINGLONGER /a HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a b HTTP/1.1" 200 1 "-" "x"',
      '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "r\u00e9f" "x"',
      '',
      'not a log line',
    ];
    for (const line of left) {
      expect(scanned(line), line).toBe('left');
      // parseCombined still decides them: a record, or the reason it is malformed.
      expect(parseCombined(line)).not.toBeUndefined();
    }
  });

  it('seeded mutations of plain lines: every line the scan takes reads as parseCombined reads it, and both outcomes are reached', () => {
    const rnd = seeded(25);
    const pieces = ['"', '\\', '\\"', ' ', '  ', '[', ']', 'a', '-', '"-"', '200', '99', '60', '/', ':', '+', '?', '#', '\t', '\r', '\u00e9', '\u2028', '\u00a0', '\u{1f600}', 'http://x', 'Dez', 'golive/1.0 (go-live probe; x)', '" "golive/', 'HTTP/1.1', '[08/Dec/2026:13:55:36 +0000]'];
    const wrong: string[] = [];
    let taken = 0;
    let left = 0;
    for (let i = 0; i < 30_000; i++) {
      let line = GOOD[Math.floor(rnd() * GOOD.length)]!;
      const edits = Math.floor(rnd() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * line.length);
        line = rnd() < 0.6 ? line.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)]! + line.slice(at) : line.slice(0, at) + line.slice(at + 1 + Math.floor(rnd() * 5));
      }
      const got = scanned(line, rnd() < 0.5 ? '" "golive/2 (go-live probe)"' : '');
      if (got === 'left') {
        left++;
        continue;
      }
      taken++;
      if (JSON.stringify(got) !== JSON.stringify(parseCombined(line))) wrong.push(line);
    }
    expect(wrong).toEqual([]);
    expect(taken).toBeGreaterThan(5000);
    expect(left).toBeGreaterThan(5000);
  });

  it('times: runs of seconds in one minute, minute and zone changes, seconds 60-99, day and hour overflow, two-digit years', () => {
    const rnd = seeded(7);
    const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const zone = rnd() < 0.7 ? '+0000' : rnd() < 0.5 ? '-0700' : '+0530';
      const time = `${pad(Math.floor(rnd() * (rnd() < 0.1 ? 100 : 3)))}/${MONTHS[rnd() < 0.2 ? Math.floor(rnd() * 12) : 11]}/${rnd() < 0.05 ? '0026' : '2026'}:${pad(Math.floor(rnd() * (rnd() < 0.1 ? 100 : 2)))}:${pad(Math.floor(rnd() * 2))}:${pad(Math.floor(rnd() * (rnd() < 0.1 ? 100 : 60)))} ${zone}`;
      const line = `10.0.0.1 - - [${time}] "POST /webhooks/mintcash HTTP/1.1" 200 2 "-" "x"`;
      const got = scanned(line);
      if (got === 'left' || JSON.stringify(got) !== JSON.stringify(parseCombined(line))) wrong.push(time);
    }
    expect(wrong).toEqual([]);
  });
});

/** Bench-like shop traffic: webhook POSTs, pages and assets, a 502 now and then. */
function shopLines(n: number): string[] {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (x: number) => String(x).padStart(2, '0');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(T0 + i * 37_000);
    const when = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    lines.push(
      i % 3 === 0
        ? `203.0.113.1${i % 3} - - [${when}] "POST /webhooks/mintcash${i % 7 === 0 ? '?retry=1' : ''} HTTP/1.1" ${i % 97 === 0 ? 502 : 200} 2 "-" "MintCash-Webhooks/1.0"`
        : `198.51.${i % 200}.${i % 250} - - [${when}] "GET /products/${i % 500} HTTP/1.1" 200 ${200 + i} "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64)"`,
    );
  }
  return lines;
}

/** Lines the scan leaves: probes, an absolute URL, non-ASCII, malformed, blank, over-long. */
const ODD = [
  '::1 - - [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/1.1" 401 0 "-" "golive/0.1.0 (go-live probe; https://x)"',
  '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST https://shop.example/webhooks/mintcash HTTP/1.1" 500 1 "-" "x"',
  '1.2.3.4 - j\u00f6rg [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/1.1" 200 1 "-" "x"',
  '1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"',
  'garbage with a key sk_' + 'live_' + 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW3xY5',
  '',
  '\r',
  `1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "GET /${'\u6ce8'.repeat(25_000)} HTTP/1.1" 200 1 "-" "x"`,
];

function mixedLog(): Buffer {
  const rnd = seeded(11);
  const lines = [ODD[ODD.length - 1]!];
  for (const l of [...fixtureWeek({ incidents: true }).access, ...shopLines(20_000)]) {
    lines.push(l);
    if (rnd() < 0.02) lines.push(ODD[Math.floor(rnd() * ODD.length)]!);
  }
  return Buffer.from(`${lines.join('\n')}\r\n`);
}

async function report(chunks: Chunks, accessScan: boolean, window: { since?: number; until?: number } = {}) {
  const mon = new Monitor({ config: defaultMonitorConfig(), webhookPaths: ['/webhooks/mintcash', '/hooks/other'], version: '0.1.0', accessScan, ...window });
  await mon.readAccess({ label: 'access.log', file: null }, chunks, 'combined');
  return mon.report(T0 + 8 * 86_400_000);
}

const inParts = (body: Buffer, size: number) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) parts.push(body.subarray(i, i + size));
  return Readable.from(parts);
};

describe('whole reports: the scan = parseCombined on every line', () => {
  let tmp: TempDir;
  let dir: string;
  beforeAll(async () => {
    tmp = await tempDir('golive-combined-');
    dir = tmp.dir;
  });
  afterAll(() => tmp.cleanup());

  it('the same report from streams in any chunk size, and in a window', async () => {
    const body = mixedLog();
    const reference = await report(inParts(body, 1 << 20), false);
    const access = reference.inputs[0]!;
    // The mix has every kind of line, and webhook deliveries in numbers.
    expect(access.malformed).toBeGreaterThan(5);
    expect(access.examples.map((e) => e.reason)).toContain('line longer than 64 KiB');
    expect(access.probesExcluded).toBeGreaterThan(0);
    expect(reference.metrics[0]!.values.attempts).toBeGreaterThan(6000);
    for (const size of [1 << 20, 4093, 61]) expect(await report(inParts(body, size), true), `chunks of ${size}`).toEqual(reference);
    const window = { since: T0 + 86_400_000, until: T0 + 3 * 86_400_000 };
    expect(await report(inParts(body, 1 << 16), true, window)).toEqual(await report(inParts(body, 1 << 16), false, window));
  });

  it('the same report from a file of several read buffers (two buffers, refilled in turn) as from a stream', async () => {
    const body = mixedLog();
    const big = Buffer.concat([body, body, body, body, body]);
    expect(big.length).toBeGreaterThan(3 << 20);
    const file = path.join(dir, 'access.log');
    await writeFile(file, big);
    const fromFile = await report(await openSource({ label: file, file }, process.stdin), true);
    expect(fromFile).toEqual(await report(inParts(big, 1 << 20), false));
  });

  it('a reader that stops after the first chunk leaves no read in flight and no file open', async (ctx) => {
    if (!existsSync('/proc/self/fd')) return ctx.skip('needs /proc/self/fd to count open files');
    const file = path.join(dir, 'three-chunks.log');
    await writeFile(file, Buffer.alloc(3 << 20, 0x61));
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      for await (const chunk of await openSource({ label: file, file }, process.stdin)) {
        expect(chunk.length).toBe(1 << 20);
        break;
      }
    }
    expect(open()).toBe(before);
  });

  it('a file read with holdPartial stops before an unterminated last line, with both line readers', async () => {
    const file = path.join(dir, 'growing.log');
    const lines = shopLines(30_000);
    await writeFile(file, `${lines.join('\n')}\n${lines[0]!.slice(0, 40)}`);
    const src = { label: file, file };
    const strings: string[] = [];
    const bytes: string[] = [];
    const a = await forEachLine(await openSource(src, process.stdin), (l) => strings.push(l), 1, true);
    const b = await forEachLineBytes(await openSource(src, process.stdin), (buf, s, e) => bytes.push(buf.toString('utf8', s, e)), 1, true);
    expect(b).toEqual(a);
    expect(bytes).toEqual(strings);
    expect(bytes).toEqual(lines);
    expect(a.bytes).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
  });

  it('a CSV export bigger than the read buffer is read whole from its file', async () => {
    const rows = ['eventId,event,type,environment,createdAt,data'];
    for (let i = 0; i < 25_000; i++) rows.push(`evt-${i},payment.${i % 10 === 0 ? 'failed' : 'succeeded'},payment,live,2026-12-08T10:${String(i % 60).padStart(2, '0')}:00Z,"{""id"":""pay-${i}"",""externalId"":""order-${i}"",""failureCode"":""${i % 10 === 0 ? 'card_declined' : ''}""}"`);
    const text = `${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(2 << 20);
    const file = path.join(dir, 'ledger.csv');
    await writeFile(file, text);
    const mon = new Monitor({ config: defaultMonitorConfig(), webhookPaths: [], version: '0.1.0' });
    await mon.readExport('events', { label: file, file }, process.stdin);
    const r = mon.report(T0 + 8 * 86_400_000);
    expect(r.inputs[0]).toMatchObject({ format: 'CSV', records: 25_000, malformed: 0 });
    expect(r.metrics[1]!.values).toMatchObject({ payments: 25_000, failed: 2500 });
    // Cut short (a truncated .gz): the read fails with golive's one-line error, not a hang or a crash.
    const gz = gzipSync(text);
    await writeFile(`${file}.gz`, gz.subarray(0, gz.length >> 1));
    const cut = new Monitor({ config: defaultMonitorConfig(), webhookPaths: [], version: '0.1.0' });
    await expect(cut.readExport('events', { label: `${file}.gz`, file: `${file}.gz` }, process.stdin)).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/^cannot read input: unexpected end of file/) });
    // Broken before its first line (while golive looks whether it is NDJSON or CSV): the same.
    await writeFile(`${file}.gz`, gz.subarray(0, 12));
    await expect(cut.readExport('events', { label: `${file}.gz`, file: `${file}.gz` }, process.stdin)).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/^cannot read input: /) });
  });
});
