// `npm run demo`: golive against two example merchants, end to end, on this machine only.
// A local MintCash emulator, both example shops served over real HTTPS on loopback with a CA made
// on the fly, then the built `golive check` against each. Everything is torn down on exit or Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import chalk from 'chalk';
import { startEmulator, type Emulator } from '../src/emulator/server.js';
import { simulateFirstWeek, type Week } from '../src/simulate/first-week.js';
// The test-time certificate authority doubles as the demo's: node-forge is a dev dependency.
import { makeCa } from '../test/helpers/tls.js';
import { listeningUrl } from '../test/helpers/shop.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin/golive.js');
const REPORT_ROOT = path.resolve(process.env.GOLIVE_DEMO_REPORT_DIR ?? 'golive-report');
const say = (s = '') => process.stdout.write(`${s}\n`);
const rule = (title: string) => say(`\n${chalk.bold.inverse(` ${title} `)}\n`);

interface Shop {
  name: 'shop' | 'leaky-shop';
  dir: string;
  url: string;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
let work = '';
let emulator: Emulator | undefined;
let week: Week | undefined;

/** The golive runs in flight (check, monitor): stopped with the shops, since they hold our stdout. */
const runs = new Set<ResultPromise>();

async function cleanup(): Promise<void> {
  // SIGTERM first (a shop finishes what it is answering), SIGKILL after a grace period: a process
  // left running would keep the demo's stdout and stderr open, and whoever reads them waiting.
  const all = [...children, ...runs];
  const exited = (c: (typeof all)[number]) => c.exitCode !== null || c.signalCode !== null;
  for (const c of all) if (!exited(c)) c.kill('SIGTERM');
  const gone = Promise.all(all.map((c) => (exited(c) ? undefined : new Promise((r) => c.once('exit', r)))));
  const grace = setTimeout(() => {
    for (const c of all) if (!exited(c)) c.kill('SIGKILL');
  }, 3000);
  await gone;
  clearTimeout(grace);
  await emulator?.close().catch(() => undefined);
  await week?.close().catch(() => undefined);
  if (work) await rm(work, { recursive: true, force: true });
}

async function git(dir: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd: dir, env: { GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@shop.example', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@shop.example' } });
}

/** A fake key of the given kind, made now: the repository never holds a key-shaped string. */
const fakeKey = (kind: 'pk' | 'sk', env: 'live' | 'test') => `${kind}_` + `${env}_` + randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');

/** Copies an example into a fresh git repository, planting the leaky shop's leaks at run time. */
async function prepareRepo(name: Shop['name']): Promise<string> {
  const dir = path.join(work, name);
  await cp(path.join(REPO, 'examples', name), dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  if (name === 'leaky-shop') {
    // A live secret committed once and "removed" later: still in history, still needs rotating.
    await writeFile(path.join(dir, 'config/old-settings.js'), `export const secretKey = '${fakeKey('sk', 'live')}';\n`);
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'first version');
    await rm(path.join(dir, 'config/old-settings.js'));
    await writeFile(path.join(dir, '.env.production'), `MINTCASH_PUBLIC_KEY=${fakeKey('pk', 'test')}\nMINTCASH_SECRET_KEY=${fakeKey('sk', 'test')}\n`);
  }
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-qm', 'shop');
  return dir;
}

async function startShop(name: Shop['name'], dir: string, tls: { cert: string; key: string }, secret: string): Promise<Shop> {
  const child = spawn(process.execPath, ['src/server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', TLS_CERT: tls.cert, TLS_KEY: tls.key, MINTCASH_WEBHOOK_SECRET: secret, MINTCASH_ENVIRONMENT: 'live', SLOW_MS: '2300' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const url = await listeningUrl(child, name);
  return { name, dir, url, child };
}

async function writeConfig(shop: Shop, apiBaseUrl: string): Promise<void> {
  const config = {
    environment: 'live',
    webhook: {
      url: `${shop.url}/webhooks/mintcash`,
      // The shop retired its old test URL (404); the leaky shop still runs a handler there.
      testUrl: `${shop.url}/webhooks/${shop.name === 'shop' ? 'mintcash-test' : 'mintcash'}`,
      // The demo serves on loopback; a real deployment must be public (webhook.public).
      allowPrivateNetwork: true,
      probes: { count: 3 },
    },
    api: { baseUrl: apiBaseUrl },
    productionConfig: ['.env.production', 'config/production.json'],
    // golive never sends live keys to a local emulator; run `golive emulate` and try the test pair.
    checks: { 'credentials.keys-verified': 'off' },
  };
  await writeFile(path.join(shop.dir, 'golive.config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/** A golive run's exit code; after Ctrl-C no new run starts, and a running one is stopped by cleanup. */
async function run(child: ResultPromise): Promise<number> {
  if (interrupted) child.kill('SIGKILL');
  runs.add(child);
  try {
    const r = await child;
    return interrupted ? 130 : (r.exitCode ?? 1);
  } finally {
    runs.delete(child);
  }
}

async function runCheck(shop: Shop, env: NodeJS.ProcessEnv): Promise<number> {
  const reportDir = path.join(REPORT_ROOT, shop.name);
  return run(execa('node', [BIN, 'check', shop.dir, '--history', '--report-dir', reportDir], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    reject: false,
  }));
}

/**
 * A merchant's first week on the emulator's clock (the example shop behind a logging proxy, with
 * an outage, a drift failure code, a churning dunning cohort and requestIds lost to a deploy), then
 * `golive monitor` over its access log, app log, ledger and subscriptions export, reconciled with
 * the emulator. It should find exactly those four incidents.
 */
async function runWeek(env: NodeJS.ProcessEnv): Promise<number> {
  say('  Simulating seven days of checkouts, renewals and webhooks (about a minute)…');
  week = await simulateFirstWeek({ dir: path.join(work, 'first-week'), say });
  say(`  Injected: an endpoint outage ${week.injected.outage!.from.slice(5, 16)}Z to ${week.injected.outage!.to.slice(5, 16)}Z (26 h, past MintCash's retries), \`${week.injected.drift!.failureCode}\` for 2 h,`);
  say(`            ${week.injected.churn!.cancelled.length} of ${week.injected.churn!.cohort.length} past_due subscriptions cancelled in dunning, and a deploy that redacts err.details from ${week.injected.requestIds!.from.slice(5, 16)}Z.\n`);
  const args = ['monitor', week.dir, '--reconcile', '--format', 'pretty', '-o', '-', '--format', 'html', '-o', path.join(REPORT_ROOT, 'first-week.html')];
  say(chalk.dim(`  $ golive ${args.slice(0, 3).join(' ')}   (logs, ledger and subscriptions export named in its golive.config.json)\n`));
  return run(execa('node', [BIN, ...args], {
    env: { ...env, MINTCASH_PUBLIC_KEY: week.keys.publicKey, MINTCASH_SECRET_KEY: week.keys.secretKey },
    stdio: ['ignore', 'inherit', 'inherit'],
    reject: false,
  }));
}

async function main(): Promise<number> {
  say(chalk.bold('golive demo') + ': is a MintCash integration ready to go live?');
  say('Two example merchants, a local MintCash emulator and real HTTPS on loopback; nothing leaves this machine.');

  work = await mkdtemp(path.join(tmpdir(), 'golive-demo-'));
  const ca = makeCa('golive demo CA');
  const leaf = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
  const tls = { ca: path.join(work, 'ca.pem'), cert: path.join(work, 'shop.pem'), key: path.join(work, 'shop-key.pem') };
  await Promise.all([writeFile(tls.ca, ca.cert), writeFile(tls.cert, leaf.cert), writeFile(tls.key, leaf.key, { mode: 0o600 })]);

  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  emulator = await startEmulator({ webhookSecret });
  const live = emulator.credentials('live');
  say(`\n  temporary copies    ${work} (removed at the end)`);
  say(`  MintCash emulator   ${emulator.url}`);

  const shops: Shop[] = [];
  for (const name of ['shop', 'leaky-shop'] as const) {
    const dir = await prepareRepo(name);
    const shop = await startShop(name, dir, tls, webhookSecret);
    await writeConfig(shop, emulator.url);
    shops.push(shop);
    say(`  ${name.padEnd(19)} ${shop.url}/webhooks/mintcash`);
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Trust the demo CA the way you would trust a private staging CA.
    NODE_EXTRA_CA_CERTS: tls.ca,
    MINTCASH_PUBLIC_KEY: live.publicKey,
    MINTCASH_SECRET_KEY: live.secretKey,
    MINTCASH_WEBHOOK_SECRET: webhookSecret,
    ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
  };
  await mkdir(REPORT_ROOT, { recursive: true });

  // After Ctrl-C no further step starts: the SIGINT handler is tearing everything down.
  rule('1/3  shop: a correct integration');
  const good = await runCheck(shops[0]!, env);
  if (interrupted) return 130;
  rule('2/3  leaky-shop: the classic mistakes');
  const bad = await runCheck(shops[1]!, env);
  if (interrupted) return 130;
  rule('3/3  the first week after launch, simulated: golive monitor');
  const first = await runWeek(env);
  if (interrupted) return 130;

  rule('What you saw');
  say(`  shop        exit ${good}  ${good === 0 ? chalk.green('gate passed: ready for the live dress rehearsal (next: golive rehearse)') : chalk.red('unexpected: should pass')}`);
  say(`  leaky-shop  exit ${bad}  ${bad === 1 ? chalk.red('gate failed: each finding names the file, line and fix') : chalk.red('unexpected: should fail')}`);
  say(`  first week  exit ${first}  ${first === 1 ? chalk.red('alerts: the four injected incidents, each with what to do next') : chalk.red('unexpected: should alert')}`);
  say(`\n  Reports (json, md, html, sarif, junit): ${path.relative(process.cwd(), REPORT_ROOT) || '.'}/{shop,leaky-shop}/; the first week: ${path.relative(process.cwd(), REPORT_ROOT) || '.'}/first-week.html`);
  say('  Next: in your own repository run `npx mintcash-golive check`, or `golive explain <id>` for any check; after launch, `golive monitor`.');
  return good === 0 && bad === 1 && first === 1 ? 0 : 1;
}

let interrupted = false;
// `on`, not `once`: execa's exit hook (signal-exit) re-raises a signal nobody else listens to, which
// would kill the demo mid-cleanup and orphan the shops. A second Ctrl-C while stopping is ignored.
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  say('\ndemo interrupted: stopping the shops and the emulator…');
  cleanup().finally(() => process.exit(130));
});

main()
  .then(async (code) => {
    await cleanup();
    if (!interrupted) process.exit(code);
  })
  .catch(async (e: unknown) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    await cleanup();
    process.exit(1);
  });
