import { describe, expect, it } from 'vitest';
import check from '../../checks/credentials-no-secrets-in-source.js';
import { configSchema } from '../../src/config/schema.js';
import type { CheckOutcome } from '../../src/engine/types.js';
import type { HistoryKeyMatch, HistoryScan, KeyMatch, SecretScan } from '../../src/evidence/types.js';
import { fakeKey } from '../helpers/keys.js';

const skLive = fakeKey('sk', 'live', 'src');
const skTest = fakeKey('sk', 'test', 'src');
const pkLive = fakeKey('pk', 'live', 'src');
const pkTest = fakeKey('pk', 'test', 'src');
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

function match(file: string, value: string, line = 3): KeyMatch {
  const kind = value.slice(0, 2) as KeyMatch['kind'];
  const env = value.slice(3, 7) as KeyMatch['env'];
  return { file, line, column: 15, kind, env, value, lineText: `const key = '${value}';` };
}
function hist(file: string, value: string, removed: boolean, commit = SHA): HistoryKeyMatch {
  return { file, line: 2, kind: value.slice(0, 2) as HistoryKeyMatch['kind'], env: value.slice(3, 7) as HistoryKeyMatch['env'], value, commit, removed };
}
const secrets = (keys: KeyMatch[]): SecretScan => ({ keys, sandboxUrls: [], filesScanned: 12, bytesScanned: 3000, notes: [] });
const noHistory: HistoryScan = { enabled: false, reason: 'pass --history to scan git history', keys: [], commitsScanned: 0, notes: [] };
const history = (keys: HistoryKeyMatch[]): HistoryScan => ({ enabled: true, keys, commitsScanned: 7, notes: [] });

function run(tree: KeyMatch[], h: HistoryScan = noHistory): CheckOutcome {
  const config = configSchema.parse({});
  return check.run({ evidence: { secrets: secrets(tree), history: h }, config, options: { offline: true, history: h.enabled, requireRehearsal: false } }) as CheckOutcome;
}
const ids = (o: CheckOutcome) => (o.findings ?? []).map((f) => `${f.messageId}:${f.severity}`).sort();

describe('credentials.no-secrets-in-source', () => {
  const ok: Array<[string, KeyMatch[], HistoryScan?]> = [
    ['nothing found', []],
    ['publishable keys are not secrets', [match('web/app.js', pkLive), match('web/app.js', pkTest, 4)]],
    ['a test secret in a test file', [match('test/payments.test.ts', skTest), match('src/__tests__/a.ts', skTest)]],
    ['a test secret in a test file, in history', [], history([hist('tests/fixture.py', skTest, true)])],
    ['a publishable key in history', [], history([hist('web/app.js', pkLive, true)])],
    ['history entries are ignored when history is disabled', [], { ...noHistory, keys: [hist('a.ts', skLive, true)] }],
  ];
  it.each(ok)('passes: %s', (_n, tree, h) => {
    expect(run(tree, h).findings).toEqual([]);
  });

  const ng: Array<[string, KeyMatch[], HistoryScan | undefined, string[]]> = [
    ['a live secret in source', [match('src/pay.ts', skLive)], undefined, ['live-secret-in-source:error']],
    ['a test secret in source', [match('src/pay.ts', skTest)], undefined, ['test-secret-in-source:warning']],
    // A live key in a test file still leaks: anyone with the repo can use it.
    ['a live secret in a test file', [match('test/pay.test.ts', skLive)], undefined, ['live-secret-in-source:error']],
    ['a removed live secret in history', [], history([hist('config.js', skLive, true)]), ['live-secret-in-history:error']],
    ['a removed test secret in history', [], history([hist('config.js', skTest, true)]), ['test-secret-in-history:warning']],
    ['tree and history at the same file count once', [match('src/pay.ts', skLive)], history([hist('src/pay.ts', skLive, false)]), ['live-secret-in-source:error']],
    [
      'the same key in history at another file is its own finding',
      [match('src/pay.ts', skLive)],
      history([hist('old/pay.ts', skLive, true)]),
      ['live-secret-in-history:error', 'live-secret-in-source:error'],
    ],
    ['one history key added in two commits counts once', [], history([hist('a.ts', skLive, true), hist('a.ts', skLive, true, 'f'.repeat(40))]), ['live-secret-in-history:error']],
  ];
  it.each(ng)('fails: %s', (_n, tree, h, expected) => {
    expect(ids(run(tree, h))).toEqual(expected);
  });

  it('says the removed key is still in history, with the short sha, and masks it', () => {
    const o = run([], history([hist('config.js', skLive, true)]));
    const f = o.findings![0]!;
    // Located where the commit added it (SARIF needs a region; the file at HEAD may be gone).
    expect(f).toMatchObject({ file: 'config.js', commit: SHA, fingerprintOf: skLive, line: 2 });
    expect(f.message).toContain('still in git history');
    expect(f.message).toContain(SHA.slice(0, 7));
    expect(f.message).toMatch(/rotate/i);
    expect(f.message).not.toContain(skLive);
    expect(JSON.stringify(f.evidence)).not.toContain(skLive);
  });

  it('points at the tree location and mentions the history commit in evidence', () => {
    const o = run([match('src/pay.ts', skLive, 9)], history([hist('src/pay.ts', skLive, false)]));
    expect(o.findings![0]).toMatchObject({ file: 'src/pay.ts', line: 9, column: 15, evidence: { addedInCommit: SHA.slice(0, 7) } });
    expect(o.findings![0]!.message).toMatch(/account manager.*secrets manager/s);
  });

  it('summarises files and history', () => {
    expect(run([]).summary).toBe('Scanned 12 files; git history not scanned (pass --history to scan git history).');
    expect(run([], history([])).summary).toBe('Scanned 12 files and 7 commits of git history.');
  });

  it('counts placeholders in evidence instead of reporting them, and still finds a real key next to them', () => {
    const ph = (body: string) => 'sk_' + 'live_' + body;
    const tree = [match('docs/keys.md', ph('x'.repeat(24))), match('docs/keys.md', ph('0'.repeat(24)), 4), match('docs/keys.md', skLive, 5), match('docs/keys.md', ph('12345678'), 6)];
    const o = run(tree, history([hist('docs/old.md', ph('X'.repeat(16)), true)]));
    expect(o.findings!.map((f) => `${f.file}:${f.line} ${f.messageId}`)).toEqual(['docs/keys.md:5 live-secret-in-source']);
    expect(o.evidence).toEqual({ placeholders: 4 });
    expect(o.summary).toMatch(/4 placeholder keys .* ignored/);
  });

  it('honours configured testFiles', () => {
    const config = configSchema.parse({ testFiles: ['fixtures/**'] });
    const o = check.run({
      evidence: { secrets: secrets([match('fixtures/a.json', skTest), match('test/a.ts', skTest)]), history: noHistory },
      config,
      options: { offline: true, history: false, requireRehearsal: false },
    }) as CheckOutcome;
    expect(o.findings!.map((f) => f.file)).toEqual(['test/a.ts']);
  });
});
