// The pre-commit hooks as shipped (.pre-commit-hooks.yaml), executed as pre-commit executes them:
// the staged files chosen the way pre-commit chooses them (`git diff --staged --name-only
// --diff-filter=ACMRTUXB`, then the hook's files/exclude), appended to the hook's entry and args, run
// from the repository root. test/cli/pre-commit.test.ts runs pre-commit itself, when installed.
import { readFileSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

type Hook = { id: string; entry: string; language: string; args?: string[]; files?: string; exclude?: string; types?: string[]; pass_filenames?: boolean };
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOOKS = parse(readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = (id: string): Hook => HOOKS.find((h) => h.id === id)!;

const LIVE = fakeKey('sk', 'live', 'hook-staged');
const TEST = fakeKey('sk', 'test', 'hook-prod');
const UNSTAGED = fakeKey('sk', 'live', 'hook-unstaged');
const COMMITTED = fakeKey('sk', 'live', 'hook-committed');
const VENDORED = fakeKey('sk', 'live', 'hook-vendored');
const SHELL = fakeKey('pk', 'test', 'hook-shell');
const mask = (k: string) => `${k.slice(0, 8)}…${k.slice(-4)}`;

/** A webhook handler that compares the signature with === and leaves dedup to another module. */
const HANDLER = `const crypto = require('crypto');
const { handled } = require('../lib/dedup');
app.post('/webhooks/mintcash', express.raw({ type: 'application/json' }), async (req, res) => {
  const expected = crypto.createHmac('sha256', process.env.MINTCASH_WEBHOOK_SECRET).update(req.body).digest('hex');
  if (expected !== req.headers['x-signature']) return res.sendStatus(400);
  const event = JSON.parse(req.body);
  if (event.environment !== 'live') return res.sendStatus(400);
  if (await handled(event)) return res.sendStatus(200);
  res.sendStatus(200);
});
`;

let repo: TempRepo;
beforeAll(async () => {
  repo = await tempRepo();
  await repo.write({
    'golive.config.json': JSON.stringify({ ignore: ['vendor/**'] }),
    'README.md': '# shop\n',
    'lib/dedup.js': 'exports.handled = async (event) => seen.has(event.eventId);\n',
    'src/legacy.js': `export const k = '${COMMITTED}';\n`,
    'src/gone.js': 'export const gone = 1;\n',
  });
  await repo.commit('init');
  // What this commit stages.
  await repo.write({
    'src/pay.js': `export const key = '${LIVE}';\n`,
    '.env.production': `MINTCASH_SECRET_KEY=${TEST}\n`,
    'routes/webhook.js': HANDLER,
    'vendor/sdk.js': `const k = '${VENDORED}';\n`,
  });
  await repo.git('add', '-A');
  await repo.git('rm', '-q', 'src/gone.js');
  // Changed in the work tree but not staged: pre-commit stashes it, so the hook never sees it.
  await repo.write({ 'README.md': `# shop\n${UNSTAGED}\n` });
}, 60_000);
afterAll(async () => {
  await repo.cleanup();
});

/** The files pre-commit passes to a hook: staged, not deleted, through the hook's files/exclude. */
async function stagedFor(h: Hook): Promise<string[]> {
  const out = await repo.git('diff', '--staged', '--name-only', '--no-ext-diff', '-z', '--diff-filter=ACMRTUXB');
  const include = new RegExp(h.files ?? '');
  const exclude = new RegExp(h.exclude ?? '^$');
  return out.split('\0').filter((f) => f && include.test(f) && !exclude.test(f));
}

/** Runs a hook as pre-commit does: entry (shell-split), args, then the files, from the root. */
async function runHook(h: Hook, extraArgs: string[] = [], env: Record<string, string> = {}) {
  expect(h.entry).not.toMatch(/["'\\]/); // split on blanks below, as shlex would split it
  const [cmd, ...rest] = h.entry.split(/\s+/);
  const files = h.pass_filenames === false ? [] : await stagedFor(h);
  // The node hook's `golive` is the package pre-commit installed: this checkout's built bin.
  const argv = cmd === 'golive' ? [BIN, ...rest] : rest;
  const r = await execa(cmd === 'golive' ? 'node' : cmd!, [...argv, ...(h.args ?? []), ...extraArgs, ...files], { cwd: repo.dir, env: cleanEnv(env), extendEnv: false, reject: false });
  return { ...r, files };
}

describe('.pre-commit-hooks.yaml', () => {
  it('ships golive (pre-commit installs it) and golive-system (the project\'s own), both passing the staged files to a files run', () => {
    expect(HOOKS.map((h) => h.id)).toEqual(['golive', 'golive-system']);
    // Serial: one golive run over all staged files, so one checklist and one verdict.
    expect(hook('golive')).toMatchObject({ language: 'node', entry: 'golive check', pass_filenames: true, require_serial: true });
    expect(hook('golive-system')).toMatchObject({ language: 'system', entry: 'npx --no -- golive check', pass_filenames: true, require_serial: true });
    for (const h of HOOKS) {
      // Every staged file reaches golive: keys hide in any file type, binary ones too.
      expect(h.types ?? h.files ?? h.exclude).toBeUndefined();
      expect(typeof (h as Obj).description).toBe('string');
    }
  });

  it('blocks the commit: the staged key, the test key in production config and the timing leak, nothing else', async () => {
    const r = await runHook(hook('golive'), [], { MINTCASH_PUBLIC_KEY: SHELL });
    expect(r.files.sort()).toEqual(['.env.production', 'routes/webhook.js', 'src/pay.js', 'vendor/sdk.js']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`src/pay.js:1:21  Live secret key ${mask(LIVE)} is committed`);
    expect(r.stdout).toMatch(/\.env\.production:1:21 +MINTCASH_SECRET_KEY in \.env\.production:1 holds test\s+key sk_test_…/);
    expect(r.stdout).toContain(mask(TEST));
    expect(r.stdout).toMatch(/routes\/webhook\.js:5:\d+ +The MintCash signature is compared with `!==`/);
    expect(r.stdout).toContain('Not ready: 3 checks block the gate');
    const all = r.stdout + r.stderr;
    for (const k of [LIVE, TEST, UNSTAGED, COMMITTED, VENDORED, SHELL]) expect(all).not.toContain(k);
    // Not staged, deleted, ignored by config, or in the developer's shell: none is judged.
    for (const k of [UNSTAGED, COMMITTED, VENDORED, SHELL]) expect(all).not.toContain(mask(k));
  });

  it('with args for a machine-readable report: exactly the file checks ran, each finding in a staged file', async () => {
    const r = await runHook(hook('golive'), ['--format', 'json', '--output', '-']);
    const report = JSON.parse(r.stdout) as Obj;
    expect(report.options.files).toBe(4);
    expect(report.summary.verdict).toBe('not-ready');
    const ran = (report.checks as Obj[]).map((c) => c.id);
    expect(ran).toEqual(['credentials.no-secrets-in-source', 'credentials.no-test-keys-in-prod', 'webhook.timing-safe-compare', 'webhook.code-raw-body', 'idempotency.external-id', 'idempotency.external-id-quality']);
    // Dedup and the environment guard need the whole repository (the guard may be in lib/): not run.
    expect(report.summary.notSelected).toEqual(expect.arrayContaining(['webhook.code-dedup', 'webhook.code-environment-guard', 'credentials.live-keys', 'webhook.https']));
    const findings = (report.checks as Obj[]).flatMap((c) => (c.findings as Obj[]).map((f) => `${c.id} ${f.file}:${f.line}`));
    expect(findings.sort()).toEqual([
      'credentials.no-secrets-in-source .env.production:1',
      'credentials.no-secrets-in-source src/pay.js:1',
      'credentials.no-test-keys-in-prod .env.production:1',
      'webhook.timing-safe-compare routes/webhook.js:5',
    ]);
  });

  it('passes a clean commit with a scoped verdict that says what CI still has to prove', async () => {
    const clean = await tempRepo();
    try {
      await clean.write({ 'README.md': '# shop\n', 'src/pay.js': 'export const key = process.env.MINTCASH_SECRET_KEY;\n' });
      await clean.git('add', '-A');
      const files = (await clean.git('diff', '--staged', '--name-only')).split('\n');
      const r = await execa('node', [BIN, 'check', ...files], { cwd: clean.dir, env: cleanEnv(), extendEnv: false, reject: false });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('No blockers in the 2 checks that ran; not a go-live verdict');
      expect(r.stdout).toMatch(/Not run on 2 files alone \(they need the whole repository or the\s+deployment\)/);
      expect(r.stdout).toMatch(/run `golive check` over the whole repository \(as CI does\)/);
    } finally {
      await clean.cleanup();
    }
  });

  it('golive-system runs the golive the project installed (node_modules/.bin) through npx, with the same verdict', async () => {
    await mkdir(path.join(repo.dir, 'node_modules/.bin'), { recursive: true });
    await symlink(BIN, path.join(repo.dir, 'node_modules/.bin/golive'));
    try {
      const r = await runHook(hook('golive-system'), ['--format', 'json', '--output', '-']);
      expect(r.exitCode).toBe(1);
      expect((JSON.parse(r.stdout) as Obj).options.files).toBe(4);
    } finally {
      await execa('rm', ['-rf', path.join(repo.dir, 'node_modules')]);
    }
  });

  it('a files run refuses what needs the whole repository, in one line (exit 2)', async () => {
    for (const [flag, extra] of [['--history', []], ['--webhook-url', ['https://shop.example/webhooks']], ['--require-rehearsal', []]] as const) {
      const r = await execa('node', [BIN, 'check', flag, ...extra, 'src/pay.js', 'README.md'], { cwd: repo.dir, env: cleanEnv(), extendEnv: false, reject: false });
      expect(r.exitCode, flag).toBe(2);
      expect(r.stderr, flag).toMatch(/cannot be used in a files run, which judges only the files given/);
    }
    const mixed = await execa('node', [BIN, 'check', 'src', 'README.md'], { cwd: repo.dir, env: cleanEnv(), extendEnv: false, reject: false });
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stderr).toContain('golive check takes one directory, or files: src is a directory');
    const missing = await execa('node', [BIN, 'check', 'src/nope.js', 'src/pay.js', 'gone.js'], { cwd: repo.dir, env: cleanEnv(), extendEnv: false, reject: false });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('golive: not found: src/nope.js, gone.js');
    const outside = await execa('node', [BIN, 'check', '../README.md', 'pay.js'], { cwd: path.join(repo.dir, 'src'), env: cleanEnv(), extendEnv: false, reject: false });
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toContain('golive: ../README.md is outside the current directory');
  });
});
