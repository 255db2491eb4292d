// CLI conventions CI users expect from ESLint, Prettier, gitleaks and Checkov (built CLI): config
// found upward to the repository root and named in the report, two configs an error, pairing of
// --format/--output, "-o -", colour flags, --quiet, help with formats and exit codes, an
// unwritable step summary as a warning, Markdown links to the file and line, --dotenv.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, golive } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

let repo: TempRepo;
const ANSI = /\u001b\[\d+m/; // eslint-disable-line no-control-regex

beforeAll(async () => {
  repo = await tempRepo();
  // The root config sets environment test: a run that drops the config would say live.
  await repo.write({
    'golive.config.json': JSON.stringify({ environment: 'test' }, null, 2),
    'services/shop/src/app.ts': 'export const ok = true;\n',
    'services/shop/README.md': '# shop\n',
  });
  await repo.commit('init');
});
afterAll(async () => {
  await repo.cleanup();
});

/** A scoped run this repository passes (no secret committed): gate pass, verdict no-blockers. */
const PASSING = ['--offline', '--only', 'credentials.no-secrets-in-source'];

const json = (stdout: string) => JSON.parse(stdout) as { target: { environment: string; repo: { path: string; configFile?: string } }; checks: Array<{ id: string; status: string; severity: string }>; summary: { gate: string } };

describe('config discovery', () => {
  it('finds the root config from a subfolder (cwd or target) and names it in every report', async () => {
    const fromSub = await golive(['check', ...PASSING, '--format', 'json'], { cwd: path.join(repo.dir, 'services/shop/src') });
    expect(fromSub.exitCode).toBe(0);
    const report = json(fromSub.stdout);
    expect(report.target.repo).toMatchObject({ path: 'services/shop/src', configFile: 'golive.config.json' });
    expect(report.target.environment).toBe('test');
    const pretty = await golive(['check', 'services/shop', '--offline'], { cwd: repo.dir });
    expect(pretty.stdout).toMatch(/config\s+golive\.config\.json/);
    const md = await golive(['check', 'services/shop', '--offline', '--format', 'markdown'], { cwd: repo.dir });
    expect(md.stdout).toContain('config `golive.config.json`');
  });

  it('two config files in one directory: exit 2 naming both', async () => {
    await writeFile(path.join(repo.dir, 'services/shop/golive.config.json'), '{}');
    await writeFile(path.join(repo.dir, 'services/shop/golive.config.yaml'), 'environment: live\n');
    try {
      const r = await golive(['check', 'services/shop', '--offline'], { cwd: repo.dir });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/two config files in one directory: services\/shop\/golive\.config\.json and services\/shop\/golive\.config\.yaml/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(path.join(repo.dir, 'services/shop/golive.config.json'));
      await rm(path.join(repo.dir, 'services/shop/golive.config.yaml'));
    }
  });
});

describe('outputs', () => {
  it('"-o -" is stdout and creates no file named "-"', async () => {
    const r = await golive(['check', '.', ...PASSING, '--format', 'json', '-o', '-'], { cwd: repo.dir });
    expect(json(r.stdout).summary.gate).toBe('pass');
    expect(existsSync(path.join(repo.dir, '-'))).toBe(false);
  });

  it('refuses ambiguous outputs instead of guessing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--format', 'json', '--format', 'sarif'], /--format given 2 times but --output 0 times/],
      [['--format', 'json', '--format', 'sarif', '--output', 'a.json'], /--format given 2 times but --output once/],
      [['--output', 'a.json', '--output', 'b.json'], /--output given 2 times/],
      [['--format', 'json', '-o', '-', '--format', 'sarif', '-o', '-'], /more than one report would go to stdout/],
      [['--format', 'json', '-o', 'x.out', '--format', 'sarif', '-o', 'x.out'], /two reports would be written to x\.out/],
      [['--format', 'yaml'], /--format must be one of pretty, json, markdown, html, sarif, junit, codequality/],
    ];
    for (const [args, message] of cases) {
      const r = await golive(['check', '.', '--offline', ...args], { cwd: repo.dir });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(path.join(repo.dir, 'x.out'))).toBe(false);
  });

  it('without --format, an --output extension names the format', async () => {
    const r = await golive(['check', '.', ...PASSING, '--output', 'guess/golive.sarif'], { cwd: repo.dir });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(await readFile(path.join(repo.dir, 'guess/golive.sarif'), 'utf8')).version).toBe('2.1.0');
  });
});

describe('terminal conventions', () => {
  it('--color forces colour, --no-color wins over FORCE_COLOR', async () => {
    const on = await golive(['check', '.', ...PASSING, '--color'], { cwd: repo.dir, env: cleanEnv({ NO_COLOR: '1' }) });
    expect(on.stdout).toMatch(ANSI);
    const off = await golive(['check', '.', ...PASSING, '--no-color'], { cwd: repo.dir, env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(off.exitCode).toBe(0);
    expect(off.stdout).not.toMatch(ANSI);
    expect(off.stdout).toContain('golive');
  });

  it('--quiet prints nothing but what was asked for; the exit code still tells the verdict', async () => {
    const q = await golive(['check', '.', ...PASSING, '--quiet', '--output', 'q.json'], { cwd: repo.dir });
    expect(q).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    const asked = await golive(['check', '.', ...PASSING, '-q', '--format', 'json'], { cwd: repo.dir });
    expect(json(asked.stdout).summary.gate).toBe('pass');
    expect(asked.stderr).toBe('');
    const failing = await golive(['check', '.', '--offline', '-q', '--config', path.join(repo.dir, 'strict.json')], { cwd: repo.dir });
    expect(failing.exitCode).toBe(2); // a missing --config is still an error, quiet or not
    expect(failing.stderr).toContain('config file not found');
  });

  it.each(['--help', 'check --help'])('golive %s | head -1: one line, no stack trace (5 of 5)', async (command) => {
    const args = command.split(' ');
    for (let i = 0; i < 5; i++) {
      const r = await execa('bash', ['-c', `set -o pipefail; node "$0" "$@" | head -1`, BIN, ...args], { env: cleanEnv(), reject: false, encoding: 'utf8' });
      expect(r.stdout.split('\n')).toHaveLength(1);
      expect(r.stdout).toMatch(/^Usage: golive/);
      expect(r.stderr).toBe('');
      expect([0, 141]).toContain(r.exitCode); // 141 when golive was still writing: SIGPIPE's status, as git gives
    }
  });

  it('a reader that is gone before golive writes: quiet exit 141, for a report as for help', async () => {
    for (const args of [['--help'], ['check', repo.dir, ...PASSING, '--format', 'json']]) {
      const child = execa('node', [BIN, ...args], { env: cleanEnv(), extendEnv: false, reject: false, encoding: 'utf8' });
      child.stdout!.destroy(); // closes our end of the pipe before Node has even started
      const r = await child;
      expect({ args, code: r.exitCode, stderr: r.stderr }).toEqual({ args, code: 141, stderr: '' });
    }
  });

  it('check --help lists the formats, the output pairing and the exit codes', async () => {
    const h = await golive(['check', '--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('Formats (--format): pretty, json, markdown, html, sarif, junit, codequality');
    expect(h.stdout).toMatch(/Exit codes:\n\s+0\s+gate passed\n\s+1\s+gate failed.*\n\s+2\s+usage.*\n\s+130\s+interrupted/);
    expect(h.stdout).toContain('"-o -" is stdout');
    for (const flag of ['--color', '--no-color', '--quiet', '--dotenv']) expect(h.stdout).toContain(flag);
  });
});

describe('GitHub Actions', () => {
  it('an unwritable GITHUB_STEP_SUMMARY is a warning; the exit code stays the gate', async () => {
    const r = await golive(['check', '.', ...PASSING], { cwd: repo.dir, env: cleanEnv({ GITHUB_STEP_SUMMARY: path.join(repo.dir, 'services') }) });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/golive: warning: cannot append to GITHUB_STEP_SUMMARY .*; the gate result stands\./);
  });

  it('Markdown findings link to the file and line at the commit', async () => {
    const dir = path.join(repo.dir, 'services/leaky');
    await mkdir(path.join(dir, 'config'), { recursive: true });
    await writeFile(path.join(dir, 'config/app.ts'), `export const a = 1;\nexport const key = '${fakeKey('sk', 'live', 'md-link')}';\n`);
    await writeFile(path.join(dir, 'golive.config.json'), '{}');
    await repo.commit('leak');
    const summary = path.join(repo.dir, 'summary.md');
    const env = cleanEnv({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'a'.repeat(40), GITHUB_STEP_SUMMARY: summary });
    const r = await golive(['check', 'services/leaky', '--offline', '--only', 'credentials', '--format', 'markdown'], { cwd: repo.dir, env });
    expect(r.exitCode).toBe(1);
    const link = new RegExp(`\\[\`config/app\\.ts:2:\\d+\`\\]\\(https://github\\.com/acme/shop/blob/${'a'.repeat(40)}/services/leaky/config/app\\.ts#L2\\)`);
    expect(r.stdout).toMatch(link);
    expect(await readFile(summary, 'utf8')).toMatch(link);
    // Without the three variables: plain code, no link.
    const plain = await golive(['check', 'services/leaky', '--offline', '--only', 'credentials', '--format', 'markdown'], { cwd: repo.dir });
    expect(plain.stdout).toMatch(/`config\/app\.ts:2:\d+`/);
    expect(plain.stdout).not.toContain('](https://');
  });
});

describe('--dotenv (Node does not claim it) and the --env-file= alias', () => {
  it('a missing --dotenv file is golive\'s clear usage error, on every Node version', async () => {
    const r = await golive(['check', '.', '--offline', '--dotenv', 'missing.env'], { cwd: repo.dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('golive: --dotenv: file not found: missing.env');
  });

  it('reads keys from the file under either name (--env-file works when the file exists)', async () => {
    await writeFile(path.join(repo.dir, 'prod.env'), `MINTCASH_PUBLIC_KEY=${fakeKey('pk', 'live', 'd')}\nMINTCASH_SECRET_KEY=${fakeKey('sk', 'test', 'd')}\n`);
    for (const args of [['--dotenv', 'prod.env'], ['--env-file', 'prod.env'], ['--env-file=prod.env']]) {
      const r = await golive(['check', '.', '--offline', '--only', 'credentials.live-keys', ...args, '--format', 'json'], { cwd: repo.dir });
      // A live pk beside a test sk, read from the file: the check sees the mismatch.
      expect(json(r.stdout).checks.find((c) => c.id === 'credentials.live-keys')?.status, args.join(' ')).toBe('fail');
      expect(r.stdout).not.toContain(fakeKey('sk', 'test', 'd'));
    }
    const none = await golive(['check', '.', '--offline', '--only', 'credentials.live-keys', '--format', 'json'], { cwd: repo.dir });
    expect(json(none.stdout).checks.find((c) => c.id === 'credentials.live-keys')?.status).not.toBe('fail');
  });
});
