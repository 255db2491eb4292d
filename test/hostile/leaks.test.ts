// The small leaks, through the CLI: the webhook secret inside --webhook-url (path, query, fragment)
// never prints raw, in the JSON report's target.urls.webhook or anywhere else; a scoped run
// (--only webhook, --offline) still learns production-config secrets for masking (one quoted in a
// waiver reason); `golive init` never writes the environment's secret into the committed config.
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';

let repo: TempRepo;
// Opaque on purpose: nothing key-shaped gives them away, only knowing them does.
const webhookSecret = 'Wq' + '7x2Lm9Vb4Nc8Kz1Wp5R+/=';
const prodSecret = 'Pr' + 'odQ8x3Ln0Vc5Nd9Kw2Ys';

beforeAll(async () => {
  repo = await tempRepo('golive-leaks-');
  await repo.write({
    'README.md': '# shop\n',
    'config/production.json': JSON.stringify({ mintcash: { secretKey: prodSecret } }),
    'golive.config.json': JSON.stringify({
      waivers: [{ id: 'webhook.dedup', path: 'nothing/**', reason: `the old key ${prodSecret} was rotated`, owner: 'ops', expires: '2099-01-01' }],
    }),
  });
  await repo.commit('shop');
}, 60_000);
afterAll(() => repo.cleanup());

/** One run writing every format (stdout, files, the report dir, the step summary, annotations); all of it as text. */
async function everything(args: string[], env: Record<string, string>): Promise<string> {
  const out = path.join(repo.dir, `out-${Math.random().toString(36).slice(2)}`);
  await mkdir(out);
  const summary = path.join(out, 'summary.md');
  const files = ['json', 'markdown', 'sarif', 'junit', 'html', 'codequality'].flatMap((f) => ['--format', f, '--output', path.join(out, `r.${f}`)]);
  const r = await golive(['check', repo.dir, ...args, '-v', '--format', 'pretty', '--output', '-', ...files, '--report-dir', path.join(out, 'dir')], {
    env: cleanEnv({ ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }),
  });
  expect(r.exitCode, r.stderr).toBeLessThan(2);
  const texts = [r.stdout, r.stderr];
  for (const f of await readdir(out, { recursive: true })) {
    const file = path.join(out, f);
    if ((await stat(file)).isFile()) texts.push(await readFile(file, 'utf8'));
  }
  return texts.join('\n');
}

describe('leaks', () => {
  it('the webhook secret inside --webhook-url is masked in target.urls.webhook and everywhere', { timeout: 180_000 }, async () => {
    const url = `https://shop.example/hook/${webhookSecret}?k=${webhookSecret}#${webhookSecret}`;
    const env = { MINTCASH_WEBHOOK_SECRET: webhookSecret };
    const json = await golive(['check', repo.dir, '--offline', '--webhook-url', url, '--format', 'json'], { env: cleanEnv(env) });
    const shown = JSON.parse(json.stdout).target.urls.webhook as string;
    expect(shown).toMatch(/^https:\/\/shop\.example\/hook\//);
    expect(shown).not.toContain(webhookSecret);
    expect(shown).toContain('…');
    const all = await everything(['--offline', '--webhook-url', url], env);
    expect(all).toContain('shop.example/hook/');
    expect(all).not.toContain(webhookSecret);
    expect(all).not.toContain(encodeURIComponent(webhookSecret));
  });

  it.each([
    ['--only webhook', ['--only', 'webhook', '--offline']],
    ['--offline', ['--offline']],
    ['--skip credentials', ['--offline', '--skip', 'credentials']],
  ])('a scoped run (%s) still masks a production-config secret quoted in a waiver reason', { timeout: 180_000 }, async (_name, args) => {
    const all = await everything(args, {});
    // The waiver reason is in the JSON report (so this can fail), masked.
    expect(all).toContain(`the old key …${prodSecret.slice(-4)} was rotated`);
    expect(all).not.toContain(prodSecret);
  });
});

describe('golive init', () => {
  it.each([
    ['the query', (s: string) => `https://shop.example/hook?k=${s}`],
    ['the path', (s: string) => `https://shop.example/hook/${encodeURIComponent(s)}`],
    ['the fragment', (s: string) => `https://shop.example/hook#${s}`],
  ])('refuses a --webhook-url that holds the environment secret in %s, with one line, writing nothing', async (_where, make) => {
    const dir = path.join(repo.dir, `init-${Math.random().toString(36).slice(2)}`);
    await repo.write({ [`${path.basename(dir)}/README.md`]: '# x\n' });
    for (const flag of ['--webhook-url', '--test-webhook-url']) {
      const r = await golive(['init', dir, '--yes', flag, make(webhookSecret)], { env: cleanEnv({ MINTCASH_WEBHOOK_SECRET: webhookSecret }) });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/^golive: .*webhook URL.*: the URL holds the value of \$MINTCASH_WEBHOOK_SECRET, and golive\.config\.json is committed/m);
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
      expect(r.stdout + r.stderr).not.toContain(webhookSecret);
      await expect(stat(path.join(dir, 'golive.config.json'))).rejects.toThrow();
    }
    // The same URL without the secret is written.
    const ok = await golive(['init', dir, '--yes', '--webhook-url', 'https://shop.example/hook'], { env: cleanEnv({ MINTCASH_WEBHOOK_SECRET: webhookSecret }) });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'golive.config.json'), 'utf8')).webhook.url).toBe('https://shop.example/hook');
  });
});
