// A live rehearsal, for real, on loopback: the emulator's live base URL with its live key pair,
// named as the operator's live API host (GOLIVE_ALLOW_LIVE_HOST, as for a proxy in front of
// MintCash), a merchant repository with an `origin` remote, a correct HTTPS webhook handler with a
// certificate from a CA made here (trusted by the CLI through NODE_EXTRA_CA_CERTS), a pinned
// operator key, and the built CLI for `golive rehearse`, `golive check --require-rehearsal` and
// `golive report --verify --online`.
import { execa } from 'execa';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator } from '../../src/emulator/server.js';
import { loadOrCreateOperatorKey } from '../../src/rehearsal/signing.js';
import { BIN, cleanEnv, golive, type CliResult } from '../e2e/cli.js';
import { tempRepo, type TempRepo } from '../helpers/git.js';
import { makeCa } from '../helpers/tls.js';
import { startWebhookServer, type RunningServer } from '../helpers/webhook-servers.js';
import { HAPPY_ANSWERS, payHostedPages, type World } from './helpers.js';

/** `env` is what a CI (or the operator's shell) has: the live pair, the webhook secret, the CA, the named host. */
export interface LiveWorld extends Pick<World, 'emu' | 'dir' | 'keyDir' | 'env' | 'cards' | 'paying' | 'close'> {
  repo: TempRepo;
  webhook: RunningServer;
  config(extra?: Record<string, unknown>): Promise<void>;
  rehearse(answers: Record<string, unknown>, args?: string[], env?: Record<string, string>): Promise<CliResult>;
  /** `golive check --require-rehearsal --only rehearsal --format json`, with this world's env unless given. */
  gate(env?: Record<string, string>, args?: string[]): Promise<{ exitCode: number; statuses: string[]; summaries: string[]; report: GateReport; stderr: string }>;
  signOffs(): Promise<string[]>;
}

export interface GateReport {
  checks: Array<{ id: string; status: string; summary: string; evidence?: Record<string, unknown> }>;
}

/** The practice answers, with settlement deferred (so no payout date depends on the emulator's clock). */
const { 'settlement.payoutReference': _ref, 'settlement.date': _date, 'settlement.amount': _amount, ...deferred } = HAPPY_ANSWERS;
export const LIVE_ANSWERS: Record<string, unknown> = { ...deferred, 'settlement.confirmed': 'later' };

const ca = makeCa('golive live-world CA');
const leaf = ca.issue();

export async function liveWorld(opts: { clockOffsetMs?: number; origin?: string; rehearsal?: Record<string, unknown>; host?: string } = {}): Promise<LiveWorld> {
  const secret = `whsec_${Date.now().toString(36)}liveworld`;
  const emu = await startEmulator({ refundSettleMs: 30, webhookSecret: secret, ...(opts.clockOffsetMs ? { clockOffsetMs: opts.clockOffsetMs } : {}), ...(opts.host ? { host: opts.host } : {}) });
  const webhook = await startWebhookServer({ behaviour: 'correct', pem: leaf, secret, environment: 'live' });
  const repo = await tempRepo('golive-live-shop-');
  await repo.git('remote', 'add', 'origin', opts.origin ?? 'git@github.com:acme/shop.git');
  const keyDir = await mkdtemp(path.join(tmpdir(), 'golive-live-operator-'));
  const keyFile = path.join(keyDir, 'operator-ed25519.pem');
  const caFile = path.join(keyDir, 'ca.pem');
  await writeFile(caFile, ca.cert);
  const key = await loadOrCreateOperatorKey(keyFile, repo.dir);
  const live = emu.credentials('live');
  const answersFile = path.join(keyDir, 'answers.json');
  const w: LiveWorld = {
    emu,
    repo,
    dir: repo.dir,
    keyDir,
    webhook,
    env: {
      MINTCASH_PUBLIC_KEY: live.publicKey,
      MINTCASH_SECRET_KEY: live.secretKey,
      MINTCASH_WEBHOOK_SECRET: secret,
      // The operator names both where the API is and that live keys may go there: the repository
      // config's api.baseUrl never points live keys anywhere but MintCash (README "Where keys are sent").
      GOLIVE_API_BASE_URL: emu.liveUrl,
      GOLIVE_ALLOW_LIVE_HOST: `127.0.0.1:${emu.port}`,
      NODE_EXTRA_CA_CERTS: caFile,
    },
    cards: { payment: '4242424242424242', subscription: '4242424242424242' },
    paying: true,
    async config(extra = {}) {
      const rehearsal = { keyFile, signers: [{ name: 'Ada', publicKey: key.publicKey }], ...opts.rehearsal, ...((extra.rehearsal as object) ?? {}) };
      const config = { environment: 'live', api: { baseUrl: emu.liveUrl }, webhook: { url: webhook.url, allowPrivateNetwork: true, probes: { count: 2 } }, ...extra, rehearsal };
      await writeFile(path.join(repo.dir, 'golive.config.json'), JSON.stringify(config, null, 2));
    },
    async rehearse(answers, args = [], env = {}) {
      await writeFile(answersFile, JSON.stringify(answers));
      const r = await execa('node', [BIN, 'rehearse', repo.dir, '--answers', answersFile, '--poll-interval', '10', '--poll-max', '500', ...args], { env: cleanEnv({ ...w.env, ...env }), extendEnv: false, reject: false, timeout: 90_000 });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    async gate(env = w.env, args = []) {
      const r = await golive(['check', repo.dir, '--require-rehearsal', '--only', 'rehearsal', '--format', 'json', ...args], { env: cleanEnv(env) });
      let report: GateReport = { checks: [] };
      try {
        report = JSON.parse(r.stdout) as GateReport;
      } catch {
        // The caller sees the exit code and stderr.
      }
      return { exitCode: r.exitCode, stderr: r.stderr, report, statuses: report.checks.map((c) => `${c.id}:${c.status}`), summaries: report.checks.map((c) => c.summary) };
    },
    async signOffs() {
      const dir = path.join(repo.dir, 'golive-rehearsal');
      return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).map((n) => path.join(dir, n));
    },
    async close() {
      clearInterval(timer);
      await emu.close();
      await webhook.close();
      await repo.cleanup();
      await rm(keyDir, { recursive: true, force: true });
    },
  };
  const timer = payHostedPages(emu, w);
  await w.config();
  return w;
}

export async function readJson<T = Record<string, unknown>>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
