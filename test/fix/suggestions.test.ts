// Suggestions, fixture by fixture and framework by framework: shown as a diff and never written
// by `--write` or without a terminal; applied when a person picks it (the prompt driven here as a
// terminal would be), the result equals after/ byte for byte, exactly the findings the suggestion
// names are gone and none is added, and running again offers nothing more for that check.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, expectAsAfter, expectRemoved, filesOf, findings, fix, repoOf } from './helpers.js';

const RAW = 'webhook.code-raw-body';
const ENV = 'webhook.code-environment-guard';
const EXT = 'idempotency.external-id';
const QUALITY = 'idempotency.external-id-quality';

/** Fixture → the check it is run for, and the findings the suggestion removes. */
const CASES: Record<string, { only: string; removed: string[] }> = {
  'suggest-raw-node': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json src/webhook.js`] },
  'suggest-raw-express': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json src/app.js`, `${RAW} json-parser-before-webhook src/app.js`] },
  'suggest-raw-nextjs': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json app/api/webhooks/mintcash/route.ts`] },
  'suggest-raw-next-pages': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json pages/api/webhooks/mintcash.ts`, `${RAW} json-parser-before-webhook pages/api/webhooks/mintcash.ts`] },
  'suggest-raw-fastify': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json src/routes/webhooks.js`] },
  'suggest-raw-nestjs': { only: RAW, removed: [`${RAW} hmac-over-reserialized-json src/webhooks.controller.ts`] },
  'suggest-env-express': { only: ENV, removed: [`${ENV} no-environment-guard src/webhook.js`] },
  'suggest-env-nextjs': { only: ENV, removed: [`${ENV} no-environment-guard app/api/mintcash/route.ts`] },
  'suggest-env-fastify': { only: ENV, removed: [`${ENV} no-environment-guard src/webhook.js`] },
  'suggest-env-nestjs': { only: ENV, removed: [`${ENV} no-environment-guard src/webhooks.controller.ts`] },
  'suggest-extid-fetch': { only: EXT, removed: [`${EXT} missing-external-id src/payments.js`] },
  'suggest-extid-axios': { only: QUALITY, removed: [`${QUALITY} external-id-random src/refunds.ts`] },
};
const TWINS = readdirSync(FIXTURES).filter((d) => d.startsWith('suggest-') && d.endsWith('-ok'));

describe('golive fix: suggestions', () => {
  it.each(Object.entries(CASES))('%s: applied only when picked, as after/, exactly its findings removed', async (name, { only, removed }) => {
    const repo = await repoOf(name);
    try {
      const before = await findings(repo.dir);
      // Shown, never written by --write or off a terminal.
      const write = await fix(repo.dir, { write: true, only: [only] });
      expect(write.code).toBe(1);
      expect(write.stdout).toMatch(new RegExp(`^\\[suggestion\\] ${only.replace(/\./g, '\\.')} `, 'm'));
      expect(write.stdout).toMatch(/^--- a\//m);
      expect(await repo.git('status', '--porcelain')).toBe('');
      // Skipped at the prompt: still nothing written.
      const skipped = await fix(repo.dir, { suggestions: true, only: [only] }, ['skip']);
      expect(skipped.code).toBe(1);
      expect(await repo.git('status', '--porcelain')).toBe('');

      const picked = await fix(repo.dir, { suggestions: true, only: [only] }, ['apply']);
      expect(picked.stderr).toBe('');
      expect(picked.stdout).toMatch(/golive: applied; wrote /);
      const got = await expectAsAfter(repo.dir, name);
      await expectRemoved(repo.dir, before, removed);

      const again = await fix(repo.dir, { suggestions: true, only: [only] }, []);
      expect(again.stdout).not.toMatch(/\[suggestion\]/);
      expect(await filesOf(repo.dir)).toEqual(got);
    } finally {
      await repo.cleanup();
    }
  });

  it.each(TWINS)('%s: nothing is suggested for the correct twin', async (name) => {
    const repo = await repoOf(name);
    try {
      const run = await fix(repo.dir, { write: true });
      expect(run.stdout).not.toMatch(/\[(safe|suggestion)\]/);
      expect(await repo.git('status', '--porcelain')).toBe('');
    } finally {
      await repo.cleanup();
    }
  });
});
