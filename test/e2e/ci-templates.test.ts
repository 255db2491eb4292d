// The CI integrations as shipped: action.yml (composite) and its script run for real against a
// temp repository with a committed key, and the GitLab template's command run against the built
// CLI. Reports are validated (SARIF schema and GitHub rules, Jenkins JUnit XSD, GitLab Code
// Quality fields); the gate decides the exit code.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from './cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { junitXsdProblems } from '../helpers/junit.js';
import { fakeKey } from '../helpers/keys.js';
import { githubProblems, schemaProblems } from '../helpers/sarif.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let repo: TempRepo;

beforeAll(async () => {
  repo = await tempRepo();
  await repo.write({
    'README.md': '# mono\n',
    'services/shop/golive.config.json': '{ "environment": "live" }\n',
    'services/shop/src/config.ts': `export const a = 1;\nexport const key = '${fakeKey('sk', 'live', 'action')}';\n`,
  });
  await repo.commit('init');
});
afterAll(async () => {
  await repo.cleanup();
});

async function runAction(inputs: Record<string, string>, at: TempRepo = repo, extraEnv: Record<string, string> = {}) {
  const outFile = path.join(at.dir, `out-${Object.values(inputs).join('-').replace(/\W+/g, '_')}.txt`);
  const summary = path.join(at.dir, 'summary.md');
  const env = cleanEnv({
    GOLIVE_ACTION_PATH: REPO,
    GITHUB_OUTPUT: outFile,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_ACTIONS: 'true',
    ...extraEnv,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`GOLIVE_INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
  });
  const r = await execa('bash', [path.join(REPO, 'scripts/action-run.sh')], { cwd: at.dir, env, extendEnv: false, reject: false });
  const outputs = Object.fromEntries(
    (await readFile(outFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { r, outputs, summary };
}

describe('action.yml', () => {
  const action = parse(repoFile('action.yml')) as Obj;

  it('is a composite action with the documented inputs, none of them interpolated into a script', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(['path', 'format', 'report-dir', 'args', 'upload-sarif', 'policy-ref']);
    expect(action.inputs.path.default).toBe('.');
    expect(action.inputs.format.default).toBe('sarif');
    for (const step of action.runs.steps as Obj[]) {
      if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*inputs\./);
    }
    const upload = (action.runs.steps as Obj[]).find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(upload?.if).toContain("inputs.upload-sarif == 'true'");
    expect(upload?.with).toEqual({ sarif_file: '${{ steps.golive.outputs.sarif }}' }); // the category comes from automationDetails.id
  });

  it('runs: reports written and valid, job summary appended, exit code out; the step itself does not fail', async () => {
    const { r, outputs, summary } = await runAction({ path: 'services/shop', format: 'sarif, junit,codequality', args: '--offline --only credentials' });
    expect(r.exitCode).toBe(0);
    expect(outputs).toMatchObject({ 'exit-code': '1', 'report-dir': 'golive-report-services-shop', sarif: 'golive-report-services-shop/golive.sarif' });
    const log = JSON.parse(await readFile(path.join(repo.dir, 'golive-report-services-shop/golive.sarif'), 'utf8')) as Obj;
    expect(schemaProblems(log)).toEqual([]);
    expect(githubProblems(log)).toEqual([]);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('services/shop/src/config.ts');
    expect(await junitXsdProblems(await readFile(path.join(repo.dir, 'golive-report-services-shop/golive-junit.xml'), 'utf8'))).toEqual([]);
    const cq = JSON.parse(await readFile(path.join(repo.dir, 'golive-report-services-shop/gl-code-quality.json'), 'utf8')) as Obj[];
    expect(cq[0]).toMatchObject({ check_name: 'credentials.no-secrets-in-source', location: { path: 'services/shop/src/config.ts', lines: { begin: 2 } } });
    expect(await readFile(summary, 'utf8')).toContain('golive: Not ready');
    expect(r.stdout).toContain('Credentials'); // the checklist in the job log
    expect(r.stdout).toContain('::error '); // annotations
    expect(r.stdout + r.stderr).not.toContain(fakeKey('sk', 'live', 'action'));
  });

  it('an unknown format is reported as exit code 2 without running the check', async () => {
    const { outputs, r } = await runAction({ path: '.', format: 'sarif,pdf', args: '' });
    expect(outputs['exit-code']).toBe('2');
    expect(r.stdout).toContain('unknown format "pdf"');
  });

  it('the example workflow uses this action with inputs it declares', () => {
    const wf = parse(repoFile('examples/ci/github-actions.yml')) as Obj;
    const step = (wf.jobs.golive.steps as Obj[]).find((s) => /\/golive@/.test(String(s.uses)))!;
    expect(Object.keys(step.with).every((k) => k in action.inputs)).toBe(true);
    expect(wf.permissions['security-events']).toBe('write');
  });
});

describe('GitLab template', () => {
  it('writes a JUnit and a Code Quality report GitLab reads; the gate is the exit code', async () => {
    const tpl = parse(repoFile('examples/ci/gitlab-ci.yml')) as Obj;
    expect(tpl.golive.artifacts.reports).toEqual({ junit: 'golive-report/golive-junit.xml', codequality: 'golive-report/gl-code-quality.json' });
    // The template's own command, with npx swapped for this checkout's built CLI.
    const cmd = (tpl.golive.script as string[]).join('\n').replace(/npx --yes "mintcash-golive@\$\{GOLIVE_VERSION\}"/, `node "${BIN}"`);
    expect(cmd).toContain(`node "${BIN}" check`);
    const env = cleanEnv({ ...tpl.variables, GOLIVE_PATH: 'services/shop', GOLIVE_ARGS: '--offline --only credentials' });
    const r = await execa('bash', ['-c', cmd], { cwd: repo.dir, env, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(await junitXsdProblems(await readFile(path.join(repo.dir, 'golive-report/golive-junit.xml'), 'utf8'))).toEqual([]);
    const cq = JSON.parse(await readFile(path.join(repo.dir, 'golive-report/gl-code-quality.json'), 'utf8')) as Obj[];
    expect(cq.length).toBeGreaterThan(0);
    for (const i of cq) expect(Object.keys(i)).toEqual(expect.arrayContaining(['description', 'check_name', 'fingerprint', 'severity', 'location']));
    expect(existsSync(path.join(repo.dir, 'golive-report/golive.html'))).toBe(true);
  });
});

describe('the trusted policy in CI: a pull request that turns a check off', () => {
  let pr: TempRepo;
  let origin: string;
  const KEY = () => `export const k = '${fakeKey('sk', 'live', 'policy-ci')}';\n`;

  beforeAll(async () => {
    // The base repository as a remote (bare), and a checkout of a pull request that never fetched
    // its base: the Action and the template must fetch it themselves.
    pr = await tempRepo('golive-ci-policy-');
    await pr.write({ 'README.md': '# shop\n', 'golive.config.json': '{}\n', 'src/keys.js': KEY() });
    await pr.commit('base');
    origin = `${pr.dir}-origin.git`;
    await execa('git', ['clone', '-q', '--bare', pr.dir, origin]);
    await pr.git('remote', 'add', 'origin', origin);
    await pr.git('checkout', '-q', '-b', 'pr');
    await pr.write({ 'golive.config.json': JSON.stringify({ checks: { 'credentials.no-secrets-in-source': 'off' } }, null, 2) });
    await pr.commit('turn the secret scan off');
  });
  afterAll(async () => {
    await pr.cleanup();
    await rm(origin, { recursive: true, force: true });
  });

  it('the Action, on pull_request, takes the policy from origin/<base>: a blocking finding, the base values govern', async () => {
    const { r, outputs } = await runAction({ path: '.', format: 'sarif', args: '--offline --only credentials' }, pr, { GITHUB_BASE_REF: 'main', GITHUB_EVENT_NAME: 'pull_request' });
    expect(r.exitCode).toBe(0);
    expect(outputs['exit-code']).toBe('1');
    expect(await pr.git('rev-parse', '--verify', 'origin/main')).toMatch(/^[0-9a-f]{40}$/);
    // Each Action run writes into a fresh folder of its own: report-dir names it.
    const log = JSON.parse(await readFile(path.join(pr.dir, outputs['report-dir']!, 'golive.sarif'), 'utf8')) as Obj;
    const rules = (log.runs[0].results as Obj[]).map((x) => x.ruleId);
    expect(rules).toContain('policy.unchanged');
    expect(rules).toContain('credentials.no-secrets-in-source');
    expect(log.runs[0].properties.policy).toMatchObject({ source: 'ref', ref: 'origin/main', file: 'golive.config.json' });
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('policy from golive.config.json on origin/main');
  });

  it('the Action with policy-ref "none": the pull request\'s config governs, the check is skipped, never "ready"', async () => {
    const { outputs } = await runAction({ path: '.', format: 'json', args: '--offline --only credentials', 'policy-ref': 'none' }, pr, { GITHUB_BASE_REF: 'main' });
    const report = JSON.parse(await readFile(path.join(pr.dir, outputs['report-dir']!, 'golive.json'), 'utf8')) as Obj;
    expect(report.target.policy).toMatchObject({ source: 'worktree' });
    expect((report.checks as Obj[]).map((c) => c.id)).not.toContain('policy.unchanged');
    expect(report.summary.verdict).not.toBe('ready');
    expect(outputs['exit-code']).toBe('0');
  });

  it('the GitLab template, in a merge request pipeline, fetches the target branch and takes the policy from it', async () => {
    await pr.git('update-ref', '-d', 'refs/remotes/origin/main');
    const tpl = parse(repoFile('examples/ci/gitlab-ci.yml')) as Obj;
    const cmd = (tpl.golive.script as string[]).join('\n').replace(/npx --yes "mintcash-golive@\$\{GOLIVE_VERSION\}"/, `node "${BIN}"`);
    const env = cleanEnv({ ...tpl.variables, GOLIVE_ARGS: '--offline --only credentials', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
    const r = await execa('sh', ['-c', cmd], { cwd: pr.dir, env, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('policy from golive.config.json on origin/main');
    expect(r.stdout).toContain('checks.credentials.no-secrets-in-source: turned off');
    const junit = await readFile(path.join(pr.dir, 'golive-report/golive-junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase [^>]*name="policy\.unchanged"[^>]*>\s*<failure/);
    expect(await junitXsdProblems(junit)).toEqual([]);
  });
});

function repoFile(rel: string): string {
  return readFileSync(path.join(REPO, rel), 'utf8');
}
