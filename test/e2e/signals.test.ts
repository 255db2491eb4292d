// Ctrl-C: a running check exits 130 with one line; the emulator, a server, stops normally (0).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from './cli.js';

function waitFor(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    stream.on('data', (c) => {
      seen += String(c);
      if (seen.includes(text)) resolve();
    });
  });
}

describe('interrupts', () => {
  it('a check waiting on a silent endpoint exits 130 on SIGINT', async () => {
    const hung = http.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/hook`;
    try {
      const child = execa('node', [BIN, 'check', '.', '--webhook-url', url, '--only', 'webhook.latency'], {
        env: cleanEnv({ MINTCASH_WEBHOOK_SECRET: 'whsec_' + 'x'.repeat(24) }),
        extendEnv: false,
        reject: false,
      });
      await new Promise<void>((resolve) => hung.once('request', () => resolve()));
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(String(r.stderr)).toContain('interrupted');
      expect(String(r.stderr)).not.toMatch(/\n\s+at /);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });

  it('golive emulate stops cleanly on SIGINT with exit 0', async () => {
    const child = execa('node', [BIN, 'emulate', '--port', '0'], { env: cleanEnv(), extendEnv: false, reject: false });
    await waitFor(child.stdout!, 'Press Ctrl-C to stop.');
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toContain('Emulator stopped.');
  });
});
