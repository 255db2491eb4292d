// The early start (src/plugins/early.ts): before golive's CLI loads, a glance at the config decides
// whether to start the plugins' sandbox thread, which the sandbox then adopts instead of starting
// its own. The glance is a guess: these cases pin what it sees (and that it sees nothing else), and
// that an adopted thread runs a plugin as a thread of the sandbox's own would.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePlugin } from '../../src/plugins/compile.js';
import { glanceNamesPlugins } from '../../src/plugins/early.js';
import { PLUGIN_LIMITS } from '../../src/plugins/limits.js';
import { PluginSandbox, stopAllPlugins } from '../../src/plugins/sandbox.js';
import { adoptEarlyThread, startEarlyThread } from '../../src/plugins/sandbox-spawn.js';
import { tempDir, type TempDir } from '../helpers/git.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('golive-early-');
});
afterAll(async () => {
  await stopAllPlugins();
  await tmp.cleanup();
});

/** A folder of its own holding `files`; returns its path. */
async function folder(name: string, files: Record<string, string>): Promise<string> {
  await tmp.write(Object.fromEntries(Object.entries(files).map(([rel, text]) => [`${name}/${rel}`, text])));
  return path.join(tmp.dir, name);
}

describe('the glance at the config', () => {
  it.each([
    ['JSON with plugins', 'golive.config.json', JSON.stringify({ plugins: ['./p.mjs'] }), true],
    ['JSON with an empty list', 'golive.config.json', JSON.stringify({ plugins: [] }), false],
    ['JSON without plugins', 'golive.config.json', JSON.stringify({ checks: { 'keys.live': 'off' } }), false],
    ['YAML, a block list', 'golive.config.yaml', 'plugins:\n  - ./p.mjs\n', true],
    ['YAML, a comment before the first item', 'golive.config.yml', 'plugins: # ours\n  # the policy one\n  - use: ./p.mjs\n', true],
    ['YAML, a flow list', 'golive.config.yaml', 'plugins: [./p.mjs]\n', true],
    ['YAML, an empty list', 'golive.config.yaml', 'plugins: []\n', false],
    ['YAML, a key that only ends in plugins', 'golive.config.yaml', 'myplugins:\n  - ./p.mjs\n', false],
  ])('%s', async (name, file, text, expected) => {
    const dir = await folder(name.replace(/\W+/g, '-'), { [file]: text });
    expect(glanceNamesPlugins(['check'], {}, dir)).toBe(expected);
  });

  it('looks only for `golive check`, wherever its flags are', async () => {
    const dir = await folder('commands', { 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }) });
    expect(glanceNamesPlugins(['--no-color', 'check', '--offline'], {}, dir)).toBe(true);
    for (const argv of [['list'], ['explain', 'acme/x'], ['fix'], []]) expect(glanceNamesPlugins(argv, {}, dir)).toBe(false);
  });

  it('reads the config nearest the target directory, up to the repository root and no further', async () => {
    const repo = await folder('repo', { '.git/HEAD': 'ref: refs/heads/main\n', 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }), 'apps/shop/README.md': '# shop\n' });
    const elsewhere = await folder('elsewhere', {});
    expect(glanceNamesPlugins(['check', path.join(repo, 'apps/shop')], {}, elsewhere)).toBe(true);
    expect(glanceNamesPlugins(['check', 'apps/shop', '--offline'], {}, repo)).toBe(true);
    expect(glanceNamesPlugins(['check'], {}, elsewhere)).toBe(false);
    // Above the repository root a config is never the run's.
    const outer = await folder('outer', { 'golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }), 'inner/.git/HEAD': 'ref: refs/heads/main\n' });
    expect(glanceNamesPlugins(['check'], {}, path.join(outer, 'inner'))).toBe(false);
  });

  it('reads --config, --policy and GOLIVE_POLICY files too', async () => {
    const dir = await folder('named', { 'ci/golive.json': JSON.stringify({ plugins: [{ use: './p.mjs' }] }) });
    expect(glanceNamesPlugins(['check', '--config', 'ci/golive.json'], {}, dir)).toBe(true);
    expect(glanceNamesPlugins(['check', '--config=ci/golive.json'], {}, dir)).toBe(true);
    expect(glanceNamesPlugins(['check', '--policy', 'ci/golive.json'], {}, dir)).toBe(true);
    expect(glanceNamesPlugins(['check'], { GOLIVE_POLICY: 'ci/golive.json' }, dir)).toBe(true);
    expect(glanceNamesPlugins(['check', '--config', 'ci/missing.json'], {}, dir)).toBe(false);
  });
});

describe('a thread started early', () => {
  it('is adopted by the sandbox, once, and runs the plugin', async () => {
    const file = path.join(tmp.dir, 'early-plugin.mjs');
    await writeFile(file, "export default { apiVersion: 1, namespace: 'early', checks: [{ id: 'a', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [], run: () => ({ summary: 'ran' }) }] };\n");
    startEarlyThread(PLUGIN_LIMITS);
    const sandbox = new PluginSandbox(compilePlugin(file, { mode: 'plugin' }));
    expect(JSON.parse(await sandbox.describe())).toMatchObject({ namespace: 'early', checks: [{ id: 'a' }] });
    expect(JSON.parse(await sandbox.run(0, JSON.stringify({ evidence: {} }), 5000))).toEqual({ v: { summary: 'ran' } });
    // The sandbox took it: nothing is left to adopt.
    expect(adoptEarlyThread()).toBeUndefined();
  });
});
