// Fixes where the findings go: `golive check` reports carry each safe fix and suggestion under its
// finding. SARIF `fixes` are valid (OASIS schema, GitHub's upload rules, and Microsoft's SARIF
// multitool with its GHAS rules when it is installed) and their replacements, applied to the file,
// give exactly what `golive fix` writes; the JSON diff applies with `git apply`; the Markdown (the
// step summary) shows the diff under the finding; `golive explain` names the fixes.
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { githubProblems, schemaProblems } from '../helpers/sarif.js';
import { golive } from '../e2e/cli.js';
import { fix } from './helpers.js';

const LEAKY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/leaky-shop');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let repo: TempRepo;
let sarif: Obj;
let json: Obj;
let markdown: string;

beforeAll(async () => {
  repo = await tempRepo('golive-fix-report-');
  await cp(LEAKY, repo.dir, { recursive: true });
  await repo.commit('leaky shop');
  const out = (f: string) => path.join(repo.dir, '..', `${path.basename(repo.dir)}.${f}`);
  const r = await golive(['check', repo.dir, '--offline', '--format', 'sarif', '-o', out('sarif'), '--format', 'json', '-o', out('json'), '--format', 'markdown', '-o', out('md')]);
  expect(r.exitCode).toBe(1);
  sarif = JSON.parse(await readFile(out('sarif'), 'utf8'));
  json = JSON.parse(await readFile(out('json'), 'utf8'));
  markdown = await readFile(out('md'), 'utf8');
}, 60_000);
afterAll(async () => {
  await repo.cleanup();
});

/** Applies SARIF replacements (1-based lines, UTF-16 columns) to a text, last first. */
function applySarif(text: string, replacements: Obj[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (line: number, col: number) => starts[line - 1]! + col - 1;
  let out = text;
  for (const r of [...replacements].reverse()) {
    const d = r.deletedRegion;
    out = out.slice(0, at(d.startLine, d.startColumn)) + (r.insertedContent?.text ?? '') + out.slice(at(d.endLine, d.endColumn));
  }
  return out;
}

describe('fixes in golive check reports', () => {
  it('SARIF carries valid fixes whose replacements are exactly what golive fix writes', async () => {
    expect(schemaProblems(sarif)).toEqual([]);
    expect(githubProblems(sarif)).toEqual([]);
    const results = sarif.runs[0].results as Obj[];
    const withFixes = results.filter((r) => r.fixes).map((r) => r.ruleId).sort();
    expect(withFixes).toEqual(['idempotency.external-id', 'webhook.code-environment-guard', 'webhook.code-raw-body', 'webhook.timing-safe-compare']);
    const timing = results.find((r) => r.ruleId === 'webhook.timing-safe-compare')!;
    expect(timing.fixes[0].description.text).toMatch(/^Safe fix \(golive fix\): guard the length first/);
    const change = timing.fixes[0].artifactChanges[0];
    expect(change.artifactLocation).toEqual({ uri: 'src/webhook.js', uriBaseId: '%SRCROOT%' });
    const original = await readFile(path.join(repo.dir, 'src/webhook.js'), 'utf8');
    const viaSarif = applySarif(original, change.replacements);
    const copy = await tempRepo('golive-fix-report-copy-');
    try {
      await cp(LEAKY, copy.dir, { recursive: true });
      await copy.commit('leaky shop');
      await fix(copy.dir, { write: true });
      expect(viaSarif).toBe(await readFile(path.join(copy.dir, 'src/webhook.js'), 'utf8'));
    } finally {
      await copy.cleanup();
    }
  });

  it('passes the SARIF multitool with its GHAS rules (when installed)', async (ctx) => {
    const probe = await execa('npx', ['--no-install', '@microsoft/sarif-multitool', '--version'], { reject: false, timeout: 60_000 });
    if (probe.exitCode !== 0) return ctx.skip('@microsoft/sarif-multitool is not installed (npm i -g @microsoft/sarif-multitool to run this)');
    const file = path.join(repo.dir, '..', `${path.basename(repo.dir)}.validated.sarif`);
    await writeFile(file, JSON.stringify(sarif));
    const out = `${file}.out`;
    const r = await execa('npx', ['--no-install', '@microsoft/sarif-multitool', 'validate', '--rule-kind', 'Ghas', '--output', out, file], { reject: false, timeout: 120_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/error/i);
    expect(JSON.parse(await readFile(out, 'utf8')).runs[0].results ?? []).toEqual([]);
  });

  it('JSON carries each fix under its finding; its diff applies with git apply', async () => {
    const raw = json.checks.find((c: Obj) => c.id === 'webhook.code-raw-body').findings[0];
    expect(raw.fixes).toHaveLength(1);
    expect(raw.fixes[0]).toMatchObject({ kind: 'raw-body', tier: 'suggestion' });
    const patch = path.join(repo.dir, '..', `${path.basename(repo.dir)}.patch`);
    await writeFile(patch, raw.fixes[0].diff);
    await execa('git', ['apply', '--check', patch], { cwd: repo.dir });
    // A refund keyed on a fresh UUID with no refund id in scope gets no suggestion (never a random id).
    const quality = json.checks.find((c: Obj) => c.id === 'idempotency.external-id-quality');
    expect(quality.findings.every((f: Obj) => !f.fixes)).toBe(true);
  });

  it('Markdown (the step summary) shows the diff under the finding', () => {
    expect(markdown).toMatch(/<details><summary>Fix \(safe\): guard the length first: [^\n]*<code>golive fix --write<\/code> applies it<\/summary>\n\n {4}```diff\n {4}--- a\/src\/webhook\.js\n {4}\+\+\+ b\/src\/webhook\.js/);
    expect(markdown).toMatch(/Fix \(suggestion\): compute the HMAC over/);
  });

  it('golive explain names the fixes of a check', async () => {
    const r = await golive(['explain', 'webhook.timing-safe-compare']);
    expect(r.stdout).toMatch(/Fixes \(`golive fix`; every fix is re-checked before it is shown or written\)\n {2}safe {7}JS\/TS: `===`/);
    const j = JSON.parse((await golive(['explain', 'webhook.code-dedup', '--format', 'json'])).stdout);
    expect(j.fixes).toEqual([{ tier: 'template', what: expect.stringMatching(/never applied/) }]);
  });
});
