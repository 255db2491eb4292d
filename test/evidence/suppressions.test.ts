// Inline `golive-ignore` directives in many comment syntaxes, read from real files.
import { afterEach, describe, expect, it } from 'vitest';
import { findSuppressions, loadSuppressions, NO_REASON, parseDirective } from '../../src/evidence/suppressions.js';
import { tempDir, type TempDir } from '../helpers/git.js';

const cleanups: TempDir[] = [];
afterEach(async () => {
  for (const d of cleanups.splice(0)) await d.cleanup();
});

describe('parseDirective', () => {
  const ok: Array<[string, string[], string]> = [
    ['// golive-ignore credentials.no-secrets-in-source: fixture key', ['credentials.no-secrets-in-source'], 'fixture key'],
    ['const k = x; // golive-ignore credentials: documented example', ['credentials'], 'documented example'],
    ['# golive-ignore credentials.live-keys, credentials.no-test-keys-in-prod: staging only', ['credentials.live-keys', 'credentials.no-test-keys-in-prod'], 'staging only'],
    ['/* golive-ignore webhook: legacy handler */', ['webhook'], 'legacy handler'],
    ['/** golive-ignore webhook.code-dedup: dedup upstream */', ['webhook.code-dedup'], 'dedup upstream'],
    [' * golive-ignore idempotency: inside a JSDoc block', ['idempotency'], 'inside a JSDoc block'],
    ['<!-- golive-ignore credentials: docs page -->', ['credentials'], 'docs page'],
    ['-- golive-ignore credentials: SQL seed data', ['credentials'], 'SQL seed data'],
    ['KEY=x # golive-ignore credentials.no-secrets-in-source', ['credentials.no-secrets-in-source'], NO_REASON],
    ['// golive-ignore credentials:', ['credentials'], NO_REASON],
    ['/* golive-ignore webhook */', ['webhook'], NO_REASON],
    ['<!--golive-ignore a.b c.d: spaced ids-->', ['a.b', 'c.d'], 'spaced ids'],
    ['// golive-ignore credentials: reason: with a colon', ['credentials'], 'reason: with a colon'],
  ];
  it.each(ok)('%s', (line, ids, reason) => {
    expect(parseDirective(line)).toEqual({ ids, reason });
  });

  const ng: string[] = [
    'const s = "golive-ignore credentials: not a comment";',
    '// golive-ignore',
    '// golive-ignore: no ids',
    '// golive-ignored credentials: other word',
    '// see golive-ignore docs',
  ];
  it.each(ng)('no directive in %s', (line) => {
    expect(parseDirective(line)).toBeUndefined();
  });
});

describe('findSuppressions', () => {
  it('reports 1-based lines, CRLF included', () => {
    const text = 'a\r\n// golive-ignore credentials: one\r\nb\r\nc # golive-ignore webhook\r\n';
    expect(findSuppressions(text)).toEqual([
      { line: 2, ids: ['credentials'], reason: 'one' },
      { line: 4, ids: ['webhook'], reason: NO_REASON },
    ]);
  });
});

describe('loadSuppressions', () => {
  it('reads the given files, skips missing ones, returns only files with directives', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    await dir.write({
      'src/a.ts': 'x\n// golive-ignore credentials.no-secrets-in-source: test fixture\nconst k = 1;\n',
      'config/app.yaml': 'a: 1\n# golive-ignore credentials: staging copy\nb: 2\n',
      'docs/x.html': '<p>\n<!-- golive-ignore credentials: example -->\n',
      'db/seed.sql': '-- golive-ignore credentials: seed\ninsert 1;\n',
      'plain.ts': 'nothing here\n',
    });
    const m = await loadSuppressions(dir.dir, ['src/a.ts', 'config/app.yaml', 'docs/x.html', 'db/seed.sql', 'plain.ts', 'missing.ts', 'src/a.ts']);
    expect(Object.fromEntries([...m].sort())).toEqual({
      'config/app.yaml': [{ line: 2, ids: ['credentials'], reason: 'staging copy' }],
      'db/seed.sql': [{ line: 1, ids: ['credentials'], reason: 'seed' }],
      'docs/x.html': [{ line: 2, ids: ['credentials'], reason: 'example' }],
      'src/a.ts': [{ line: 2, ids: ['credentials.no-secrets-in-source'], reason: 'test fixture' }],
    });
  });
});
