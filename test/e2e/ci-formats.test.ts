// CI integration end to end (built CLI): a failing webhook run's SARIF validated against the
// official schema and GitHub's upload rules with every result located at the config line that
// sets webhook.url; JUnit from a passing and a failing run with the same test identities, valid
// against the Jenkins XSD; several reports in one run.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, golive } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { junitXsdProblems } from '../helpers/junit.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { githubProblems, schemaProblems } from '../helpers/sarif.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { startWebhookServer, type Behaviour, type RunningServer } from '../helpers/webhook-servers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let pki: TestPki;
let repo: TempRepo;
const servers: RunningServer[] = [];
const secret = fakeWebhookSecret('ci-formats');

beforeAll(async () => {
  pki = makePki();
  repo = await tempRepo();
  await repo.write({ 'ca.pem': pki.ca.cert, 'README.md': '# mono\n', 'services/shop/package.json': '{"name":"shop"}\n' });
  await repo.commit('init');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await repo.cleanup();
});

/** A monorepo whose shop lives in services/shop, its config (YAML) setting webhook.url on line 3. */
async function runAgainst(behaviour: Behaviour, extra: string[]) {
  const s = await startWebhookServer({ behaviour, pem: pki.valid, secret });
  servers.push(s);
  await repo.write({
    'services/shop/golive.config.yaml': `environment: live\nwebhook:\n  url: ${s.url}\n  allowPrivateNetwork: true\n  probes: { timeoutMs: 3000, count: 2 }\n`,
  });
  const env = cleanEnv({ NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem'), MINTCASH_WEBHOOK_SECRET: secret });
  return { r: await golive(['check', 'services/shop', '--only', 'webhook', ...extra], { cwd: repo.dir, env }), url: s.url };
}

describe('CI reports from a real webhook run (built CLI)', () => {
  it('SARIF of a failing webhook run: valid, every result located at the webhook.url line, URL in the message', async () => {
    const { r, url } = await runAgainst('accepts-everything', ['--format', 'sarif', '--output', 'out/golive.sarif']);
    expect(r.exitCode).toBe(1);
    const log = JSON.parse(await readFile(path.join(repo.dir, 'out/golive.sarif'), 'utf8')) as Obj;
    expect(schemaProblems(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    // The webhook checks' results, each in its check's own network category.
    const results: Obj[] = (log.runs as Obj[]).slice(1).flatMap((run) => run.results as Obj[]);
    expect(results.length).toBeGreaterThan(0);
    for (const res of results) {
      expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'services/shop/golive.config.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3 } });
      expect(res.message.text).toContain(url);
    }
    expect(results.map((x) => x.ruleId)).toEqual(expect.arrayContaining(['webhook.signature', 'webhook.environment']));
    expect(log.runs[0].automationDetails).toEqual({ id: 'golive/services/shop/' });
    expect((log.runs as Obj[]).map((run) => run.automationDetails.id)).toContain('golive/services/shop/network/webhook.signature/');
    // The checkout's place on this machine is nobody's business: %SRCROOT% has no URI.
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBeUndefined();
    expect(JSON.stringify(log)).not.toContain(repo.dir);
    expect(r.stdout).not.toContain(secret);
  });

  it('JUnit from a passing and a failing run: same test names, both valid against the Jenkins XSD', async () => {
    const pass = await runAgainst('correct', ['--format', 'junit', '--output', 'pass.xml']);
    const fail = await runAgainst('accepts-everything', ['--format', 'junit', '--output', 'fail.xml']);
    expect(pass.r.exitCode).toBe(0);
    expect(fail.r.exitCode).toBe(1);
    const [a, b] = await Promise.all(['pass.xml', 'fail.xml'].map((f) => readFile(path.join(repo.dir, f), 'utf8')));
    expect(await junitXsdProblems(a!)).toEqual([]);
    expect(await junitXsdProblems(b!)).toEqual([]);
    const names = (xml: string) => [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(names(a!)).toEqual(names(b!));
    expect(names(a!)).toContain('webhook/webhook.signature');
    expect(b).toMatch(/<testcase classname="webhook" name="webhook.signature" time="[\d.]+">\s*<failure/);
    // Suite times never exceed the run's.
    const total = Number(/<testsuites [^>]*time="([\d.]+)"/.exec(b!)![1]);
    for (const m of b!.matchAll(/<testsuite name="[^"]+" [^>]*time="([\d.]+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(total);
  });

  it('writes several reports in one run, one of them to stdout with -o -', async () => {
    const { r } = await runAgainst('accepts-everything', ['--format', 'sarif', '--output', 'multi/a.sarif', '--format', 'junit', '--output', 'multi/b.xml', '--format', 'json', '-o', '-']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).summary.gate).toBe('fail');
    expect(schemaProblems(JSON.parse(await readFile(path.join(repo.dir, 'multi/a.sarif'), 'utf8')))).toEqual([]);
    expect(await junitXsdProblems(await readFile(path.join(repo.dir, 'multi/b.xml'), 'utf8'))).toEqual([]);
    expect(existsSync(path.join(repo.dir, '-'))).toBe(false);
    expect(r.stderr).toContain('report written to multi/a.sarif and multi/b.xml');
  });
});
