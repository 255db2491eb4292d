// --output through the CLI: atomic for regular files, a symlink followed (the link stays), a FIFO
// or `-` written as a stream, a directory refused with one line, and no temp file left on any path.
import { execa } from 'execa';
import { lstat, readFile, readdir, readlink, symlink, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';

let tmp: TempDir;
let out: string;
beforeEach(async () => {
  tmp = await tempDir('golive-hostile-output-');
  await tmp.write({ 'shop/README.md': '# shop\n' });
  out = path.join(tmp.dir, 'out');
  await mkdir(out);
});
afterEach(() => tmp.cleanup());

const check = (output: string) => golive(['check', path.join(tmp.dir, 'shop'), '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json', '--output', output]);
const noTemp = async () => expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

describe('--output', () => {
  it('writes a regular file and leaves no temp file', async () => {
    const r = await check(path.join(out, 'r.json'));
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(await readFile(path.join(out, 'r.json'), 'utf8')).schemaVersion).toBe(1);
    await noTemp();
  });

  it('follows a symlink: the link stays a link and its target gets the report', async () => {
    await symlink('target.json', path.join(out, 'link.json'));
    const r = await check(path.join(out, 'link.json'));
    expect(r.exitCode).toBe(0);
    expect((await lstat(path.join(out, 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(out, 'link.json'))).toBe('target.json');
    expect(JSON.parse(await readFile(path.join(out, 'target.json'), 'utf8')).schemaVersion).toBe(1);
    await noTemp();
  });

  it('writes to a FIFO as a stream instead of replacing it', async () => {
    const fifo = path.join(out, 'pipe');
    await execa('mkfifo', [fifo]);
    const reader = execa('cat', [fifo]);
    const r = await check(fifo);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(String((await reader).stdout)).schemaVersion).toBe(1);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    await noTemp();
  });

  it('`-` is stdout', async () => {
    const r = await check('-');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
    expect(await readdir(tmp.dir)).not.toContain('-');
  });

  it('a directory is refused with one line, exit 2, and no temp file left', async () => {
    await mkdir(path.join(out, 'adir'));
    const r = await check(path.join(out, 'adir'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*adir: it is a directory/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await noTemp();
  });

  it('an unwritable directory is exit 2 and leaves no temp file', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions; a path through a regular file fails for everyone.
      await tmp.write({ 'out/file': 'x' });
      const r = await check(path.join(out, 'file', 'r.json'));
      expect(r.exitCode).toBe(2);
    } else {
      await execa('chmod', ['a-w', out]);
      const r = await check(path.join(out, 'r.json'));
      expect(r.exitCode).toBe(2);
      await execa('chmod', ['u+w', out]);
    }
    await noTemp();
  });
});
