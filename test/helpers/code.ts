// Test helpers for the code index: write sources into a real temp dir, index them with the real
// collector code, and judge them with a real check.
import { runCheck } from '../../src/testing/index.js';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import type { Check, CheckOutcome, RunOptions } from '../../src/engine/types.js';
import { indexFiles, type IndexOptions } from '../../src/evidence/code/index.js';
import type { CodeIndex } from '../../src/evidence/code/types.js';
import type { RepoFile } from '../../src/evidence/types.js';
import { idempotencyExternalId } from '../../checks/idempotency-external-id.js';
import { idempotencyExternalIdQuality } from '../../checks/idempotency-external-id-quality.js';
import { webhookCodeDedup } from '../../checks/webhook-code-dedup.js';
import { webhookCodeEnvironmentGuard } from '../../checks/webhook-code-environment-guard.js';
import { webhookCodeRawBody } from '../../checks/webhook-code-raw-body.js';
import { webhookTimingSafeCompare } from '../../checks/webhook-timing-safe-compare.js';

/** The six code checks by short name, for tables that run every one over a fixture. */
export const CODE_CHECKS = {
  timing: webhookTimingSafeCompare,
  raw: webhookCodeRawBody,
  env: webhookCodeEnvironmentGuard,
  dedup: webhookCodeDedup,
  ext: idempotencyExternalId,
  quality: idempotencyExternalIdQuality,
} satisfies Record<string, Check<'code'>>;
export type CodeCheckName = keyof typeof CODE_CHECKS;

/** Every code check's findings over one index ("file:line messageId", sorted), by short name. */
export async function whereAll(code: CodeIndex): Promise<Record<CodeCheckName, string[]>> {
  const out = {} as Record<CodeCheckName, string[]>;
  for (const [key, check] of Object.entries(CODE_CHECKS)) out[key as CodeCheckName] = [...(await judgeCode(check, code)).where].sort();
  return out;
}

export const DEFAULT_TEST_GLOBS = configSchema.parse({}).testFiles;
const OPTIONS: RunOptions = { offline: true, history: false, requireRehearsal: false };

export function listFiles(root: string): RepoFile[] {
  const out: RepoFile[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else out.push({ path: p, size: statSync(path.join(root, p)).size });
    }
  };
  walk('');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Indexes an existing directory (e.g. a fixture merchant repo). */
export function indexDir(root: string, testGlobs: readonly string[] = DEFAULT_TEST_GLOBS, opts: IndexOptions = {}): Promise<CodeIndex> {
  return indexFiles(root, listFiles(root), testGlobs, opts);
}

const COMMENT: Record<string, string> = { py: '#', rb: '#' };

/**
 * Appends a comment naming MintCash to every source file (line numbers unchanged), for tables about
 * what a MintCash call or handler looks like rather than whose it is.
 */
export function asMintCash(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([rel, text]) => {
    const ext = rel.split('.').pop() ?? '';
    if (!/^(js|mjs|cjs|jsx|ts|tsx|py|go|rb|php|java)$/.test(ext)) return [rel, text];
    return [rel, `${text}${text.endsWith('\n') ? '' : '\n'}${COMMENT[ext] ?? '//'} MintCash API client\n`];
  }));
}

/** Writes the sources into a fresh temp dir, indexes them, and removes the dir. */
export async function indexSources(files: Record<string, string>, testGlobs: readonly string[] = DEFAULT_TEST_GLOBS, opts: IndexOptions = {}): Promise<CodeIndex> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'golive-code-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    return await indexDir(root, testGlobs, opts);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface Verdict extends CheckOutcome {
  verdict: string;
  ids: string[];
  /** "file:line messageId" per finding, for compact assertions. */
  where: string[];
}

/** Judges through the plugin tester (the real runner), as a plugin author's tests would. */
export async function judgeCode(check: Check<'code'>, code: CodeIndex): Promise<Verdict> {
  const r = await runCheck(check, { evidence: { code }, options: OPTIONS });
  return {
    findings: r.findings,
    summary: r.summary,
    ...(r.evidence ? { evidence: r.evidence } : {}),
    verdict: r.status,
    ids: r.findings.map((f) => f.messageId),
    where: r.findings.map((f) => `${f.file}:${f.line} ${f.messageId}`),
  };
}
