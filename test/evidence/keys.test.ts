import { chmod, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type GoliveConfig } from '../../src/config/schema.js';
import type { RunOptions } from '../../src/engine/types.js';
import { GoliveError } from '../../src/errors.js';
import { collectKeys } from '../../src/evidence/keys.js';
import type { CollectContext, CredentialItem, EvidenceMap, KeyInventory, RepoInventory } from '../../src/evidence/types.js';
import { collectContext, tempDir, tempRepo, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';

const pkLive = fakeKey('pk', 'live', 'inv');
const skLive = fakeKey('sk', 'live', 'inv');
const skTest = fakeKey('sk', 'test', 'inv');
const pkTest = fakeKey('pk', 'test', 'inv');

let dirs: TempDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
  dirs = [];
});

async function dirWith(files: Record<string, string | Buffer>): Promise<TempDir> {
  const d = await tempDir('golive-keys-');
  dirs.push(d);
  await d.write(files);
  return d;
}

/** A context whose repo inventory is exactly the given files (the repo collector is tested elsewhere). */
function ctxFor(root: string, files: string[], over: { env?: NodeJS.ProcessEnv; config?: Partial<GoliveConfig>; options?: Partial<RunOptions> } = {}): CollectContext {
  const config = { ...configSchema.parse({}), ...over.config } as GoliveConfig;
  const options: RunOptions = { offline: true, history: false, requireRehearsal: false, ...over.options };
  return {
    root,
    config,
    options,
    env: over.env ?? {},
    async get<K extends keyof EvidenceMap>(key: K): Promise<EvidenceMap[K]> {
      if (key !== 'repo') throw new Error(`unexpected evidence ${key}`);
      const repo: RepoInventory = { root, isGit: false, files: files.map((p) => ({ path: p, size: 1 })), notes: [] };
      return repo as unknown as EvidenceMap[K];
    },
  };
}

const strip = (items: CredentialItem[]) => items.map(({ source, name, role, file, line, column, value }) => ({ source, name, role, file, line, column, value }));

describe('collectKeys: process environment', () => {
  it('takes the three configured names, with roles, and nothing else', async () => {
    const d = await dirWith({});
    const inv = await collectKeys(
      ctxFor(d.dir, [], { env: { MINTCASH_PUBLIC_KEY: pkLive, MINTCASH_SECRET_KEY: skLive, MINTCASH_WEBHOOK_SECRET: 'whsec_abc', OTHER_KEY: skTest, MINTCASH_EMPTY: '' } }),
    );
    expect(inv.environment).toBe('live');
    expect(inv.items).toEqual([
      { source: 'env', name: 'MINTCASH_PUBLIC_KEY', role: 'publicKey', value: pkLive },
      { source: 'env', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', value: skLive },
      { source: 'env', name: 'MINTCASH_WEBHOOK_SECRET', role: 'webhookSecret', value: 'whsec_abc' },
    ]);
    expect(inv.productionFiles).toEqual([]);
  });

  it('follows names overridden in config', async () => {
    const d = await dirWith({});
    const config = { env: { publicKey: 'PAY_PK', secretKey: 'PAY_SK', webhookSecret: 'PAY_HOOK' } };
    const inv = await collectKeys(ctxFor(d.dir, [], { config, env: { PAY_SK: skLive, MINTCASH_SECRET_KEY: skTest } }));
    expect(inv.items).toEqual([{ source: 'env', name: 'PAY_SK', role: 'secretKey', value: skLive }]);
  });
});

describe('collectKeys: --env-file', () => {
  it('reads dotenv quirks with positions', async () => {
    const d = await dirWith({
      'deploy/prod.env': [
        '\uFEFF# rendered by the deploy pipeline',
        '',
        `export MINTCASH_PUBLIC_KEY=${pkLive}`,
        `MINTCASH_SECRET_KEY = "${skLive}"  # live`,
        "MINTCASH_WEBHOOK_SECRET='whsec_Zx9#not-a-comment'",
        `STRIPE_SECRET_KEY=${skTest}`,
        'DATABASE_URL=postgres://db/app',
        'MINTCASH_API_URL=https://sandbox.mintcash.me/v1 # oops',
        'this line is junk',
        'MINTCASH_EXTRA=${MINTCASH_SECRET_KEY}',
      ].join('\r\n'),
    });
    const inv = await collectKeys(ctxFor(d.dir, [], { options: { envFile: path.join(d.dir, 'deploy/prod.env') } }));
    expect(strip(inv.items)).toEqual([
      { source: 'env-file', name: 'MINTCASH_PUBLIC_KEY', role: 'publicKey', file: 'deploy/prod.env', line: 3, column: 28, value: pkLive },
      { source: 'env-file', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', file: 'deploy/prod.env', line: 4, column: 24, value: skLive },
      { source: 'env-file', name: 'MINTCASH_WEBHOOK_SECRET', role: 'webhookSecret', file: 'deploy/prod.env', line: 5, column: 26, value: 'whsec_Zx9#not-a-comment' },
      { source: 'env-file', name: 'STRIPE_SECRET_KEY', role: undefined, file: 'deploy/prod.env', line: 6, column: 19, value: skTest },
      { source: 'env-file', name: 'MINTCASH_API_URL', role: undefined, file: 'deploy/prod.env', line: 8, column: 18, value: 'https://sandbox.mintcash.me/v1' },
    ]);
    expect(inv.notes).toEqual([{ source: 'keys', file: 'deploy/prod.env', message: 'deploy/prod.env: line 9 is not KEY=value' }]);
  });

  it('keeps a broken quote in the value so the checks can see it, and notes it', async () => {
    const d = await dirWith({ '.env.rendered': `MINTCASH_SECRET_KEY="${skLive}\nMINTCASH_PUBLIC_KEY=${pkLive}\n` });
    const inv = await collectKeys(ctxFor(d.dir, [], { options: { envFile: path.join(d.dir, '.env.rendered') } }));
    expect(inv.items.map((i) => i.value)).toEqual([`"${skLive}`, pkLive]);
    expect(inv.notes[0]!.message).toContain('unterminated');
    expect(JSON.stringify(inv.notes)).not.toContain(skLive);
  });

  it('reads multi-line quoted values', async () => {
    const d = await dirWith({ 'p.env': `CERT="-----BEGIN-----\nabc\n-----END-----"\nMINTCASH_SECRET_KEY=${skLive}\n` });
    const inv = await collectKeys(ctxFor(d.dir, [], { options: { envFile: path.join(d.dir, 'p.env') } }));
    expect(strip(inv.items)).toEqual([{ source: 'env-file', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', file: 'p.env', line: 4, column: 21, value: skLive }]);
    expect(inv.notes).toEqual([]);
  });

  it('skips configured names that only reference a secret elsewhere', async () => {
    const d = await dirWith({
      'p.env': ['MINTCASH_SECRET_KEY=${SK_FROM_CI}', 'MINTCASH_PUBLIC_KEY=arn:aws:secretsmanager:eu-west-1:1:secret:pk', 'MINTCASH_WEBHOOK_SECRET=', `OTHER=${pkLive}`].join('\n'),
    });
    const inv = await collectKeys(ctxFor(d.dir, [], { options: { envFile: path.join(d.dir, 'p.env') } }));
    expect(inv.items.map((i) => i.name)).toEqual(['OTHER']);
  });

  it('shows a file outside the repo by the path given', async () => {
    const d = await dirWith({});
    const outside = await dirWith({ 'prod.env': `MINTCASH_SECRET_KEY=${skLive}\n` });
    const given = path.join(outside.dir, 'prod.env');
    const inv = await collectKeys(ctxFor(d.dir, [], { options: { envFile: given } }));
    expect(inv.items[0]!.file).toBe(given);
  });

  it.each([
    ['a missing file', (dir: string) => path.join(dir, 'nope.env')],
    ['a directory', (dir: string) => dir],
  ])('throws a GoliveError IO for %s', async (_n, pick) => {
    const d = await dirWith({});
    const err = await collectKeys(ctxFor(d.dir, [], { options: { envFile: pick(d.dir) } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoliveError);
    expect(err).toMatchObject({ code: 'IO', message: expect.stringMatching(/^cannot read env file /) });
    expect((err as GoliveError).suggestion).toContain('--dotenv');
  });
});

describe('collectKeys: production config files', () => {
  it('walks nested YAML and JSON with dotted names and positions', async () => {
    const d = await dirWith({
      'config/production.yaml': [
        'mintcash:',
        '  api:',
        '    baseUrl: "https://sandbox.mintcash.me"',
        `  keys: { public: ${pkLive}, secret: '${skTest}' }`,
        'containers:',
        '  - env:',
        '      - name: MINTCASH_SECRET_KEY',
        `        value: ${skLive}`,
        '      - name: MINTCASH_PUBLIC_KEY',
        '        value: ${PK_FROM_VAULT}',
        'notes: plain text',
      ].join('\n'),
      'config/prod.json': JSON.stringify({ payments: { providers: [{ sk: skLive }] }, url: 'https://api.mintcash.me' }, null, 2),
      'config/dev.json': JSON.stringify({ sk: skTest }),
    });
    const files = ['config/production.yaml', 'config/prod.json', 'config/dev.json'];
    const inv = await collectKeys(ctxFor(d.dir, files));
    expect(inv.productionFiles).toEqual(['config/prod.json', 'config/production.yaml']);
    expect(strip(inv.items)).toEqual([
      { source: 'config-file', name: 'payments.providers.0.sk', role: undefined, file: 'config/prod.json', line: 5, column: 16, value: skLive },
      { source: 'config-file', name: 'mintcash.api.baseUrl', role: undefined, file: 'config/production.yaml', line: 3, column: 15, value: 'https://sandbox.mintcash.me' },
      { source: 'config-file', name: 'mintcash.keys.public', role: undefined, file: 'config/production.yaml', line: 4, column: 19, value: pkLive },
      { source: 'config-file', name: 'mintcash.keys.secret', role: undefined, file: 'config/production.yaml', line: 4, column: 62, value: skTest },
      { source: 'config-file', name: 'containers.0.env.0.value', role: 'secretKey', file: 'config/production.yaml', line: 8, column: 16, value: skLive },
    ]);
  });

  it('reads compose-style NAME=value list entries', async () => {
    const d = await dirWith({ 'docker-compose.prod.yml': `services:\n  web:\n    environment:\n      - MINTCASH_SECRET_KEY=${skTest}\n      - DEBUG=1\n` });
    const inv = await collectKeys(ctxFor(d.dir, ['docker-compose.prod.yml']));
    expect(strip(inv.items)).toEqual([
      { source: 'config-file', name: 'services.web.environment.0', role: 'secretKey', file: 'docker-compose.prod.yml', line: 4, column: 29, value: skTest },
    ]);
  });

  it('turns parse errors into notes without the offending text', async () => {
    const d = await dirWith({
      // Valid YAML would be read as such (`{ a: 1, oops }` is a YAML flow map); this is broken in both.
      'config/production.json': `{ "sk": "${skLive}",\n`,
      'config/prod.yaml': `a: [unclosed\nb: ${skLive}\n`,
      '.env.production': `MINTCASH_SECRET_KEY=${skLive}\n`,
    });
    const inv = await collectKeys(ctxFor(d.dir, ['config/production.json', 'config/prod.yaml', '.env.production']));
    expect(inv.notes.map((n) => n.file).sort()).toEqual(['config/prod.yaml', 'config/production.json']);
    for (const n of inv.notes) expect(n.message).toMatch(/not valid JSON\/YAML at line \d+/);
    expect(JSON.stringify(inv.notes)).not.toContain(skLive);
    expect(inv.items.map((i) => i.file)).toEqual(['.env.production']);
  });

  it('line-scans other text files, naming values after their assignment and skipping comments', async () => {
    const d = await dirWith({
      'config/production.ts': [
        'export default {',
        `  MINTCASH_SECRET_KEY: '${skLive}',`,
        `  // publicKey: '${pkTest}',`,
        "  apiBase: 'https://sandbox.mintcash.me/v1',",
        '};',
      ].join('\n'),
    });
    const inv = await collectKeys(ctxFor(d.dir, ['config/production.ts']));
    expect(strip(inv.items)).toEqual([
      { source: 'config-file', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', file: 'config/production.ts', line: 2, column: 25, value: skLive },
      { source: 'config-file', name: 'apiBase', role: undefined, file: 'config/production.ts', line: 4, column: 13, value: 'https://sandbox.mintcash.me/v1' },
    ]);
  });

  it('notes binary, oversized and symlinked files instead of reading them', async () => {
    const d = await dirWith({ 'config/production.json': Buffer.from([0x7b, 0x00, 0x7d]), 'big.prod.json': 'x'.repeat(1024 * 1024 + 1), 'real.json': '{}' });
    await symlink(path.join(d.dir, 'real.json'), path.join(d.dir, 'link.prod.json'));
    const inv: KeyInventory = await collectKeys(ctxFor(d.dir, ['config/production.json', 'big.prod.json', 'link.prod.json']));
    expect(inv.productionFiles).toEqual([]);
    expect(inv.notes.map((n) => n.message).sort()).toEqual([
      'big.prod.json is larger than 1048576 bytes; not read',
      'config/production.json looks binary; not read',
      'link.prod.json is a symbolic link; not followed',
    ]);
  });

  it('notes an unreadable file', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const d = await dirWith({ '.env.production': `MINTCASH_SECRET_KEY=${skLive}\n` });
    await chmod(path.join(d.dir, '.env.production'), 0o000);
    const inv = await collectKeys(ctxFor(d.dir, ['.env.production']));
    expect(inv.notes[0]!.message).toMatch(/^cannot read \.env\.production/);
  });

  it('honours config ignore and custom productionConfig globs', async () => {
    const d = await dirWith({ 'k8s/secret.yaml': `stringData:\n  sk: ${skLive}\n`, 'k8s/vendor/x.yaml': `sk: ${skLive}\n` });
    const inv = await collectKeys(ctxFor(d.dir, ['k8s/secret.yaml', 'k8s/vendor/x.yaml'], { config: { productionConfig: ['k8s/**/*.yaml'], ignore: ['k8s/vendor/**'] } }));
    expect(inv.productionFiles).toEqual(['k8s/secret.yaml']);
  });

  it('reads the env file once when it is also a production file', async () => {
    const d = await dirWith({ '.env.production': `MINTCASH_SECRET_KEY=${skLive}\n` });
    const inv = await collectKeys(ctxFor(d.dir, ['.env.production'], { options: { envFile: path.join(d.dir, '.env.production') } }));
    expect(inv.items.map((i) => i.source)).toEqual(['env-file']);
    expect(inv.items[0]!.file).toBe('.env.production');
  });
});

describe('collectKeys with the real repo collector', () => {
  it('reads a git-ignored .env.production that git ls-files does not list', async () => {
    const repo = await tempRepo('golive-keys-repo-');
    dirs.push(repo);
    await repo.write({ '.gitignore': '.env.production\n', 'src/app.ts': 'export {};\n', '.env.production': `MINTCASH_SECRET_KEY=${skTest}\n` });
    await repo.commit('init');
    const ctx = await collectContext(repo.dir);
    const inv = await collectKeys(ctx);
    expect(inv.productionFiles).toEqual(['.env.production']);
    expect(strip(inv.items)).toEqual([{ source: 'config-file', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', file: '.env.production', line: 1, column: 21, value: skTest }]);
  });
});
