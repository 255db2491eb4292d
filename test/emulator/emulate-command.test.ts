// `golive emulate` (runEmulate): prints the base URL and public keys, keeps secret keys out of the
// output and in 0600 env files that actually work, validates its flags, and stops cleanly.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEmulate, type EmulateOptions } from '../../src/cli/emulate.js';
import { KEY_PATTERN } from '../../src/engine/mask.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const defaults: EmulateOptions = { port: '0', host: '127.0.0.1', retryScale: '1', refundDelay: '1000' };

async function session(opts: Partial<EmulateOptions>, env: NodeJS.ProcessEnv = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'golive-emulate-'));
  dirs.push(dir);
  let out = '';
  let release: () => void = () => undefined;
  const stop = new Promise<void>((r) => (release = r));
  const done = runEmulate({ ...defaults, credentialsDir: dir, ...opts }, { out: (s) => (out += s), env, stop });
  const started = async () => {
    for (let i = 0; i < 500 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 10));
    return out;
  };
  return { dir, done, release, started, output: () => out };
}

const parseEnv = (text: string) => Object.fromEntries(text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('golive emulate', () => {
  it('prints the URL and public keys, never a secret key, and writes usable 0600 credential files', async () => {
    const s = await session({});
    const out = await s.started();
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url).toBeTruthy();
    const test = parseEnv(await readFile(join(s.dir, 'test.env'), 'utf8'));
    expect((await stat(join(s.dir, 'test.env'))).mode & 0o777).toBe(0o600);
    expect(out).toContain(test.MINTCASH_PUBLIC_KEY);
    expect(out).not.toContain(test.MINTCASH_SECRET_KEY);
    expect(out).not.toContain(test.MINTCASH_WEBHOOK_SECRET);
    // Every key-shaped string printed is either a public key or masked.
    for (const m of out.matchAll(KEY_PATTERN)) expect(m[1]?.startsWith('pk_')).toBe(true);
    const auth = Buffer.from(`${test.MINTCASH_PUBLIC_KEY}:${test.MINTCASH_SECRET_KEY}`).toString('base64');
    const r = await fetch(`${url}/merchant/api-keys`, { headers: { authorization: `Basic ${auth}` } });
    expect(r.status).toBe(200);
    s.release();
    expect(await s.done).toBe(0);
    expect(s.output()).toContain('Emulator stopped.');
    await expect(fetch(`${url}/merchant/api-keys`)).rejects.toThrow();
  });

  it('uses the webhook secret from the named variable and keeps state across runs', async () => {
    const secret = 'whsec_' + 'from-env-variable-1234';
    const stateDir = await mkdtemp(join(tmpdir(), 'golive-emulate-state-'));
    dirs.push(stateDir);
    const state = join(stateDir, 'emu.json');
    const a = await session({ state, webhookSecretEnv: 'MY_SECRET', webhookUrl: 'http://127.0.0.1:9/hook' }, { MY_SECRET: secret });
    const outA = await a.started();
    expect(outA).toContain('$MY_SECRET');
    expect(outA).not.toContain(secret);
    const keyA = parseEnv(await readFile(join(a.dir, 'test.env'), 'utf8')).MINTCASH_PUBLIC_KEY;
    a.release();
    await a.done;
    const b = await session({ state });
    await b.started();
    expect(parseEnv(await readFile(join(b.dir, 'test.env'), 'utf8')).MINTCASH_PUBLIC_KEY).toBe(keyA);
    b.release();
    await b.done;
  });

  it.each<[string, Partial<EmulateOptions>, NodeJS.ProcessEnv, RegExp]>([
    ['bad port', { port: '99999' }, {}, /--port/],
    ['port not a number', { port: 'abc' }, {}, /--port/],
    ['bad retry scale', { retryScale: '0' }, {}, /--retry-scale/],
    ['missing secret variable', { webhookSecretEnv: 'NOPE' }, {}, /NOPE/],
    ['bad webhook url', { webhookUrl: 'ftp://x' }, {}, /--webhook-url/],
  ])('%s is a usage error', async (_n, opts, env, msg) => {
    const s = await session(opts, env);
    await expect(s.done).rejects.toMatchObject({ name: 'GoliveError', code: 'USAGE', message: expect.stringMatching(msg) });
  });

  it('a busy port is a usage error with a suggestion', async () => {
    const a = await session({});
    const url = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(await a.started())?.[1];
    const b = await session({ port: url });
    await expect(b.done).rejects.toMatchObject({ code: 'USAGE', suggestion: expect.stringContaining('--port') });
    a.release();
    await a.done;
  });
});
