// The safe fixes, fixture by fixture: before/ is fixed with `golive fix --write`, must equal
// after/ byte for byte, must lose exactly the finding the fix names (and gain none), and a second
// run changes nothing. Each correct twin (`*-ok`) is offered nothing, keeps every byte and passes
// its check (built CLI); each `*-nofix` case keeps its finding with nothing offered, because golive
// cannot prove a fix safe there.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLANTED, expectAsAfter, expectRemoved, filesOf, findings, fix, leftAloneTests, repoOf } from './helpers.js';

const TIMING = 'webhook.timing-safe-compare';
const SECRETS = 'credentials.no-secrets-in-source';
const KEY = PLANTED.__MINTCASH_SK_LIVE__!;

const CASES: Record<string, string[]> = {
  'compare-express': [`${TIMING} non-constant-time-compare src/webhooks.js`],
  'compare-nextjs': [`${TIMING} non-constant-time-compare app/api/webhooks/mintcash/route.ts`],
  'compare-fastify': [`${TIMING} non-constant-time-compare src/routes/webhook.mjs`],
  'compare-nestjs': [`${TIMING} non-constant-time-compare src/webhooks/webhooks.controller.ts`],
  'guard-express': [`${TIMING} timing-safe-equal-without-length-guard src/webhook.js`],
  'guard-nextjs': [`${TIMING} timing-safe-equal-without-length-guard app/api/webhooks/route.ts`],
  'guard-fastify': [`${TIMING} timing-safe-equal-without-length-guard src/verify.js`],
  'guard-nestjs': [`${TIMING} timing-safe-equal-without-length-guard src/webhooks.controller.ts`],
  'env-file': [`${SECRETS} live-secret-in-source .env.production`],
  'env-file-untrack': [`${SECRETS} live-secret-in-source .env`],
};

/** Correct twins: the checks each is a twin for. */
const TWINS: Record<string, string[]> = {
  'compare-express-ok': [TIMING],
  'compare-nextjs-ok': [TIMING],
  'compare-fastify-ok': [TIMING],
  'compare-nestjs-ok': [TIMING],
  'guard-express-ok': [TIMING],
  'guard-nextjs-ok': [TIMING],
  'guard-fastify-ok': [TIMING],
  'guard-nestjs-ok': [TIMING],
  'guard-hex-regex-ok': [TIMING], // the header's hex length checked by a pattern before decoding
  'guard-try-catch-ok': [TIMING], // timingSafeEqual's throw caught and answered as a mismatch
  'compare-tsscmp-ok': [TIMING], // a constant-time compare library
  'env-file-ok': [SECRETS],
};

/** Findings golive must leave for a person: the operands are not provably strings; the mismatch throws. */
const NOFIX: Record<string, Record<string, string[]>> = {
  'compare-unknown-nofix': { [TIMING]: ['non-constant-time-compare src/verify.js'] },
  'guard-throws-nofix': { [TIMING]: ['timing-safe-equal-without-length-guard src/webhook.js'] },
};

describe('golive fix: safe fixes', () => {
  it.each(Object.entries(CASES))('%s: fixed as after/, exactly its finding removed, idempotent', async (name, removed) => {
    const repo = await repoOf(name);
    try {
      const check = removed[0]!.split(' ')[0]!;
      const before = await findings(repo.dir);
      const dry = await fix(repo.dir);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toMatch(new RegExp(`^\\[safe\\] ${check.replace(/\./g, '\\.')} `, 'm'));
      expect(await repo.git('status', '--porcelain')).toBe(''); // diff mode writes nothing

      const run = await fix(repo.dir, { write: true });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/applied 1 safe fix/);
      expect(run.stdout + dry.stdout).not.toContain(KEY);
      const got = await expectAsAfter(repo.dir, name);
      await expectRemoved(repo.dir, before, removed);

      const again = await fix(repo.dir, { write: true });
      expect(again.stdout).not.toMatch(/applied/);
      expect(await filesOf(repo.dir)).toEqual(got);
    } finally {
      await repo.cleanup();
    }
  });

  it.each([
    ['env-file', '.env.production', 'D  .env.production\n M .gitignore'],
    ['env-file-untrack', '.env', 'D  .env'], // .gitignore lists it already: only the index changes
  ])('%s: the committed env file leaves the index and stays on disk with its key', async (name, file, status) => {
    const repo = await repoOf(name);
    try {
      await fix(repo.dir, { write: true });
      expect((await repo.git('ls-files')).split('\n')).not.toContain(file);
      expect(await repo.git('status', '--porcelain')).toBe(status);
      expect(await readFile(path.join(repo.dir, file), 'utf8')).toContain(KEY);
    } finally {
      await repo.cleanup();
    }
  });

  // A real env file beside the code, ignored and never committed, as on a server.
  leftAloneTests(/^(compare|guard|env-file)-/, TWINS, NOFIX, async (name, repo) => {
    if (name === 'env-file-ok') await writeFile(path.join(repo.dir, '.env.production'), `MINTCASH_SECRET_KEY=${KEY}\n`);
  });
});
