// A merchant's first week, simulated in seconds: the MintCash emulator (its clock moved forward
// through its /__emulator hooks), the example shop serving real checkouts, subscriptions and
// webhooks behind a front proxy that writes the access log, the shop's own app log, ledger and
// subscriptions export. Customers arrive at random (a seeded generator, so a week is repeatable),
// pay on the hosted page, subscriptions renew daily. Incidents are injected on purpose:
//   outage      the proxy's webhook location answers 502 for 26 h: longer than MintCash retries;
//   drift       the provider's credentials drift: every charge fails `provider_auth_failed` for 2 h;
//   churn       a dunning cohort: renewals of 10 subscriptions fail, 8 are cancelled a day later;
//   requestIds  a deploy redacts err.details in the app log: MintCash errors lose their requestId.
// The emulator's own delivery log (every webhook attempt) is the ground truth the monitor is
// checked against. Only public HTTP and /__emulator/* endpoints are used to drive the emulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../emulator/server.js';
import type { DeliveryAttempt } from '../emulator/model.js';
import { FrontProxy } from './proxy.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
const SHOP = path.join(REPO, 'examples/shop');
const PRELOAD = path.join(REPO, 'src/simulate/clock-preload.mjs');
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const WEBHOOK_PATH = '/webhooks/mintcash';

export interface Incidents {
  outage: boolean;
  drift: boolean;
  churn: boolean;
  requestIds: boolean;
}

export const ALL_INCIDENTS: Incidents = { outage: true, drift: true, churn: true, requestIds: true };
export const NO_INCIDENTS: Incidents = { outage: false, drift: false, churn: false, requestIds: false };

export interface WeekOptions {
  dir: string;
  incidents?: Partial<Incidents>;
  seed?: number;
  /** Mean customer checkouts per simulated hour. */
  paymentsPerHour?: number;
  days?: number;
  subscribers?: number;
  say?: (line: string) => void;
}

/** What was injected, in emulator time, for tests to hold the monitor's findings against. */
export interface Injected {
  outage?: { from: string; to: string };
  drift?: { from: string; to: string; failureCode: string };
  churn?: { cohort: string[]; cancelled: string[] };
  requestIds?: { from: string };
  healthyDunning: string[];
  probes: number;
  malformedAccessLines: number;
  malformedAppLines: number;
}

export interface Week {
  dir: string;
  config: string;
  files: { accessLog: string; appLog: string; events: string; subscriptions: string };
  start: string;
  end: string;
  emulatorUrl: string;
  /** The sandbox key pair (the week runs in the test environment; --reconcile uses it). */
  keys: { publicKey: string; secretKey: string };
  injected: Injected;
  /** The emulator's delivery log: every webhook attempt it made. */
  deliveries: DeliveryAttempt[];
  /** Every event the emulator emitted: eventId → event name and object id. */
  events: Record<string, { event: string; objectId: string }>;
  checkouts: number;
  close(): Promise<void>;
}

/** mulberry32: small, fast, repeatable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CARDS: Array<[number, string]> = [
  [0.9, '4242424242424242'],
  [0.96, '4000000000000002'],
  [0.985, '4000000000009995'],
  [1, '4000000000000069'],
];

// node:http with a keep-alive agent: several times cheaper per call than fetch, and the week
// makes thousands of calls.
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function json(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', agent, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve((text && res.headers['content-type']?.includes('json') ? JSON.parse(text) : {}) as Record<string, unknown>);
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

class Shop {
  child: ChildProcess | undefined;
  url = '';
  private seq = 0;
  private acks = new Map<number, () => void>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async start(offsetMs: number, extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const child = spawn(process.execPath, ['--import', PRELOAD, 'src/server.js'], {
      cwd: SHOP,
      env: { ...this.env, ...extra, SIM_CLOCK_OFFSET_MS: String(offsetMs) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (m: { ack?: number }) => {
      if (typeof m?.ack === 'number') this.acks.get(m.ack)?.();
    });
    this.url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the example shop did not start')), 15_000);
      child.stdout!.on('data', (c) => {
        out += String(c);
        const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      });
      child.once('exit', (code) => reject(new Error(`the example shop exited with ${code}`)));
    });
    return this.url;
  }

  /** Moves the shop's clock; resolves once the shop has it (its next log line uses it). */
  setOffset(offsetMs: number): Promise<void> {
    const seq = ++this.seq;
    return new Promise<void>((resolve) => {
      this.acks.set(seq, () => {
        this.acks.delete(seq);
        resolve();
      });
      this.child!.send({ offsetMs, seq });
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}

export async function simulateFirstWeek(opts: WeekOptions): Promise<Week> {
  const inc: Incidents = { ...ALL_INCIDENTS, ...opts.incidents };
  const say = opts.say ?? (() => undefined);
  const random = rng(opts.seed ?? 20261201);
  const days = opts.days ?? 7;
  const perHour = opts.paymentsPerHour ?? 4;
  await mkdir(opts.dir, { recursive: true });
  const files = {
    accessLog: path.join(opts.dir, 'access.log'),
    appLog: path.join(opts.dir, 'app.ndjson'),
    events: path.join(opts.dir, 'ledger.ndjson'),
    subscriptions: path.join(opts.dir, 'subscriptions.csv'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const proxy = new FrontProxy(files.accessLog, WEBHOOK_PATH);
  const proxyUrl = await proxy.start();
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  // Retries run on a scaled clock (6 h takes about a second), so a day-long outage outlasts them.
  const emulator: Emulator = await startEmulator({ webhookUrl: `${proxyUrl}${WEBHOOK_PATH}`, webhookSecret, retryScale: 0.00005, refundSettleMs: 0, deliveryLogLimit: 1_000_000 });
  const keys = emulator.credentials('test');
  const shop = new Shop({
    PATH: process.env.PATH ?? '',
    PORT: '0',
    MINTCASH_API_URL: emulator.url,
    MINTCASH_PUBLIC_KEY: keys.publicKey,
    MINTCASH_SECRET_KEY: keys.secretKey,
    MINTCASH_WEBHOOK_SECRET: webhookSecret,
    MINTCASH_ENVIRONMENT: 'test',
    APP_LOG: files.appLog,
    LEDGER_FILE: files.events,
    SUBSCRIPTIONS_FILE: files.subscriptions,
    PUBLIC_URL: proxyUrl,
  });
  const emu = (p: string, body?: unknown) => json(`${emulator.url}/__emulator/${p}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  const auth = `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString('base64')}`;
  const closeAll = async () => {
    await shop.stop().catch(() => undefined);
    agent.destroy();
    await proxy.close().catch(() => undefined);
    await emulator.close().catch(() => undefined);
  };
  try {
    // The week starts at the next midnight (UTC) on the emulator clock.
    const real = Date.now();
    const startAt = Math.ceil((real + HOUR) / DAY) * DAY;
    let offset = Number((await emu('clock', { advanceMs: startAt - real })).offsetMs);
    proxy.offsetMs = offset;
    proxy.upstream = await shop.start(offset);
    const now = () => Date.now() + offset;
    const advanceTo = async (t: number) => {
      const ms = Math.max(0, t - now());
      offset = Number((await emu('clock', { advanceMs: ms })).offsetMs);
      proxy.offsetMs = offset;
      await shop.setOffset(offset);
      await quiet();
    };
    /**
     * Waits until the deliveries an action caused have been answered. The emulator records a
     * delivery as pending before it answers the request that caused it, so "none pending and the
     * proxy idle" means done; while the webhook location is down, retries are left to run.
     */
    const quiet = async () => {
      const until = Date.now() + 5_000;
      for (;;) {
        if (proxy.active === 0) {
          if (proxy.webhookDown) return;
          const p = await emu('deliveries/pending');
          if (Number(p.pending) === 0 && proxy.active === 0) return;
        }
        if (Date.now() > until) return;
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    const at = (day: number, hour: number) => startAt + day * DAY + hour * HOUR;
    const injected: Injected = { healthyDunning: [], probes: 0, malformedAccessLines: 0, malformedAppLines: 0 };

    // Day 0: subscribers sign up on the hosted page (daily plans, so renewals happen this week).
    const subs: string[] = [];
    for (let i = 0; i < (opts.subscribers ?? 30); i++) {
      await advanceTo(at(0, 1) + i * 7 * 60_000);
      const r = await json(`${proxyUrl}/subscribe`, { method: 'POST', body: JSON.stringify({ customer: { id: `cus_${i}`, email: `c${i}@shop.example` }, plan: { id: 'daily', amountCents: 300, currency: 'USD', intervalDays: 1 } }) });
      await emu(`subscriptions/${String(r.subscriptionId)}/complete`, { card: '4242424242424242' });
      subs.push(String(r.subscriptionId));
      await quiet();
    }
    say(`  ${subs.length} subscribers signed up on day 1 (daily plan)`);

    // Scheduled events of the week, in emulator time.
    type Step = { t: number; run: () => Promise<void> };
    const steps: Step[] = [];
    const healthy = subs.slice(0, 4);
    injected.healthyDunning = healthy;
    steps.push({ t: at(1, 12), run: async () => void (await Promise.all(healthy.map((s) => emu(`subscriptions/${s}/renewal-outcome`, { outcome: 'decline' })))) });
    steps.push({ t: at(2, 12), run: async () => void (await Promise.all(healthy.map((s) => emu(`subscriptions/${s}/renewal-outcome`, { outcome: 'succeed' })))) });
    steps.push({
      t: at(1, 10),
      run: async () => {
        // golive check's webhook probes, as the launch checklist runs them: never counted.
        for (let i = 0; i < 3; i++) {
          await json(`${proxyUrl}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'x-golive-probe': '1', 'user-agent': 'golive/0.1.0 (go-live probe; https://www.npmjs.com/package/mintcash-golive)' }, body: '{"event":"payment.created"}' });
          injected.probes++;
        }
        // A port scanner speaking TLS to the plain-HTTP port: nginx logs it, it is no request.
        proxy.logGarbage();
        proxy.logGarbage();
        injected.malformedAccessLines += 2;
      },
    });
    if (inc.outage) {
      const [from, to] = [at(2, 10), at(3, 12)];
      injected.outage = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      steps.push({ t: from, run: async () => void (proxy.webhookDown = true) });
      steps.push({ t: to, run: async () => void (proxy.webhookDown = false) });
    }
    if (inc.drift) {
      const [from, to] = [at(4, 14), at(4, 16)];
      injected.drift = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), failureCode: 'provider_auth_failed' };
      steps.push({ t: from, run: async () => void (await emu('provider-fault', { failureCode: 'provider_auth_failed', failureMessage: 'Provider rejected the merchant credentials' })) });
      steps.push({ t: to, run: async () => void (await emu('provider-fault', { failureCode: null })) });
    }
    if (inc.churn) {
      const cohort = subs.slice(10, 20);
      const cancelled = cohort.slice(0, 8);
      injected.churn = { cohort, cancelled };
      steps.push({ t: at(3, 18), run: async () => void (await Promise.all(cohort.map((s) => emu(`subscriptions/${s}/renewal-outcome`, { outcome: 'decline' })))) });
      // A day into dunning, support cancels most of them (MintCash would have retried until day 16).
      steps.push({ t: at(5, 9), run: async () => void (await Promise.all(cancelled.map((s) => json(`${emulator.url}/subscriptions/${s}`, { method: 'DELETE', headers: { authorization: auth } })))) });
    }
    if (inc.requestIds) {
      const t = at(5, 12);
      injected.requestIds = { from: new Date(t).toISOString() };
      steps.push({
        t,
        run: async () => {
          // A deploy adds a log redaction that hides err.details (and with it details.requestId).
          // The old process is killed mid-write: one truncated line in the app log.
          await quiet();
          await shop.stop();
          appendFileSync(files.appLog, `{"level":30,"time":${now()},"msg":"shutting do`);
          injected.malformedAppLines++;
          proxy.upstream = await shop.start(offset, { LOG_REDACT: 'err.details' });
        },
      });
    }
    steps.sort((a, b) => a.t - b.t);

    // Customers: a Poisson stream of checkouts over the week.
    const end = at(days, 0);
    let t = at(0, 4);
    let checkouts = 0;
    let order = 0;
    while (t < end) {
      while (steps.length && steps[0]!.t <= t) {
        const s = steps.shift()!;
        await advanceTo(s.t);
        await s.run();
      }
      await advanceTo(t);
      const id = `${1000 + ++order}`;
      // About 1 in 30 carts has a total of 0 (a coupon bug): MintCash answers 400 invalid_argument.
      const amount = random() < 0.034 ? 0 : 500 + Math.floor(random() * 9500);
      const r = await json(`${proxyUrl}/checkout`, { method: 'POST', body: JSON.stringify({ id, totalCents: amount, currency: 'USD', customerId: `cus_${Math.floor(random() * 500)}`, email: 'buyer@shop.example' }) });
      if (typeof r.paymentId === 'string') {
        const x = random();
        const card = CARDS.find(([p]) => x < p)![1];
        await emu(`payments/${r.paymentId}/complete`, { card });
        checkouts++;
      }
      await quiet();
      t += -Math.log(1 - random()) * (HOUR / perHour);
    }
    for (const s of steps) {
      await advanceTo(s.t);
      await s.run();
    }
    await advanceTo(end);
    await quiet();
    const log = (await emu('deliveries')).deliveries as DeliveryAttempt[];
    const emitted = (await emu('events')).events as Array<{ eventId: string; event: string; data?: { id?: string } }>;
    const events = Object.fromEntries(emitted.map((e) => [e.eventId, { event: e.event, objectId: String(e.data?.id ?? '') }]));
    const config = path.join(opts.dir, 'golive.config.json');
    writeFileSync(
      config,
      `${JSON.stringify(
        {
          environment: 'test',
          webhook: { url: `${proxyUrl}${WEBHOOK_PATH}`, allowPrivateNetwork: true },
          api: { baseUrl: emulator.url },
          // The emulator is local: --reconcile may ask it faster than MintCash's default pace.
          monitor: { accessLog: ['access.log'], appLog: ['app.ndjson'], events: ['ledger.ndjson'], subscriptions: ['subscriptions.csv'], reconcile: { ratePerSecond: 50, maxObjects: 1000 } },
        },
        null,
        2,
      )}\n`,
    );
    say(`  ${checkouts} payments, ${log.length} webhook attempts (the emulator's delivery log)`);
    return {
      dir: opts.dir,
      config,
      files,
      start: new Date(startAt).toISOString(),
      end: new Date(end).toISOString(),
      emulatorUrl: emulator.url,
      keys,
      injected,
      deliveries: log,
      events,
      checkouts,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
