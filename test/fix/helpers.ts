// Test helpers for `golive fix`: a fixture's before/ copied into a real git repository, the fix
// command run in-process on it (the real planner, re-check and writer), and every finding of the
// fixable checks before and after, so a test can assert exactly which finding a fix removed. A
// correct twin must be offered nothing, keep every byte through the built CLI's `fix --write`, and
// have no finding of the checks it is a twin for.
import { readdirSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { runFixCommand } from '../../src/cli/fix-run.js';
import type { FixFlags } from '../../src/cli/fix.js';
import { scriptedPrompter } from '../../src/cli/prompter.js';
import { createOutput } from '../../src/output/boundary.js';
import { loadProject } from '../../src/cli/shared.js';
import { FIXABLE, startSession } from '../../src/fix/session.js';
import { planFixes, type Plan } from '../../src/fix/plan.js';
import { golive } from '../e2e/cli.js';
import { fakeKey } from '../helpers/keys.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/fix');

/**
 * Where a fixture needs a MintCash key it writes a placeholder; the key is made here at run time,
 * so the repository never holds a key-shaped string.
 */
export const PLANTED: Readonly<Record<string, string>> = {
  __MINTCASH_SK_LIVE__: fakeKey('sk', 'live', 'fix-fixtures'),
};
const plant = (text: string): string => Object.entries(PLANTED).reduce((t, [mark, key]) => t.split(mark).join(key), text);

/**
 * A fixture's before/ as a committed git repository (placeholders replaced by keys made now).
 * Every file of before/ is committed, even one its own .gitignore lists (a committed env file).
 */
export async function repoOf(name: string): Promise<TempRepo> {
  const repo = await tempRepo('golive-fix-');
  await cp(path.join(FIXTURES, name, 'before'), repo.dir, { recursive: true });
  const files = await filesOf(repo.dir);
  for (const [file, text] of Object.entries(files)) {
    if (plant(text) !== text) await writeFile(path.join(repo.dir, file), plant(text));
  }
  await repo.git('add', '-f', '--', ...Object.keys(files));
  await repo.commit('before');
  return repo;
}

/** Every file under dir (relative, `/`), with its text. */
export async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.git') continue;
      if (e.isDirectory()) await walk(p);
      else out[p] = await readFile(path.join(dir, p), 'utf8');
    }
  };
  await walk('');
  return out;
}

export interface FixRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `golive fix` in-process; `answers` drive the suggestion prompts (as a terminal would). */
export async function fix(dir: string, flags: FixFlags = {}, answers?: unknown[]): Promise<FixRun> {
  let stdout = '';
  let stderr = '';
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _e, cb) { f(String(chunk)); cb(); } });
  const output = createOutput({ stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
  const code = await runFixCommand(dir, flags, {
    env: { PATH: process.env.PATH ?? '' },
    output,
    color: () => false,
    interactive: answers !== undefined,
    prompter: scriptedPrompter(answers ?? []),
  });
  return { code, stdout, stderr };
}

/** `check messageId file` of every open finding of the fixable checks. */
export async function findings(dir: string): Promise<string[]> {
  const project = await loadProject(dir, undefined, { env: {} });
  const checks = project.registry.checks.filter((c) => (FIXABLE as readonly string[]).includes(c.id));
  const s = await startSession(dir, project.config, checks, { PATH: process.env.PATH ?? '' });
  return s.report.checks.flatMap((c) => c.findings.map((f) => `${c.id} ${f.messageId} ${f.file ?? ''}`)).sort();
}

/** The plan for a directory, without writing anything. */
export async function planOf(dir: string): Promise<Plan> {
  const project = await loadProject(dir, undefined, { env: {} });
  const checks = project.registry.checks.filter((c) => (FIXABLE as readonly string[]).includes(c.id));
  return planFixes(await startSession(dir, project.config, checks, { PATH: process.env.PATH ?? '' }));
}

/** Multiset difference: what `a` has that `b` does not. */
export function minus(a: readonly string[], b: readonly string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i === -1) return true;
    rest.splice(i, 1);
    return false;
  });
}

/** The repository matches the fixture's after/ byte for byte (every file after/ has); returns all its files. */
export async function expectAsAfter(dir: string, name: string): Promise<Record<string, string>> {
  const want = await filesOf(path.join(FIXTURES, name, 'after'));
  const got = await filesOf(dir);
  for (const [file, text] of Object.entries(want)) expect(got[file], file).toBe(plant(text));
  return got;
}

/** Exactly `removed` of the findings before are gone now, and none has appeared. */
export async function expectRemoved(dir: string, before: readonly string[], removed: readonly string[]): Promise<void> {
  const after = await findings(dir);
  expect(minus(before, after)).toEqual(removed);
  expect(minus(after, before)).toEqual([]);
}

/** Status and findings (`messageId file`) of the given checks, judged in-process as `golive check --only` judges them. */
export async function checked(dir: string, checks: readonly string[]): Promise<Record<string, { status: string; findings: string[] }>> {
  const project = await loadProject(dir, undefined, { env: {} });
  const selected = project.registry.checks.filter((c) => checks.includes(c.id));
  expect(selected.map((c) => c.id).sort()).toEqual([...checks].sort());
  const s = await startSession(dir, project.config, selected, { PATH: process.env.PATH ?? '' });
  return Object.fromEntries(s.report.checks.map((c) => [c.id, { status: c.status, findings: c.findings.map((f) => `${f.messageId} ${f.file ?? ''}`) }]));
}

/**
 * A repository golive must leave alone for `checks`: diff mode offers nothing for them (and
 * refuses nothing: a refusal is a planned proposal), `fix --write` through the built CLI changes no
 * byte and offers no safe fix or suggestion for any check, and the checks answer what `expected`
 * says: `pass` with no finding (a correct twin), or the findings golive has no fix for. The diff
 * and the re-check run in-process (the same planner and judge): one CLI process per case keeps the
 * 37 cases to a few seconds of CI each, while the write, the step that could touch a byte, runs
 * as a user runs it.
 */
export async function expectLeftAlone(repo: TempRepo, checks: readonly string[], expected: 'pass' | Record<string, string[]> = 'pass'): Promise<void> {
  const before = await filesOf(repo.dir);
  const dry = await fix(repo.dir, { only: [...checks] });
  expect(dry.stderr).toBe('');
  expect(dry.stdout).toBe('golive: nothing to fix: no finding of the checks run has a fix golive can prove.\n');
  expect(dry.code).toBe(0);

  const write = await golive(['fix', repo.dir, '--write']);
  expect(write.stderr).toBe('');
  expect(write.stdout).not.toMatch(/^\[(safe|suggestion)\]|^golive: applied|^--- a\//m);
  expect(await filesOf(repo.dir)).toEqual(before);
  expect(await repo.git('status', '--porcelain')).toBe('');

  const report = await checked(repo.dir, checks);
  for (const id of checks) {
    if (expected === 'pass') expect(report[id], id).toEqual({ status: 'pass', findings: [] });
    else expect(report[id]?.findings, id).toEqual(expected[id] ?? []);
  }
}

/**
 * The tests every fix test file runs on its fixtures (those whose name `mine` matches): each
 * correct twin (`*-ok`, with the checks it is a twin for) and each `*-nofix` case (with the
 * findings that stay) is left alone, and no such fixture is left out of the tables.
 */
export function leftAloneTests(mine: RegExp, twins: Record<string, readonly string[]>, nofix: Record<string, Record<string, string[]>>, prepare?: (name: string, repo: TempRepo) => Promise<void>): void {
  it('runs every correct twin and every -nofix case among its fixtures', () => {
    const names = readdirSync(FIXTURES).filter((d) => mine.test(d));
    expect(names.filter((d) => d.endsWith('-ok')).sort()).toEqual(Object.keys(twins).sort());
    expect(names.filter((d) => d.endsWith('-nofix')).sort()).toEqual(Object.keys(nofix).sort());
  });

  it.each(Object.entries(twins))('%s: the correct twin is offered nothing and left byte for byte (built CLI)', async (name, checks) => {
    const repo = await repoOf(name);
    try {
      await prepare?.(name, repo);
      await expectLeftAlone(repo, checks);
    } finally {
      await repo.cleanup();
    }
  });

  it.each(Object.entries(nofix))('%s: the finding stays, with nothing offered (built CLI)', async (name, expected) => {
    const repo = await repoOf(name);
    try {
      await expectLeftAlone(repo, Object.keys(expected), expected);
    } finally {
      await repo.cleanup();
    }
  });
}
