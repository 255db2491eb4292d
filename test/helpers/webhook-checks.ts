// The setup every webhook check test shares: one test PKI per file, every handler it starts closed
// after the file, and "start a handler, probe it, judge one check" as a single call.
import { afterAll, beforeAll } from 'vitest';
import type { Check } from '../../src/engine/types.js';
import { makePki, type Pem, type TestPki } from './tls.js';
import { collect, judge, startWebhookServer, type Behaviour, type Judged, type RunningServer, type ServerOptions } from './webhook-servers.js';

export interface ProbeOptions {
  /** Put the secret in the environment (default true); without it most probes cannot be signed. */
  withSecret?: boolean;
  /** webhook.probes overrides; default one round of probes. */
  probes?: Record<string, number>;
  /** Certificate the handler serves; default the valid one. */
  pem?: Pem;
  delayMs?: number;
  /** Trust the test CA (default true); false shows what a private CA looks like to golive. */
  trustCa?: boolean;
}

export interface WebhookBench {
  /** The test PKI; made in beforeAll, so read it inside tests only. */
  readonly pki: TestPki;
  readonly secret: string;
  /** Starts a handler, by default with the valid certificate and the bench's secret; closed after the file. */
  start(opts: Omit<ServerOptions, 'pem' | 'secret'> & Partial<Pick<ServerOptions, 'pem' | 'secret'>>): Promise<RunningServer>;
  /** Starts a handler with `behaviour` as the webhook URL, probes it and judges `check` on the evidence. */
  probe(check: Check<'webhook'>, behaviour: Behaviour, opts?: ProbeOptions): Promise<{ out: Judged; server: RunningServer }>;
}

/** Registers the file's beforeAll/afterAll; call it at the top level of a test file. */
export function useWebhookBench(secret: string): WebhookBench {
  let pki: TestPki | undefined;
  const servers: RunningServer[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const bench: WebhookBench = {
    get pki() {
      if (!pki) throw new Error('the test PKI is made in beforeAll: use it inside a test');
      return pki;
    },
    secret,
    async start(opts) {
      const s = await startWebhookServer({ pem: bench.pki.valid, secret, ...opts });
      servers.push(s);
      return s;
    },
    async probe(check, behaviour, opts = {}) {
      const server = await bench.start({ behaviour, ...(opts.pem ? { pem: opts.pem } : {}), ...(opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {}) });
      const got = await collect({
        url: server.url,
        probes: opts.probes ?? { count: 1 },
        ...((opts.trustCa ?? true) ? { ca: [bench.pki.ca.cert] } : {}),
        ...((opts.withSecret ?? true) ? { secret } : {}),
      });
      return { out: await judge(check, got), server };
    },
  };
  return bench;
}
