// A key far into a file keeps its place: after ten million lines, at a column past two billion in a
// 2 GB (sparse) log, and at a byte offset past 2^31 in a binary. No schema limit below what a file
// can hold turns the finding into "invalid result … Too big". Files are generated in the temp dir
// (sparse where the file system allows, so 2 GB costs a few KB). Speed is measured by
// `npm run bench -- offsets`, never asserted here.
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('golive-large-offsets-');
});
afterAll(() => tmp.cleanup());

const TWO_GB = 2 ** 31;

/** Writes `head`, leaves a hole up to `at` bytes, then writes `tail`: a sparse file of at + tail bytes. */
async function sparse(file: string, head: string, at: number, tail: string): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.write(head, 0);
    await fh.write(tail, at);
  } finally {
    await fh.close();
  }
}

async function scan(dir: string) {
  const r = await golive(['check', dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json'], { env: cleanEnv() });
  const check = JSON.parse(r.stdout).checks[0];
  return { r, check };
}

describe('a key far into a file keeps its location', () => {
  it('after 10,000,000 lines', { timeout: 120_000 }, async () => {
    const key = fakeKey('sk', 'live', 'deep-lines');
    await tmp.write({ 'lines/README.md': '# shop\n' });
    await writeFile(path.join(tmp.dir, 'lines', 'huge.log'), Buffer.concat([Buffer.alloc(10_000_000, '\n'), Buffer.from(`token = ${key}\n`)]));
    const { r, check } = await scan(path.join(tmp.dir, 'lines'));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(check.status).toBe('fail');
    expect(check.findings).toHaveLength(1);
    expect(check.findings[0]).toMatchObject({ file: 'huge.log', line: 10_000_001, column: 9 });
    expect(r.stdout).not.toContain(key);
  });

  it('at a column past 2^31 in a 2 GB one-line log', { timeout: 300_000 }, async () => {
    const key = fakeKey('sk', 'live', 'deep-column');
    await tmp.write({ 'column/README.md': '# shop\n' });
    // Text by its first 8 KiB (no NUL there, as git and ripgrep judge), then a hole of zero bytes, then
    // the key, all on line 2.
    await sparse(path.join(tmp.dir, 'column', 'app.log'), `started\nrequest ${'x'.repeat(9000)}`, TWO_GB, `secret=${key}\n`);
    const { r, check } = await scan(path.join(tmp.dir, 'column'));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(check.status).toBe('fail');
    const f = check.findings[0];
    expect(f).toMatchObject({ file: 'app.log', line: 2 });
    // Byte 2^31 + 'secret='.length is on line 2, which starts at byte 8: 1-based column.
    expect(f.column).toBe(TWO_GB + 'secret='.length - 8 + 1);
  });

  it('at a byte offset past 2^31 in a binary file', { timeout: 300_000 }, async () => {
    const key = fakeKey('sk', 'live', 'deep-binary');
    await tmp.write({ 'binary/README.md': '# shop\n' });
    await sparse(path.join(tmp.dir, 'binary', 'dump.db'), 'SQLite format 3\u0000', TWO_GB + 12_345, key);
    const { r, check } = await scan(path.join(tmp.dir, 'binary'));
    expect(r.exitCode, r.stderr).toBe(1);
    const f = check.findings[0];
    expect(f.file).toBe('dump.db');
    expect(f.evidence.byteOffset).toBe(TWO_GB + 12_345);
    expect(f.message).toContain(`byte offset ${TWO_GB + 12_345}`);
  });
});
