// Shared test parts for the emulator: a webhook receiver on loopback that verifies signatures with
// its OWN HMAC (not the product's signBody), `golive emulate` as a child process on a state file,
// and small HTTP helpers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  raw: string;
  signature: string | undefined;
  valid: boolean;
  body: { eventId: string; event: string; type: string; environment: string; apiVersion: string; createdAt: string; data: Record<string, unknown> };
}

/** Independent implementation of the documented algorithm: lowercase hex HMAC-SHA256 of the raw bytes. */
export function independentVerify(secret: string, raw: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/.test(header)) return false;
  const mac = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(mac, Buffer.from(header, 'hex'));
}

/** `statuses` are answered in order per request; the last one repeats. */
export async function receiver(secret: string, statuses: number[] = [200]) {
  const got: Received[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const sig = req.headers['x-signature'] as string | undefined;
      got.push({ raw: raw.toString('utf8'), signature: sig, valid: independentVerify(secret, raw, sig), body: JSON.parse(raw.toString('utf8')) });
      const status = statuses[Math.min(n++, statuses.length - 1)] ?? 200;
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    got,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function call(base: string, method: string, path: string, auth?: { publicKey: string; secretKey: string }, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.publicKey}:${auth.secretKey}`).toString('base64')}`;
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export async function until(pred: () => boolean, what: string, limit = 5000): Promise<void> {
  const stop = Date.now() + limit;
  while (!pred()) {
    if (Date.now() > stop) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const parseEnv = (text: string) => Object.fromEntries(text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** Starts `golive emulate` on `<dir>/emu.json` (tracked in `children` for cleanup); resolves once it prints its URL. */
export async function spawnEmulatorIn(children: ResultPromise[], dir: string, extra: string[] = [], env: Record<string, string> = {}, fresh = true) {
  const child = execa('node', [BIN, 'emulate', '--port', '0', '--state', join(dir, 'emu.json'), '--credentials-dir', join(dir, 'creds'), ...extra], {
    env: cleanEnv(env),
    extendEnv: false,
    reject: false,
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await until(() => out.includes('Ctrl-C'), 'the emulator to start', 20_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
  const test = parseEnv(await readFile(join(dir, 'creds', 'test.env'), 'utf8'));
  // A stale live.env from an earlier start is never read when this start wrote none.
  const live = fresh ? parseEnv(await readFile(join(dir, 'creds', 'live.env'), 'utf8')) : {};
  return {
    url,
    liveUrl: `${url}/live`,
    test: { publicKey: test.MINTCASH_PUBLIC_KEY as string, secretKey: test.MINTCASH_SECRET_KEY as string },
    live: { publicKey: live.MINTCASH_PUBLIC_KEY as string, secretKey: live.MINTCASH_SECRET_KEY as string, baseUrl: live.MINTCASH_BASE_URL as string },
    webhookSecret: test.MINTCASH_WEBHOOK_SECRET as string,
    pid: child.pid,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      const r = await child;
      expect(r.signal).toBe('SIGKILL');
    },
  };
}

/** `golive emulate` on `<dir>/emu.json` that is expected to refuse to start: its exit code and output. */
export async function emulateRefused(dir: string, extra: string[] = []) {
  const r = await execa('node', [BIN, 'emulate', '--port', '0', '--state', join(dir, 'emu.json'), '--credentials-dir', join(dir, 'creds'), ...extra], { env: cleanEnv(), extendEnv: false, reject: false, timeout: 20_000 });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}
