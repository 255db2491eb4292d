// Issue 3's benchmark (webhook probes), run against the built dist/ on loopback HTTPS:
// - probe overhead: golive's measured latency minus the handler's own time, median < 5 ms;
// - the full webhook section (collector + every webhook check) against a fast endpoint < 2 s;
// - against a handler that never answers, the section ends within probes.timeoutMs + 2 s.
// `runWebhookBench()` returns rows { name, value, target, pass }; `node bench/webhook.mjs` prints them.
import { spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import forge from 'node-forge';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;
const SECRET = 'bench-webhook-secret-0123456789abcdef';
const NEVER_TIMEOUT_MS = 1000;

/** ECDSA P-256 certificates via the openssl CLI (what most public endpoints serve); null without it. */
function ecPki() {
  const dir = mkdtempSync(path.join(tmpdir(), 'golive-bench-pki-'));
  const run = (args, input) =>
    spawnSync('openssl', args, { cwd: dir, input, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'ignore'] }).status === 0;
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const ok =
      run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=golive bench CA']) &&
      run(['req', '-new', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1']) &&
      run(
        ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', 'leaf.pem', '-extfile', '/dev/stdin'],
        'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
      );
    if (!ok) return null;
    const read = (f) => readFileSync(path.join(dir, f), 'utf8');
    return { ca: read('ca.pem'), cert: read('leaf.pem'), key: read('leaf.key') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pki() {
  const DAY = 86_400_000;
  const pair = () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const priv = forge.pki.privateKeyFromPem(pem);
    return { pem, priv, pub: forge.pki.setRsaPublicKey(priv.n, priv.e) };
  };
  const make = (kp, cn, serial) => {
    const c = forge.pki.createCertificate();
    c.publicKey = kp.pub;
    c.serialNumber = serial;
    c.validity.notBefore = new Date(Date.now() - DAY);
    c.validity.notAfter = new Date(Date.now() + 90 * DAY);
    c.setSubject([{ name: 'commonName', value: cn }]);
    return c;
  };
  const caKp = pair();
  const ca = make(caKp, 'golive bench CA', '01');
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, critical: true }]);
  ca.sign(caKp.priv, forge.md.sha256.create());
  const leafKp = pair();
  const leaf = make(leafKp, '127.0.0.1', '02');
  leaf.setIssuer(ca.subject.attributes);
  leaf.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }, { name: 'extKeyUsage', serverAuth: true }]);
  leaf.sign(caKp.priv, forge.md.sha256.create());
  return { ca: forge.pki.certificateToPem(ca), cert: forge.pki.certificateToPem(leaf), key: leafKp.pem };
}

/** A correct, fast handler (or one that never answers); records its own time per request. */
async function serve(tls, never = false) {
  const handlerMs = [];
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (never) return;
      const t0 = process.hrtime.bigint();
      const raw = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers['x-signature'] ?? ''), 'hex');
      const want = createHmac('sha256', SECRET).update(raw).digest();
      let status = 401;
      if (given.length === want.length && timingSafeEqual(given, want)) {
        status = JSON.parse(raw.toString('utf8')).environment === 'live' ? 200 : 400;
      }
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
      handlerMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${server.address().port}/hook`;
  return {
    url,
    handlerMs,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runWebhookBench() {
  const [{ httpProbe }, { collectWebhookWith }, { configSchema }, { buildProbe }, checks] = await Promise.all([
    import(dist('src/evidence/http-probe.js')),
    import(dist('src/evidence/webhook.js')),
    import(dist('src/config/schema.js')),
    import(dist('src/mintcash/probe-events.js')),
    import(dist('checks/index.js')),
  ]);
  const webhookChecks = checks.builtinChecks.filter((c) => c.requires.includes('webhook'));
  const tls = ecPki() ?? pki();
  const rows = [];
  const ca = [tls.ca];

  // 1. Probe overhead: total minus the handler's own time, fresh connection each time.
  const fast = await serve(tls);
  const overhead = [];
  for (let i = 0; i < 65; i++) {
    const req = buildProbe('valid', SECRET, 'live');
    const r = await httpProbe(new URL(fast.url), { headers: req.headers, body: req.body, timeoutMs: 5000, ca });
    if (i >= 5 && r.status === 200) overhead.push(r.timings.totalMs - fast.handlerMs[fast.handlerMs.length - 1]);
  }
  const ovh = median(overhead);
  rows.push({ name: 'webhook probe overhead on loopback (median, ms)', value: Number(ovh.toFixed(2)), target: '< 5', pass: ovh < 5 });

  // 2 and 3. The whole section: collector + every webhook check, as one run would.
  const section = async (url, timeoutMs) => {
    const config = configSchema.parse({ webhook: { url, allowPrivateNetwork: true, probes: { timeoutMs } } });
    const options = { offline: false, history: false, requireRehearsal: false };
    const t0 = performance.now();
    const evidence = await collectWebhookWith({ config, options, env: { MINTCASH_WEBHOOK_SECRET: SECRET } }, { ca });
    const outcomes = await Promise.all(webhookChecks.map((c) => c.run({ evidence: { webhook: evidence }, config, options })));
    return { ms: performance.now() - t0, outcomes };
  };
  const good = await section(fast.url, 15000);
  const failing = good.outcomes.filter((o) => (o.findings ?? []).length > 0 || o.status === 'error').length;
  rows.push({ name: 'webhook section vs fast endpoint (ms)', value: Math.round(good.ms), target: '< 2000', pass: good.ms < 2000 && failing === 0 });
  await fast.close();

  const never = await serve(tls, true);
  const hung = await section(never.url, NEVER_TIMEOUT_MS);
  rows.push({
    name: `webhook section vs never-answering handler (ms, timeout ${NEVER_TIMEOUT_MS})`,
    value: Math.round(hung.ms),
    target: `< ${NEVER_TIMEOUT_MS + 2000}`,
    pass: hung.ms < NEVER_TIMEOUT_MS + 2000,
  });
  await never.close();
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await runWebhookBench();
  for (const r of rows) process.stdout.write(`${r.pass ? 'PASS' : 'MISS'}  ${r.name}: ${r.value} (target ${r.target})\n`);
}
