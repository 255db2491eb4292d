// The safe fixes, fixture by fixture: before/ is fixed with `golive fix --write`, must equal
// after/ byte for byte, must lose exactly the finding the fix names (and gain none), and a second
// run changes nothing. Each correct twin (`*-ok`) must not change at all.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, expectAsAfter, expectRemoved, filesOf, findings, fix, repoOf } from './helpers.js';

const CASES: Record<string, string[]> = {
  'compare-express': ['webhook.timing-safe-compare non-constant-time-compare src/webhooks.js'],
  'compare-nextjs': ['webhook.timing-safe-compare non-constant-time-compare app/api/webhooks/mintcash/route.ts'],
  'compare-fastify': ['webhook.timing-safe-compare non-constant-time-compare src/routes/webhook.mjs'],
  'compare-nestjs': ['webhook.timing-safe-compare non-constant-time-compare src/webhooks/webhooks.controller.ts'],
  'guard-express': ['webhook.timing-safe-compare timing-safe-equal-without-length-guard src/webhook.js'],
  'guard-nextjs': ['webhook.timing-safe-compare timing-safe-equal-without-length-guard app/api/webhooks/route.ts'],
  'guard-fastify': ['webhook.timing-safe-compare timing-safe-equal-without-length-guard src/verify.js'],
  'guard-nestjs': ['webhook.timing-safe-compare timing-safe-equal-without-length-guard src/webhooks.controller.ts'],
};
const TWINS = readdirSync(FIXTURES).filter((d) => d.endsWith('-ok') && !d.startsWith('suggest-') && !d.startsWith('template-'));

describe('golive fix: safe fixes', () => {
  it.each(Object.entries(CASES))('%s: fixed as after/, exactly its finding removed, idempotent', async (name, removed) => {
    const repo = await repoOf(name);
    try {
      const before = await findings(repo.dir);
      const dry = await fix(repo.dir);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toMatch(/^\[safe\] webhook\.timing-safe-compare/m);
      expect(await repo.git('status', '--porcelain')).toBe(''); // diff mode writes nothing

      const run = await fix(repo.dir, { write: true });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/applied 1 safe fix/);
      const got = await expectAsAfter(repo.dir, name);
      await expectRemoved(repo.dir, before, removed);

      const again = await fix(repo.dir, { write: true });
      expect(again.stdout).not.toMatch(/applied/);
      expect(await filesOf(repo.dir)).toEqual(got);
    } finally {
      await repo.cleanup();
    }
  });

  it.each(TWINS)('%s: the correct twin is left as it is', async (name) => {
    const repo = await repoOf(name);
    try {
      const before = await filesOf(repo.dir);
      const run = await fix(repo.dir, { write: true });
      expect(run.stdout).not.toMatch(/\[safe\]|applied/);
      expect(await filesOf(repo.dir)).toEqual(before);
    } finally {
      await repo.cleanup();
    }
  });
});
