import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect, runInit } from '../../src/cli/init-run.js';
import { scriptedPrompter } from '../../src/cli/prompter.js';
import { GoliveError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import { golive } from '../e2e/cli.js';

let dir: string;
const sink = () => {
  const chunks: string[] = [];
  const out = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } });
  return { out, text: () => chunks.join('') };
};
const readConfig = async () => JSON.parse(await readFile(path.join(dir, 'golive.config.json'), 'utf8'));

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('golive init', () => {
  it('detects production config files and the variable names the project already uses', async () => {
    await writeFile(path.join(dir, '.env.production'), 'SHOP_MINTCASH_PK=\nSHOP_MINTCASH_SECRET_KEY=\nSHOP_MINTCASH_WEBHOOK_SECRET=\n');
    await mkdir(path.join(dir, 'config'));
    await writeFile(path.join(dir, 'config/production.yaml'), 'a: 1\n');
    await mkdir(path.join(dir, 'node_modules/x/config'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules/x/config/production.json'), '{}');
    expect(await detect(dir)).toEqual({
      productionConfig: ['.env.production', 'config/production.yaml'],
      publicKey: 'SHOP_MINTCASH_PK',
      secretKey: 'SHOP_MINTCASH_SECRET_KEY',
      webhookSecret: 'SHOP_MINTCASH_WEBHOOK_SECRET',
    });
  });

  it('asks, validates, and writes a config golive accepts', async () => {
    const p = scriptedPrompter(['live', 'https://shop.example.com/webhooks/mintcash', '', '.env.production, deploy/*.yaml', '', 'APP_SK', '']);
    const { out, text } = sink();
    expect(await runInit(dir, {}, { prompter: p, out })).toBe(0);
    expect(p.remaining()).toBe(0);
    expect(await readConfig()).toEqual({
      // Not installed in this temp project: the published schema of this very version.
      $schema: `https://unpkg.com/mintcash-golive@${VERSION}/schema/golive.config.schema.json`,
      environment: 'live',
      webhook: { url: 'https://shop.example.com/webhooks/mintcash' },
      productionConfig: ['.env.production', 'deploy/*.yaml'],
      env: { publicKey: 'MINTCASH_PUBLIC_KEY', secretKey: 'APP_SK', webhookSecret: 'MINTCASH_WEBHOOK_SECRET' },
    });
    expect(text()).toContain('golive check');
    const check = await golive(['check', dir, '--offline', '--format', 'json']);
    expect(check.exitCode).toBe(0);
  });

  it.each([
    ['ftp://shop.example.com/hook', /HTTPS/],
    ['http://shop.example.com/hook', /HTTPS/],
    ['not a url', /not a URL/],
  ])('rejects the webhook URL %s as it is typed', async (url, why) => {
    const p = scriptedPrompter(['live', url]);
    await expect(runInit(dir, {}, { prompter: p, out: sink().out })).rejects.toThrow(why);
  });

  it('works without prompts from flags, and refuses to overwrite without --force', async () => {
    const { out } = sink();
    await runInit(dir, { yes: true, environment: 'test', webhookUrl: 'https://x.example/h', publicKeyEnv: 'PK' }, { out });
    expect(await readConfig()).toMatchObject({ environment: 'test', webhook: { url: 'https://x.example/h' }, env: { publicKey: 'PK' } });
    await expect(runInit(dir, { yes: true }, { out })).rejects.toThrow(/already exists/);
    await runInit(dir, { yes: true, force: true }, { out });
    expect((await readConfig()).environment).toBe('live');
    await expect(runInit(dir, { yes: true, secretKeyEnv: '1BAD' }, { out })).rejects.toBeInstanceOf(GoliveError);
  });

  it('points $schema at the project\'s own installed copy when golive is a dependency, from a subfolder too', async () => {
    await mkdir(path.join(dir, 'node_modules/mintcash-golive/schema'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules/mintcash-golive/schema/golive.config.schema.json'), '{}');
    await runInit(dir, { yes: true }, { out: sink().out });
    expect((await readConfig()).$schema).toBe('./node_modules/mintcash-golive/schema/golive.config.schema.json');
    const service = path.join(dir, 'services/shop');
    await mkdir(service, { recursive: true });
    await runInit(service, { yes: true }, { out: sink().out });
    expect(JSON.parse(await readFile(path.join(service, 'golive.config.json'), 'utf8')).$schema).toBe('../../node_modules/mintcash-golive/schema/golive.config.schema.json');
  });

  it('refuses without a terminal unless --yes, and never hangs', async () => {
    const r = await golive(['init', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
    const ok = await golive(['init', dir, '--yes', '--webhook-url', 'https://shop.example.com/h']);
    expect(ok.exitCode).toBe(0);
    expect((await readConfig()).webhook.url).toBe('https://shop.example.com/h');
  });
});
