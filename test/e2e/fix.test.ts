// `golive fix` through the built CLI over real git repositories: diff mode writes nothing and
// exits 1, --write applies the safe fixes and exits 0 when nothing is left, --suggestions refuses
// without a terminal, and no fix ever touches a file that is not the merchant's own (vendored,
// generated, git-ignored, a symlink out of the repository). A committed production env file is
// ignored and untracked, its key never printed, and the key's rotation is still asked for.
import { symlink, writeFile, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { golive } from './cli.js';
import { COMPARING_HANDLER } from '../helpers/shop.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepo('golive-fix-e2e-');
});
afterEach(async () => {
  await repo.cleanup();
});

/** A handler that compares the signature with `!==` (line 8). */
const HANDLER = COMPARING_HANDLER;

describe('golive fix (CLI)', () => {
  it('shows a diff and writes nothing by default; --write applies it; a second run has nothing to do', async () => {
    await repo.write({ 'src/webhook.js': HANDLER });
    await repo.commit('handler');
    const dry = await golive(['fix', repo.dir]);
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toContain('--- a/src/webhook.js\n+++ b/src/webhook.js');
    expect(dry.stdout).toContain('-  if (sig !== expected) return res.status(401).end();\n+  if (!safeCompare(sig, expected)) return res.status(401).end();');
    expect(dry.stdout).toMatch(/1 safe fix: `golive fix --write` applies it\./);
    expect(await repo.git('status', '--porcelain')).toBe('');

    // The eventId dedup template is left (golive never applies one): exit 1 says so.
    const write = await golive(['fix', repo.dir, '--write']);
    expect(write.exitCode).toBe(1);
    expect(write.stdout).toMatch(/applied 1 safe fix; wrote src\/webhook\.js/);
    expect(write.stdout).toMatch(/^\[template\] webhook\.code-dedup/m);
    expect(await readFile(path.join(repo.dir, 'src/webhook.js'), 'utf8')).toMatch(/import crypto from 'node:crypto';\n\n\/\*\* Constant-time string compare[^\n]*\nfunction safeCompare\(a, b\) \{/);
    const check = await golive(['check', repo.dir, '--offline', '--only', 'webhook.timing-safe-compare', '--format', 'json']);
    expect(JSON.parse(check.stdout).checks[0].status).toBe('pass');

    const again = await golive(['fix', repo.dir, '--write', '--only', 'webhook.timing-safe-compare']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/nothing to fix/);
    expect(await repo.git('status', '--porcelain')).toBe(' M src/webhook.js');
  });

  it('never edits vendored, generated, git-ignored or symlinked code, only the merchant\'s own', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'golive-fix-outside-'));
    try {
      await writeFile(path.join(outside, 'hook.js'), HANDLER);
      await repo.write({
        'src/webhook.js': HANDLER,
        'vendor/acme/webhook.js': HANDLER,
        'lib/generated/webhook.js': HANDLER,
        'build/webhook.js': HANDLER,
        '.gitattributes': 'lib/generated/** linguist-generated\n',
        '.gitignore': 'build/\n',
      });
      await symlink(path.join(outside, 'hook.js'), path.join(repo.dir, 'src/linked.js'));
      await repo.git('add', '-f', 'build/webhook.js');
      await repo.commit('handlers');
      const write = await golive(['fix', repo.dir, '--write', '--only', 'webhook.timing-safe-compare']);
      expect(write.exitCode).toBe(0);
      expect(await repo.git('status', '--porcelain')).toBe(' M src/webhook.js');
      expect(await readFile(path.join(outside, 'hook.js'), 'utf8')).toBe(HANDLER);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('ignores and untracks a committed production env file, never prints its key, and asks for rotation', async () => {
    const key = fakeKey('sk', 'live');
    await repo.write({ '.env.production': `MINTCASH_SECRET_KEY=${key}\n`, '.env.example': 'MINTCASH_SECRET_KEY=\n', '.gitignore': 'node_modules/' });
    await repo.commit('env');
    const dry = await golive(['fix', repo.dir, '--only', 'credentials']);
    expect(dry.exitCode).toBe(1);
    expect(dry.stdout).toContain('--- a/.gitignore\n+++ b/.gitignore\n@@ -1,1 +1,2 @@\n-node_modules/\n\\ No newline at end of file\n+node_modules/\n+/.env.production');
    expect(dry.stdout).toContain('git rm --cached -- .env.production');
    expect(dry.stdout).toMatch(/still in git history and in every clone: Ask your MintCash account manager to rotate it/);
    expect(dry.stdout + dry.stderr).not.toContain(key);

    const write = await golive(['fix', repo.dir, '--write', '--only', 'credentials']);
    expect(write.exitCode).toBe(0);
    expect(write.stdout + write.stderr).not.toContain(key);
    expect(await readFile(path.join(repo.dir, '.gitignore'), 'utf8')).toBe('node_modules/\n/.env.production\n');
    expect(await repo.git('ls-files')).toBe('.env.example\n.gitignore');
    expect(await readFile(path.join(repo.dir, '.env.production'), 'utf8')).toContain(key); // still on disk
    const check = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json']);
    expect(JSON.parse(check.stdout).checks[0].status).toBe('pass');
  });

  it('refuses --suggestions without a terminal, and bad input with one line and exit 2', async () => {
    await repo.write({ 'src/webhook.js': HANDLER });
    await repo.commit('handler');
    const sugg = await golive(['fix', repo.dir, '--suggestions']);
    expect(sugg.exitCode).toBe(2);
    expect(sugg.stderr).toMatch(/^golive: --suggestions needs a terminal/);
    expect(await repo.git('status', '--porcelain')).toBe('');
    const missing = await golive(['fix', path.join(repo.dir, 'nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^golive: directory not found/);
    const none = await golive(['fix', repo.dir, '--only', 'webhook.https']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/none of the selected checks has fixes/);
    const help = await golive(['fix', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}\$ golive fix /);
    expect(help.stdout).toMatch(/Exit codes:/);
  });
});
