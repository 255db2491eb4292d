// Practice that works the first time, through the built CLI, as the README and `golive init` say:
// the repository's config targets live, the operator exports the emulator's test pair and runs
// `golive rehearse --api-base-url …`: preflight probes the endpoint as a test one (so a test
// receiver passes), the charge says "Practice charge", and `golive check --require-rehearsal
// --api-base-url …` with a test-environment config gates on the practice sign-off, re-read at the
// emulator. `check --api-base-url` never points live keys at anything but MintCash's live host.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInit } from '../../src/cli/init-run.js';
import { loadOrCreateOperatorKey } from '../../src/rehearsal/signing.js';
import { BIN, cleanEnv, golive } from '../e2e/cli.js';
import { makeCa } from '../helpers/tls.js';
import { startWebhookServer, type RunningServer } from '../helpers/webhook-servers.js';
import { fakeKey } from '../helpers/keys.js';
import { execa } from 'execa';
import { HAPPY_ANSWERS, advanceDays, world, type World } from './helpers.js';

let w: World | undefined;
let hook: RunningServer | undefined;
let recorder: Server | undefined;
afterEach(async () => {
  await hook?.close();
  await w?.close();
  recorder?.closeAllConnections();
  await new Promise<void>((r) => (recorder ? recorder.close(() => r()) : r()));
  w = hook = recorder = undefined;
});

describe('practice, the first time', () => {
  it('with the repository\'s "environment": "live", a test receiver and the emulator: preflight passes, the gate passes on a practice config', { timeout: 120_000 }, async () => {
    w = await world();
    const ca = makeCa('golive practice CA');
    hook = await startWebhookServer({ behaviour: 'correct', pem: ca.issue(), secret: w.env.MINTCASH_WEBHOOK_SECRET!, environment: 'test' });
    const caFile = path.join(w.keyDir, 'ca.pem');
    await writeFile(caFile, ca.cert);
    // The merchant's real config: live, production API, their (test) receiver for this practice.
    const live = { environment: 'live', webhook: { url: hook.url, allowPrivateNetwork: true, probes: { count: 2 } }, rehearsal: { keyFile: w.keyFile } };
    await writeFile(path.join(w.dir, 'golive.config.json'), JSON.stringify(live));
    const answers = path.join(w.keyDir, 'answers.json');
    await writeFile(answers, JSON.stringify(HAPPY_ANSWERS));
    const env = cleanEnv({ ...w.env, NODE_EXTRA_CA_CERTS: caFile });
    const rehearse = () => execa('node', [BIN, 'rehearse', w!.dir, '--api-base-url', w!.emu.url, '--answers', answers, '--poll-interval', '10'], { env, extendEnv: false, reject: false, timeout: 60_000 });
    const first = await rehearse();
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('✔ webhook.environment pass');
    expect(first.stdout).toContain('✔ webhook.signature pass');
    expect(first.stdout).toContain('▸ Practice charge (no real money)');
    await advanceDays(w.emu, 8);
    const second = await rehearse();
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('Sign-off written');

    const key = await loadOrCreateOperatorKey(w.keyFile, w.dir);
    const signers = [{ name: 'Ada', publicKey: key.publicKey }];
    await writeFile(path.join(w.dir, 'golive.config.json'), JSON.stringify({ ...live, rehearsal: { ...live.rehearsal, signers } }));
    await writeFile(path.join(w.dir, 'golive.practice.json'), JSON.stringify({ ...live, environment: 'test', rehearsal: { ...live.rehearsal, signers } }));
    const gate = (args: string[]) => golive(['check', w!.dir, '--require-rehearsal', '--only', 'rehearsal', '--format', 'json', '--config', path.join(w!.dir, 'golive.practice.json'), ...args], { env: cleanEnv(w!.env) });
    const passed = await gate(['--api-base-url', w.emu.url]);
    const report = JSON.parse(passed.stdout) as { checks: Array<{ status: string; summary: string }> };
    expect(report.checks.map((c) => c.status), report.checks[0]?.summary).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(report.checks[0]?.summary).toContain('MintCash confirmed 5 claims');
    expect(passed.exitCode).toBe(0);
    // Without it, the gate says which flag to pass.
    const elsewhere = JSON.parse((await gate([])).stdout) as { checks: Array<{ summary: string }> };
    expect(elsewhere.checks[0]?.summary).toContain(`the sign-off was made against ${w.emu.url}, not https://api.mintcash.me; pass --api-base-url ${w.emu.url} if you trust that API`);
    // The repository's live config never counts a practice run.
    const liveGate = JSON.parse((await golive(['check', w.dir, '--require-rehearsal', '--only', 'rehearsal', '--format', 'json', '--api-base-url', w.emu.url], { env: cleanEnv(w.env) })).stdout) as { checks: Array<{ summary: string }> };
    expect(liveGate.checks[0]?.summary).toContain('is a practice run');
  });

  it('check --api-base-url with a live key at hand and a host that is not MintCash\'s live one: refused, nothing sent', async () => {
    const seen: string[] = [];
    recorder = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end('{}');
    });
    await new Promise<void>((r) => recorder!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    w = await world();
    const env = cleanEnv({ MINTCASH_PUBLIC_KEY: fakeKey('pk', 'live', 'practice'), MINTCASH_SECRET_KEY: fakeKey('sk', 'live', 'practice') });
    const r = await golive(['check', w.dir, '--api-base-url', url, '--offline'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`refusing to send live keys to ${new URL(url).host} (--api-base-url): that is this machine (the emulator or a local proxy), not MintCash's live API; to send live keys there on purpose, also pass --allow-live-host 127.0.0.1`);
    expect(r.stderr).not.toContain(env.MINTCASH_SECRET_KEY);
    const fromFile = path.join(w.keyDir, 'prod.env');
    await writeFile(fromFile, `MINTCASH_SECRET_KEY=${fakeKey('sk', 'live', 'dotenv')}\n`);
    expect((await golive(['check', w.dir, '--api-base-url', url, '--dotenv', fromFile], { env: cleanEnv() })).exitCode).toBe(2);
    expect(seen).toEqual([]);
  });

  it('golive init says how to practise', async () => {
    w = await world();
    let out = '';
    await runInit(w.dir, { yes: true, force: true }, { out: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream });
    expect(out).toContain('To practise the dress rehearsal first (no real money), against the local emulator:');
    expect(out).toContain('golive rehearse');
    expect(out).toContain('--api-base-url http://127.0.0.1:4010');
    expect(out).toContain('"environment": "test"');
  });
});
