// Scores golive against the hand-labelled corpus of real handlers and whole repositories
// (bench/corpus-2.json, issue 24): `npm run bench:corpus -- [--split heldout|tune] [--bin <golive.js>]`.
// Each repository is checked out under GOLIVE_REAL_REPOS as owner+name at the recorded commit; the
// built CLI runs a full offline check over the whole checkout (as a merchant would run it) and only
// its findings in the labelled files are scored. Prints precision and recall per kind, language and
// split, files golive did not take for a handler, MintCash-only or MintCash-worded findings on other
// providers' code, and every finding in the whole repositories with its hand-made class. It
// measures and prints; it exits 2 only when it cannot run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CODE = /^(webhook\.(timing-safe-compare|code-)|idempotency\.)/;
const MINTCASH_ONLY = new Set(['webhook.code-environment-guard', 'webhook.code-dedup']);

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const bin = path.resolve(opt('--bin') ?? path.join(ROOT, 'bin', 'golive.js'));
const split = opt('--split');
const corpus = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'corpus-2.json'), 'utf8'));
const realRoot = process.env.GOLIVE_REAL_REPOS;
const log = (s = '') => process.stdout.write(`${s}\n`);
if (!realRoot) {
  process.stderr.write('set GOLIVE_REAL_REPOS to a folder holding the corpus checkouts (owner+name at the recorded commit)\n');
  process.exit(2);
}

/** Runs golive over one checkout; the JSON report, or why there is none. */
function run(dir) {
  const out = mkdtempSync(path.join(tmpdir(), 'golive-corpus-'));
  const report = path.join(out, 'report.json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MINTCASH_|GOLIVE_)/.test(k)));
  const r = spawnSync(process.execPath, [bin, 'check', dir, '--offline', '--format', 'json', '--output', report], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  try {
    return { json: JSON.parse(readFileSync(report, 'utf8')) };
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout).split('\n')[0]}` };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function checkout(repo, commit) {
  const dir = path.join(realRoot, repo.replace('/', '+'));
  if (!existsSync(path.join(dir, '.git'))) return { missing: `${dir} is not a checkout` };
  const head = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  return { dir, ...(head !== commit ? { warn: `${repo} is at ${head.slice(0, 10)}, the corpus was labelled at ${commit.slice(0, 10)}` } : {}) };
}

/** Code findings and handler files of one report. */
function factsOf(json) {
  const findings = [];
  for (const c of json.checks ?? []) {
    if (!CODE.test(c.id)) continue;
    for (const f of c.findings ?? []) findings.push({ check: c.id, file: f.file, line: f.line, messageId: f.messageId, message: f.message });
  }
  const timing = (json.checks ?? []).find((c) => c.id === 'webhook.timing-safe-compare');
  const handlers = new Set((timing?.evidence?.handlers ?? []).map((h) => (typeof h === 'string' ? h.replace(/ \(.*\)$/, '') : h.file)));
  const setAside = json.setAside ?? [];
  return { findings, handlers, setAside };
}

const tally = () => ({ tp: 0, fp: 0, fn: 0, files: 0 });
const byKind = Object.fromEntries([...corpus.kinds, 'other'].map((k) => [k, tally()]));
const byLang = {};
const bySplit = {};
const problems = { unrecognised: [], mintcashOnly: [], mintcashWorded: [], missing: [], warnings: [], falsePositives: [], missed: [] };
const handlers = corpus.handlers.filter((h) => !split || h.split === split);
const repos = [...new Set(handlers.map((h) => h.repo))].sort();

for (const repo of repos) {
  const list = handlers.filter((h) => h.repo === repo);
  const co = checkout(repo, list[0].commit);
  if (co.missing) {
    problems.missing.push(co.missing);
    continue;
  }
  if (co.warn) problems.warnings.push(co.warn);
  const r = run(co.dir);
  if (r.error) {
    problems.missing.push(`${repo}: golive wrote no report (${r.error})`);
    continue;
  }
  const facts = factsOf(r.json);
  for (const h of list) {
    const lang = (byLang[h.language] ??= tally());
    const sp = (bySplit[h.split] ??= tally());
    lang.files++;
    sp.files++;
    const add = (kind, key, what) => {
      byKind[kind][key]++;
      lang[key]++;
      sp[key]++;
      if (key === 'fp') problems.falsePositives.push(what);
      if (key === 'fn') problems.missed.push(what);
    };
    if (h.role === 'verifies' && !facts.handlers.has(h.path)) problems.unrecognised.push(`${repo}:${h.path}`);
    const open = h.defects.map((d) => ({ ...d, hit: false }));
    for (const f of facts.findings.filter((x) => x.file === h.path)) {
      const where = `${repo}:${f.file}:${f.line} ${f.messageId}`;
      if (MINTCASH_ONLY.has(f.check)) problems.mintcashOnly.push(where);
      if (/mint\s?cash/i.test(f.message)) problems.mintcashWorded.push(`${where}: ${f.message.slice(0, 100)}`);
      if (corpus.kinds.includes(f.messageId)) {
        const label = open.find((d) => !d.hit && d.kind === f.messageId && f.line >= d.lines[0] && f.line <= d.lines[1]);
        if (label) {
          label.hit = true;
          add(f.messageId, 'tp');
        } else add(f.messageId, 'fp', where);
      } else if (!(h.accepted ?? []).some((a) => a.messageId === f.messageId && a.line === f.line)) add('other', 'fp', where);
    }
    for (const d of open.filter((x) => !x.hit)) add(d.kind, 'fn', `${repo}:${h.path}:${d.lines[0]} ${d.kind}`);
  }
}

const ratio = (a, b) => (b === 0 ? '-' : (a / b).toFixed(2));
const row = (name, t) => `${(t.files ? `${name} (${t.files} files)` : name).padEnd(40)} tp ${String(t.tp).padStart(3)}  fp ${String(t.fp).padStart(3)}  fn ${String(t.fn).padStart(3)}  precision ${ratio(t.tp, t.tp + t.fp).padStart(4)}  recall ${ratio(t.tp, t.tp + t.fn).padStart(4)}`;
log(`golive corpus score: ${handlers.length} handler files in ${repos.length} repositories${split ? ` (split ${split})` : ''}, ${bin}`);
log('\nper kind');
for (const [k, t] of Object.entries(byKind)) log(row(k, t));
log('\nper language (all kinds)');
for (const [k, t] of Object.entries(byLang).sort()) log(row(k, t));
log('\nper split (all kinds)');
for (const [k, t] of Object.entries(bySplit).sort()) log(row(k, t));
const list = (title, xs) => {
  log(`\n${title}: ${xs.length}`);
  for (const x of xs) log(`  ${x}`);
};
list('not recognised as a handler', problems.unrecognised);
list('MintCash-only findings on other providers\' code', problems.mintcashOnly);
list('findings worded for MintCash on other providers\' code', problems.mintcashWorded);
list('false positives', problems.falsePositives);
list('missed defects', problems.missed);
if (problems.warnings.length) list('warnings', problems.warnings);
if (problems.missing.length) list('not run', problems.missing);

// Whole repositories: every code finding, with the class read by hand (or "UNCLASSIFIED").
for (const w of split ? [] : corpus.repositories ?? []) {
  const co = checkout(w.repo, w.commit);
  if (co.missing) {
    log(`\n${w.repo}: ${co.missing}`);
    continue;
  }
  const t0 = performance.now();
  const r = run(co.dir);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.error) {
    log(`\n${w.repo}: golive wrote no report (${r.error})`);
    continue;
  }
  const facts = factsOf(r.json);
  log(`\n${w.repo} @ ${w.commit.slice(0, 10)} (${w.kind}): ${facts.findings.length} code finding(s), ${facts.handlers.size} handler file(s), ${facts.setAside.length} set aside, ${secs} s${co.warn ? ` [${co.warn}]` : ''}`);
  for (const f of facts.findings) {
    const c = (w.findings ?? []).find((x) => x.file === f.file && x.line === f.line && x.messageId === f.messageId);
    log(`  ${c ? c.class.toUpperCase().padEnd(6) : 'UNCLASSIFIED'} ${f.file}:${f.line} ${f.messageId}${c ? ` - ${c.why}` : ''}`);
  }
  for (const m of (w.missed ?? [])) log(`  MISSED? ${m.file}:${m.line} ${m.kind} - ${m.why}`);
}
