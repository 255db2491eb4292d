// Real-repository regression run (issue 12): `npm run bench:real -- [<path>] [--bin <golive.js>]`;
// without a path, every git checkout directly under GOLIVE_REAL_REPOS is run in turn.
// Runs the built CLI's full offline check over any checkout and prints every code finding and key
// finding with its file, so a reviewer reads them at once, plus files, counts and wall time. It
// measures and prints; it never fails on findings (exit 2 only when golive itself could not run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CODE = /^(webhook\.(timing-safe-compare|code-)|idempotency\.)/;
const KEYS = /^credentials\.(live-keys|no-secrets-in-source|no-test-keys-in-prod)$/;
/** Findings printed per check (GOLIVE_REAL_SHOW caps it); the counts always cover all of them. */
const SHOW = Number(process.env.GOLIVE_REAL_SHOW ?? Infinity);

const args = process.argv.slice(2);
const binAt = args.indexOf('--bin');
const bin = binAt >= 0 ? path.resolve(args[binAt + 1] ?? '') : path.join(ROOT, 'bin', 'golive.js');
const given = args.filter((_, i) => binAt < 0 || (i !== binAt && i !== binAt + 1))[0];
const realRoot = process.env.GOLIVE_REAL_REPOS;
const targets = given
  ? [given]
  : realRoot
    ? readdirSync(realRoot).sort().map((d) => path.join(realRoot, d)).filter((d) => existsSync(path.join(d, '.git')))
    : [];
if (targets.length === 0) {
  process.stderr.write(`usage: npm run bench:real -- <path to a checkout> [--bin <golive.js>]\n  or set GOLIVE_REAL_REPOS to a folder of checkouts${realRoot ? ` (${realRoot} holds none)` : ''}\n`);
  process.exit(2);
}
let failed = false;
for (const target of targets) failed = !runOne(target) || failed;
process.exit(failed ? 2 : 0);

/** One checkout: runs golive and prints its findings; false when golive wrote no report. */
function runOne(target) {
  const out = mkdtempSync(path.join(tmpdir(), 'golive-real-'));
  const report = path.join(out, 'report.json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MINTCASH_|GOLIVE_)/.test(k)));
  const t0 = performance.now();
  const run = spawnSync('node', [bin, 'check', path.resolve(target), '--offline', '--format', 'json', '--output', report], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    process.stderr.write(`golive did not write a report for ${target} (exit ${run.status}): ${(run.stderr || run.stdout).split('\n')[0]}\n`);
    return false;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const log = (s = '') => process.stdout.write(`${s}\n`);
  const checks = json.checks ?? [];
  const scanned = checks.find((c) => c.id === 'credentials.no-secrets-in-source')?.summary ?? '';
  log(`golive ${json.tool?.version ?? '?'} over ${path.resolve(target)}`);
  log(`wall time ${seconds.toFixed(1)} s, exit ${run.status}; ${scanned}`);
  let code = 0;
  let keys = 0;
  for (const c of checks) {
    const isCode = CODE.test(c.id);
    if (!isCode && !KEYS.test(c.id)) continue;
    const n = c.findings?.length ?? 0;
    if (isCode) code += n;
    else keys += n;
    const ev = c.evidence && Object.keys(c.evidence).length > 0 ? ` evidence=${JSON.stringify(c.evidence).slice(0, 200)}` : '';
    log(`\n${c.id}: ${c.status}, ${n} finding(s) - ${c.summary ?? ''}${ev}`);
    for (const f of (c.findings ?? []).slice(0, SHOW)) log(`  ${f.file ?? '-'}:${f.line ?? '-'} ${f.messageId ?? ''} ${String(f.message).slice(0, 180)}`);
    if (n > SHOW) log(`  ... and ${n - SHOW} more`);
  }
  log(`\nTOTAL code findings ${code}, key findings ${keys}, wall time ${seconds.toFixed(1)} s`);
  return true;
}
