// `golive emulate`: a local MintCash on loopback for tests, the demo and offline practice. Runs
// until Ctrl-C (a normal stop: exit 0). The heavy emulator is imported only when the command runs.
//
// Credentials: emulator keys carry the real prefixes (so every golive rule treats them like real
// ones) and must be usable, so the public keys are printed in full (they are not secret) while the
// secret keys go only into 0600 env files whose paths are printed: secrets stay out of terminal
// scrollback, CI logs and screen shares, and `set -a; . file; set +a` loads a whole pair at once.
import type { Command } from 'commander';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GoliveError } from '../errors.js';
import { maskSecret } from '../engine/mask.js';
import { normaliseHost } from '../mintcash/hosts.js';
import type { Output } from '../output/boundary.js';

export interface EmulateOptions {
  port: string;
  host: string;
  state?: string;
  webhookUrl?: string;
  liveWebhookUrl?: string;
  webhookSecretEnv?: string;
  retryScale: string;
  refundDelay: string;
  credentialsDir?: string;
  repair?: boolean;
}

function intOption(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GoliveError('USAGE', `${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Starts the emulator, prints how to use it, and waits for `stop`; returns the exit code. */
export async function runEmulate(
  opts: EmulateOptions,
  io: { out: (s: string) => void; env: NodeJS.ProcessEnv; stop: Promise<unknown> },
): Promise<number> {
  const port = intOption(opts.port, '--port', 0, 65535);
  const refundSettleMs = intOption(opts.refundDelay, '--refund-delay', 0, 86_400_000);
  const retryScale = Number(opts.retryScale);
  if (!(retryScale > 0 && retryScale <= 1)) throw new GoliveError('USAGE', `--retry-scale must be a number in (0, 1], got "${opts.retryScale}"`);
  let webhookSecret: string | undefined;
  if (opts.webhookSecretEnv) {
    webhookSecret = io.env[opts.webhookSecretEnv];
    if (!webhookSecret) {
      throw new GoliveError('USAGE', `environment variable ${opts.webhookSecretEnv} is empty or not set`, {
        suggestion: `Export the webhook signing secret as ${opts.webhookSecretEnv}, or drop --webhook-secret-env to let the emulator generate one.`,
      });
    }
  }
  for (const [flag, value] of [['--webhook-url', opts.webhookUrl], ['--live-webhook-url', opts.liveWebhookUrl]] as const) {
    if (value === undefined) continue;
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(value).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new GoliveError('USAGE', `${flag} must be an http(s) URL, got "${value}"`);
  }

  if (opts.repair && !opts.state) throw new GoliveError('USAGE', '--repair needs --state <file>: it repairs that file\'s log');
  const { startEmulator } = await import('../emulator/server.js');
  const emu = await startEmulator({
    repair: Boolean(opts.repair),
    note: (line) => io.out(`${line}\n`),
    host: opts.host,
    port,
    statePath: opts.state ? resolve(opts.state) : undefined,
    webhookUrl: opts.webhookUrl,
    liveWebhookUrl: opts.liveWebhookUrl,
    webhookSecret,
    retryScale,
    refundSettleMs,
  });
  try {
    const dir = opts.credentialsDir ? resolve(opts.credentialsDir) : await mkdtemp(join(tmpdir(), 'golive-emulator-'));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files: Record<string, string> = {};
    // An environment whose keys were all revoked (a restored state) has no credentials to hand out.
    const envs = (['test', 'live'] as const).filter((env) => emu.core.activeKey(env));
    for (const env of envs) {
      const c = emu.credentials(env);
      const file = join(dir, `${env}.env`);
      const text = [
        `# golive emulator ${env} credentials (emulator only: they work nowhere else)`,
        `MINTCASH_PUBLIC_KEY=${c.publicKey}`,
        `MINTCASH_SECRET_KEY=${c.secretKey}`,
        `MINTCASH_WEBHOOK_SECRET=${emu.webhookSecret}`,
        `MINTCASH_BASE_URL=${env === 'live' ? emu.liveUrl : emu.url}`,
        '',
      ].join('\n');
      await writeFile(file, text, { mode: 0o600 });
      await chmod(file, 0o600);
      files[env] = file;
    }
    const hooks = (env: 'test' | 'live') => {
      const u = emu.deliverer.urlFor(env);
      return u ? `${u}, signed with ${webhookSecret ? `$${opts.webhookSecretEnv}` : 'MINTCASH_WEBHOOK_SECRET from the files'}` : `not delivered (pass ${env === 'live' ? '--live-webhook-url' : '--webhook-url'})`;
    };
    const lines = [
      `MintCash emulator listening on ${emu.url}`,
      `  sandbox base URL ${emu.url}  (test keys only)`,
      `  live base URL    ${emu.liveUrl}  (live keys only)`,
      '',
      ...(['test', 'live'] as const).map((env) => {
        if (!envs.includes(env)) return `  ${env}  no active key (all revoked): POST /__emulator/keys {"environment":"${env}"} issues one`;
        const c = emu.credentials(env);
        return `  ${env}  public ${c.publicKey}  secret ${maskSecret(c.secretKey)}`;
      }),
      '',
      `  Credentials (mode 0600): ${Object.values(files).join('\n                           ')}`,
      ...(files.test ? [`  Load the test pair:      set -a; . ${files.test}; set +a`] : []),
      `  Test webhooks:           ${hooks('test')}`,
      `  Live webhooks:           ${hooks('live')}`,
      `  Event log:               GET /__emulator/events, deliveries: GET /__emulator/deliveries`,
      `  Hosted page test cards:  4242424242424242 pays, 4000000000000002 declines`,
      `  Test hooks (loopback):   POST /__emulator/clock {"advanceDays":7}, GET /__emulator/deliveries, GET /__emulator/events`,
    ];
    if (opts.state) lines.push(`  State file:              ${resolve(opts.state)} (+ .wal, locked by this emulator; every change is on disk before its reply)`);
    if (normaliseHost(opts.host)?.kind !== 'loopback') lines.push('', `  Warning: listening on ${opts.host}, beyond this machine; test hooks still answer only on loopback.`);
    lines.push('', 'Press Ctrl-C to stop.');
    io.out(`${lines.join('\n')}\n`);
    await io.stop;
  } finally {
    await emu.close();
  }
  io.out('Emulator stopped.\n');
  return 0;
}

export function registerEmulate(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('emulate')
    .description('run a local MintCash emulator (stateful, signs and delivers webhooks, enforces externalId)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--state <file>', 'load and save the emulator state in this file (mode 0600)')
    .option('--webhook-url <url>', 'deliver signed test (sandbox) webhook events to this URL')
    .option('--live-webhook-url <url>', 'deliver signed live webhook events to this URL')
    .option('--webhook-secret-env <NAME>', 'read the webhook signing secret from this environment variable')
    .option('--retry-scale <factor>', 'multiply webhook retry delays (1 = the real 30 s … 6 h schedule)', '1')
    .option('--refund-delay <ms>', 'emulator time a refund stays in flight', '1000')
    .option('--credentials-dir <dir>', 'where to write the test.env/live.env credential files (default: a new temp dir)')
    .option('--repair', 'with --state: start from the last good log record when the log is damaged (the rest is saved aside), and reset an impossible clock')
    .addHelpText('after', `
With --state, every change is fsync'ed to <file>.wal (length-prefixed, checksummed records) before
its reply, and <file>.lock keeps a second emulator off the same file. A damaged log stops start-up
with the byte offset of the first bad record; --repair keeps every record before it.

Examples:
  $ golive emulate                                   sandbox and live base URLs on port 4010
  $ golive emulate --state emu.json --retry-scale 0.001
  $ golive emulate --state emu.json --repair         after "the emulator state log ... is damaged"
  $ curl -X POST http://127.0.0.1:4010/__emulator/clock -d '{"advanceDays":8}'`)
    .action(async (opts: EmulateOptions) => {
      // Ctrl-C is the normal way to stop a server. bin/golive.js owns SIGINT and runs interrupt
      // hooks before it exits, so the emulator stops (and saves its state) from such a hook; SIGTERM
      // is ours alone and ends the command normally.
      let release: () => void = () => undefined;
      const stop = new Promise<void>((res) => (release = res));
      let finished: Promise<number> = Promise.resolve(0);
      const { onInterrupt } = await import('./main.js');
      const off = onInterrupt(async () => {
        release();
        await finished.catch(() => undefined);
        return 0;
      });
      process.once('SIGTERM', release);
      try {
        finished = runEmulate(opts, { out: (s) => output.out.write(s), env: process.env, stop });
        setCode(await finished);
      } finally {
        off();
        process.removeListener('SIGTERM', release);
      }
    });
}
