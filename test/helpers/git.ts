// Temp directories and real git repositories for tests (create, write files, commit, clean up),
// plus a real collector context over such a directory.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { configSchema, type GoliveConfig } from '../../src/config/schema.js';
import type { RunOptions } from '../../src/engine/types.js';
import type { CollectContext, EvidenceMap } from '../../src/evidence/types.js';

/** Identity and settings that make commits deterministic and independent of the user's config. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'golive test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'golive test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export interface TempDir {
  dir: string;
  /** Writes files (string or bytes), creating parent folders; paths use forward slashes. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  cleanup(): Promise<void>;
}

export interface TempRepo extends TempDir {
  git(...args: string[]): Promise<string>;
  /** Stages everything and commits; returns the new commit's full sha. */
  commit(message: string, date?: string): Promise<string>;
}

export async function tempDir(prefix = 'golive-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return {
    dir,
    async write(files) {
      for (const [rel, content] of Object.entries(files)) {
        const abs = path.join(dir, ...rel.split('/'));
        await mkdir(path.dirname(abs), { recursive: true });
        await writeFile(abs, content);
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function tempRepo(prefix = 'golive-repo-'): Promise<TempRepo> {
  const base = await tempDir(prefix);
  const git = async (...args: string[]): Promise<string> =>
    (await execa('git', args, { cwd: base.dir, env: GIT_ENV, stdin: 'ignore' })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('config', 'commit.gpgsign', 'false');
  return {
    ...base,
    git,
    async commit(message, date) {
      await git('add', '-A');
      const env = date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {};
      await execa('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: base.dir, env: { ...GIT_ENV, ...env }, stdin: 'ignore' });
      return git('rev-parse', 'HEAD');
    },
  };
}

/**
 * A real collector context over a directory: evidence is gathered by the real collectors, once
 * each, exactly as the runner does it. Config fields can be overridden (e.g. `ignore`).
 */
export async function collectContext(
  root: string,
  overrides: { config?: Partial<GoliveConfig>; options?: Partial<RunOptions> } = {},
): Promise<CollectContext> {
  const { collectors } = await import('../../src/evidence/index.js');
  const config = { ...configSchema.parse({}), ...overrides.config } as GoliveConfig;
  const options: RunOptions = { offline: true, history: false, requireRehearsal: false, ...overrides.options };
  const memo = new Map<string, Promise<unknown>>();
  const ctx: CollectContext = {
    root,
    config,
    options,
    env: {},
    get<K extends keyof EvidenceMap>(key: K): Promise<EvidenceMap[K]> {
      let p = memo.get(key) as Promise<EvidenceMap[K]> | undefined;
      if (!p) {
        p = collectors[key]().then((collect) => (collect as (c: CollectContext) => Promise<EvidenceMap[K]>)(ctx));
        memo.set(key, p);
      }
      return p;
    },
  };
  return ctx;
}

/**
 * Fills a new repository with a generated linear history through `git fast-import`: `commits`
 * commits on main, each rewriting `filesPerCommit` files of `linesPerFile` lines, so a test can
 * have a `git log -p` that is still running seconds after it starts (signal tests) without any
 * fetched repository. File contents come from a pool of 64 blobs, so generating is quick while
 * every commit still has a real diff; blob `:1`…`:64` are the pool. Deterministic; the work tree is
 * checked out.
 */
export async function generatedHistory(opts: { commits: number; filesPerCommit?: number; linesPerFile?: number; prefix?: string; loose?: boolean }): Promise<TempRepo> {
  const { commits, filesPerCommit = 3, linesPerFile = 60 } = opts;
  const repo = await tempRepo(opts.prefix ?? 'golive-history-');
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const POOL = 64;
  const out: string[] = [];
  for (let b = 0; b < POOL; b++) {
    const lines = Array.from({ length: linesPerFile }, (_, j) => `export const v${j} = ${next() % 1_000_000}; // order payment ${b}`);
    out.push(`blob\nmark :${b + 1}\n${data(lines.join('\n'))}`);
  }
  for (let i = 1; i <= commits; i++) {
    const mark = POOL + i;
    out.push(`commit refs/heads/main\nmark :${mark}\ncommitter golive test <test@example.invalid> ${1_600_000_000 + i} +0000\n${data(`change ${i}`)}`);
    if (i > 1) out.push(`from :${mark - 1}\n`);
    for (let f = 0; f < filesPerCommit; f++) out.push(`M 100644 :${(next() % POOL) + 1} src/mod-${next() % 20}/file-${next() % 10}.js\n`);
  }
  // loose: one file per object, as `git commit` leaves them, so a test can lose single objects.
  const unpack = opts.loose ? ['-c', 'fastimport.unpackLimit=1000000'] : [];
  await execa('git', [...unpack, 'fast-import', '--quiet'], { cwd: repo.dir, env: GIT_ENV, input: out.join('') });
  await execa('git', ['checkout', '-q', '-f', 'main'], { cwd: repo.dir, env: GIT_ENV, stdin: 'ignore' });
  return repo;
}
