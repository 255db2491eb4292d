// Plugin start-up cost (issue 13 part 3): whole `golive check --offline` processes with 0, 1 and 4
// plugins (each plugin has 3 checks), interleaved in one loop so machine noise hits each alike,
// medians of 7. A plugin costs one sandboxed process (compile + start + import), shared by its
// checks; the figures are the added wall time per plugin and per check over the plugin-free run.
// `runPluginBench()` returns rows { name, value, target, pass }; `node bench/plugins.mjs` prints them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, NODE } from './e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'golive.js');
const RUNS = 7;

function project(dir, plugins) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'README.md'), '# shop\n');
  const specs = [];
  for (let p = 0; p < plugins; p++) {
    const checks = [0, 1, 2].map((i) => `{ id: 'c${i}', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: ['repo'], run: ({ evidence }) => ({ summary: evidence.repo.files.length + ' files' }) }`);
    writeFileSync(path.join(dir, `p${p}.mjs`), `export default { apiVersion: 1, namespace: 'bench${p}', checks: [${checks.join(',')}] };\n`);
    specs.push(`./p${p}.mjs`);
  }
  writeFileSync(path.join(dir, 'golive.config.json'), JSON.stringify({ plugins: specs }));
}

function time(dir, only) {
  const t0 = performance.now();
  const r = spawnSync(NODE, [BIN, 'check', dir, '--offline', '--format', 'json', '--only', only], { encoding: 'utf8' });
  // 1 is a failed gate (no keys are configured here): a finished run all the same.
  if (r.status !== 0 && r.status !== 1) throw new Error(`golive exited ${r.status}: ${r.stderr.split('\n')[0]}`);
  return performance.now() - t0;
}

export async function runPluginBench() {
  const work = mkdtempSync(path.join(tmpdir(), 'golive-bench-plugins-'));
  try {
    const ids = (n) => Array.from({ length: n }, (_, p) => [0, 1, 2].map((i) => `bench${p}/c${i}`)).flat();
    const shapes = Object.fromEntries([0, 1, 4].map((n) => [n, ['credentials.live-keys', ...ids(n)].join(',')]));
    for (const n of Object.keys(shapes)) project(path.join(work, `p${n}`), Number(n));
    const t = { 0: [], 1: [], 4: [] };
    const bare = [];
    for (let i = 0; i < RUNS; i++) {
      for (const n of Object.keys(shapes)) t[n].push(time(path.join(work, `p${n}`), shapes[n]));
      const b0 = performance.now();
      spawnSync(NODE, ['-e', '0']);
      bare.push(performance.now() - b0);
    }
    const [m0, m1, m4, mb] = [median(t[0]), median(t[1]), median(t[4]), median(bare)];
    return [
      { name: `plugins: check with 0 / 1 / 4 plugins (median of ${RUNS})`, value: `${m0.toFixed(0)} / ${m1.toFixed(0)} / ${m4.toFixed(0)} ms`, target: '-', pass: true },
      { name: 'plugins: added start-up per plugin (1 plugin; 4 plugins / 4)', value: `${(m1 - m0).toFixed(0)} ms; ${((m4 - m0) / 4).toFixed(0)} ms`, target: '-', pass: true },
      { name: 'plugins: 4 plugins vs none (ratio, same run)', value: (m4 / m0).toFixed(2), target: '-', pass: true },
      { name: 'plugins: added per plugin / `node -e 0` (same run)', value: `${((m4 - m0) / 4 / mb).toFixed(2)}x of ${mb.toFixed(0)} ms`, target: '<= 3x', pass: (m4 - m0) / 4 / mb <= 3 },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runPluginBench()) process.stdout.write(`${r.name}: ${r.value} (target ${r.target}) ${r.pass ? 'PASS' : 'MISS'}\n`);
}
