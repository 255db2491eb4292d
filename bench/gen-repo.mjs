// Generates the synthetic repositories the benchmarks run on. The merchant tree: >= 20,000 files and
// >= 300 MB of source, JSON, minified bundles, binaries (keys found by byte offset), 2-6 MiB and > 8 MiB
// files (streamed in windows), with MintCash keys planted at known places. Deterministic
// (seeded), and reused between runs when its manifest matches, since generating it is slow.
// Keys are assembled at run time from parts: no key-shaped string lives in this file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORK = path.join(here, '.work');
export const TREE = path.join(WORK, 'tree');
export const MANIFEST = path.join(WORK, 'manifest.json');

const GEN_VERSION = 6;
const SEED = 0x5eed2024;
const PLAN = { source: 19_600, json: 500, bundles: 30, mid: 16, huge: 3, binaries: 40, dotfiles: 6 };

/** mulberry32: tiny, fast, deterministic. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SEP = '_';

function makeGen(seed) {
  const r = rng(seed);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(r() * arr.length)];
  const alnum = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(r() * 62)];
    return s;
  };
  return { r, int, pick, alnum };
}

const WORDS = ['order', 'payment', 'customer', 'invoice', 'amount', 'currency', 'refund', 'status', 'session', 'cart', 'user', 'price', 'total', 'item', 'shipping', 'address', 'token', 'config', 'handler', 'client', 'request', 'response', 'event', 'webhook', 'retry', 'timeout', 'cache', 'logger', 'metrics', 'queue'];

/** Line pools per language; files are assembled from them, which keeps generation fast. */
function linePools(g) {
  const w = () => g.pick(WORDS);
  const W = () => { const x = w(); return x[0].toUpperCase() + x.slice(1); };
  const n = 1500;
  const make = (f) => Array.from({ length: n }, f);
  return {
    ts: make(() => g.pick([
      () => `import { ${w()}${W()} } from '../${w()}/${w()}.js';`,
      () => `export async function ${w()}${W()}(${w()}: ${W()}Input): Promise<${W()}> {`,
      () => `  const ${w()}${W()} = await this.${w()}.${w()}${W()}({ ${w()}Id: ${w()}.id, ${w()}: ${g.int(1, 99999)} });`,
      () => `  if (!${w()}.${w()}) throw new Error('${w()} ${w()} is missing for ${w()} ' + ${w()}.id);`,
      () => `  return { ...${w()}, ${w()}: ${w()}.${w()} ?? ${g.int(0, 500)} };`,
      () => '}',
      () => `// ${W()} ${w()} ${w()} before the ${w()} ${w()} is sent (see docs/${w()}.md).`,
      () => `  logger.info({ ${w()}Id, ${w()} }, '${w()} ${w()} done');`,
      () => `describe('${w()} ${w()}', () => { it('handles ${w()}_test_case', async () => { expect(${w()}).toBe(${g.int(0, 9)}); }); });`,
    ])()),
    py: make(() => g.pick([
      () => `from ${w()}.${w()} import ${W()}${W()}`,
      () => `def ${w()}_${w()}(${w()}, ${w()}=None):`,
      () => `    ${w()} = self.${w()}.get("${w()}_id", ${g.int(0, 9999)})`,
      () => `    if ${w()} is None:\n        raise ValueError("${w()} missing")`,
      () => `def test_${w()}_test_${w()}(client):`,
      () => `    assert ${w()}_live_${w()} == ${g.int(0, 100)}`,
      () => `    return {"${w()}": ${w()}, "${w()}": ${g.int(1, 10000)}}`,
      () => `# ${W()} the ${w()} when the ${w()} changes`,
    ])()),
    go: make(() => g.pick([
      () => `func (s *${W()}Service) ${W()}${W()}(ctx context.Context, id string) (*${W()}, error) {`,
      () => `\t${w()}, err := s.${w()}.${W()}(ctx, id)`,
      () => '\tif err != nil {\n\t\treturn nil, fmt.Errorf("%w", err)\n\t}',
      () => `\treturn &${W()}{${W()}: ${w()}.${W()}, ${W()}: ${g.int(0, 1000)}}, nil`,
      () => '}',
      () => `// ${W()}${W()} is used by the ${w()} ${w()}.`,
    ])()),
    js: make(() => g.pick([
      () => `const ${w()}${W()} = require('./${w()}');`,
      () => `module.exports.${w()} = function ${w()}(${w()}, cb) { return cb(null, ${w()}.${w()}); };`,
      () => `  ${w()}.on('${w()}', (${w()}) => ${w()}.${w()}(${w()}));`,
      () => `  const url = process.env.${w().toUpperCase()}_URL || 'https://api.example.com/${w()}';`,
    ])()),
  };
}

function sourceFile(g, pools, ext, targetBytes) {
  const pool = ext === 'ts' ? pools.ts : ext === 'py' ? pools.py : ext === 'go' ? pools.go : pools.js;
  const lines = [];
  let size = 0;
  while (size < targetBytes) {
    const l = g.pick(pool);
    // Some pool entries span lines; the manifest counts real lines.
    for (const part of l.split('\n')) lines.push(part);
    size += l.length + 1;
  }
  return lines;
}

function jsonFile(g, targetBytes) {
  const items = [];
  let size = 0;
  while (size < targetBytes) {
    const o = `    { "id": "${g.alnum(12)}", "${g.pick(WORDS)}": ${g.int(0, 99999)}, "name": "${g.pick(WORDS)} ${g.pick(WORDS)}", "active": ${g.r() < 0.5} }`;
    items.push(o);
    size += o.length + 2;
  }
  return ['{', '  "items": [', items.join(',\n'), '  ]', '}'].join('\n').split('\n');
}

function bundleLine(g, pools, targetBytes) {
  const parts = [];
  let size = 0;
  while (size < targetBytes) {
    const p = g.pick(pools.js).trim().replace(/\s+/g, ' ');
    parts.push(p);
    size += p.length;
  }
  return parts.join('');
}

function key(g, kind, env) {
  return [kind, env].join(SEP) + SEP + g.alnum(g.int(16, 40));
}

/** Strings a naive matcher would report but golive must not (they are not planted keys). */
function decoys(g) {
  return [
    `// Keys look like s${'k'}${SEP}live${SEP}… and are issued by the account manager.`,
    `const short = "${['sk', 'live'].join(SEP)}${SEP}xxx";`,
    `const word = "a${['sk', 'live'].join(SEP)}${SEP}${g.alnum(20)}";`,
    `const other = "${['rk', 'live'].join(SEP)}${SEP}${g.alnum(20)}";`,
    `const noUnderscore = "${['pk', 'test'].join(SEP)}${g.alnum(20)}";`,
  ];
}

function dirFor(g, i) {
  const pkg = `packages/pkg-${String(i % 40).padStart(2, '0')}`;
  const mod = `mod-${String(Math.floor(i / 40) % 12).padStart(2, '0')}`;
  return g.r() < 0.5 ? `${pkg}/src/${mod}` : `${pkg}/src/${mod}/${g.pick(WORDS)}`;
}

/** Builds the whole tree in memory file by file and writes it; returns the manifest. */
export function generate() {
  const g = makeGen(SEED);
  const pools = linePools(g);
  rmSync(TREE, { recursive: true, force: true });
  mkdirSync(TREE, { recursive: true });
  const planted = [];
  let files = 0;
  let bytes = 0;
  const write = (rel, content) => {
    const abs = path.join(TREE, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    files++;
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  };
  // Plants `value` on a new line at index `at` (0-based) of lines; records 1-based line/column.
  const plant = (rel, lines, at, kind, env, template = (k) => `const MINTCASH_KEY = '${k}';`) => {
    const value = key(g, kind, env);
    const text = template(value);
    lines.splice(at, 0, text);
    planted.push({ file: rel, line: at + 1, column: text.indexOf(value) + 1, value });
  };
  const kinds = [['sk', 'live'], ['pk', 'live'], ['sk', 'test'], ['pk', 'test']];
  let k = 0;
  const nextKind = () => kinds[k++ % kinds.length];

  for (let i = 0; i < PLAN.source; i++) {
    const ext = g.pick(['ts', 'ts', 'js', 'py', 'go']);
    const rel = `${dirFor(g, i)}/${g.pick(WORDS)}-${i}.${ext}`;
    const lines = sourceFile(g, pools, ext, g.int(1_000, 17_000));
    if (i % 997 === 3) lines.splice(1, 0, ...decoys(g)); // before planting: it shifts lines
    if (i % 800 === 7) {
      const [kind, env] = nextKind();
      plant(rel, lines, g.int(0, lines.length), kind, env);
    }
    let text = lines.join('\n');
    if (i % 2000 === 11) {
      // first line, CRLF file, no final newline
      const [kind, env] = nextKind();
      plant(rel, lines, 0, kind, env, (v) => `${v} // first`);
      lines.push('// last line without a newline');
      text = lines.join('\r\n');
    } else text += '\n';
    write(rel, text);
  }
  for (let i = 0; i < PLAN.json; i++) {
    const rel = `data/fixtures-${i % 10}/${g.pick(WORDS)}-${i}.json`;
    const lines = jsonFile(g, g.int(4_000, 30_000));
    if (i % 100 === 5) plant(rel, lines, 1, ...nextKind(), (v) => `  "apiKey": "${v}",`);
    write(rel, `${lines.join('\n')}\n`);
  }
  for (let i = 0; i < PLAN.bundles; i++) {
    const rel = `apps/web/dist/chunk-${i}.min.js`;
    let line = bundleLine(g, pools, g.int(900_000, 2_000_000));
    if (i % 6 === 0) {
      const value = key(g, ...nextKind());
      const at = Math.floor(line.length / 2);
      line = `${line.slice(0, at)};var k="${value}";${line.slice(at)}`;
      planted.push({ file: rel, line: 1, column: at + 9, value });
    }
    write(rel, line);
  }
  for (let i = 0; i < PLAN.mid; i++) {
    const rel = `vendor/generated/schema-${i}.ts`;
    const lines = sourceFile(g, pools, 'ts', g.int(2, 6) * 1024 * 1024);
    if (i % 4 === 1) plant(rel, lines, lines.length - 3, ...nextKind());
    write(rel, `${lines.join('\n')}\n`);
  }
  for (let i = 0; i < PLAN.huge; i++) {
    // Over 8 MiB: streamed in windows, so a key in here must be found like any other.
    const rel = `data/dumps/dump-${i}.sql.js`;
    const lines = sourceFile(g, pools, 'js', 9 * 1024 * 1024 + i * 300_000);
    plant(rel, lines, lines.length - 2 - i, 'sk', 'live', (v) => `const streamed = '${v}';`);
    write(rel, `${lines.join('\n')}\n`);
  }
  for (let i = 0; i < PLAN.binaries; i++) {
    const buf = Buffer.alloc(g.int(16_000, 120_000));
    for (let j = 0; j < buf.length; j++) buf[j] = g.r() < 0.2 ? 0 : Math.floor(g.r() * 256);
    // A key inside a binary (a committed database, a dump) is searched as bytes and must be found,
    // reported by byte offset; NULs around it so random bytes cannot extend it.
    const value = key(g, 'sk', 'live');
    const at = 20_000 % (buf.length - value.length - 2) + 1;
    buf[at - 1] = 0;
    Buffer.from(value).copy(buf, at);
    buf[at + value.length] = 0;
    const rel = `assets/img/pic-${i}.png`;
    planted.push({ file: rel, line: 0, column: 0, offset: at, value });
    write(rel, buf);
  }
  write('.env.example', 'MINTCASH_PUBLIC_KEY=\nMINTCASH_SECRET_KEY=\nMINTCASH_BASE_URL=https://sandbox.mintcash.me\n');
  {
    const lines = ['NODE_ENV=production', 'PORT=8080'];
    plant('.env.production', lines, 2, 'sk', 'test', (v) => `MINTCASH_SECRET_KEY=${v}`);
    write('.env.production', `${lines.join('\n')}\n`);
  }
  write('.editorconfig', 'root = true\n');
  write('.nvmrc', '20\n');
  write('.prettierrc', '{}\n');
  write('.github/workflows/ci.yml', 'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n');
  write('README.md', '# shop\n\nSynthetic merchant repository for the golive benchmark.\n');

  // Its own git repository (nothing committed): `git ls-files --others` lists the tree, as for a
  // real checkout, and the outer repository's ignore of bench/.work/ does not apply inside.
  execFileSync('git', ['init', '-q'], { cwd: TREE });
  const manifest = { version: GEN_VERSION, seed: SEED, plan: PLAN, files, bytes, planted };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1));
  return manifest;
}

/** The existing tree's manifest when it was generated with the same version and plan. */
export function existing() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (m.version !== GEN_VERSION || m.seed !== SEED || JSON.stringify(m.plan) !== JSON.stringify(PLAN)) return undefined;
    if (!existsSync(path.join(TREE, '.git'))) return undefined;
    for (const p of m.planted) if (!statSync(path.join(TREE, p.file), { throwIfNoEntry: false })) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

export function ensureTree(log = () => {}) {
  const m = existing();
  if (m) return m;
  log('generating the benchmark repository (one-off, reused afterwards)…');
  return generate();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const m = process.argv.includes('--force') ? generate() : ensureTree(console.log);
  console.log(`tree: ${TREE}\nfiles: ${m.files}, bytes: ${(m.bytes / 1e6).toFixed(1)} MB, planted keys: ${m.planted.length} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

/**
 * A JS service of `n` small files that all call `POST /payments` (issue 14.4: the full check must
 * grow linearly with the file count), committed to its own git repository. Reused when present.
 */
export function ensureService(n, log = () => {}) {
  const dir = path.join(WORK, `service-${n / 1000}k`);
  const stamp = path.join(dir, '.golive-bench-done');
  if (existsSync(stamp)) return dir;
  log(`generating a ${n}-file JS service (one-off)…`);
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < n; i++) {
    const rel = `src/orders/batch-${Math.floor(i / 500)}/order-${i}.js`;
    const abs = path.join(dir, rel);
    if (i % 500 === 0) mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(
      abs,
      `// order flow ${i}\nimport { client } from '../../../lib/client.js';\n\nexport async function charge${i}(order) {\n  const body = { amount: order.total, currency: 'EUR', externalId: \`order-\${order.id}-${i}\` };\n  return client.post('/payments', body);\n}\n`,
    );
  }
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  writeFileSync(path.join(dir, 'lib/client.js'), "export const client = { post: (p, b) => fetch(`https://api.mintcash.me${p}`, { method: 'POST', body: JSON.stringify(b) }) };\n");
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@example.invalid' };
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'service'], { cwd: dir, env });
  writeFileSync(stamp, '');
  return dir;
}

/**
 * A repository with `n` commits made with git fast-import (seconds, not minutes): each commit
 * edits a few small files; some add a key, one key only in a merge resolution. For the --history
 * benchmark. Returns { dir, planted } where planted lists the secret keys it must report.
 */
export function ensureHistory(n, log = () => {}) {
  const dir = path.join(WORK, `history-${n / 1000}k`);
  const man = path.join(WORK, `history-${n / 1000}k.json`);
  if (existsSync(man) && existsSync(path.join(dir, '.git'))) return JSON.parse(readFileSync(man, 'utf8'));
  log(`generating a ${n}-commit repository (one-off)…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const g = makeGen(SEED + n);
  const planted = [];
  const out = [];
  const blob = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let t = 1_600_000_000;
  for (let i = 1; i <= n; i++) {
    out.push(`commit refs/heads/main\nmark :${i}\ncommitter bench <b@example.invalid> ${t++} +0000\n${blob(`change ${i}`)}`);
    if (i > 1) out.push(`from :${i - 1}\n`);
    for (let f = 0; f < 3; f++) {
      const file = `src/mod-${g.int(0, 199)}/file-${g.int(0, 49)}.js`;
      let text = Array.from({ length: g.int(20, 80) }, (_, j) => `export const v${j} = ${g.int(0, 1e6)}; // ${g.pick(WORDS)} ${g.pick(WORDS)}`).join('\n');
      if (i % 997 === 0 && f === 0) {
        const value = key(g, 'sk', 'live');
        text += `\nconst leaked = '${value}';`;
        planted.push({ file, value, commit: i });
      }
      out.push(`M 100644 inline ${file}\n${blob(text)}`);
    }
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join('') , maxBuffer: 1024 * 1024 * 1024 });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  writeFileSync(man, JSON.stringify({ dir, commits: n, planted }));
  return { dir, commits: n, planted };
}
