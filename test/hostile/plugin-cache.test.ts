// golive's plugin cache as an attacker would use it: to make a gate run code (or answers) that the
// plugin's sources do not say. The plugin's check fails with "real code ran"; every forged entry
// below says "forged code ran" (or passes), so a run that reports the real words did not use it.
// - an entry edited by someone without the cache's key, its plain checksum recomputed;
// - a description or options answer edited the same way (a namespace, options the schema refuses);
// - a whole cache, key included, committed into the repository under check and named as the cache;
// - a key others can read (a git checkout makes 0644 files), entries reached through a symlink.
import { chmod, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';

let repo: TempRepo;
let cache: string;

const PLUGIN = [
  "export default { apiVersion: 1, namespace: 'victim', checks: [{ id: 'gate', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [],",
  "  run: () => ({ findings: [{ messageId: 'said', message: 'real code ran' }] }) }],",
  "  schema: { type: 'object', properties: { level: { enum: ['strict'] } }, additionalProperties: false } };",
  '',
].join('\n');

beforeEach(async () => {
  repo = await tempRepo('golive-cache-attack-');
  cache = path.join(path.dirname(repo.dir), `${path.basename(repo.dir)}-cache`);
  await repo.write({ 'README.md': '# shop\n', 'golive/victim.mjs': PLUGIN, 'golive.config.json': JSON.stringify({ plugins: [{ use: './golive/victim.mjs', options: { level: 'strict' } }] }) });
  await repo.commit('shop');
});
afterEach(async () => {
  await repo.cleanup();
  await rm(cache, { recursive: true, force: true });
});

async function run(cacheDir = cache) {
  const r = await golive(['check', repo.dir, '--offline', '--format', 'json', '--only', 'victim'], { env: cleanEnv({ GOLIVE_CACHE_DIR: cacheDir }) });
  if (r.exitCode === 2) return { stderr: r.stderr };
  const check = (JSON.parse(r.stdout) as { checks: { id: string; status: string; findings: { message: string }[] }[] }).checks.find((c) => c.id === 'victim/gate')!;
  return { status: check.status, said: check.findings.map((f) => f.message).join(' ') };
}

const REAL = { status: 'fail', said: 'real code ran' };

/** The entry of a kind whose contents include `marker` (the only one when none is given). */
async function entryOf(dir: string, kind: string, marker?: string): Promise<{ file: string; mac: string; body: string }> {
  const found = [];
  for (const n of (await readdir(path.join(dir, kind))).filter((x) => x.endsWith('.json'))) {
    const file = path.join(dir, kind, n);
    const text = await readFile(file, 'utf8');
    const nl = text.indexOf('\n');
    if (!marker || text.includes(marker)) found.push({ file, mac: text.slice(0, nl), body: text.slice(nl + 1) });
  }
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Rewrites an entry: its MAC under `key` (an attacker who holds it), else a plain SHA-256 as a checksum. */
async function forge(dir: string, kind: string, edit: (body: string) => string, opts: { key?: Buffer; marker?: string } = {}) {
  const { file, body } = await entryOf(dir, kind, opts.marker);
  const forged = edit(body);
  expect(forged).not.toBe(body);
  const name = path.basename(file, '.json');
  const mac = opts.key ? createHmac('sha256', opts.key).update(`${kind}\0${name}\0`).update(forged).digest('hex') : createHash('sha256').update(forged).digest('hex');
  await writeFile(file, `${mac}\n${forged}`, { mode: 0o600 });
}

const passes = (body: string) => body.replace('real code ran', 'forged code ran');

describe('a poisoned cache entry is refused', () => {
  it('compiled code edited without the key (checksum recomputed) is not run; the entry is made again', async () => {
    expect(await run()).toEqual(REAL);
    await forge(cache, 'plugins', passes);
    expect(await run()).toEqual(REAL);
    // Made again from the sources: the entry holds the real code once more.
    expect((await entryOf(cache, 'plugins')).body).toContain('real code ran');
  });

  it('compiled code edited with the old MAC kept is not run either', async () => {
    expect(await run()).toEqual(REAL);
    const { file, mac, body } = await entryOf(cache, 'plugins');
    await writeFile(file, `${mac}\n${passes(body)}`, { mode: 0o600 });
    expect(await run()).toEqual(REAL);
  });

  it('an options answer that accepts what the schema refuses is not believed', async () => {
    const lax = JSON.stringify({ plugins: [{ use: './golive/victim.mjs', options: { level: 'lax' } }] });
    await repo.write({ 'golive.config.json': lax });
    expect((await run()).stderr).toMatch(/options\.level must be equal to one of the allowed values/);
    // The validator's answer for these options is kept; forge it into an acceptance.
    await forge(cache, 'options', () => JSON.stringify({ answer: JSON.stringify({ ok: true, options: { level: 'lax' } }) }), { marker: 'allowed values' });
    expect((await run()).stderr).toMatch(/options\.level must be equal to one of the allowed values/);
  });

  it('a description edited without the key does not rename the plugin', async () => {
    expect(await run()).toEqual(REAL);
    await forge(cache, 'descriptions', (b) => b.replace('\\"namespace\\":\\"victim\\"', '\\"namespace\\":\\"golive\\"'));
    expect(await run()).toEqual(REAL);
  });

  it('a cache inside the repository under check is never used, even a whole one with its key', async () => {
    // The attacker makes a complete, valid cache elsewhere, forges an entry with its key, and commits it all.
    const own = path.join(repo.dir, '.cache', 'golive');
    expect(await run(own)).toEqual(REAL);
    expect(await readdir(own).catch(() => [])).toEqual([]);
    expect(await run()).toEqual(REAL);
    await forge(cache, 'plugins', passes, { key: await readFile(path.join(cache, 'key')) });
    expect(await run()).toEqual({ status: 'fail', said: 'forged code ran' }); // what holding the key would allow
    const { execa } = await import('execa');
    await execa('cp', ['-a', `${cache}/.`, own]);
    await repo.commit('a cache, committed');
    expect(await run(own)).toEqual(REAL);
  });

  it('a key others can read, and an entry reached through a symlink, are not trusted', async () => {
    expect(await run()).toEqual(REAL);
    const keyFile = path.join(cache, 'key');
    const key = await readFile(keyFile);
    await forge(cache, 'plugins', passes, { key });
    await chmod(keyFile, 0o644);
    expect(await run()).toEqual(REAL);
    await chmod(keyFile, 0o600);
    const { file } = await entryOf(cache, 'plugins');
    await rm(file);
    expect(await run()).toEqual(REAL);
    // The entry is made again; point its name at a forged file elsewhere, with a valid MAC.
    const { body } = await entryOf(cache, 'plugins');
    const name = path.basename(file, '.json');
    const elsewhere = path.join(path.dirname(cache), `${path.basename(cache)}-forged.json`);
    const forged = passes(body);
    await writeFile(elsewhere, `${createHmac('sha256', key).update(`plugins\0${name}\0`).update(forged).digest('hex')}\n${forged}`, { mode: 0o600 });
    await rm(file);
    await symlink(elsewhere, file);
    expect(await run()).toEqual(REAL);
    await rm(elsewhere);
  });
});
