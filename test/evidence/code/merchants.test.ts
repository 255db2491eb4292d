// End to end over small whole merchant repos (Express, Next.js, Fastify, Flask, FastAPI, Go
// net/http, Sinatra, Laravel-style PHP): index each with the real collector code, run all six code
// checks, and assert every finding's file and line (and that correct code raises nothing).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { idempotencyExternalId } from '../../../checks/idempotency-external-id.js';
import { webhookTimingSafeCompare } from '../../../checks/webhook-timing-safe-compare.js';
import type { CodeIndex } from '../../../src/evidence/code/types.js';
import { CODE_CHECKS, indexDir, judgeCode } from '../../helpers/code.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/merchants');

const CHECKS = CODE_CHECKS;

type Expect = Record<keyof typeof CHECKS, string[]>;
const clean: Expect = { timing: [], raw: [], env: [], dedup: [], ext: [], quality: [] };

const cases: [string, Expect][] = [
  ['express-shop', {
    timing: ['src/server.js:16 non-constant-time-compare'],
    raw: ['src/server.js:7 json-parser-before-webhook', 'src/server.js:14 hmac-over-reserialized-json'],
    env: ['src/server.js:10 no-environment-guard'],
    dedup: ['src/server.js:10 no-event-dedup'],
    ext: ['src/mintcash.js:8 missing-external-id'],
    quality: ['src/mintcash.js:18 external-id-payment-id'],
  }],
  ['nextjs-shop', clean],
  ['fastify-shop', { ...clean, timing: ['src/app.ts:12 timing-safe-equal-without-length-guard'], quality: ['src/app.ts:22 external-id-random'] }],
  ['flask-shop', {
    ...clean,
    timing: ['app.py:22 non-constant-time-compare'],
    raw: ['app.py:21 hmac-over-reserialized-json'],
    dedup: ['app.py:18 no-event-dedup'],
    quality: ['app.py:38 external-id-random'],
  }],
  ['fastapi-shop', clean],
  ['go-shop', clean],
  ['sinatra-shop', {
    ...clean,
    timing: ['app.rb:14 non-constant-time-compare'],
    raw: ['app.rb:13 hmac-over-reserialized-json'],
    env: ['app.rb:11 no-environment-guard'],
    dedup: ['app.rb:11 no-event-dedup'],
    quality: ['app.rb:27 external-id-constant'],
  }],
  ['laravel-shop', clean],
];

describe('merchant repos end to end', () => {
  const indexes = new Map<string, CodeIndex>();
  beforeAll(async () => {
    for (const [name] of cases) indexes.set(name, await indexDir(path.join(FIXTURES, name)));
  });

  it.each(cases)('%s: every finding at the right line, nothing else', async (name, expected) => {
    const code = indexes.get(name)!;
    expect(code.notes).toEqual([]);
    expect(code.handlers.filter((h) => !h.isTest)).toHaveLength(1);
    expect(code.calls.filter((c) => !c.isTest).length).toBeGreaterThan(0);
    for (const [key, check] of Object.entries(CHECKS)) {
      const v = await judgeCode(check, code);
      expect({ check: key, where: [...v.where].sort() }).toEqual({ check: key, where: [...expected[key as keyof Expect]].sort() });
      expect(v.verdict).not.toBe('skip');
      for (const f of v.findings ?? []) {
        expect(f.column).toBeGreaterThan(0);
        expect(f.message.length).toBeGreaterThan(20);
      }
    }
  });

  it('gives fix hints in the merchant\'s language', async () => {
    const flask = await judgeCode(webhookTimingSafeCompare, indexes.get('flask-shop')!);
    expect(flask.findings?.[0]?.message).toContain('hmac.compare_digest(signature, expected)');
    const sinatra = await judgeCode(webhookTimingSafeCompare, indexes.get('sinatra-shop')!);
    expect(sinatra.findings?.[0]?.message).toContain('Rack::Utils.secure_compare');
    const express = await judgeCode(webhookTimingSafeCompare, indexes.get('express-shop')!);
    expect(express.findings?.[0]?.message).toContain('timingSafeEqual');
  });

  it('ignores test files unless configured otherwise', async () => {
    const code = indexes.get('flask-shop')!;
    const testCall = code.calls.find((c) => c.file === 'tests/test_app.py');
    expect(testCall?.isTest).toBe(true);
    const all = await indexDir(path.join(FIXTURES, 'flask-shop'), []);
    const v = await judgeCode(idempotencyExternalId, all);
    expect(v.where).toEqual(['tests/test_app.py:7 missing-external-id']);
  });
});
