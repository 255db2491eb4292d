import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { GoliveError } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ids = new Set(['credentials.live-keys', 'webhook.https']);

async function fails(p: Promise<unknown>): Promise<GoliveError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GoliveError) return e;
    throw e;
  }
  throw new Error('expected a GoliveError');
}

describe('config loading', () => {
  it('applies defaults when there is no file', async () => {
    const { config, file } = await loadConfig(dir, undefined, ids);
    expect(file).toBeUndefined();
    expect(config.environment).toBe('live');
    expect(config.api.baseUrl).toBe('https://api.mintcash.me');
    expect(config.env.secretKey).toBe('MINTCASH_SECRET_KEY');
    expect(config.webhook.probes.count).toBeGreaterThan(0);
  });

  it('reads YAML and JSON, preferring golive.config.json', async () => {
    await writeFile(path.join(dir, 'golive.config.yaml'), 'environment: test\nwebhook:\n  url: https://shop.example.com/hooks\n');
    expect((await loadConfig(dir, undefined, ids)).config).toMatchObject({ environment: 'test', webhook: { url: 'https://shop.example.com/hooks' } });
    await writeFile(path.join(dir, 'golive.config.json'), JSON.stringify({ environment: 'live' }));
    expect((await loadConfig(dir, undefined, ids)).config.environment).toBe('live');
  });

  it('reports every problem at once with its path', async () => {
    await writeFile(
      path.join(dir, 'golive.config.json'),
      JSON.stringify({
        environment: 'prod',
        webhok: {},
        webhook: { url: 'not a url', allowPrivateNetwork: 'yes', extra: 1 },
        checks: { 'credentials.live-keys': 'loud', 'nope.x': 'off' },
        waivers: [{ id: 'credentials.live-keys', reason: 'r', owner: 'o', expires: 'someday' }],
      }),
    );
    const e = await fails(loadConfig(dir, undefined, ids));
    expect(e.code).toBe('CONFIG_INVALID');
    const text = e.details.join('\n');
    for (const p of ['environment:', 'webhok: unknown key', 'webhook.url:', 'webhook.allowPrivateNetwork:', 'webhook.extra: unknown key', 'checks.credentials.live-keys:', 'waivers[0].expires:']) {
      expect(text).toContain(p);
    }
    expect(e.details.length).toBeGreaterThanOrEqual(7);
  });

  it('flags unknown check ids and waivers that waive nothing in particular', async () => {
    await writeFile(
      path.join(dir, 'golive.config.json'),
      JSON.stringify({ checks: { 'credentials.live-key': 'off' }, waivers: [{ id: 'webhook.https', reason: 'r', owner: 'o', expires: '2030-01-01' }] }),
    );
    const e = await fails(loadConfig(dir, undefined, ids));
    expect(e.details).toEqual(['checks.credentials.live-key: unknown check id (see `golive list`)', 'waivers[0]: needs a fingerprint or a path to say what it waives']);
  });

  it('gives one clear line for syntax errors and missing --config files', async () => {
    await writeFile(path.join(dir, 'golive.config.json'), '{ "environment": ');
    expect((await fails(loadConfig(dir, undefined, ids))).message).toMatch(/golive.config.json is not valid JSON/);
    await writeFile(path.join(dir, 'bad.yaml'), 'a: [1, 2\n');
    expect((await fails(loadConfig(dir, path.join(dir, 'bad.yaml'), ids))).message).toMatch(/bad.yaml is not valid YAML/);
    const missing = await fails(loadConfig(dir, path.join(dir, 'nope.json'), ids));
    expect(missing.code).toBe('CONFIG_NOT_FOUND');
  });
});
