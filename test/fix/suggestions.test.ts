// Suggestions, fixture by fixture and framework by framework: shown as a diff and never written
// by `--write` or without a terminal; applied when a person picks it (the prompt driven here as a
// terminal would be), the result equals after/ byte for byte, exactly the findings the suggestion
// names are gone and none is added, and running again offers nothing more for that check. Each
// correct twin (`*-ok`) is offered nothing, keeps every byte and passes its checks (built CLI);
// `*-nofix` keeps its finding with nothing offered (no per-intent id in scope: never a random one).
import { describe, expect, it } from 'vitest';
import { PLANTED, expectAsAfter, expectRemoved, filesOf, findings, fix, leftAloneTests, repoOf } from './helpers.js';

const RAW = 'webhook.code-raw-body';
const ENV = 'webhook.code-environment-guard';
const EXT = 'idempotency.external-id';
const QUALITY = 'idempotency.external-id-quality';
const SECRETS = 'credentials.no-secrets-in-source';
const DEDUP = 'webhook.code-dedup';
const KEY = PLANTED.__MINTCASH_SK_LIVE__!;

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
  'suggest-env-next-pages': { only: ENV, removed: [`${ENV} no-environment-guard pages/api/webhooks/mintcash.ts`] },
  'suggest-extid-fetch': { only: EXT, removed: [`${EXT} missing-external-id src/payments.js`] },
  'suggest-extid-axios': { only: QUALITY, removed: [`${QUALITY} external-id-random src/refunds.ts`] },
  'suggest-key-js': { only: SECRETS, removed: [`${SECRETS} live-secret-in-source src/mintcash.js`] },
  'suggest-key-fallback-ts': { only: SECRETS, removed: [`${SECRETS} live-secret-in-source src/config.ts`] },
};

/** Correct twins: the checks each is a twin for. */
const TWINS: Record<string, string[]> = {
  'suggest-raw-node-ok': [RAW],
  'suggest-raw-express-ok': [RAW], // the raw bytes kept by express.json's verify callback
  'suggest-raw-express-route-ok': [RAW], // express.raw on the route, express.json mounted after it
  'suggest-raw-nextjs-ok': [RAW],
  'suggest-raw-next-pages-ok': [RAW],
  'suggest-raw-fastify-ok': [RAW], // fastify-raw-body's request.rawBody
  'suggest-raw-nestjs-ok': [RAW],
  'suggest-raw-body-parser-ok': [RAW], // body-parser's raw parser on the route, express.json only under /api
  'suggest-raw-nextjs-arraybuffer-ok': [RAW, ENV], // arrayBuffer(), and the environment checked by a switch
  'suggest-env-express-ok': [ENV],
  'suggest-env-nextjs-ok': [ENV], // compared with the deployment's own setting
  'suggest-env-fastify-ok': [ENV], // the compare in a helper
  'suggest-env-nestjs-ok': [ENV], // a destructured field of @Body()
  'suggest-extid-fetch-ok': [EXT, QUALITY], // from the order id; the random value is a request id
  'suggest-extid-axios-ok': [EXT, QUALITY], // from the refund request id
  'suggest-extid-stored-key-ok': [EXT, QUALITY], // a random key minted once with the order, reused on every attempt
  'suggest-extid-subscription-ok': [EXT, QUALITY], // one per signup
  'suggest-key-ok': [SECRETS], // only a key prefix, built from pieces, to check the mode
  'template-dedup-express-ok': [DEDUP, RAW, ENV], // INSERT … ON CONFLICT DO NOTHING decides
  'template-dedup-nextjs-ok': [DEDUP, RAW, ENV], // Prisma's unique-key error P2002 decides
  'template-dedup-fastify-ok': [DEDUP, RAW, ENV], // Redis SET NX with a 7-day expiry
  'template-dedup-nestjs-ok': [DEDUP, RAW, ENV], // a TypeORM repository
};

const NOFIX: Record<string, Record<string, string[]>> = {
  'suggest-extid-none-nofix': { [EXT]: ['missing-external-id src/refunds.js'] },
};

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
      expect(write.stdout + skipped.stdout + picked.stdout).not.toContain(KEY);
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

  leftAloneTests(/^(suggest|template)-/, TWINS, NOFIX);
});
