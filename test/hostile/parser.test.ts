// A deeply nested JS file used to kill golive with SIGSEGV inside the native parser, with no
// output. It is now detected before parsing and becomes a note naming the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { golive } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { MAX_NESTING, nestingDepth } from '../../src/evidence/code/nesting.js';

let tmp: TempDir;
beforeAll(async () => {
  tmp = await tempDir('golive-hostile-parser-');
});
afterAll(() => tmp.cleanup());

// Each file names MintCash's host, so the code index (which parses only files that can reach
// MintCash) must read it, and spreads its nesting over many short lines, so it is not taken for a
// minified bundle (which code checks leave out).
const MINTCASH = "const base = 'https://api.mintcash.me';\n";
const deep = {
  parens: `${MINTCASH}fetch(base + '/payments', ${'(\n'.repeat(9000)}1${')\n'.repeat(9000)});\n`,
  assignments: `${MINTCASH}fetch(base + '/payments');\n${'a='.repeat(9000)}1;\n`,
  arrows: `${MINTCASH}fetch(base + '/payments');\nconst f = ${'a=>'.repeat(9000)}1;\n`,
  // Chains and brackets split over short lines, as a one-line bundle would not be: still too deep.
  arrowsOnLines: `${MINTCASH}fetch(base + '/payments');\nconst g = ${'a=>\n'.repeat(9000)}1;\n`,
  assignmentsOnLines: `${MINTCASH}fetch(base + '/payments');\n${'a =\n'.repeat(9000)}1;\n`,
  parensOnLines: `${MINTCASH}fetch(base + '/payments');\nx = ${'[\n'.repeat(9000)}1${']\n'.repeat(9000)};\n`,
};

describe('nesting pre-check', () => {
  it.each(Object.entries(deep))('finds %s too deep', (_n, src) => {
    expect(nestingDepth(src)).toBeGreaterThan(MAX_NESTING);
  });

  it.each([
    ['ordinary code', "const x = { a: [1, 2, (3)] };\nif (a === b && c >= d) { e = f => g; }\n"],
    ['brackets inside strings and comments', `const s = "${'('.repeat(3000)}";\n// ${'['.repeat(3000)}\n/* ${'{'.repeat(3000)} */\n`],
    ['many statements, each shallow', 'a = b = c;\n'.repeat(5000)],
    ['comparisons are not chains', 'x === y;'.repeat(5000)],
    ['code without semicolons: each line ends its chain', 'a = b\nc = d ? e : f\n'.repeat(5000)],
  ])('leaves %s alone', (_n, src) => {
    expect(nestingDepth(src)).toBeLessThanOrEqual(MAX_NESTING);
  });
});

describe('golive check on a repository with a pathological file', () => {
  it('finishes, reports the file as not parsed, and still runs the code checks', async () => {
    await tmp.write({ 'src/deep.js': deep.parens, 'src/arrows.js': deep.parensOnLines, 'src/chain.js': deep.arrowsOnLines, 'src/pay.js': "await fetch('https://api.mintcash.me/payments', { method: 'POST', body: JSON.stringify({ amount: 1 }) });\n" });
    const r = await golive(['check', tmp.dir, '--offline', '--format', 'json', '--only', 'idempotency']);
    expect(r.stderr).not.toMatch(/Segmentation|\n\s+at /);
    expect([0, 1]).toContain(r.exitCode);
    const report = JSON.parse(r.stdout);
    const notes = report.notes.map((n: { file?: string; message: string }) => `${n.file}: ${n.message}`).join('\n');
    expect(notes).toMatch(/src\/deep\.js: .*nesting deeper than 1000 levels/);
    expect(notes).toMatch(/src\/arrows\.js: .*nesting deeper than 1000 levels/);
    expect(notes).toMatch(/src\/chain\.js: .*nesting deeper than 1000 levels/);
    // The ordinary file was still read: its create call without externalId is found.
    const ext = report.checks.find((c: { id: string }) => c.id === 'idempotency.external-id');
    expect(ext.findings.map((f: { file: string }) => f.file)).toContain('src/pay.js');
    // …and the check says which files it could not read.
    expect(ext.summary).toMatch(/Could not read 3 files it is responsible for: src\/arrows\.js \(nesting deeper/);
  });

  it('a left-leaning operator chain thousands long (a data file on short lines) is a note, not a crash', async () => {
    const chain = await tempDir('golive-hostile-parser-chain-');
    try {
      // `1 +` per line: no bracket or assignment chain for the pre-check, but 9,000 nested binary nodes.
      await chain.write({ 'src/data.js': `${MINTCASH}fetch(base + '/payments');\nexport const total =\n${'1 +\n'.repeat(9000)}1;\n`, 'src/pay.js': "await fetch('https://api.mintcash.me/payments', { method: 'POST', body: JSON.stringify({ amount: 1 }) });\n" });
      const r = await golive(['check', chain.dir, '--offline', '--format', 'json', '--only', 'idempotency']);
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
      const report = JSON.parse(r.stdout);
      expect(report.notes.map((n: { file?: string; message: string }) => `${n.file}: ${n.message}`).join('\n')).toMatch(/src\/data\.js: .*expressions nested too deeply to read/);
      const ext = report.checks.find((c: { id: string }) => c.id === 'idempotency.external-id');
      expect(ext.findings.map((f: { file: string }) => f.file)).toEqual(['src/pay.js']);
    } finally {
      await chain.cleanup();
    }
  });

  it('with nothing else to judge, the code checks are errors naming the file, never a pass or a skip', async () => {
    const only = await tempDir('golive-hostile-parser-only-');
    try {
      await only.write({ 'src/deep.js': deep.parens });
      const r = await golive(['check', only.dir, '--offline', '--format', 'json', '--only', 'idempotency']);
      expect(r.exitCode).toBe(1);
      for (const c of JSON.parse(r.stdout).checks) {
        expect(c.status).toBe('error');
        expect(c.summary).toContain('src/deep.js (nesting deeper than 1000 levels');
      }
    } finally {
      await only.cleanup();
    }
  });
});
