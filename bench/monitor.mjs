// `npm run bench -- monitor`: golive monitor's delivery-rate computation against GoAccess (Debian's
// `goaccess`, the log analyser people already run) on the same generated `combined` access logs of
// 1 and 10 million lines, interleaved in one run (golive, GoAccess with all panels, GoAccess with
// the comparable panels only; medians), with wall time, CPU time and peak RSS; linear growth from
// 1M to 10M lines; and a 1-million-event ledger export. The logs are generated once into
// bench/.work/ (about 1.3 GB for 10M lines) and reused.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
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
// A shop's traffic: pages, assets and API calls by a pool of returning visitors, each with one
// browser; webhook deliveries from MintCash's few sender addresses. (An earlier generator gave
// nearly every line its own client address: no real log looks like that, and it is GoAccess's
// worst case, a host and a visitor record per line.)
const PATHS = ['/', '/cart', '/checkout', '/checkout/complete', '/account', '/search?q=shoes', '/api/cart', '/api/orders?page=2', '/favicon.ico', '/robots.txt'];
const STATIC = ['/static/app.3f9a.js', '/static/app.3f9a.css', '/static/logo.svg', '/static/hero.webp'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const VISITORS = 50_000;
const MINTCASH_IPS = ['203.0.113.10', '203.0.113.11', '203.0.113.12'];

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
  return ensureFile(`access-v2-${lines / 1e6}M.log`, lines, 80, (i) => {
    const when = timeLocal(T0 + i * step);
    if (i % 3 === 0) {
      const status = i % 997 === 0 ? 502 : 200;
      return `${MINTCASH_IPS[i % 3]} - - [${when}] "POST /webhooks/mintcash HTTP/1.1" ${status} 2 "-" "MintCash-Webhooks/1.0"\n`;
    }
    const v = Math.imul(i, 2654435761) >>> 0;
    const visitor = v % VISITORS;
    const asset = v % 5 < 2;
    const p = asset ? STATIC[v % STATIC.length] : v % 3 === 0 ? `/products/${v % 500}` : PATHS[v % PATHS.length];
    const status = asset && v % 7 === 0 ? 304 : v % 53 === 0 ? 404 : 200;
    const ref = v % 4 === 0 ? '-' : 'https://shop.example/';
    return `198.51.${visitor >> 8}.${visitor & 255} - - [${when}] "GET ${p} HTTP/1.1" ${status} ${status === 304 ? 0 : 200 + (v % 50_000)} "${ref}" "${UAS[visitor % UAS.length]}"\n`;
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

// glibc re-reads /etc/localtime (a stat() per call) in every localtime()/mktime() while TZ is
// unset: GoAccess converts every line's time, so without TZ it makes one system call per line
// (strace: 20,028 newfstatat for 20,000 lines). Both tools get TZ=UTC, as on a server that sets it.
const ENV = { TZ: 'UTC' };
const golive = (args) => timed(NODE, [BIN, 'monitor', WORK, '--quiet', '--format', 'json', '-o', path.join(WORK, 'out.json'), ...args], ROOT, ENV);
/** GoAccess's panels other than requests, status codes and visit times (the delivery-rate work). */
const OTHER_PANELS = ['VISITORS', 'REQUESTS_STATIC', 'NOT_FOUND', 'HOSTS', 'OS', 'BROWSERS', 'VIRTUAL_HOSTS', 'REFERRERS', 'REFERRING_SITES', 'KEYPHRASES', 'REMOTE_USER', 'CACHE_STATUS', 'GEO_LOCATION', 'MIME_TYPE', 'TLS_TYPE'];
/** GoAccess as a batch run: a JSON report, no real-time HTML, no persistence, no progress meter. */
const goaccess = (file, few) =>
  timed('goaccess', [file, '--log-format=COMBINED', '--no-global-config', '--no-progress', ...(few ? OTHER_PANELS.map((p) => `--ignore-panel=${p}`) : []), '-o', path.join(WORK, 'goaccess.json')], ROOT, ENV);

/** Both tools must have read every line as valid: a format mismatch would make either look fast. */
function checkCounts(n, tool) {
  const file = path.join(WORK, tool === 'golive' ? 'out.json' : 'goaccess.json');
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const [seen, bad] = tool === 'golive' ? [r.inputs[0].lines, r.inputs[0].malformed] : [r.general.total_requests, r.general.failed_requests];
  if (seen !== n || bad !== 0) throw new Error(`${tool} read ${seen} lines (${bad} not understood) of ${n}`);
}

const load = () => os.loadavg()[0].toFixed(1);
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
const perSec = (n, ms) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} lines/s`;

export async function runMonitorBench({ runs = 3, say = (s) => process.stdout.write(`${s}\n`) } = {}) {
  const rows = [];
  const row = (name, value, target, pass) => rows.push({ name, value, target, pass });
  const hasGoaccess = spawnSync('goaccess', ['--version'], { stdio: 'ignore' }).status === 0;
  const sizes = [1_000_000, 10_000_000];
  const med = {};
  for (const n of sizes) {
    const file = await ensureLog(n);
    say(`monitor: ${path.relative(ROOT, file)} (${(statSync(file).size / 1e9).toFixed(2)} GB), ${runs} interleaved runs, load ${load()}`);
    const tools = hasGoaccess ? ['golive', 'goaccess', 'goaccess-few'] : ['golive'];
    const got = Object.fromEntries(tools.map((t) => [t, { ms: [], cpu: [], rss: 0 }]));
    for (let i = 0; i < runs; i++) {
      for (const t of tools) {
        const x = t === 'golive' ? golive(['--access-log', file, '--webhook-path', '/webhooks/mintcash', '--access-log-format', 'combined']) : goaccess(file, t === 'goaccess-few');
        if (t === 'golive' ? x.status !== 0 && x.status !== 1 : x.status !== 0) throw new Error(`${t} failed (${x.status}): ${x.stderr?.slice(0, 300)}`);
        checkCounts(n, t === 'golive' ? 'golive' : 'goaccess');
        got[t].ms.push(x.ms);
        if (x.cpuS !== undefined) got[t].cpu.push(x.cpuS);
        got[t].rss = Math.max(got[t].rss, x.rssMb ?? 0);
      }
    }
    const m = Object.fromEntries(tools.map((t) => [t, { ms: median(got[t].ms), cpu: got[t].cpu.length ? median(got[t].cpu) : undefined, rss: got[t].rss }]));
    med[n] = m;
    const label = `${n / 1e6}M-line combined log`;
    const g = m.golive;
    const cpu = (x) => (x.cpu === undefined ? '' : `, ${x.cpu.toFixed(1)} s CPU`);
    row(`${label}: golive monitor delivery rate`, `${sec(g.ms)} (${perSec(n, g.ms)})${cpu(g)}, ${g.rss.toFixed(0)} MB`, 'measured', true);
    if (hasGoaccess) {
      for (const [t, name] of [['goaccess', 'GoAccess 1.7, all panels'], ['goaccess-few', 'GoAccess 1.7, requests/status/visit-time panels only']]) {
        const a = m[t];
        row(`${label}: ${name}`, `${sec(a.ms)} (${perSec(n, a.ms)})${cpu(a)}, ${a.rss.toFixed(0)} MB`, 'reference', true);
        const wall = a.ms / g.ms;
        const byCpu = a.cpu && g.cpu ? ` (CPU ${(a.cpu / g.cpu).toFixed(2)}x)` : '';
        row(`${label}: golive vs ${name}`, `${wall.toFixed(2)}x by wall clock${byCpu}`, '>= 2x', wall >= 2);
      }
    } else row(`${label}: GoAccess`, 'skipped: goaccess is not installed (Debian: apt-get install goaccess)', 'reference', undefined);
    row(`${label}: golive peak RSS`, `${g.rss.toFixed(0)} MB`, '<= 200 MB', g.rss > 0 ? g.rss <= 200 : undefined);
    say(`monitor: ${label} done, load ${load()}`);
  }
  const ratio = med[10_000_000].golive.ms / med[1_000_000].golive.ms;
  row('golive 10M / 1M lines (time)', ratio.toFixed(2), '<= 11 (linear)', ratio <= 11);
  const ledger = await ensureLedger(1_000_000);
  const t = [];
  const c = [];
  let lrss = 0;
  for (let i = 0; i < runs; i++) {
    const x = golive(['--events', ledger]);
    t.push(x.ms);
    if (x.cpuS !== undefined) c.push(x.cpuS);
    lrss = Math.max(lrss, x.rssMb ?? 0);
  }
  row('1M-event ledger (NDJSON): golive monitor', `${sec(median(t))}${c.length ? `, ${median(c).toFixed(1)} s CPU` : ''}, ${lrss.toFixed(0)} MB, load ${load()}`, '< 10 s', median(t) < 10_000);
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const r of await runMonitorBench({ runs: Number(process.env.RUNS ?? 3) })) process.stdout.write(`${r.name}  ${r.value}  ${r.target}  ${r.pass === undefined ? 'skipped' : r.pass ? 'PASS' : 'MISS'}\n`);
}
