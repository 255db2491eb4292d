import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverConfig, loadConfig, webhookUrlLine } from '../../src/config/load.js';
import { GoliveError } from '../../src/errors.js';
import { execa } from 'execa';
import { tempDir, tempRepo } from '../helpers/git.js';

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

  it('reads YAML and JSON; two config files in one directory are an error naming both', async () => {
    await writeFile(path.join(dir, 'golive.config.yaml'), 'environment: test\nwebhook:\n  url: https://shop.example.com/hooks\n');
    const yaml = await loadConfig(dir, undefined, ids);
    expect(yaml.config).toMatchObject({ environment: 'test', webhook: { url: 'https://shop.example.com/hooks' } });
    expect(yaml.webhookUrlLine).toBe(3);
    await writeFile(path.join(dir, 'golive.config.json'), JSON.stringify({ environment: 'live' }));
    const e = await fails(loadConfig(dir, undefined, ids));
    expect(e.message).toMatch(/two config files in one directory: .*golive\.config\.json and .*golive\.config\.yaml/);
    expect(e.exitCode).toBe(2);
    // Naming one explicitly settles it.
    expect((await loadConfig(dir, path.join(dir, 'golive.config.json'), ids)).config.environment).toBe('live');
  });

  it('finds the line that sets webhook.url in JSON and YAML, and none when it is not set', async () => {
    expect(await webhookUrlLine('{\n  "environment": "live",\n  "webhook": {\n    "testUrl": "https://a.example/t",\n    "url": "https://a.example/h"\n  }\n}\n')).toBe(5);
    expect(await webhookUrlLine('webhook:\n  url: https://a.example/h\n')).toBe(2);
    expect(await webhookUrlLine('webhook: { url: "https://a.example/h" }\n')).toBe(1);
    expect(await webhookUrlLine('url: https://a.example/h\n')).toBeUndefined();
    expect(await webhookUrlLine('{ not json')).toBeUndefined();
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

describe('config discovery (ESLint style: up from the target to the repository root)', () => {
  it('finds the config at the repository root from a subfolder, and names the file', async () => {
    const repo = await tempRepo();
    try {
      await repo.write({ 'golive.config.json': JSON.stringify({ environment: 'test' }), 'services/shop/src/app.ts': 'export {};\n' });
      const sub = path.join(repo.dir, 'services/shop/src');
      const { config, file } = await loadConfig(sub, undefined, ids);
      expect(file).toBe(path.join(repo.dir, 'golive.config.json'));
      expect(config.environment).toBe('test');
      // The nearest one wins: a config in the subfolder shadows the root's.
      await repo.write({ 'services/shop/golive.config.yaml': 'environment: live\n' });
      expect(await discoverConfig(sub)).toBe(path.join(repo.dir, 'services/shop/golive.config.yaml'));
    } finally {
      await repo.cleanup();
    }
  });

  it('stops at the repository root: a config above it is not used', async () => {
    const outer = await tempDir();
    try {
      await outer.write({ 'golive.config.json': JSON.stringify({ environment: 'test' }), 'inner/README.md': '# x\n' });
      await execa('git', ['init', '-q', path.join(outer.dir, 'inner')]);
      expect(await discoverConfig(path.join(outer.dir, 'inner'))).toBeUndefined();
      // Outside git only the target itself is searched.
      await outer.write({ 'plain/sub/README.md': '# y\n', 'plain/golive.config.json': '{}' });
      expect(await discoverConfig(path.join(outer.dir, 'plain/sub'))).toBeUndefined();
      expect(await discoverConfig(path.join(outer.dir, 'plain'))).toBe(path.join(outer.dir, 'plain/golive.config.json'));
    } finally {
      await outer.cleanup();
    }
  });

  it('two candidates on the way up are an error naming both', async () => {
    const repo = await tempRepo();
    try {
      await repo.write({ 'golive.config.yml': 'environment: test\n', 'golive.config.json': '{}', 'a/b/.keep': '' });
      const e = await fails(discoverConfig(path.join(repo.dir, 'a/b')));
      expect(e.message).toContain('golive.config.json');
      expect(e.message).toContain('golive.config.yml');
    } finally {
      await repo.cleanup();
    }
  });
});
