// Keys far into a file (issue 21): whole `golive check --offline --only
// credentials.no-secrets-in-source` processes over a 10,000,001-line log, a 2 GiB sparse one-line
// text log and a 2 GiB sparse binary, each with one key at the end, against ripgrep on the same
// file (medians of 3). Reports seconds, throughput and peak RSS; the location must be the exact one
// (line, column or byte offset), since a capped position would lose it. Sparse files cost a few KB
// of disk. `runOffsetsBench()` returns rows { name, value, target, pass }; `node bench/offsets.mjs`
// prints them.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasRg, median, NODE, RG_ARGS, timed } from './e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'golive.js');
const RUNS = 3;
const TWO_GB = 2 ** 31;
const KEY = ['sk', 'live', 'Q7x2Lm9Vb4Nc8Kz1Wp5RtY3u'].join('_');

function sparse(file, head, at, tail) {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head, 0);
    writeSync(fd, tail, at);
  } finally {
    closeSync(fd);
  }
}

const CASES = [
  ['10,000,001-line log', 'huge.log', (f) => writeFileSync(f, Buffer.concat([Buffer.alloc(10_000_000, '\n'), Buffer.from(`token = ${KEY}\n`)])), (x) => x.line === 10_000_001 && x.column === 9, 10_000_000 + 40],
  ['2 GiB one-line text log', 'app.log', (f) => sparse(f, `started\nrequest ${'x'.repeat(9000)}`, TWO_GB, `secret=${KEY}\n`), (x) => x.line === 2 && x.column === TWO_GB, TWO_GB],
  ['2 GiB binary', 'dump.db', (f) => sparse(f, 'SQLite format 3\u0000', TWO_GB + 12_345, KEY), (x) => x.evidence?.byteOffset === TWO_GB + 12_345, TWO_GB],
];

export async function runOffsetsBench() {
  const rows = [];
  const rg = hasRg();
  for (const [label, name, make, located, bytes] of CASES) {
    const dir = mkdtempSync(path.join(tmpdir(), 'golive-bench-offsets-'));
    try {
      make(path.join(dir, name));
      const g = [];
      const r = [];
      let rss = 0;
      let ok = true;
      for (let i = 0; i < RUNS; i++) {
        const run = timed(NODE, [BIN, 'check', dir, '--offline', '--only', 'credentials.no-secrets-in-source', '--format', 'json'], dir);
        g.push(run.ms);
        rss = Math.max(rss, run.rssMb ?? 0);
        const f = JSON.parse(run.stdout).checks[0].findings[0];
        ok &&= Boolean(f && located(f));
        if (rg) r.push(timed('rg', RG_ARGS, dir).ms);
      }
      const s = median(g) / 1000;
      const vs = rg ? `, rg ${(median(r) / 1000).toFixed(2)} s = ${(median(r) / median(g)).toFixed(2)}x` : '';
      rows.push({ name: `offsets: ${label}, key located exactly`, value: ok ? 'yes' : 'NO', target: 'yes', pass: ok });
      rows.push({ name: `offsets: ${label}, whole process`, value: `${s.toFixed(2)} s (${(bytes / 2 ** 20 / s).toFixed(0)} MiB/s)${vs}, peak RSS ${rss.toFixed(0)} MB`, target: 'measured', pass: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runOffsetsBench()) process.stdout.write(`${r.name}: ${r.value} (target ${r.target})\n`);
}
