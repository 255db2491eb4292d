// Hostile inputs through the CLI: every file golive reads must be a regular file, config values are
// validated for what they mean (calendar dates, globs, prototype keys, limits, credentials in URLs),
// and no error message echoes a secret.
import { execa } from 'execa';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('golive-hostile-inputs-');
  await tmp.write({ 'README.md': '# shop\n' });
});
afterEach(() => tmp.cleanup());

const mkfifo = (p: string) => execa('mkfifo', [p]);

describe('files that are not regular files', () => {
  it.each([
    ['a FIFO named golive.config.json', async () => mkfifo(path.join(tmp.dir, 'golive.config.json')), [] as string[], /golive\.config\.json is a FIFO \(named pipe\), not a regular file/],
    ['a FIFO given with -c', async () => mkfifo(path.join(tmp.dir, 'cfg.json')), ['-c', 'CFG'], /cfg\.json is a FIFO \(named pipe\), not a regular file/],
    ['a FIFO given as --baseline', async () => mkfifo(path.join(tmp.dir, 'base.json')), ['--baseline', 'BASE'], /base\.json is a FIFO \(named pipe\), not a regular file/],
    // (A FIFO as --env-file still hangs inside Node 20 itself, which reads any --env-file argument
    // before golive starts; issue 16 part 7 renames the flag.)
    ['a directory given with -c', async () => undefined, ['-c', 'DIR'], /is a directory, not a regular file/],
  ])('%s is exit 2 with one line, not a hang', async (_n, setup, extra, message) => {
    await setup();
    const args = extra.map((a) => (a === 'CFG' ? path.join(tmp.dir, 'cfg.json') : a === 'BASE' ? path.join(tmp.dir, 'base.json') : a === 'ENV' ? path.join(tmp.dir, 'prod.env') : a === 'DIR' ? tmp.dir : a));
    const r = await golive(['check', tmp.dir, '--offline', ...args]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('config values', () => {
  const check = async (config: unknown) => {
    await tmp.write({ 'golive.config.json': typeof config === 'string' ? config : JSON.stringify(config) });
    return golive(['check', tmp.dir, '--offline']);
  };
  const waiver = (extra: object) => ({ id: 'credentials.no-secrets-in-source', path: 'docs/**', reason: 'r', owner: 'o', expires: '2027-01-31', ...extra });

  it.each([
    ['an impossible date', { waivers: [waiver({ expires: '2026-02-30' })] }, /waivers\[0\]\.expires: expected a real calendar date/],
    ['a bad glob in productionConfig', { productionConfig: ['config/[prod.json'] }, /productionConfig\[0\]: not a valid glob \(Missing closing: "\]"/],
    ['a bad glob in a waiver path', { waivers: [waiver({ path: 'docs/{a,b' })] }, /waivers\[0\]\.path: not a valid glob/],
    ['a __proto__ key', '{ "checks": { "__proto__": { "credentials.live-keys": "off" } } }', /checks\.__proto__: the key "__proto__" is not allowed/],
    ['a probe timeout of 1e12', { webhook: { probes: { timeoutMs: 1e12 } } }, /webhook\.probes\.timeoutMs: Too big/i],
    ['a webhook URL with a password', { webhook: { url: 'https://user:hunter2hunter2@shop.example/hook' } }, /webhook\.url: must not contain a user name or password/],
    ['a webhook URL with a token', { webhook: { url: 'https://shop.example/hook?token=abcdef123456' } }, /webhook\.url: must not carry a "token" parameter/],
  ])('%s is a config error naming its path', async (_n, config, message) => {
    const r = await check(config);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/hunter2|abcdef123456/);
  });

  it('an unknown key that holds a key is masked in the error', async () => {
    const key = fakeKey('sk', 'live');
    const r = await check({ [key]: 1, checks: { [key]: 'off' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/sk_live_….{4}: unknown key/);
    expect(r.stderr).not.toContain(key);
  });

  it('a leap day is a real date', async () => {
    const r = await check({ waivers: [waiver({ expires: '2028-02-29' })] });
    expect(r.exitCode).toBe(0);
  });

  it('a malformed JSON config does not quote the secret next to the error', async () => {
    const secret = fakeKey('sk', 'live');
    const r = await check(`{ "env": { "secretKey": ${secret} } }`);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/golive\.config\.json is not valid JSON at line 1/);
    expect(r.stderr).not.toContain(secret.slice(8));
  });

  it('a malformed baseline does not quote its content either', async () => {
    const secret = fakeWebhookSecret();
    await tmp.write({ 'base.json': `{"x": ${secret}}` });
    const r = await golive(['check', tmp.dir, '--offline', '--baseline', path.join(tmp.dir, 'base.json')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toContain(secret.slice(6));
  });
});

describe('command-line values', () => {
  it('init --yes refuses a webhook URL with credentials and writes nothing', async () => {
    const r = await golive(['init', tmp.dir, '--yes', '--webhook-url', 'https://user:s3cretpass99@shop.example/hook?token=t0ken12345']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/must not contain a user name or password/);
    expect(r.stderr).not.toMatch(/s3cretpass99|t0ken12345/);
    const ls = await execa('ls', ['-A', tmp.dir]);
    expect(ls.stdout).not.toContain('golive.config.json');
  });

  it('a key-shaped value in a bad --webhook-url is masked in the usage error', async () => {
    const key = fakeKey('sk', 'live');
    const r = await golive(['check', tmp.dir, '--webhook-url', `ftp://${key}@host/`], { env: cleanEnv() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toContain(key);
  });
});
