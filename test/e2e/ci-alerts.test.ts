// What CI systems do with golive's output, through the built CLI on a monorepo service copied from
// examples/leaky-shop: the annotations GitHub would show (10 errors, 10 warnings per step), placed
// from the repository root; JUnit headlines; SARIF that Microsoft's SARIF Multitool passes with the
// GitHub Advanced Security rules, every result located, no absolute path in any report; and a
// network blip between two good runs, replayed against GitHub code scanning's and GitLab code
// quality's rules for matching alerts: nothing closes, nothing reopens.
import { cp, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, golive } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { fakeKey, fakeWebhookSecret } from '../helpers/keys.js';
import { githubProblems, multitoolProblems, schemaProblems } from '../helpers/sarif.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { startWebhookServer, type RunningServer } from '../helpers/webhook-servers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEYS = Array.from({ length: 12 }, (_, i) => fakeKey('sk', 'live', `ci-alerts-${i}`));
const OLD_KEY = fakeKey('sk', 'live', 'ci-alerts-history');
const secret = fakeWebhookSecret('ci-alerts');

let repo: TempRepo;
let pki: TestPki;

/** GitHub's `file=…,line=…,title=golive <id>: …` workflow commands, parsed. */
function annotations(stdout: string): Array<{ kind: string; file?: string; line?: string; check?: string; text: string }> {
  return stdout
    .split('\n')
    .filter((l) => /^::(error|warning|notice) /.test(l))
    .map((l) => {
      const m = /^::(\w+) ([^:]*)::(.*)$/.exec(l)!;
      const props = Object.fromEntries(m[2]!.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
      return { kind: m[1]!, file: props.file, line: props.line, check: /^golive ([^%]+)%3A/.exec(props.title ?? '')?.[1], text: decodeURIComponent(m[3]!) };
    });
}

beforeAll(async () => {
  pki = makePki();
  repo = await tempRepo('golive-ci-alerts-');
  await cp(path.join(REPO, 'examples/leaky-shop'), path.join(repo.dir, 'services/acme'), { recursive: true });
  await repo.write({
    'README.md': '# mono\n',
    'ca.pem': pki.ca.cert,
    // A key committed once and removed: a history finding in a file no longer in the tree.
    'services/acme/config/old-settings.js': `export const secretKey = '${OLD_KEY}';\n`,
  });
  await repo.commit('acme');
  await repo.git('rm', '-q', 'services/acme/config/old-settings.js');
  // Twelve committed keys: the case where one check's findings crowded out the timing leak.
  await repo.write(Object.fromEntries(KEYS.map((k, i) => [`services/acme/config/keys/k${i + 1}.js`, `module.exports = '${k}';\n`])));
  await repo.write({ 'services/acme/golive.config.json': `${JSON.stringify({ environment: 'live', webhook: { url: 'https://localhost:9/webhooks/mintcash', allowPrivateNetwork: true } }, null, 2)}\n` });
  await repo.commit('keys');
  // An origin to name in versionControlProvenance (never fetched).
  await repo.git('remote', 'add', 'origin', 'https://github.com/acme/mono.git');
}, 60_000);
afterAll(async () => {
  await repo.cleanup();
});

describe('a monorepo service checked from the repository root (GitHub Actions)', () => {
  let run: { exitCode: number; stdout: string; stderr: string };
  const out = () => path.join(repo.dir, 'out');

  beforeAll(async () => {
    run = await golive(['check', 'services/acme', '--offline', '--history', '--report-dir', 'out', '--format', 'pretty', '--output', '-'], { cwd: repo.dir, env: cleanEnv({ GITHUB_ACTIONS: 'true' }) });
  }, 120_000);

  it('annotates every failing check before any check twice, 10 errors at most, then one notice with the rest', async () => {
    expect(run.exitCode).toBe(1);
    const all = annotations(run.stdout);
    const errors = all.filter((a) => a.kind === 'error');
    expect(errors).toHaveLength(10);
    const report = JSON.parse(await readFile(path.join(out(), 'golive-report.json'), 'utf8')) as Obj;
    const open = (c: Obj) => (c.findings as Obj[]).filter((f) => !f.waived && !f.baseline && !f.suppressed);
    const withErrors = (report.checks as Obj[]).filter((c) => open(c).some((f) => f.severity === 'error')).map((c) => c.id);
    expect(withErrors.length).toBeLessThan(10);
    // The timing leak and the missing externalId (the double charge) are among them.
    expect(withErrors).toEqual(expect.arrayContaining(['webhook.timing-safe-compare', 'idempotency.external-id', 'credentials.no-secrets-in-source']));
    expect(new Set(errors.slice(0, withErrors.length).map((a) => a.check))).toEqual(new Set(withErrors));
    const total = (report.checks as Obj[]).filter((c) => c.status === 'fail' || c.status === 'warn').reduce((n, c) => n + open(c).length, 0);
    const shown = all.filter((a) => a.kind !== 'notice').length;
    expect(all.at(-1)).toMatchObject({ kind: 'notice', text: `${total - shown} more findings: see the step summary / code scanning (GitHub shows 10 errors and 10 warnings per step).` });
    // GitHub resolves file= from the repository root, as SARIF does.
    expect(all.filter((a) => a.kind !== 'notice').every((a) => a.file?.startsWith('services/acme/') && Number(a.line) >= 1)).toBe(true);
    expect(errors.find((a) => a.check === 'webhook.timing-safe-compare')).toMatchObject({ file: 'services/acme/src/webhook.js' });
  });

  it('JUnit leads each failure with its first finding (and how many more), never "N problems found"', async () => {
    const xml = await readFile(path.join(out(), 'golive-report.xml'), 'utf8');
    const unescape = (t: string) => t.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const failures = new Map([...xml.matchAll(/<testcase classname="[^"]+" name="([^"]+)"[^>]*>\s*<failure message="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]));
    expect(failures.size).toBeGreaterThanOrEqual(4);
    expect([...failures.values()].filter((m) => /problems? found/.test(m))).toEqual([]);
    expect(failures.get('credentials.no-secrets-in-source')).toMatch(/^Live secret key sk_live_…\w{4} is committed in config\/keys\/k1\.js\..*\(and 12 more\)$/);
    // Each one is the check's first finding, as the JSON report lists it.
    const report = JSON.parse(await readFile(path.join(out(), 'golive-report.json'), 'utf8')) as Obj;
    const first = (id: string) => (report.checks as Obj[]).find((c) => c.id === id)!.findings[0].message as string;
    expect(failures.get('webhook.timing-safe-compare')).toBe(first('webhook.timing-safe-compare'));
    expect(failures.get('idempotency.external-id')).toBe(first('idempotency.external-id'));
  });

  it('SARIF: every result has a region, the history finding its commit and provenance, and the SARIF Multitool (GHAS rules) finds nothing', async () => {
    const file = path.join(out(), 'golive-report.sarif');
    const log = JSON.parse(await readFile(file, 'utf8')) as Obj;
    expect(schemaProblems(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    const results = (log.runs as Obj[]).flatMap((r) => r.results as Obj[]);
    expect(results.length).toBeGreaterThan(10);
    for (const r of results) expect(r.locations[0].physicalLocation.region.startLine, r.ruleId).toBeGreaterThanOrEqual(1);
    const history = results.find((r) => r.properties.messageId === 'live-secret-in-history')!;
    expect(history.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'services/acme/config/old-settings.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    expect(log.runs[0].versionControlProvenance).toEqual([
      { repositoryUri: 'https://github.com/acme/mono', revisionId: head, mappedTo: { uriBaseId: '%SRCROOT%' } },
      { repositoryUri: 'https://github.com/acme/mono', revisionId: history.properties.commit, properties: { scanned: "git history: a finding's key was added in this commit" } },
    ]);
    // --offline: no network check was judged, so no network category is in this upload.
    expect((log.runs as Obj[]).map((r) => r.automationDetails.id)).toEqual(['golive/services/acme/']);
    expect(await multitoolProblems(file)).toEqual([]);
  }, 120_000);

  it('the validator is not vacuous: a result without a location fails it', async () => {
    const log = JSON.parse(await readFile(path.join(out(), 'golive-report.sarif'), 'utf8')) as Obj;
    delete log.runs[0].results[0].locations;
    const broken = path.join(out(), 'broken.sarif');
    await writeFile(broken, JSON.stringify(log));
    expect((await multitoolProblems(broken)).length).toBeGreaterThan(0);
  }, 120_000);

  it('no report names an absolute path: not the checkout, not the home directory', async () => {
    for (const f of await readdir(out())) {
      if (f.includes('broken') || f.includes('validation')) continue;
      const text = await readFile(path.join(out(), f), 'utf8');
      expect(text, f).not.toContain(repo.dir);
      expect(text, f).not.toContain(os.homedir());
      expect(text, f).not.toContain(os.tmpdir());
    }
    expect(run.stdout).not.toContain(repo.dir);
  });

  it('the pretty output ends with a legend, and its hints repeat the command as invoked (npx golive)', async () => {
    // The pretty report's last line (the annotations follow it on stdout).
    expect(run.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('::')).at(-1)).toMatch(/^✔ passed {2}✖ failed {2}⚠ warning/);
    const flat = (t: string) => t.replace(/\s+/g, ' ');
    expect(flat(run.stdout)).toMatch(/Next: fix the items above; `golive explain [\w.-]+` shows how\./);
    // As `npx golive` from a local install: npm runs the project's bin with npm_command=exec.
    await mkdir(path.join(repo.dir, 'node_modules/.bin'), { recursive: true });
    await symlink(BIN, path.join(repo.dir, 'node_modules/.bin/golive'));
    const viaNpx = await execa('npx', ['--no', 'golive', 'check', 'services/acme', '--offline', '--only', 'credentials'], { cwd: repo.dir, env: cleanEnv(), extendEnv: false, reject: false });
    expect(flat(String(viaNpx.stdout))).toMatch(/Next: fix the items above; `npx golive explain credentials\.[\w.-]+` shows how\./);
    expect(String(viaNpx.stdout)).not.toMatch(/`golive /);
  }, 120_000);
});

/** A TCP forwarder in front of the webhook server: up, or a blip that resets every connection. */
async function blipProxy(target: number): Promise<{ port: number; blip: (on: boolean) => void; close: () => Promise<void> }> {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (down) return void client.resetAndDestroy();
    const upstream = net.connect(target, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    blip: (on) => (down = on),
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** GitHub code scanning: per category, the newest upload's results are the open alerts (matched by rule and fingerprint). */
function githubUpload(state: Map<string, Set<string>>, log: Obj): { opened: string[]; closed: string[] } {
  const opened: string[] = [];
  const closed: string[] = [];
  for (const run of log.runs as Obj[]) {
    const cat = run.automationDetails.id as string;
    const now = new Set((run.results as Obj[]).filter((r) => !r.suppressions).map((r) => `${cat} ${r.ruleId} ${r.partialFingerprints['golive/v1']}`));
    const before = state.get(cat) ?? new Set<string>();
    opened.push(...[...now].filter((a) => !before.has(a)));
    closed.push(...[...before].filter((a) => !now.has(a)));
    state.set(cat, now);
  }
  return { opened, closed };
}

/** GitLab code quality in a merge request: the head report against the base report, by fingerprint. */
function gitlabCompare(base: Obj[], head: Obj[]): { fixed: string[]; new: string[] } {
  const b = new Set(base.map((i) => i.fingerprint as string));
  const h = new Set(head.map((i) => i.fingerprint as string));
  return { fixed: [...b].filter((f) => !h.has(f)), new: [...h].filter((f) => !b.has(f)) };
}

describe('a network blip between two good runs (pass → blip → pass)', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof blipProxy>>;
  const runs: Array<{ exitCode: number; stdout: string; sarif: Obj; quality: Obj[] }> = [];

  beforeAll(async () => {
    server = await startWebhookServer({ behaviour: 'accepts-everything', pem: pki.valid, secret });
    proxy = await blipProxy(server.port);
    await repo.write({
      'services/acme/golive.config.json': `${JSON.stringify({ environment: 'live', webhook: { url: `https://localhost:${proxy.port}/webhooks/mintcash`, allowPrivateNetwork: true, probes: { count: 2, timeoutMs: 3000 } } }, null, 2)}\n`,
    });
    const env = cleanEnv({ NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem'), MINTCASH_WEBHOOK_SECRET: secret });
    for (const [i, down] of [false, true, false].entries()) {
      proxy.blip(down);
      const dir = `blip-${i}`;
      const r = await golive(['check', 'services/acme', '--format', 'sarif', '-o', `${dir}/golive.sarif`, '--format', 'codequality', '-o', `${dir}/gl-code-quality.json`, '--format', 'pretty', '-o', '-'], { cwd: repo.dir, env });
      runs.push({
        exitCode: r.exitCode,
        stdout: r.stdout,
        sarif: JSON.parse(await readFile(path.join(repo.dir, dir, 'golive.sarif'), 'utf8')) as Obj,
        quality: JSON.parse(await readFile(path.join(repo.dir, dir, 'gl-code-quality.json'), 'utf8')) as Obj[],
      });
    }
  }, 240_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('the blip is real: the gate fails on an unreachable endpoint, and the good runs judge the endpoint', () => {
    expect(runs.map((r) => r.exitCode)).toEqual([1, 1, 1]);
    expect(runs[1]!.stdout).toMatch(/Could not connect to localhost:\d+ \((ECONNRESET|reset)\)/);
    const categories = (log: Obj) => (log.runs as Obj[]).map((r) => r.automationDetails.id as string);
    expect(categories(runs[0]!.sarif)).toEqual(expect.arrayContaining(['golive/services/acme/', 'golive/services/acme/network/webhook.signature/', 'golive/services/acme/network/webhook.environment/']));
    // The blip run uploads the static category and only what it judged without the endpoint answering.
    const endpoint = ['https', 'signature', 'raw-body', 'environment', 'dedup', 'latency'].map((c) => `golive/services/acme/network/webhook.${c}/`);
    expect(categories(runs[1]!.sarif)[0]).toBe('golive/services/acme/');
    expect(categories(runs[1]!.sarif).filter((c) => endpoint.includes(c))).toEqual([]);
    expect(categories(runs[0]!.sarif)).toEqual(expect.arrayContaining(categories(runs[1]!.sarif)));
    expect(categories(runs[2]!.sarif)).toEqual(categories(runs[0]!.sarif));
  });

  it('GitHub code scanning: the blip closes no alert, and the next good run reopens none', () => {
    const state = new Map<string, Set<string>>();
    const first = githubUpload(state, runs[0]!.sarif);
    expect(first.opened.filter((a) => a.includes('/network/')).length).toBeGreaterThanOrEqual(3);
    expect(githubUpload(state, runs[1]!.sarif)).toEqual({ opened: [], closed: [] });
    expect(githubUpload(state, runs[2]!.sarif)).toEqual({ opened: [], closed: [] });
    for (const log of runs.map((r) => r.sarif)) expect(githubProblems(log)).toEqual([]);
  });

  it('the model is not vacuous: one category holding every check, as before, churns on the same blip', () => {
    const asOneRun = (log: Obj): Obj => ({ ...log, runs: [{ automationDetails: { id: 'golive/services/acme/' }, results: (log.runs as Obj[]).flatMap((r) => r.results as Obj[]) }] });
    const state = new Map<string, Set<string>>();
    githubUpload(state, asOneRun(runs[0]!.sarif));
    const blip = githubUpload(state, asOneRun(runs[1]!.sarif));
    expect(blip.closed.length).toBeGreaterThanOrEqual(3);
    expect(githubUpload(state, asOneRun(runs[2]!.sarif)).opened.length).toBe(blip.closed.length);
  });

  it('GitLab code quality: the merge request would show nothing fixed by the blip and nothing new after it', () => {
    expect(runs[0]!.quality.length).toBeGreaterThan(5);
    expect(gitlabCompare(runs[0]!.quality, runs[1]!.quality)).toEqual({ fixed: [], new: [] });
    expect(gitlabCompare(runs[1]!.quality, runs[2]!.quality)).toEqual({ fixed: [], new: [] });
    // A real fix still shows as fixed.
    const fixedOne = runs[2]!.quality.slice(1);
    expect(gitlabCompare(runs[2]!.quality, fixedOne).fixed).toEqual([runs[2]!.quality[0]!.fingerprint]);
  });
});

describe('a title that fits the finding', () => {
  it('a certificate that only expires in two weeks is "Webhook certificate expires in N days", not "HTTPS is broken or weak"', async () => {
    const server = await startWebhookServer({ behaviour: 'correct', pem: pki.expiresInTwoWeeks, secret });
    try {
      await repo.write({ 'services/acme/golive.config.json': `${JSON.stringify({ environment: 'live', webhook: { url: `${server.url}`, allowPrivateNetwork: true } }, null, 2)}\n` });
      const env = cleanEnv({ NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'ca.pem'), MINTCASH_WEBHOOK_SECRET: secret });
      const r = await golive(['check', 'services/acme', '--only', 'webhook.https', '--format', 'json', '-o', '-'], { cwd: repo.dir, env });
      const https = (JSON.parse(r.stdout) as Obj).checks.find((c: Obj) => c.id === 'webhook.https');
      expect(https).toMatchObject({ status: 'warn', title: expect.stringMatching(/^Webhook certificate expires in 1[34] days$/) });
      // With a second, real problem the general failure title is the one that fits.
      const both = await startWebhookServer({ behaviour: 'redirect', pem: pki.expiresInTwoWeeks, secret });
      try {
        await repo.write({ 'services/acme/golive.config.json': `${JSON.stringify({ environment: 'live', webhook: { url: `${both.url}`, allowPrivateNetwork: true } }, null, 2)}\n` });
        const r2 = await golive(['check', 'services/acme', '--only', 'webhook.https', '--format', 'json', '-o', '-'], { cwd: repo.dir, env });
        expect((JSON.parse(r2.stdout) as Obj).checks.find((c: Obj) => c.id === 'webhook.https').title).toBe('Webhook endpoint HTTPS is broken or weak');
      } finally {
        await both.close();
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
