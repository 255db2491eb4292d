// Code index benchmark (issue 4): generates a 10,000-file TS/JS repository under bench/.work/code,
// indexes it with the built collector (dist/) in a child process (so peak RSS is the index's own),
// and compares the two candidate parsers, oxc-parser and the TypeScript compiler API, on the same
// files. `runCodeIndexBench()` returns rows { name, value, target, pass }; also runnable standalone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const WORK = path.join(HERE, '.work', 'code');
const FILES = 10_000;
const TARGET_MS = 5000;
const TARGET_RSS_MB = 500;

/**
 * Deterministic modules. Every one mentions `environment`, so none is skipped by the index's cheap
 * pre-filter (the worst case); one in ten creates a payment, one in ten verifies a MintCash webhook
 * (its secret's env name makes it MintCash's, so the guard facts of every other file are read too).
 */
function moduleText(i) {
  const kind = i % 10;
  const common = `// module ${i}\nimport { helper${i % 50} } from '../lib/helper${i % 50}';\n\nexport const environment${i} = process.env.ENVIRONMENT ?? 'live';\n\nexport function compute${i}(rows) {\n  let sum = 0;\n  for (const r of rows) {\n    if (r.total > ${i % 97}) sum += r.total * ${(i % 7) + 1};\n    else sum -= helper${i % 50}(r.id).length;\n  }\n  return Math.round(sum / Math.max(1, rows.length));\n}\n\nexport class Service${i} {\n  cache = new Map();\n  constructor(name) { this.name = name; }\n  get(key) { return this.cache.get(\`\${this.name}:\${key}\`); }\n  set(key, v) { this.cache.set(\`\${this.name}:\${key}\`, v); }\n}\n`;
  if (kind === 0) {
    return `${common}\nexport async function pay${i}(order) {\n  const externalId = \`order_\${order.id}\`;\n  const body = { amount: order.total, currency: 'USD', externalId };\n  return fetch(\`\${process.env.MINTCASH_URL}/payments\`, { method: 'POST', body: JSON.stringify(body) });\n}\n`;
  }
  if (kind === 1) {
    return `${common}\nimport crypto from 'node:crypto';\nexport function verify${i}(req, secret) {\n  const signature = req.headers['x-signature'];\n  const expected = crypto.createHmac('sha256', secret ?? process.env.MINTCASH_WEBHOOK_SECRET).update(req.rawBody).digest('hex');\n  if (signature === undefined || signature.length !== expected.length) return false;\n  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));\n}\n`;
  }
  if (kind === 2) return `${common}\n// Lists the subscriptions and payments screens.\nexport const routes${i} = ['/payments', '/subscriptions'];\n`;
  return common;
}

export function ensureCodeTree() {
  const marker = path.join(WORK, `.complete-v3-${FILES}`);
  if (existsSync(marker)) return;
  rmSync(WORK, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(WORK, `pkg${Math.floor(i / 500)}`, 'src');
    if (i % 500 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `m${i}.${i % 4 === 0 ? 'js' : 'ts'}`), moduleText(i));
  }
  writeFileSync(marker, '');
}

function listFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (!e.name.startsWith('.')) out.push({ path: p, size: statSync(path.join(root, p)).size });
    }
  };
  walk('');
  return out;
}

/** Child mode: index the tree once (warm-up run first, so the file cache is warm) and report. */
async function child() {
  const { indexFiles } = await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'evidence', 'code', 'index.js')).href);
  const files = listFiles(WORK);
  await indexFiles(WORK, files, []);
  const t0 = performance.now();
  const index = await indexFiles(WORK, files, []);
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, files: index.filesIndexed, failed: index.notes.length, calls: index.calls.length, handlers: index.handlers.length, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Pure parse time of every file with each parser (no pre-filter, no walk). */
function compareParsers() {
  const require = createRequire(import.meta.url);
  const files = listFiles(WORK).map((f) => ({ name: f.path, text: readFileSync(path.join(WORK, f.path), 'utf8') }));
  const { parseSync } = require('oxc-parser');
  const t0 = performance.now();
  // `.program` materialises the AST in JS (the lazy getter); without it only the Rust side is timed.
  for (const f of files) void parseSync(f.name, f.text, { lang: f.name.endsWith('.ts') ? 'ts' : 'jsx' }).program;
  const oxcMs = performance.now() - t0;
  let tsMs;
  try {
    const ts = require('typescript');
    const t1 = performance.now();
    for (const f of files) ts.createSourceFile(f.name, f.text, ts.ScriptTarget.Latest, true, f.name.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JSX);
    tsMs = performance.now() - t1;
  } catch {
    tsMs = undefined; // typescript is a devDependency; absent in a production install
  }
  return { oxcMs, tsMs };
}

export async function runCodeIndexBench() {
  if (!existsSync(path.join(ROOT, 'dist', 'src', 'evidence', 'code', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  ensureCodeTree();
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`index run failed: ${(r.stderr || '').split('\n')[0]}`);
  const res = JSON.parse(r.stdout);
  const { oxcMs, tsMs } = compareParsers();
  const rows = [
    { name: `code index: ${res.files} TS/JS files (warm cache)`, value: `${(res.ms / 1000).toFixed(2)} s`, target: `< ${TARGET_MS / 1000} s`, pass: res.ms < TARGET_MS },
    { name: 'code index: throughput', value: `${Math.round(res.files / (res.ms / 1000))} files/s`, target: '-', pass: true },
    { name: 'code index: peak RSS', value: `${res.rssMb.toFixed(0)} MB`, target: `< ${TARGET_RSS_MB} MB`, pass: res.rssMb < TARGET_RSS_MB },
    { name: 'code index: facts found (calls / handlers)', value: `${res.calls} / ${res.handlers}`, target: `${FILES / 10} / ${FILES / 10}`, pass: res.calls === FILES / 10 && res.handlers === FILES / 10 && res.failed === 0 },
    { name: 'parser: oxc-parser parseSync + AST, all files', value: `${(oxcMs / 1000).toFixed(2)} s`, target: '-', pass: true },
  ];
  if (tsMs !== undefined) rows.push({ name: 'parser: TypeScript createSourceFile, all files', value: `${(tsMs / 1000).toFixed(2)} s (${(tsMs / oxcMs).toFixed(2)}x oxc)`, target: '-', pass: true });
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--child')) await child();
  else for (const row of await runCodeIndexBench()) process.stdout.write(`${row.name.padEnd(50)} ${String(row.value).padEnd(24)} ${row.target.padEnd(10)} ${row.pass ? 'PASS' : 'MISS'}\n`);
}
