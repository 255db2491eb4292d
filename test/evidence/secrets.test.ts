// Secret scan over real files: positions, encodings, bundles, binaries and tricky negatives.
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSecrets, scanBuffer } from '../../src/evidence/secrets.js';
import { findKeysInText, LINE_TEXT_CAP } from '../../src/evidence/keymatch.js';
import { collectContext, tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

async function scan(files: Record<string, string | Buffer>) {
  const dir = await tempDir();
  cleanups.push(dir);
  await dir.write(files);
  return collectSecrets(await collectContext(dir.dir));
}

const SK = fakeKey('sk', 'live', 'one');
const PK = fakeKey('pk', 'test', 'two');
const SK_TEST = fakeKey('sk', 'test', 'three');
const at = (k: { file: string; line: number; column: number; value: string }) => [k.file, k.line, k.column, k.value];

describe('collectSecrets positions', () => {
  it('finds keys on the first line, in the middle, and on a last line without newline', async () => {
    const r = await scan({ 'a.env': `${SK}\nfoo\n  key = "${PK}"\nlast ${SK_TEST}` });
    expect(r.keys.map(at)).toEqual([
      ['a.env', 1, 1, SK],
      ['a.env', 3, 10, PK],
      ['a.env', 4, 6, SK_TEST],
    ]);
    expect(r.keys[0]).toMatchObject({ kind: 'sk', env: 'live', lineText: SK });
    expect(r.keys[1]).toMatchObject({ kind: 'pk', env: 'test', lineText: `  key = "${PK}"` });
    expect(r.filesScanned).toBe(1);
    expect(r.bytesScanned).toBe(Buffer.byteLength(`${SK}\nfoo\n  key = "${PK}"\nlast ${SK_TEST}`));
  });

  it('handles CRLF line endings (no CR in lineText) and several keys on one line', async () => {
    const r = await scan({ 'w.ini': `a=1\r\nkeys=${PK},${SK}\r\n` });
    expect(r.keys.map(at)).toEqual([
      ['w.ini', 2, 6, PK],
      ['w.ini', 2, 6 + PK.length + 1, SK],
    ]);
    expect(r.keys[0]?.lineText).toBe(`keys=${PK},${SK}`);
  });

  it('counts columns in characters, not bytes, on UTF-8 lines', async () => {
    const r = await scan({ 'u.ts': `// ünïcödé → ${SK}\n` });
    expect(r.keys[0]?.column).toBe('// ünïcödé → '.length + 1);
    expect(r.keys[0]?.lineText).toBe(`// ünïcödé → ${SK}`);
  });

  it('finds a key in a non-UTF-8 (latin1) file and decodes its line as latin1', async () => {
    const bytes = Buffer.concat([Buffer.from('caf\xe9 = "', 'latin1'), Buffer.from(SK), Buffer.from('"\n')]);
    const r = await scan({ 'l1.txt': bytes });
    expect(r.keys.map(at)).toEqual([['l1.txt', 1, 9, SK]]);
    expect(r.keys[0]?.lineText).toBe(`café = "${SK}"`);
  });

  it('finds keys inside a minified one-line bundle and keeps a window of the line around each', async () => {
    const filler = 'var a=function(){return 1};'.repeat(4000);
    const line = `${filler}const k="${SK}";${filler}x("${PK}")${filler}`;
    const r = await scan({ 'dist/app.min.js': line });
    expect(r.keys.map((k) => [k.line, k.column, k.value])).toEqual([
      [1, filler.length + 10, SK],
      [1, line.indexOf(PK) + 1, PK],
    ]);
    for (const k of r.keys) {
      expect(k.lineText.length).toBeLessThanOrEqual(LINE_TEXT_CAP);
      expect(k.lineText).toContain(k.value);
    }
  });

  it('finds every mention of the sandbox host', async () => {
    const r = await scan({ 'cfg.yaml': 'api:\n  base: https://sandbox.mintcash.me/v1\n  # prod: https://api.mintcash.me\nalt: sandbox.mintcash.me' });
    expect(r.sandboxUrls.map((s) => [s.file, s.line, s.column])).toEqual([
      ['cfg.yaml', 2, 17],
      ['cfg.yaml', 4, 6],
    ]);
    expect(r.sandboxUrls[0]?.lineText).toBe('  base: https://sandbox.mintcash.me/v1');
  });

  it('sorts matches by file, line and column across many files', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`f${String(i).padStart(2, '0')}.txt`] = `x\n${fakeKey('sk', 'live', String(i))}\n`;
    const r = await scan(files);
    expect(r.keys).toHaveLength(80);
    expect(r.keys.map((k) => k.file)).toEqual(Object.keys(files).sort());
    expect(new Set(r.keys.map((k) => k.line))).toEqual(new Set([2]));
  });
});

describe('collectSecrets negatives', () => {
  const body = 'Ab3dEf7hIj9k';
  // Every case here is something a naive `sk_live_\w+` would (wrongly) report.
  const negatives: Array<[string, string]> = [
    ['prefix alone in prose', 'Secret keys start with sk_' + 'live_ and are never committed.'],
    ['body too short', 'sk_' + 'live_xxx'],
    ['seven body chars', 'sk_' + 'live_abcdefg'],
    ['prefix inside a word', 'ask_' + 'live_' + body],
    ['digit before prefix', '9sk_' + 'live_' + body],
    ['restricted key is not MintCash', 'rk_' + 'live_' + body],
    ['no trailing underscore', 'pk_' + 'test' + body],
    ['upper-case prefix', 'SK_' + 'LIVE_' + body],
    ['other environment word', 'sk_' + 'prod_' + body],
    ['separator in the body breaks it', 'sk_' + 'live_abc-defgh'],
  ];
  it.each(negatives)('%s', async (_name, text) => {
    const r = await scan({ 'n.md': `${text}\n` });
    expect(r.keys).toEqual([]);
  });

  const positives: Array<[string, string, string]> = [
    ['after an equals sign', 'KEY=sk_' + 'live_' + body, 'sk_' + 'live_' + body],
    ['after an underscore word char', 'x_sk_' + 'live_' + body, 'sk_' + 'live_' + body],
    ['followed by a dash', '"pk_' + 'test_' + body + '-suffix"', 'pk_' + 'test_' + body],
    ['exactly eight body chars', 'sk_' + 'test_abcdefgh', 'sk_' + 'test_abcdefgh'],
  ];
  it.each(positives)('finds a key %s', async (_name, text, value) => {
    const r = await scan({ 'p.txt': text });
    expect(r.keys.map((k) => k.value)).toEqual([value]);
  });
});

describe('collectSecrets skips', () => {
  it('searches a binary file (NUL in the first 8 KiB) as bytes and reports the byte offset; a late NUL stays text', async () => {
    const early = Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x01]), Buffer.from(SK)]);
    const late = Buffer.concat([Buffer.from(`${SK}\n`), Buffer.alloc(9000, 0x61), Buffer.from([0])]);
    const r = await scan({ 'img.png': early, 'late.txt': late });
    expect(r.keys.map((k) => [k.file, k.line, k.offset, k.encoding, k.value])).toEqual([
      ['img.png', 0, 4, 'binary', SK],
      ['late.txt', 1, undefined, undefined, SK],
    ]);
    expect(r.filesScanned).toBe(2);
  });

  it('survives an empty file', async () => {
    const r = await scan({ 'empty.txt': '' });
    expect(r).toMatchObject({ keys: [], filesScanned: 1, bytesScanned: 0 });
  });

  // As root, chmod 000 does not stop a read, so there is nothing to observe.
  it('lists an unreadable file as unread', async (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip("running as root: mode 000 does not stop root's reads (test/e2e/secret-scan.test.ts covers this with capabilities dropped)");
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({ 'locked.env': SK, 'ok.txt': 'x' });
    await chmod(path.join(dir.dir, 'locked.env'), 0o000);
    try {
      const r = await collectSecrets(await collectContext(dir.dir));
      expect(r.keys).toEqual([]);
      expect(r.unread).toEqual([{ file: 'locked.env', reason: 'permission denied' }]);
    } finally {
      await chmod(path.join(dir.dir, 'locked.env'), 0o644);
    }
  });
});

describe('shared matchers', () => {
  it('scanBuffer and findKeysInText agree', () => {
    const text = `a ${SK} b ask_${'live_'}zzzzzzzzzz ${PK}`;
    const fromBytes = scanBuffer('f', Buffer.from(text)).keys.map((k) => [k.column, k.value]);
    const fromText = findKeysInText(text).map((k) => [k.column, k.value]);
    expect(fromText).toEqual(fromBytes);
    expect(fromText).toHaveLength(2);
  });
});
