// Issues 5 and 15: the emulator sustains >= 500 payment creations/s on loopback with p99 < 50 ms
// WITH a state file (every write fsync'ed to its log before the 200), idempotent replays included
// (every fifth request resends an earlier externalId and payload), and no payment is lost or
// duplicated. The in-memory emulator (no state file) is the reference, interleaved with the durable
// one in the same run, medians of ROUNDS. Bounded in count and in time; loopback only.
// `runEmulatorBench()` returns rows { name, value, target, pass }; `node bench/emulator.mjs` prints them.
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './e2e.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// GOLIVE_BENCH_DIST points at another build output (e.g. a scratch build) instead of dist/.
const dist = (p) => pathToFileURL(path.join(process.env.GOLIVE_BENCH_DIST ?? path.join(ROOT, 'dist'), p)).href;

const TOTAL = 4_000;
const ROUNDS = 5;
const CONCURRENCY = 16;
const TIME_LIMIT_MS = 30_000;
const REPLAY_EVERY = 5;

function post(agent, url, auth, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function runOnce(durable) {
  const { startEmulator } = await import(dist('src/emulator/server.js'));
  const dir = durable ? await mkdtemp(path.join(tmpdir(), 'golive-bench-emu-')) : undefined;
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, ...(dir ? { statePath: path.join(dir, 'state.json') } : {}) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const { publicKey, secretKey } = emu.credentials('test');
    const auth = `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString('base64')}`;
    const url = `${emu.url}/payments`;
    const payload = (i) => ({ amount: 100 + (i % 900), currency: 'USD', externalId: `bench_${i}`, customer: { externalId: `c_${i % 50}` }, cardToken: 'tok_emulator_visa' });
    // Warm-up: connections, JIT.
    await Promise.all(Array.from({ length: 50 }, (_, i) => post(agent, url, auth, payload(-1 - i))));

    const latencies = [];
    const idByExternal = new Map();
    let next = 0;
    let originals = 0;
    let replays = 0;
    let mismatched = 0;
    let errors = 0;
    const deadline = performance.now() + TIME_LIMIT_MS;
    const t0 = performance.now();
    const worker = async () => {
      while (next < TOTAL && performance.now() < deadline) {
        const n = next++;
        // Every REPLAY_EVERY-th request replays an earlier one (same externalId, same payload).
        const replay = n % REPLAY_EVERY === REPLAY_EVERY - 1 && originals > 0;
        const i = replay ? Math.floor((n * 7919) % originals) : originals++;
        const s = performance.now();
        const r = await post(agent, url, auth, payload(i));
        latencies.push(performance.now() - s);
        if (r.status !== 200) {
          errors++;
          continue;
        }
        if (replay) {
          replays++;
          const prev = idByExternal.get(`bench_${i}`);
          if (prev !== undefined && prev !== r.json.id) mismatched++;
        } else {
          idByExternal.set(`bench_${i}`, r.json.id);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const done = latencies.length;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Infinity;
    const p50 = latencies[Math.floor(latencies.length / 2)] ?? Infinity;
    const rate = done / seconds;
    const benchPayments = Object.values(emu.core.state.payments).filter((p) => p.externalId.startsWith('bench_') && !p.externalId.startsWith('bench_-'));
    const uniqueIds = new Set(benchPayments.map((p) => p.externalId)).size;
    const countOk = benchPayments.length === originals && uniqueIds === originals && idByExternal.size === originals && mismatched === 0 && errors === 0;
    return { rate, p99, p50, done, seconds, replays, stored: benchPayments.length, originals, mismatched, errors, countOk };
  } finally {
    agent.destroy();
    await emu.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}


export async function runEmulatorBench() {
  const durable = [];
  const memory = [];
  // Interleaved, so both see the same background load.
  for (let i = 0; i < ROUNDS; i++) {
    memory.push(await runOnce(false));
    durable.push(await runOnce(true));
  }
  const rate = median(durable.map((r) => r.rate));
  const p99 = median(durable.map((r) => r.p99));
  const p50 = median(durable.map((r) => r.p50));
  const refRate = median(memory.map((r) => r.rate));
  const refP99 = median(memory.map((r) => r.p99));
  const last = durable.at(-1);
  const countOk = durable.every((r) => r.countOk);
  return [
    { name: 'durable emulator payment creations/s (16 in flight, fsync before 200)', value: `${rate.toFixed(0)}/s median of ${ROUNDS} (${(rate / refRate).toFixed(2)}x the in-memory reference's ${refRate.toFixed(0)}/s, same run)`, target: '>= 500/s', pass: rate >= 500 },
    { name: 'durable emulator create latency p99', value: `${p99.toFixed(1)} ms median of ${ROUNDS} (p50 ${p50.toFixed(1)} ms; in-memory p99 ${refP99.toFixed(1)} ms, ${(p99 / refP99).toFixed(2)}x)`, target: '< 50 ms', pass: p99 < 50 },
    { name: 'emulator payments after each run (no loss, no duplicate)', value: `${last.stored} stored / ${last.originals} unique externalIds, ${last.mismatched} replay mismatches, ${last.errors} errors (last round)`, target: 'stored = unique, 0 mismatches', pass: countOk },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runEmulatorBench();
  for (const r of rows) process.stdout.write(`${r.pass ? 'PASS' : 'MISS'}  ${r.name}: ${r.value} (target ${r.target})\n`);
}
