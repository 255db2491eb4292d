// A hostile repository's git config must not run anything when golive reads it (issue 13.1):
// core.fsmonitor, hooks, diff.external, textconv drivers, a pager, gpg for log.showSignature and
// GIT_* variables in golive's own environment. Each program, if run, leaves a marker file; a
// control run of plain git proves the traps are live, so the test can fail.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, tempRepo, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { cleanEnv, golive } from '../e2e/cli.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

const HOOKS = ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'fsmonitor-watchman', 'pre-auto-gc', 'post-rewrite'];

async function hostileRepo() {
  const markers = await tempDir('golive-markers-');
  cleanups.push(markers);
  const trap = async (name: string): Promise<string> => {
    const file = path.join(markers.dir, `${name}.sh`);
    await writeFile(file, `#!/bin/sh\ntouch '${markers.dir}/ran-${name}'\ncat >/dev/null 2>&1 || true\n`);
    await chmod(file, 0o755);
    return file;
  };
  const repo = await tempRepo();
  cleanups.push(repo);
  const key = fakeKey('sk', 'live', 'hostile');
  await repo.write({ 'app.env': `K=${key}\n`, '.gitattributes': '* diff=evil\n' });
  await repo.commit('one');
  await repo.write({ 'app.env': 'K=\n' });
  await repo.commit('two');

  const hooks = path.join(repo.dir, '.git', 'evil-hooks');
  await mkdir(hooks);
  for (const h of HOOKS) {
    await writeFile(path.join(hooks, h), `#!/bin/sh\ntouch '${markers.dir}/ran-hook-${h}'\n`);
    await chmod(path.join(hooks, h), 0o755);
  }
  await repo.git('config', 'core.fsmonitor', await trap('fsmonitor'));
  await repo.git('config', 'core.hooksPath', hooks);
  await repo.git('config', 'core.pager', await trap('pager'));
  await repo.git('config', 'diff.external', await trap('external-diff'));
  await repo.git('config', 'diff.evil.textconv', await trap('textconv'));
  await repo.git('config', 'diff.evil.command', await trap('diff-driver'));
  await repo.git('config', 'log.showSignature', 'true');
  await repo.git('config', 'gpg.program', await trap('gpg'));
  await repo.git('config', 'core.sshCommand', await trap('ssh'));
  const envTraps = { GIT_EXTERNAL_DIFF: await trap('env-external-diff'), GIT_PAGER: await trap('env-pager'), GIT_SSH_COMMAND: await trap('env-ssh') };
  const ran = async () => (await readdir(markers.dir)).filter((f) => f.startsWith('ran-')).sort();
  return { repo, key, envTraps, ran };
}

describe('a hostile .git/config runs nothing', () => {
  it('the traps are live: plain git runs them', async () => {
    const { repo, ran } = await hostileRepo();
    await execa('git', ['ls-files'], { cwd: repo.dir, env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }, stdin: 'ignore' });
    await execa('git', ['log', '-p', '--textconv'], { cwd: repo.dir, env: { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_PAGER: 'cat' }, stdin: 'ignore' });
    expect(await ran()).toEqual(expect.arrayContaining(['ran-fsmonitor', 'ran-textconv']));
  });

  it('golive check --history reads the repository (finds the key in history) and runs none of them', async () => {
    const { repo, key, envTraps, ran } = await hostileRepo();
    const r = await golive(['check', repo.dir, '--offline', '--history', '--only', 'credentials.no-secrets-in-source', '--format', 'json'], { env: cleanEnv(envTraps) });
    expect(r.exitCode).toBe(1);
    const check = JSON.parse(r.stdout).checks[0];
    expect(check.findings.map((f: { messageId: string }) => f.messageId)).toEqual(['live-secret-in-history']);
    expect(r.stdout).not.toContain(key);
    expect(await ran()).toEqual([]);
  });

  it('the full offline check (every collector) runs none of them either', async () => {
    const { repo, envTraps, ran } = await hostileRepo();
    const r = await golive(['check', repo.dir, '--offline', '--history', '--format', 'json'], { env: cleanEnv(envTraps) });
    expect([0, 1]).toContain(r.exitCode);
    expect(await ran()).toEqual([]);
  });
});
