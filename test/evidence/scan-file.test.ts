// The file reader of the secret scan over real files: UTF-16 with and without BOM, binaries,
// files larger than a window with keys across the window edges, endless lines, and files that
// cannot be read. Positions are checked exactly, so a window off by one byte fails here.
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { FileScanner, OVERLAP, sniffEncoding, WINDOW } from '../../src/evidence/scan-file.js';
import { collectSecrets } from '../../src/evidence/secrets.js';
import { collectContext, tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

async function scanOne(content: string | Buffer) {
  const dir = await tempDir();
  cleanups.push(dir);
  await dir.write({ f: content });
  return new FileScanner(dir.dir).scan('f');
}

const SK = fakeKey('sk', 'live', 'scan-file');
const PK = fakeKey('pk', 'test', 'scan-file');
const SANDBOX = 'https://sandbox.mintcash.me/v1';
const pos = (r: { keys: Array<{ line: number; column: number; value: string; offset?: number }> }) => r.keys.map((k) => [k.line, k.column, k.value, k.offset]);

const utf16 = (text: string, be: boolean, bom: boolean): Buffer => {
  const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  return be ? Buffer.from(le).swap16() : le;
};

describe('UTF-16', () => {
  const text = `# config ü\r\nMINTCASH_SECRET_KEY=${SK}\r\nurl = ${SANDBOX}\r\n  pk: "${PK}"`;
  it.each([
    ['LE with BOM', false, true],
    ['BE with BOM', true, true],
    ['LE without BOM', false, false],
    ['BE without BOM', true, false],
  ])('%s is decoded; lines and columns are the text\'s', async (_name, be, bom) => {
    const r = await scanOne(utf16(text, be, bom));
    expect(r.encoding).toBe(be ? 'utf-16be' : 'utf-16le');
    expect(pos(r)).toEqual([
      [2, 21, SK, undefined],
      [4, 8, PK, undefined],
    ]);
    expect(r.keys[0]?.lineText).toBe(`MINTCASH_SECRET_KEY=${SK}`);
    expect(r.sandboxUrls.map((s) => [s.line, s.column])).toEqual([[3, 15]]);
  });

  it('a UTF-16 file larger than a window, with a key split across the window edge and a surrogate pair', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) lines.push(`line ${i} 😀 ${'x'.repeat(600)}`);
    lines.push(`k=${SK}`);
    const r = await scanOne(utf16(lines.join('\n'), false, true));
    expect(pos(r)).toEqual([[4001, 3, SK, undefined]]);
  });

  it('sniffs: NULs on one side only are UTF-16, NULs all over are binary', () => {
    expect(sniffEncoding(Buffer.from('plain text'))).toBe('text');
    expect(sniffEncoding(Buffer.from('abcdef', 'utf16le'))).toBe('utf-16le');
    expect(sniffEncoding(Buffer.from('abcdef', 'utf16le').swap16())).toBe('utf-16be');
    expect(sniffEncoding(Buffer.from([0x53, 0x51, 0, 0, 0, 0, 1, 2, 0, 3, 0, 0]))).toBe('binary');
  });
});

describe('binary files', () => {
  it('finds ASCII keys among bytes (a SQLite page) and reports byte offsets, not lines', async () => {
    const page = Buffer.alloc(20000, 0);
    Buffer.from('SQLite format 3\0').copy(page, 0);
    Buffer.from(SK).copy(page, 9000);
    Buffer.from(`=${PK}\n`).copy(page, 15000);
    Buffer.from(SANDBOX).copy(page, 18000);
    const r = await scanOne(page);
    expect(r.encoding).toBe('binary');
    expect(pos(r)).toEqual([
      [0, 0, SK, 9000],
      [0, 0, PK, 15001],
    ]);
    expect(r.sandboxUrls.map((s) => s.offset)).toEqual([18008]);
    expect(r.keys[0]?.lineText).toContain(SK);
  });

  it('still applies the word rule in bytes: a prefix glued to a letter is no key', async () => {
    const r = await scanOne(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`ask_live_${'a'.repeat(20)}`), Buffer.from([0])]));
    expect(r.keys).toEqual([]);
  });
});

describe('files larger than a window', () => {
  it('finds keys at every offset around each window edge, with exact lines and columns', async () => {
    // Each case puts a key so it starts or ends within a few bytes of the first window edge.
    for (const shift of [-SK.length - 1, -SK.length, -SK.length + 1, -5, -1, 0, 1, 5]) {
      const edge = WINDOW + OVERLAP; // the first window holds this many bytes
      const before = edge + shift;
      const head = `${'a'.repeat(99)}\n`.repeat(Math.floor(before / 100));
      const pad = ' '.repeat(before - head.length);
      const r = await scanOne(`${head}${pad}${SK} tail\n${'z\n'.repeat(10)}last ${PK}`);
      const line = head.length / 100 + 1;
      expect(pos(r), `shift ${shift}`).toEqual([
        [line, pad.length + 1, SK, undefined],
        [line + 11, 6, PK, undefined],
      ]);
    }
  });

  it('finds keys in a file several windows long (a committed log) without reading it whole', async () => {
    const chunk = `${'log line with nothing in it\n'.repeat(60_000)}`;
    const content = `${chunk}${SK}\n${chunk}${chunk}${chunk}${chunk}key ${PK}\n`;
    const r = await scanOne(content);
    expect(Buffer.byteLength(content)).toBeGreaterThan(2 * WINDOW);
    expect(pos(r)).toEqual([
      [60_001, 1, SK, undefined],
      [300_002, 5, PK, undefined],
    ]);
    expect(r.bytes).toBe(Buffer.byteLength(content));
  });

  it('a line of any length: a key at the end of a 10 MB line keeps its line, and its column counts bytes before the window', async () => {
    const long = 'A-'.repeat(5_000_000);
    const r = await scanOne(`first\n${long}=${SK}\nnext ${SK}\n`);
    expect(pos(r)).toEqual([
      [2, long.length + 2, SK, undefined],
      [3, 6, SK, undefined],
    ]);
  });

  it('a key-like run longer than the overlap is reported once, not once per window', async () => {
    const run = `sk_live_${'b'.repeat(OVERLAP * 3)}`;
    const r = await scanOne(`${'.'.repeat(WINDOW + OVERLAP - 100)}${run}\n`);
    expect(r.keys).toHaveLength(1);
  });
});

describe('progress', () => {
  it('the scan reports files scanned and the history scan commits read, to a listening context', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`f${i}.txt`] = `line ${i}\n`;
    await dir.write(files);
    const ctx = await collectContext(dir.dir);
    const counts: Record<string, number> = {};
    Object.assign(ctx, { progress: (kind: string, n = 1) => (counts[kind] = (counts[kind] ?? 0) + n) });
    const r = await collectSecrets(ctx);
    expect(r.filesScanned).toBe(600);
    expect(counts).toEqual({ files: 600 });
  });
});

describe('files that cannot be read', () => {
  it('a file that vanished after listing is unread, never silently passed', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    expect(new FileScanner(dir.dir).scan('gone.txt').unread).toMatch(/disappeared/);
  });

  it('a FIFO swapped in for a listed file does not hang the scan (opened non-blocking, read as empty)', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await execa('mkfifo', [path.join(dir.dir, 'pipe')]);
    const r = new FileScanner(dir.dir).scan('pipe');
    expect(r).toMatchObject({ keys: [], bytes: 0 });
    expect(r.unread).toBeUndefined();
  });

  it('a directory swapped in for a listed file is passed over', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'sub/x.txt': 'x' });
    expect(new FileScanner(dir.dir).scan('sub')).toMatchObject({ skipped: expect.stringMatching(/directory/) });
  });

  it('the collector lists what it could not read in `unread`', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'a.txt': 'a' });
    const ctx = await collectContext(dir.dir);
    // The inventory says ghost.txt exists; by the time the scan opens it, it is gone.
    const repo = await ctx.get('repo');
    repo.files.push({ path: 'ghost.txt', size: 10 });
    const r = await collectSecrets(ctx);
    expect(r.unread).toEqual([{ file: 'ghost.txt', reason: 'disappeared before it could be read' }]);
    expect(r.filesScanned).toBe(1);
  });
});
