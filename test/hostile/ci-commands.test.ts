// No CI workflow command gets through golive's output but golive's own annotations, judged by
// models of the runners' own parsers (test/helpers/ci-parsers.ts: actions/runner and
// azure-pipelines-agent): file names, a webhook certificate's subject, plugin text and config
// values holding `##[stop-commands]`, `##[error]`, `##[add-mask]`, `##vso[`, an indented `::error::`
// or zero-width tricks reach the log neutralised, while golive's annotations still run.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from '../e2e/cli.js';
import { azureAgent, githubRunner } from '../helpers/ci-parsers.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { makeCa } from '../helpers/tls.js';
import { CommandGuard, neutraliseCommands, type LogFormat } from '../../src/output/escape.js';
import { createOutput } from '../../src/output/boundary.js';
import { Secrets } from '../../src/output/secrets.js';

const HOSTILE = [
  '##[stop-commands]x.js',
  '##[error]x',
  '##[add-mask]x',
  '##[set-output name=gate]pass',
  '  ::error::indented',
  '\t::warning file=a.ts::tab',
  '\u3000::error::ideographic space',
  '\u00a0::notice::no-break space',
  '::stop-commands::tok',
  ':\u200b:error::zero-width inside',
  '\u200b::error::zero-width before',
  '#\u200b#[add-mask]zero-width inside',
  '#\u00ad#[error]soft hyphen',
  'text ##[group]mid-line',
  '##vso[task.setvariable variable=GATE]pass',
  '##\u200bvso[task.complete result=Succeeded]',
  '##[section]azure formatting',
  'a\r::error::after a carriage return',
];
/** Forms the modelled runners would not run (other case, other CI, other line breaks), neutralised all the same. */
const EXTRA = ['##VSO[task.complete result=Succeeded]', "##teamcity[buildStatus status='SUCCESS']", 'a\u2028::error::after a line separator', 'a\u0085::error::after NEL'];

describe('the runner models', () => {
  it('take every hostile line for a command (so the tests below can fail)', () => {
    for (const line of HOSTILE) expect(githubRunner(line).commands.length + azureAgent(line).length, JSON.stringify(line)).toBeGreaterThan(0);
  });

  it('follow stop-commands: nothing runs until the token comes back', () => {
    const run = githubRunner('::stop-commands::tok\n::error::hidden\n::tok::\n::error::seen\n');
    expect(run.commands.map((c) => `${c.command}:${c.data}`)).toEqual(['stop-commands:tok', 'tok:', 'error:seen']);
    expect(githubRunner('##[stop-commands]x.js\n::error::lost').stopped).toBe(true);
  });
});

describe('the CI command rule', () => {
  const FORMATS: LogFormat[] = ['text', 'markdown', 'json', 'xml', 'html'];

  it.each(FORMATS)('neutralises every hostile line in %s, changing nothing else', (format) => {
    for (const line of [...HOSTILE, ...EXTRA]) {
      const out = neutraliseCommands(`${line}\n`, format);
      expect(out).not.toMatch(/##[a-z]*\[|^\s*::/im);
      expect(githubRunner(out).commands, JSON.stringify(out)).toEqual([]);
      expect(azureAgent(out), JSON.stringify(out)).toEqual([]);
    }
    expect(neutraliseCommands('plain text: a::b, a # [x] and ## headings\n', format)).toBe('plain text: a::b, a # [x] and ## headings\n');
  });

  it('is lossless where it can be: JSON keeps the exact string, Markdown renders the same characters', () => {
    const name = '##[stop-commands]x.js';
    const json = neutraliseCommands(JSON.stringify({ file: name }), 'json');
    expect(json).not.toContain('##[');
    expect(JSON.parse(json).file).toBe(name);
    expect(neutraliseCommands('  ::error::x', 'text')).toBe('  :\\:error::x');
    expect(neutraliseCommands('&lt;##[error]', 'html')).toBe('&lt;##&#91;error]');
  });

  it('catches a command split across writes, at any split point', () => {
    for (const line of [...HOSTILE, ...EXTRA]) {
      const text = `before\n${line}\nafter\n`;
      for (let cut = 1; cut < text.length; cut++) {
        const guard = new CommandGuard();
        const out = guard.push(text.slice(0, cut)) + guard.push(text.slice(cut));
        expect(githubRunner(out).commands, `${JSON.stringify(line)} cut at ${cut}`).toEqual([]);
        expect(azureAgent(out)).toEqual([]);
      }
    }
  });

  it("lets golive's own annotations through, with their untrusted parts escaped", () => {
    let log = '';
    const output = createOutput({ secrets: new Secrets(), stdout: { write: (s: string) => ((log += s), true) } as never, stderr: { write: () => true } as never });
    output.out.write('a line in progress ##[stop-commands]x.js');
    output.out.command('::error file=##[add-mask]x.js,title=golive x::found in ##[stop-commands]y.js%0A::error::not a command');
    output.out.line('  ::error::after');
    const run = githubRunner(log);
    expect(run.stopped).toBe(false);
    // The file property stays exact (a valid `::` line is never read for `##[`); the message is neutralised.
    expect(run.commands.map((c) => [c.command, c.properties.file, c.data])).toEqual([['error', '##[add-mask]x.js', 'found in ##\\[stop-commands]y.js\n::error::not a command']]);
  });
});

let repo: TempRepo;
let server: https.Server;
let url: string;
const caFile = () => path.join(repo.dir, 'ca.pem');
const NAMES = ['##[stop-commands]x.js', '##[error]x.js', '##[add-mask]x.js', '  ::error::x.js'];

beforeAll(async () => {
  repo = await tempRepo('golive-ci-commands-');
  const ca = makeCa();
  // A certificate for another host whose subject and names hold commands: the https check quotes them.
  const leaf = ca.issue({ hosts: ['##[stop-commands]cert.example', '##[add-mask]cert.example'], commonName: '##[error]cert\n::error::subject' });
  server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400).end('##[stop-commands]body\n::error::from the server'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await repo.write({
    'ca.pem': ca.cert,
    // At the top level, so the pretty report's location column starts an (indented) line with them.
    ...Object.fromEntries(NAMES.map((n) => [n, `export const key = '${fakeKey('sk', 'live', n)}';\n`])),
    'golive.config.json': JSON.stringify({
      webhook: { url, allowPrivateNetwork: true, probes: { count: 1 } },
      // A config value (a waiver reason) that a report quotes.
      waivers: [{ id: 'webhook.dedup', path: 'nothing/**', reason: '##[stop-commands]waiver\n::error::reason', owner: '##vso[task.complete result=Succeeded]', expires: '2020-01-01' }],
    }),
  });
  await repo.commit('hostile names');
}, 60_000);
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await repo?.cleanup();
});

describe('through the CLI', () => {
  it('file names, a certificate subject, a server answer and config values reach the log neutralised; the annotations run', { timeout: 120_000 }, async () => {
    const env = cleanEnv({ GITHUB_ACTIONS: 'true', NODE_EXTRA_CA_CERTS: caFile() });
    const r = await golive(['check', repo.dir, '--only', 'credentials.no-secrets-in-source,webhook.https', '-v'], { env });
    expect(r.exitCode, r.stderr).toBe(1);
    const log = r.stdout + r.stderr;
    // The hostile text was printed (so this can fail), in neutralised form.
    expect(log).toContain('##\\[stop-commands]x.js');
    expect(log).toContain('##\\[error]cert');
    const run = githubRunner(log);
    expect(run.stopped).toBe(false);
    const foreign = run.commands.filter((c) => !(c.form === 'v2' && /^(error|warning)$/.test(c.command) && c.properties.title?.startsWith('golive ')));
    expect(foreign).toEqual([]);
    // golive's own annotations reach the runner, one per committed key, naming the exact file (a
    // property is escaped only as GitHub documents, so the annotation lands on that file); the
    // endpoint's findings land on the config.
    const files = run.commands.filter((c) => c.command === 'error' && c.properties.file).map((c) => c.properties.file);
    expect([...new Set(files)].sort()).toEqual([...NAMES, 'golive.config.json'].sort());
    expect(run.commands.some((c) => c.properties.title?.includes('webhook.https'))).toBe(true);
    // Annotations are printed only under GitHub Actions (GITHUB_ACTIONS=true); every other line is
    // also safe for Azure Pipelines.
    expect(azureAgent(log.split('\n').filter((l) => !/^::(error|warning) /.test(l)).join('\n'))).toEqual([]);
  });

  it('plugin text (title, summary, message, evidence) reaches the log neutralised; its annotation runs', { timeout: 120_000 }, async () => {
    const evil = '##[stop-commands]plugin\\n  ::error::plugin';
    const check = `{ id: 'p', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: '${evil}', failureTitle: '${evil}', why: '${evil}', fix: '${evil}', requires: ['repo'],
      run: () => ({ summary: '${evil}', evidence: { note: '${evil}' }, findings: [{ messageId: 'x', message: '${evil}', file: '##[add-mask]p.js', line: 1 }] }) }`;
    await repo.write({ 'plugin/p.mjs': `export default { apiVersion: 1, namespace: 'evil', checks: [${check}] };\n`, 'plugin/golive.config.json': JSON.stringify({ plugins: ['./p.mjs'] }) });
    const r = await golive(['check', path.join(repo.dir, 'plugin'), '--offline', '--only', 'evil', '-v'], { env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
    expect(r.exitCode, r.stderr).toBe(1);
    const log = r.stdout + r.stderr;
    expect(log).toContain('##\\[stop-commands]plugin');
    const run = githubRunner(log);
    expect(run.stopped).toBe(false);
    // Named from the repository root (the target is its plugin/ folder), where GitHub resolves it.
    expect(run.commands.map((c) => [c.command, c.properties.file])).toEqual([['error', 'plugin/##[add-mask]p.js']]);
  });

  it('a JSON report on stdout stays valid JSON with the exact file names, and runs no command', { timeout: 60_000 }, async () => {
    const r = await golive(['check', repo.dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json'], { env: cleanEnv() });
    expect(githubRunner(r.stdout).commands).toEqual([]);
    const files = JSON.parse(r.stdout).checks[0].findings.map((f: { file: string }) => f.file);
    expect(files.sort()).toEqual([...NAMES].sort());
  });
});
