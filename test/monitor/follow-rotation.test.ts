// The follower under log rotation, on real files renamed, copied and truncated between polls: every
// line read exactly once, in order per file, whichever way logrotate (or nginx's reopen) moves them.
import { appendFileSync, copyFileSync, renameSync } from 'node:fs';
import { appendFile, copyFile, mkdtemp, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Follower, type ReadInto } from '../../src/monitor/follow.js';
import { forEachLine } from '../../src/monitor/lines.js';

let dir: string;
let clock: number;
let follower: Follower;
/** Every line read, with the file it was read from and its line number there. */
let got: Array<{ line: string; file: string; no: number }>;

const read: ReadInto = (file, stream, first, final) => forEachLine(stream, (line, no) => got.push({ line, file: path.basename(file), no }), first, !final);
const p = (name: string) => path.join(dir, name);
/** Lines with a running number, so each is unique (as timestamps make a real log's lines). */
let n = 0;
const lines = (count: number) => Array.from({ length: count }, () => `line ${++n} ${'x'.repeat(40)}\n`).join('');
const texts = () => got.map((g) => g.line.split(' ')[1]).map(Number);
const upTo = (k: number) => Array.from({ length: k }, (_, i) => i + 1);

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-rotate-'));
  clock = 0;
  n = 0;
  got = [];
  follower = new Follower(10_000, () => clock);
});
afterEach(async () => {
  await follower.close();
  await rm(dir, { recursive: true, force: true });
});

describe('follower: log rotation on real files', () => {
  it('a growing file: new lines once each; an unterminated line waits for its end', async () => {
    await writeFile(p('access.log'), lines(3));
    await follower.add(p('access.log'), 'access', read);
    await appendFile(p('access.log'), `${lines(2)}line 6 half`);
    await follower.poll();
    expect(texts()).toEqual(upTo(5));
    n = 6;
    await appendFile(p('access.log'), ` and the rest\n`);
    await follower.poll();
    expect(got.at(-1)).toEqual({ line: 'line 6 half and the rest', file: 'access.log', no: 6 });
  });

  it('rename rotation: the renamed file is read to its end (the server writes on until it reopens), then the new one from its start; the old is closed after the grace period', async () => {
    await writeFile(p('access.log'), lines(10));
    await follower.add(p('access.log'), 'access', read);
    await rename(p('access.log'), p('access.log.1'));
    await appendFile(p('access.log.1'), lines(5)); // 11-15: written before nginx reopened
    await writeFile(p('access.log'), lines(5)); // 16-20: the new file
    await follower.poll();
    expect(texts()).toEqual(upTo(20));
    // Still open: a late line in the old file is read, not lost, and before the new file's.
    await appendFile(p('access.log.1'), lines(1)); // 21
    await appendFile(p('access.log'), lines(1)); // 22
    clock += 5_000;
    await follower.poll();
    expect(texts()).toEqual(upTo(22));
    // Idle beyond the grace period: closed, with its unterminated last line counted.
    await appendFile(p('access.log.1'), 'line 23 no newline');
    clock += 1;
    await follower.poll();
    clock += 11_000;
    await follower.poll();
    expect(got.at(-1)).toEqual({ line: 'line 23 no newline', file: 'access.log', no: 17 });
    n = 23;
    await appendFile(p('access.log'), lines(1));
    await follower.poll();
    expect(texts()).toEqual(upTo(24));
    // Line numbers are per file: the new file's first line is line 1.
    expect(got.find((g) => g.line.startsWith('line 16 '))).toMatchObject({ no: 1 });
  });

  it('rename rotation twice between two polls (a quiet server): both files read once, in order', async () => {
    await writeFile(p('access.log'), lines(3));
    await follower.add(p('access.log'), 'access', read);
    await appendFile(p('access.log'), lines(2)); // 4-5
    await rename(p('access.log'), p('access.log.1'));
    await writeFile(p('access.log'), lines(3)); // 6-8
    await follower.poll();
    await rename(p('access.log.1'), p('access.log.2'));
    await rename(p('access.log'), p('access.log.1'));
    await writeFile(p('access.log'), lines(2)); // 9-10
    await follower.poll();
    expect(texts()).toEqual(upTo(10));
  });

  it('copytruncate: a file truncated and written again, bigger than before, is read from its start (its first bytes changed)', async () => {
    await writeFile(p('access.log'), lines(5));
    await follower.add(p('access.log'), 'access', read);
    await copyFile(p('access.log'), p('access.log.1'));
    await truncate(p('access.log'), 0);
    await appendFile(p('access.log'), lines(20)); // 6-25: more bytes than were read before
    await follower.poll();
    expect(texts()).toEqual(upTo(25));
    await appendFile(p('access.log'), lines(1));
    await follower.poll();
    expect(texts()).toEqual(upTo(26));
  });

  it('copytruncate: a file truncated to less than was read is read from its start', async () => {
    await writeFile(p('access.log'), lines(5));
    await follower.add(p('access.log'), 'access', read);
    await truncate(p('access.log'), 0);
    await follower.poll();
    await appendFile(p('access.log'), lines(2));
    await follower.poll();
    expect(texts()).toEqual(upTo(7));
  });

  it('copytruncate into a followed name (a glob like access.log*): lines only the copy holds are read from it, nothing twice', async () => {
    await writeFile(p('access.log.1'), lines(3)); // 1-3: an older rotation
    await writeFile(p('access.log'), lines(5)); // 4-8
    await follower.add(p('access.log.1'), 'access', read);
    await follower.add(p('access.log'), 'access', read);
    await appendFile(p('access.log'), lines(4)); // 9-12: not read before the rotation
    // logrotate: .1 → .2, copy access.log → .1, truncate access.log; then the server writes on.
    await rename(p('access.log.1'), p('access.log.2'));
    await copyFile(p('access.log'), p('access.log.1'));
    await truncate(p('access.log'), 0);
    await appendFile(p('access.log'), lines(3)); // 13-15
    await follower.poll();
    expect(texts().sort((a, b) => a - b)).toEqual(upTo(15));
    expect(got.filter((g) => g.line.startsWith('line 9 '))).toEqual([{ line: expect.stringMatching(/^line 9 /), file: 'access.log.1', no: 6 }]);
  });

  it('copytruncate into a followed name, seen between the copy and the truncation: the original does not read again what the copy gave', async () => {
    await writeFile(p('access.log.1'), lines(2));
    await writeFile(p('access.log'), lines(3)); // 3-5
    await follower.add(p('access.log.1'), 'access', read);
    await follower.add(p('access.log'), 'access', read);
    await appendFile(p('access.log'), lines(2)); // 6-7
    await rename(p('access.log.1'), p('access.log.2'));
    await copyFile(p('access.log'), p('access.log.1'));
    await follower.poll(); // the copy is there, access.log not yet truncated
    await appendFile(p('access.log'), lines(1)); // 8: after the copy, before the truncation
    await follower.poll();
    await truncate(p('access.log'), 0);
    await appendFile(p('access.log'), lines(2)); // 9-10
    await follower.poll();
    expect(texts().sort((a, b) => a - b)).toEqual(upTo(10));
  });

  it('copytruncate racing a poll (the copy made while the original was being read): the original skips what its copy gave', async () => {
    await writeFile(p('access.log.1'), lines(2));
    await writeFile(p('access.log'), lines(3)); // 3-5
    let race = false;
    // The writer and logrotate act right after the poll has read access.log, before it looks at the names.
    const racing: ReadInto = async (file, stream, first, final) => {
      const r = await read(file, stream, first, final);
      if (race && path.basename(file) === 'access.log') {
        race = false;
        appendFileSync(p('access.log'), lines(2)); // 7-8
        renameSync(p('access.log.1'), p('access.log.2'));
        copyFileSync(p('access.log'), p('access.log.1'));
      }
      return r;
    };
    await follower.add(p('access.log.1'), 'access', racing);
    await follower.add(p('access.log'), 'access', racing);
    await appendFile(p('access.log'), lines(1)); // 6
    race = true;
    await follower.poll(); // reads 6; then 7-8 arrive and are copied; the copy gives 7-8
    await follower.poll(); // access.log, not truncated yet, must not give 7-8 again
    await truncate(p('access.log'), 0);
    await appendFile(p('access.log'), lines(1)); // 9
    await follower.poll();
    expect(texts()).toEqual(upTo(9));
  });

  it('a name that vanishes is looked up again and read from the start when it returns', async () => {
    await writeFile(p('access.log'), lines(2));
    await follower.add(p('access.log'), 'access', read);
    await unlink(p('access.log'));
    await follower.poll();
    clock += 20_000;
    await follower.poll();
    await writeFile(p('access.log'), lines(2));
    await follower.poll();
    expect(texts()).toEqual(upTo(4));
  });

  it('a name that does not exist yet at the start is followed once it appears', async () => {
    await follower.add(p('later.log'), 'access', read);
    await follower.poll();
    await writeFile(p('later.log'), lines(2));
    await follower.poll();
    expect(texts()).toEqual(upTo(2));
  });

  it('two kinds of log are never taken for copies of each other, even with the same first line', async () => {
    const same = 'line 1 same first line in both\n';
    await writeFile(p('access.log'), same);
    await follower.add(p('access.log'), 'access', read);
    await follower.add(p('app.log'), 'app', read);
    await writeFile(p('app.log'), `${same}line 2 x\n`);
    await follower.poll();
    expect(texts()).toEqual([1, 1, 2]);
  });

  it('at the start every file is read whole, as without --follow, even one that looks like a copy', async () => {
    await writeFile(p('access.log'), lines(2));
    await copyFile(p('access.log'), p('access.log.bak'));
    await follower.add(p('access.log.bak'), 'access', read);
    await follower.add(p('access.log'), 'access', read);
    expect(texts()).toEqual([1, 2, 1, 2]);
  });
});
