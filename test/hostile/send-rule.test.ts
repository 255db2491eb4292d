// Secrets go only to MintCash, through the built CLI: a repository config pointing `api.baseUrl` at a
// real local server, in every spelling of this machine and a look-alike host, gets NOTHING from
// `check`, `rehearse --answers` or `report --verify --online` with live keys: not a request, not a
// TCP connection. (A preload resolves the look-alike host, and `localhost.`, to 127.0.0.1, as DNS
// for an attacker's domain would.) A control run with test keys (which may go there) reaches the same server, so
// each form is proven to lead to it. The operator override works and is announced before any
// byte leaves.
import { execa } from 'execa';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { tempDir, type TempDir } from '../helpers/git.js';
import { fakeKey } from '../helpers/keys.js';
import { makeCa } from '../helpers/tls.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { loadOrCreateOperatorKey } from '../../src/rehearsal/signing.js';
import { writeSignOff } from '../../src/rehearsal/files.js';
import { STEP_IDS, emptyStep, type RehearsalState } from '../../src/rehearsal/types.js';
import { maskSecret } from '../../src/engine/mask.js';
import { HAPPY_ANSWERS } from '../rehearsal/helpers.js';

const RESOLVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../helpers/resolve-loopback.mjs');
const LIVE = { MINTCASH_PUBLIC_KEY: fakeKey('pk', 'live', 'send'), MINTCASH_SECRET_KEY: fakeKey('sk', 'live', 'send') };
const TEST = { MINTCASH_PUBLIC_KEY: fakeKey('pk', 'test', 'send'), MINTCASH_SECRET_KEY: fakeKey('sk', 'test', 'send') };

/** A server on 127.0.0.1 and ::1 (one port) that counts every TCP connection and answers like MintCash. */
interface Recorder {
  port: number;
  connections: number;
  close(): Promise<void>;
}

let childStderr = '';

async function recorder(make: () => Server): Promise<Recorder> {
  const rec: Recorder = { port: 0, connections: 0, close: async () => undefined };
  for (let attempt = 0; ; attempt++) {
    const v4 = make();
    await new Promise<void>((r) => v4.listen(0, '127.0.0.1', r));
    const port = (v4.address() as AddressInfo).port;
    const v6 = make();
    const ok = await new Promise<boolean>((r) => {
      v6.once('error', () => r(false));
      v6.listen(port, '::1', () => r(true));
    });
    if (!ok && attempt < 5) {
      v4.close();
      continue;
    }
    const servers = ok ? [v4, v6] : [v4];
    for (const s of servers) s.on('connection', () => rec.connections++);
    rec.port = port;
    rec.close = async () => {
      for (const s of servers) {
        (s as http.Server).closeAllConnections?.();
        await new Promise((r) => s.close(r));
      }
    };
    return rec;
  }
}

/** What the golive child had printed on stderr when each request arrived. */
const stderrAtRequest: string[] = [];
const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
  stderrAtRequest.push(childStderr);
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiKeys: [{ id: 'k', publicKey: LIVE.MINTCASH_PUBLIC_KEY, environment: 'live', isActive: true, revokedAt: null }] }));
};

let tmp: TempDir;
let plain: Recorder;
let tls: Recorder;
let keyFile: string;

beforeAll(async () => {
  tmp = await tempDir('golive-send-rule-');
  const ca = makeCa();
  const leaf = ca.issue({ hosts: ['127.0.0.1', 'localhost'] });
  plain = await recorder(() => http.createServer(answer));
  tls = await recorder(() => https.createServer({ cert: leaf.cert, key: leaf.key }, answer));
  keyFile = path.join(tmp.dir, 'operator', 'operator-ed25519.pem');
}, 30_000);
afterAll(async () => {
  await plain?.close();
  await tls?.close();
  await tmp?.cleanup();
});

async function run(args: string[], env: Record<string, string>, cwd: string) {
  childStderr = '';
  const child = execa('node', [BIN, ...args], {
    cwd,
    env: cleanEnv({ NODE_OPTIONS: `--import=${RESOLVE}`, TEST_RESOLVE_TO_LOOPBACK: 'api.mintcash.com,localhost', ...env }),
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  child.stderr?.on('data', (d: Buffer) => (childStderr += d.toString()));
  const r = await child;
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A merchant directory whose committed config points api.baseUrl at url, with a valid signed sign-off naming it. */
async function merchant(name: string, url: string): Promise<{ dir: string; signOff: string }> {
  await tmp.write({
    [`${name}/golive.config.json`]: JSON.stringify({ environment: 'live', api: { baseUrl: url }, rehearsal: { keyFile } }),
    [`${name}/answers.json`]: JSON.stringify(HAPPY_ANSWERS),
  });
  const dir = path.join(tmp.dir, name);
  const at = '2026-01-05T10:00:00.000Z';
  const steps = Object.fromEntries(STEP_IDS.map((k) => [k, emptyStep()])) as RehearsalState['steps'];
  steps.charge = { ...emptyStep(), status: 'done', ids: { paymentId: 'pay_signed' }, facts: { amount: 100, currency: 'USD' } };
  const state: RehearsalState = {
    schemaVersion: 1,
    id: `r-${name}`,
    createdAt: at,
    updatedAt: at,
    status: 'in_progress',
    target: { baseUrl: url, baseUrlKind: 'production', keyEnvironment: 'live', publicKey: maskSecret(LIVE.MINTCASH_PUBLIC_KEY) },
    operator: { name: 'Ada', username: 'ada', hostname: 'h' },
    settings: { amount: 100, currency: 'USD', amountCap: 100, billingIntervalDays: 7, subscriptionAmount: 100, returnUrl: 'https://shop.example/' },
    steps,
    sessions: [],
  };
  const key = await loadOrCreateOperatorKey(keyFile, dir);
  const { files } = await writeSignOff(path.join(dir, 'golive-rehearsal'), state, 'test', key);
  return { dir, signOff: files[0]! };
}

const FORMS: Array<[string, () => string, () => Recorder]> = [
  ['IPv4-mapped IPv6, compressed', () => `http://[::ffff:7f00:1]:${plain.port}`, () => plain],
  ['IPv4-mapped IPv6, full', () => `http://[0:0:0:0:0:ffff:127.0.0.1]:${plain.port}`, () => plain],
  ['decimal IPv4', () => `http://2130706433:${plain.port}`, () => plain],
  ['octal IPv4', () => `http://0177.0.0.1:${plain.port}`, () => plain],
  ['hex IPv4', () => `http://0x7f.1:${plain.port}`, () => plain],
  ['trailing dot', () => `http://localhost.:${plain.port}`, () => plain],
  ['upper case', () => `http://LOCALHOST:${plain.port}`, () => plain],
  ['plain loopback', () => `http://127.0.0.1:${plain.port}`, () => plain],
  ['IPv6 loopback', () => `http://[::1]:${plain.port}`, () => plain],
  ['a typo of the live host', () => `http://api.mintcash.com:${plain.port}`, () => plain],
  ['https on this machine', () => `https://127.0.0.1:${tls.port}`, () => tls],
  ['https to a typo host', () => `https://api.mintcash.com:${tls.port}`, () => tls],
];

describe('live keys never reach a host the repository names', () => {
  it.each(FORMS)('%s: nothing through check, rehearse or report --verify --online', { timeout: 120_000 }, async (name, urlOf, serverOf) => {
    const url = urlOf();
    const server = serverOf();
    const { dir, signOff } = await merchant(name.replace(/\W+/g, '-'), url);

    server.connections = 0;
    const [check, rehearse, verify, named] = await Promise.all([
      run(['check', dir, '--only', 'credentials.keys-verified', '--format', 'json'], LIVE, dir),
      run(['rehearse', dir, '--answers', path.join(dir, 'answers.json'), '--key-file', keyFile], LIVE, dir),
      run(['report', '--verify', '--online', signOff], LIVE, dir),
      // The operator naming the URL is not enough either: live keys also need --allow-live-host.
      run(['check', dir, '--only', 'credentials.keys-verified', '--format', 'json', '--api-base-url', url], LIVE, dir),
    ]);
    expect(server.connections, `${url}: ${check.stderr}${rehearse.stderr}${verify.stderr}`).toBe(0);
    // Refused before anything runs: one line saying how to allow it, exit 2.
    expect(named.exitCode, named.stderr).toBe(2);
    expect(named.stderr).toMatch(/^golive: refusing to send live keys to \S+ \(--api-base-url\): .*also pass --allow-live-host /m);

    // check: a blocking finding that names the normalised host and how to allow it; the gate fails.
    expect(check.exitCode, check.stderr).toBe(1);
    const finding = JSON.parse(check.stdout).checks[0].findings[0];
    expect(finding.messageId).toMatch(/^live-keys-(loopback|other-host)$/);
    expect(finding.message).toMatch(/refusing to send live keys to \S+ \(api\.baseUrl in the repository config\)/);
    expect(finding.message).toMatch(/--allow-live-host (127\.0\.0\.1|::1|localhost|api\.mintcash\.com)\b/);
    // rehearse and report --verify --online: one line, exit 2, before anything was sent.
    for (const r of [rehearse, verify]) {
      expect(r.exitCode, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^golive: (cannot rehearse: )?refusing to send live keys to \S+ /m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(rehearse.stdout).not.toContain('LIVE: real money');

    // Control: test keys may go there when the operator names it, and they do reach this very server.
    const control = await run(['check', dir, '--only', 'credentials.keys-verified', '--format', 'json', '--api-base-url', url], TEST, dir);
    expect(server.connections, control.stdout + control.stderr).toBeGreaterThan(0);
  });
});

describe('the operator override', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  it('check: live keys go to a host named by --api-base-url and --allow-live-host, announced before the request', { timeout: 60_000 }, async () => {
    const { dir } = await merchant('override-check', 'https://api.mintcash.me');
    stderrAtRequest.length = 0;
    plain.connections = 0;
    const r = await run(['check', dir, '--only', 'credentials.keys-verified', '--format', 'json', '--api-base-url', `http://127.0.0.1:${plain.port}`, '--allow-live-host', '127.0.0.1'], LIVE, dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const announce = `golive: sending live keys to 127.0.0.1:${plain.port}, not MintCash's live API (allowed by --allow-live-host)`;
    expect(r.stderr).toContain(announce);
    expect(stderrAtRequest.length).toBeGreaterThan(0);
    // The request arrived after the announcement was on stderr.
    for (const seen of stderrAtRequest) expect(seen).toContain(announce);
    const c = JSON.parse(r.stdout).checks[0];
    expect(c.status).toBe('pass');
    expect(c.evidence).toMatchObject({ baseUrlSource: '--api-base-url', allowedHost: expect.stringContaining('allowed by --allow-live-host') });
  });

  it('report --verify --online: the same through GOLIVE_API_BASE_URL and GOLIVE_ALLOW_LIVE_HOST', { timeout: 60_000 }, async () => {
    const live = emu.credentials('live');
    const url = emu.liveUrl;
    const { dir, signOff } = await merchant('override-verify', url);
    // The sign-off was made with these keys (its masked public key must match).
    const env = { MINTCASH_PUBLIC_KEY: live.publicKey, MINTCASH_SECRET_KEY: live.secretKey, GOLIVE_API_BASE_URL: url, GOLIVE_ALLOW_LIVE_HOST: `127.0.0.1:${new URL(url).port}` };
    const r = await run(['report', '--verify', '--online', signOff], env, dir);
    expect(r.stderr).toContain(`golive: sending live keys to 127.0.0.1:${new URL(url).port}, not MintCash's live API (allowed by GOLIVE_ALLOW_LIVE_HOST)`);
    // It asked (the payment it names does not exist there, so the claim fails: exit 1, not a refusal).
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/✖ charge: payment pay_signed does not exist/);
  });
});
