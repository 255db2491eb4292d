// `npm run bench -- monitor`: golive monitor's delivery-rate computation against GoAccess (Debian's
// `goaccess`, the log analyser people already run) on the same generated `combined` access logs of
// 1 and 10 million lines, interleaved in one run (golive, goaccess, golive, …; medians), with peak
// RSS; linear growth from 1M to 10M lines; and a 1-million-event ledger export. The logs are
// generated once into bench/.work/ (about 1.6 GB for 10M lines) and reused.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, NODE, timed } from './e2e.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BIN = path.join(ROOT, 'bin', 'golive.js');
const WORK = path.join(HERE, '.work', 'monitor');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
const timeLocal = (t) => {
  const d = new Date(t);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
};
const PATHS = ['/', '/products/42', '/cart', '/checkout', '/static/app.3f9a.js', '/api/orders?page=2', '/favicon.ico'];
const UAS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'MintCash/1', 'curl/8.5.0'];

/** Writes `count` generated lines to `file` in 1 MB chunks, once; reused while large enough. */
async function ensureFile(name, count, minBytesPerLine, lineOf) {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, name);
  if (existsSync(file) && statSync(file).size > count * minBytesPerLine) return file;
  const out = createWriteStream(file);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += lineOf(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.once('finish', r));
  return file;
}

const T0 = Date.UTC(2026, 11, 1);

/** A week of a busy shop's combined log: a third webhook deliveries, the rest shop traffic. */
export function ensureLog(lines) {
  const step = (7 * 86_400_000) / lines;
  return ensureFile(`access-${lines / 1e6}M.log`, lines, 80, (i) => {
    const hook = i % 3 === 0;
    const status = hook ? (i % 997 === 0 ? 502 : 200) : i % 53 === 0 ? 404 : 200;
    const p = hook ? '/webhooks/mintcash' : PATHS[i % PATHS.length];
    return `10.${i % 250}.${(i >> 8) % 250}.${i % 199} - - [${timeLocal(T0 + i * step)}] "${hook ? 'POST' : 'GET'} ${p} HTTP/1.1" ${status} ${200 + (i % 5000)} "-" "${hook ? UAS[1] : UAS[i % 3]}"\n`;
  });
}

/** A ledger export of `events` MintCash envelopes (one payment outcome each, 1 in 19 failed). */
export function ensureLedger(events) {
  return ensureFile(`ledger-${events / 1e6}M.ndjson`, events, 200, (i) => {
    const failed = i % 19 === 0;
    const t = new Date(T0 + i * 600).toISOString();
    const data = { id: `pay-${i}`, externalId: `order_${i}`, status: failed ? 'failed' : 'succeeded', amount: 49.99, currency: 'USD', failureCode: failed ? 'card_declined' : null, failureMessage: null, providerTransactionId: `cpi_${i}` };
    return `${JSON.stringify({ eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, event: failed ? 'payment.failed' : 'payment.succeeded', type: 'payment', apiVersion: '2026-05-01', environment: 'live', createdAt: t, data, receivedAt: t })}\n`;
  });
}

const golive = (args) => timed(NODE, [BIN, 'monitor', WORK, '--quiet', '--format', 'json', '-o', path.join(WORK, 'out.json'), ...args], ROOT);
const goaccess = (file) => timed('goaccess', [file, '--log-format=COMBINED', '--no-global-config', '--no-progress', '-o', path.join(WORK, 'goaccess.json')], ROOT);

export async function runMonitorBench({ runs = 3, say = (s) => process.stdout.write(`${s}\n`) } = {}) {
  const rows = [];
  const row = (name, value, target, pass) => rows.push({ name, value, target, pass });
  const hasGoaccess = spawnSync('goaccess', ['--version'], { stdio: 'ignore' }).status === 0;
  const sizes = [1_000_000, 10_000_000];
  const med = {};
  for (const n of sizes) {
    const file = await ensureLog(n);
    say(`monitor: ${path.relative(ROOT, file)} (${(statSync(file).size / 1e9).toFixed(2)} GB), ${runs} interleaved runs`);
    const g = [];
    const a = [];
    let rss = 0;
    let arss = 0;
    for (let i = 0; i < runs; i++) {
      const x = golive(['--access-log', file, '--webhook-path', '/webhooks/mintcash', '--access-log-format', 'combined']);
      if (x.status !== 0 && x.status !== 1) throw new Error(`golive monitor failed: ${x.stderr?.slice(0, 200)}`);
      g.push(x.ms);
      rss = Math.max(rss, x.rssMb ?? 0);
      if (hasGoaccess) {
        const y = goaccess(file);
        a.push(y.ms);
        arss = Math.max(arss, y.rssMb ?? 0);
      }
    }
    med[n] = { golive: median(g), goaccess: a.length ? median(a) : undefined, rss, arss };
    const label = `${n / 1e6}M-line combined log`;
    const gl = n / (med[n].golive / 1000);
    if (med[n].goaccess) {
      const al = n / (med[n].goaccess / 1000);
      row(`${label}: GoAccess 1.7 (median)`, `${(med[n].goaccess / 1000).toFixed(1)} s = ${Math.round(al).toLocaleString('en-US')} lines/s, ${arss.toFixed(0)} MB`, 'reference', true);
      row(`${label}: golive monitor delivery rate`, `${(med[n].golive / 1000).toFixed(1)} s = ${Math.round(gl).toLocaleString('en-US')} lines/s = ${(gl / al).toFixed(2)}x GoAccess`, '>= 2x', gl / al >= 2);
    } else {
      row(`${label}: GoAccess`, 'skipped: goaccess is not installed (Debian: apt-get install goaccess)', 'reference', undefined);
      row(`${label}: golive monitor delivery rate`, `${(med[n].golive / 1000).toFixed(1)} s = ${Math.round(gl).toLocaleString('en-US')} lines/s`, '>= 2x GoAccess', undefined);
    }
    row(`${label}: golive peak RSS`, `${rss.toFixed(0)} MB`, '<= 200 MB', rss > 0 ? rss <= 200 : undefined);
  }
  const ratio = med[10_000_000].golive / med[1_000_000].golive;
  row('golive 10M / 1M lines (time)', ratio.toFixed(2), '<= 11 (linear)', ratio <= 11);
  const ledger = await ensureLedger(1_000_000);
  const t = [];
  let lrss = 0;
  for (let i = 0; i < runs; i++) {
    const x = golive(['--events', ledger]);
    t.push(x.ms);
    lrss = Math.max(lrss, x.rssMb ?? 0);
  }
  row('1M-event ledger (NDJSON): golive monitor', `${(median(t) / 1000).toFixed(1)} s, ${lrss.toFixed(0)} MB`, '< 10 s', median(t) < 10_000);
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of await runMonitorBench({ runs: Number(process.env.RUNS ?? 3) })) process.stdout.write(`${r.name}  ${r.value}  ${r.target}  ${r.pass === undefined ? 'skipped' : r.pass ? 'PASS' : 'MISS'}\n`);
}
