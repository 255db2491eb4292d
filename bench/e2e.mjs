// End-to-end benchmark (issue 14): whole `golive` processes timed as a user runs them, interleaved
// with ripgrep over the same files (rg, golive scan, golive full check, rg, …), medians of RUNS
// runs, so machine load hits both sides alike. On a real checkout (`--tree <dir>`) the tree is
// copied once to bench/.work/real-<name> and keys are planted there (a text file, a UTF-16 file,
// a binary, a >8 MiB file, a minified one-line file), so recall is checked on the real shape.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BIN = path.join(ROOT, 'bin', 'golive.js');
const SCAN_ID = 'credentials.no-secrets-in-source';
/** The Node.js that runs golive (and `node -e 0`): GOLIVE_BENCH_NODE=/path/to/node compares versions. */
export const NODE = process.env.GOLIVE_BENCH_NODE || process.execPath;

// The same question ripgrep is asked: every key-shaped string or sandbox URL, dotfiles included,
// .git excluded, binaries searched too (golive reads them as bytes), no size cap (golive streams).
const RG_PATTERN = '(?:^|[^A-Za-z0-9])[ps]k_(?:live|test)_[A-Za-z0-9]{8}|sandbox\\.mintcash\\.me';
export const RG_ARGS = ['--no-config', '--hidden', '--text', '-g', '!.git', '-c', '-e', RG_PATTERN, '.'];

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function hasRg() {
  return spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
}

export const RG_MISSING = 'ripgrep (rg) is not on the PATH: install it (Debian/Ubuntu: `apt-get install -y ripgrep`, macOS: `brew install ripgrep`) for the ratios';

/** One timed process: wall ms, peak RSS and CPU seconds (GNU time when present), exit status, stdout. */
export function timed(cmd, args, cwd, env = {}) {
  const gnuTime = existsSync('/usr/bin/time');
  const rssFile = path.join(os.tmpdir(), `golive-bench-rss-${process.pid}`);
  const [c, a] = gnuTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', ...env } });
  const ms = performance.now() - t0;
  let rssMb;
  let cpuS;
  if (gnuTime && existsSync(rssFile)) {
    // The last line: time writes "Command exited with non-zero status N" before it.
    const [kb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    rssMb = kb / 1024;
    cpuS = user + sys;
    rmSync(rssFile, { force: true });
  }
  return { ms, rssMb, cpuS, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PLANT_VERSION = 2;
const fakeKey = (seed) => {
  let s = '';
  let x = seed * 2654435761;
  for (let i = 0; i < 28; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += ALNUM[x % 62];
  }
  return ['sk', 'live', s].join('_');
};

/**
 * A copy of a real checkout with keys planted; reused while the source commit is the same.
 * Returns { dir, commit, planted: [{ file, line?, offset?, value }] }.
 */
export function plantedCopy(src, log) {
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: src, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const dir = path.join(HERE, '.work', `real-${path.basename(path.resolve(src))}`);
  const man = `${dir}.json`;
  if (existsSync(man)) {
    const m = JSON.parse(readFileSync(man, 'utf8'));
    if (m.commit === commit && m.version === PLANT_VERSION && existsSync(dir)) return m;
  }
  log(`copying ${src} to ${path.relative(ROOT, dir)} and planting keys (one-off)…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(src, dir, { recursive: true, verbatimSymlinks: true });
  const planted = [];
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).stdout.split('\0').filter(Boolean);
  const text = files.filter((f) => /\.(ts|js|py|json|md|yml|yaml)$/.test(f));
  // Ten tracked text files, spread over the listing: a key appended as a new last line.
  for (let i = 0; i < 10 && text.length; i++) {
    const file = text[Math.floor(((i + 0.5) * text.length) / 10)];
    const abs = path.join(dir, file);
    let body;
    try {
      body = readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    const value = fakeKey(i + 1);
    const sep = body.endsWith('\n') || body.length === 0 ? '' : '\n';
    writeFileSync(abs, `${body}${sep}const leaked = '${value}';\n`);
    planted.push({ file, line: (body + sep).split('\n').length, value });
  }
  const add = (file, content, entry) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
    planted.push({ file, ...entry });
  };
  const k = (n) => fakeKey(100 + n);
  add('golive-bench/settings.ini', Buffer.from(`\ufeff[pay]\r\nkey=${k(1)}\r\n`, 'utf16le'), { line: 2, value: k(1) });
  const db = Buffer.alloc(256 * 1024, 0);
  Buffer.from('SQLite format 3\0').copy(db);
  Buffer.from(k(2)).copy(db, 100_000);
  add('golive-bench/app.sqlite', db, { offset: 100_000, value: k(2) });
  add('golive-bench/huge.log', `${'request ok 200\n'.repeat(700_000)}token ${k(3)}\n`, { line: 700_001, value: k(3) });
  add('golive-bench/bundle.min.js', `${'var a=1;'.repeat(400_000)}k="${k(4)}";`, { line: 1, value: k(4) });
  // Tracked, so the checkout's .gitignore (e.g. `*.log`) cannot hide them from either tool's listing.
  spawnSync('git', ['add', '-f', '--', ...new Set(planted.map((p) => p.file))], { cwd: dir });
  const m = { version: PLANT_VERSION, dir, commit, planted };
  writeFileSync(man, JSON.stringify(m, null, 1));
  return m;
}

/** Recall of planted secret keys in a JSON report (findings carry file, line or byte offset, masked key). */
export function recallOf(reportText, planted) {
  let report;
  try {
    report = JSON.parse(reportText);
  } catch {
    return { hit: 0, total: planted.length, missed: ['(no JSON report)'] };
  }
  const findings = report.checks.find((c) => c.id === SCAN_ID)?.findings ?? [];
  const seen = new Set(findings.map((f) => `${f.file}\0${f.line ?? ''}\0${f.evidence?.byteOffset ?? ''}\0${f.evidence?.key}`));
  const mask = (v) => `${v.slice(0, 8)}…${v.slice(-4)}`;
  const missed = planted.filter((p) => !seen.has(`${p.file}\0${p.line ?? ''}\0${p.offset ?? ''}\0${mask(p.value)}`)).map((p) => `${p.file}:${p.line ?? `@${p.offset}`}`);
  return { hit: planted.length - missed.length, total: planted.length, missed };
}

/**
 * Interleaved runs over one tree. Returns medians (ms), peak RSS (MB) of the full check, the
 * scan's recall and the ratios rg/golive.
 */
export function measureTree(dir, planted, runs, log) {
  const rg = hasRg();
  const scanArgs = [BIN, 'check', dir, '--offline', '--only', SCAN_ID, '--format', 'json'];
  const fullArgs = [BIN, 'check', dir, '--offline', '--format', 'json'];
  const t = { rg: [], scan: [], full: [], node: [] };
  let rss = 0;
  let lastScan;
  let lastFull;
  // One warm-up round (page cache, lazy module compilation) that is not counted.
  for (let i = -1; i < runs; i++) {
    const r = rg ? timed('rg', RG_ARGS, dir) : undefined;
    const s = timed(NODE, scanArgs, ROOT);
    const f = timed(NODE, fullArgs, ROOT);
    const n = timed(NODE, ['-e', '0'], ROOT);
    if (i < 0) continue;
    if (r) t.rg.push(r.ms);
    t.scan.push(s.ms);
    t.full.push(f.ms);
    t.node.push(n.ms);
    rss = Math.max(rss, f.rssMb ?? 0);
    lastScan = s;
    lastFull = f;
    log(`  run ${i + 1}/${runs}: rg ${r ? r.ms.toFixed(0) : '-'} ms, scan ${s.ms.toFixed(0)} ms (exit ${s.status}), full ${f.ms.toFixed(0)} ms (exit ${f.status}, ${f.rssMb?.toFixed(0) ?? '?'} MB)`);
  }
  const med = { rg: rg ? median(t.rg) : undefined, scan: median(t.scan), full: median(t.full), node: median(t.node) };
  const recall = planted ? recallOf(lastScan.stdout, planted) : undefined;
  const fullOk = lastFull.status === 0 || lastFull.status === 1;
  return { med, rss, recall, fullOk, fullErr: fullOk ? '' : (lastFull.stderr || '').trim().split('\n')[0] };
}

/** Times `golive check --history` (the secret check only) against plain `git log -p` on one repository. */
/**
 * `golive check --history` (every commit, or `range`: a pull request's) against `git log -p` over the
 * same commits; `range` '' times the same check without --history (the work-tree scan alone).
 */
export function measureHistory(dir, runs, log, range) {
  const args = [BIN, 'check', dir, '--offline', ...(range === '' ? [] : [range ? `--history=${range}` : '--history']), '--only', SCAN_ID, '--format', 'json'];
  const gitArgs = range === '' ? ['ls-files', '-z'] : ['log', ...(range ? [range] : ['--all']), '-p', '--unified=0', '--no-color', '--cc', '--format=%H'];
  const g = [];
  const h = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const gl = timed('git', gitArgs, dir);
    const r = timed(NODE, args, ROOT);
    g.push(gl.ms);
    h.push(r.ms);
    last = r;
    const what = range === '' ? 'git ls-files' : 'git log -p';
    log(`  run ${i + 1}/${runs}: ${what} ${gl.ms.toFixed(0)} ms, golive ${range === '' ? 'without --history' : `--history${range ? ` ${range}` : ''}`} ${r.ms.toFixed(0)} ms (exit ${r.status})`);
  }
  let check;
  try {
    check = JSON.parse(last.stdout).checks[0];
  } catch {
    check = undefined;
  }
  return { git: median(g), golive: median(h), status: check?.status ?? `exit ${last.status}`, summary: check?.summary ?? (last.stderr || '').split('\n')[0] };
}
