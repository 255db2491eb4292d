// Plugin cost (issue 22 part 5): whole `golive check --offline` processes on a small shop, the full
// checklist (23 built-in checks) with no plugins, with 1 plugin, and with 3 plugins (two of 3 plain
// checks each, and the example plugin with its options schema and a granted read), interleaved in
// one loop so machine load hits each alike, with `node -e 0` in the same loop; medians of RUNS.
// Wall time is what a user waits; CPU time (user + system of the golive process, all its threads,
// from the process's own report as it exits) is what load on a shared machine barely moves.
// Before the sandbox (Node child processes) a plugin cost 144 ms of wall time (issue 22).
// `runPluginBench()` returns rows { name, value, target, pass }; `node bench/plugins.mjs` prints them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, NODE } from './e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'golive.js');
const EXAMPLE = path.join(ROOT, 'examples', 'plugins', 'acme-policy', 'index.ts');
const RUNS = Number(process.env.GOLIVE_BENCH_RUNS) || 9;

function plain(dir, n) {
  const checks = [0, 1, 2].map((i) => `{ id: 'c${i}', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: ['repo'], run: ({ evidence }) => ({ summary: evidence.repo.files.length + ' files' }) }`);
  writeFileSync(path.join(dir, `p${n}.mjs`), `export default { apiVersion: 1, namespace: 'bench${n}', checks: [${checks.join(',')}] };\n`);
  return `./p${n}.mjs`;
}

function shop(dir, plugins) {
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'README.md'), '# shop\n');
  writeFileSync(path.join(dir, 'package-lock.json'), '{}\n');
  writeFileSync(path.join(dir, 'config', 'payments.json'), '{ "currencies": ["USD"] }\n');
  writeFileSync(path.join(dir, 'src.js'), "export const pay = (api, order) => api.post('/payments', { amount: order.total, externalId: order.id });\n");
  const entries = [];
  if (plugins >= 1) entries.push(plain(dir, 0));
  if (plugins >= 3) entries.push(plain(dir, 1), { use: EXAMPLE, options: { currencies: ['USD'] }, grants: { reads: ['config/**'] } });
  writeFileSync(path.join(dir, 'golive.config.json'), JSON.stringify({ plugins: entries }));
}

/** One run: wall ms, and the process's own CPU ms (all threads), reported as it exits. */
function time(dir, cpuFile) {
  const t0 = performance.now();
  const r = spawnSync(NODE, ['--require', path.join(path.dirname(cpuFile), 'cpu.cjs'), BIN, 'check', dir, '--offline', '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, GOLIVE_BENCH_CPU_FILE: cpuFile },
  });
  const ms = performance.now() - t0;
  // 1 is a failed gate (no keys are configured here): a finished run all the same.
  if (r.status !== 0 && r.status !== 1) throw new Error(`golive exited ${r.status}: ${r.stderr.split('\n')[0]}`);
  const checks = JSON.parse(r.stdout).checks.length;
  return { ms, cpu: Number(readFileSync(cpuFile, 'utf8')), checks };
}

export async function runPluginBench() {
  const work = mkdtempSync(path.join(tmpdir(), 'golive-bench-plugins-'));
  try {
    writeFileSync(path.join(work, 'cpu.cjs'), "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(process.env.GOLIVE_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n");
    const shapes = [0, 1, 3];
    for (const n of shapes) shop(path.join(work, `p${n}`), n);
    const t = Object.fromEntries(shapes.map((n) => [n, { ms: [], cpu: [], checks: 0 }]));
    const bare = [];
    // One warm-up of each (disk cache, esbuild's binary), then interleaved runs.
    for (const n of shapes) time(path.join(work, `p${n}`), path.join(work, 'cpu.txt'));
    for (let i = 0; i < RUNS; i++) {
      for (const n of shapes) {
        const r = time(path.join(work, `p${n}`), path.join(work, 'cpu.txt'));
        t[n].ms.push(r.ms);
        t[n].cpu.push(r.cpu);
        t[n].checks = r.checks;
      }
      const b0 = performance.now();
      spawnSync(NODE, ['-e', '0']);
      bare.push(performance.now() - b0);
    }
    const m = (n, k) => median(t[n][k]);
    const mb = median(bare);
    const perPlugin = m(1, 'ms') - m(0, 'ms');
    const ratio = m(3, 'ms') / m(0, 'ms');
    const cpuRatio = m(3, 'cpu') / m(0, 'cpu');
    return [
      { name: `plugins: check with 0 / 1 / 3 plugins, ${t[0].checks} / ${t[1].checks} / ${t[3].checks} checks (wall, median of ${RUNS})`, value: `${m(0, 'ms').toFixed(0)} / ${m(1, 'ms').toFixed(0)} / ${m(3, 'ms').toFixed(0)} ms`, target: '-', pass: true },
      { name: 'plugins: same, CPU of the golive process (all threads)', value: `${m(0, 'cpu').toFixed(0)} / ${m(1, 'cpu').toFixed(0)} / ${m(3, 'cpu').toFixed(0)} ms`, target: '-', pass: true },
      { name: 'plugins: start-up of the first plugin (1 plugin vs none), against 144 ms before the sandbox', value: `${perPlugin.toFixed(0)} ms wall, ${(m(1, 'cpu') - m(0, 'cpu')).toFixed(0)} ms CPU; ${(perPlugin / mb).toFixed(2)}x node -e 0 (${mb.toFixed(0)} ms)`, target: '-', pass: true },
      { name: 'plugins: each further plugin ((3 plugins - 1 plugin) / 2)', value: `${((m(3, 'ms') - m(1, 'ms')) / 2).toFixed(0)} ms wall, ${((m(3, 'cpu') - m(1, 'cpu')) / 2).toFixed(0)} ms CPU`, target: '-', pass: true },
      { name: 'plugins: the 3-plugin run vs the run without (wall; CPU)', value: `${ratio.toFixed(2)}x; ${cpuRatio.toFixed(2)}x`, target: '< 1.5x wall', pass: ratio < 1.5 },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runPluginBench()) process.stdout.write(`${r.name}: ${r.value} (target ${r.target}) ${r.pass ? 'PASS' : 'MISS'}\n`);
}
