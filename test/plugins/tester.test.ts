// The plugin tester checks a case's pluginOptions as `golive check` checks a plugin entry's options:
// against the plugin's JSON Schema, by the same validator in the same sandbox, defaults filled in,
// a refusal worded as the CLI words it. The plugin is found by itself when the check's package
// exports it (the example plugin's package.json), or named by the case (`plugin`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCheck } from 'mintcash-golive/testing';
import { allowedCurrencies } from '../../examples/plugins/acme-policy/checks/allowed-currencies.js';
import { lockfilePresent } from '../../examples/plugins/acme-policy/checks/lockfile-present.js';
import { spins } from '../hostile/fixtures/sneaky-checks.js';
import webPlugin, { plain } from './fixtures/web-globals.js';
import { cleanEnv, golive } from '../e2e/cli.js';
import { tempDir } from '../helpers/git.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/plugins/acme-policy/index.ts');
/** What the tester throws for a case (the test fails when it does not throw). */
const refusal = (run: Promise<unknown>) => run.then(() => 'no refusal', (e: Error) => e.message);
const payments = (currencies: string[]) => {
  const text = JSON.stringify({ currencies });
  return { reads: { files: [{ path: 'config/payments.json', size: text.length, text }], skipped: [] } };
};

describe('pluginOptions in the tester, as a real run checks them', () => {
  it('options the schema refuses fail the case with the words golive check uses, every problem at once', async () => {
    const run = runCheck(allowedCurrencies, { evidence: payments(['USD']), pluginOptions: { currencies: ['usd', 'USD', 'USD'], colour: 'red' } });
    await expect(run).rejects.toThrow(/allowed-currencies: the plugin index\.ts refuses these pluginOptions, as golive check would \(exit 2\)/);
    const message = await refusal(run);
    expect(message).toContain('options.currencies[0] must match pattern "^[A-Z]{3}$"');
    expect(message).toContain('options.currencies must NOT have duplicate items');
    expect(message).toContain('options must NOT have additional properties ("colour")');
  });

  it('the CLI refuses the same options with the same lines', async () => {
    const tmp = await tempDir('golive-tester-cli-');
    try {
      await tmp.write({ 'README.md': '# shop\n', 'golive.config.json': JSON.stringify({ plugins: [{ use: EXAMPLE, options: { currencies: ['usd', 'USD', 'USD'], colour: 'red' } }] }) });
      const r = await golive(['check', tmp.dir, '--offline'], { env: cleanEnv() });
      expect(r.exitCode).toBe(2);
      const message = await refusal(runCheck(allowedCurrencies, { evidence: payments(['USD']), pluginOptions: { currencies: ['usd', 'USD', 'USD'], colour: 'red' } }));
      const lines = message.split('\n').slice(1).map((l) => l.replace(/^\s*- /, ''));
      expect(lines.length).toBe(3);
      for (const l of lines) expect(r.stderr).toContain(`: ${l}`);
    } finally {
      await tmp.cleanup();
    }
  });

  it('a case without pluginOptions gets the schema defaults, as a plugin entry without options does', async () => {
    // The default approves USD: with it the check passes; with no options at all it would flag USD.
    const r = await runCheck(allowedCurrencies, { evidence: payments(['USD']) });
    expect(r.status, r.summary).toBe('pass');
    expect(r.summary).toContain('approved: USD');
    const eur = await runCheck(allowedCurrencies, { evidence: payments(['USD', 'EUR']) });
    expect(eur.findings.map((f) => f.messageId)).toEqual(['unapproved-currency']);
  });

  it('a pure check of the same plugin runs unchanged', async () => {
    const r = await runCheck(lockfilePresent, { evidence: { repo: { root: '/r', isGit: true, files: [{ path: 'package-lock.json', size: 1 }], notes: [] } } });
    expect(r.status).toBe('pass');
  });

  it('the case can name the plugin; its schema then decides', async () => {
    expect((await runCheck(plain, { evidence: {}, plugin: webPlugin, pluginOptions: { url: 'https://a.example/' } })).status).toBe('pass');
    await expect(runCheck(plain, { evidence: {}, plugin: webPlugin, pluginOptions: { url: 7 } })).rejects.toThrow(/options\.url must be string/);
    await expect(runCheck(plain, { evidence: {}, plugin: { apiVersion: 1, checks: [] } })).rejects.toThrow(/not made with definePlugin/);
  });

  it('pluginOptions for a check no plugin lists are refused rather than passed on unchecked', async () => {
    await expect(runCheck(spins, { evidence: { repo: { root: '/r', isGit: false, files: [], notes: [] } }, pluginOptions: { x: 1 } })).rejects.toThrow(
      /spins: pluginOptions are checked against the plugin's options schema, as golive check does, but no plugin lists this check: give the case `plugin`/,
    );
  });
});
