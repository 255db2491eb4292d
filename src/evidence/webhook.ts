// The webhook collector: probes the deployed endpoint (webhook.url or --webhook-url) and records
// what happened, never whether that is good. Order: DNS and TLS facts first; if the endpoint can
// be reached safely, the `valid` probe alone, then the other probes with bounded concurrency.
// Every probe is bounded by probes.timeoutMs; after one timeout (or refusal) the remaining probes
// are recorded as not run, so a dead endpoint costs one timeout, not one per probe.
import { PROBE_KINDS, buildProbe, NEEDS_SECRET, type ProbeKind, type ProbeRequest } from '../mintcash/probe-events.js';
import type { RunNote } from '../engine/types.js';
import { VERSION } from '../version.js';
import { httpProbe } from './http-probe.js';
import { bareHost, inspectTls, resolveHost } from './probe-endpoint.js';
import type { ProbeName, ProbeRecord, TestUrlEvidence, WebhookEvidence } from './probe-types.js';
import type { CollectContext, Collector } from './types.js';

/** Test-only seam: extra trusted roots. The CLI trusts a private CA through NODE_EXTRA_CA_CERTS. */
export interface WebhookSeam {
  ca?: string[];
  now?: Date;
  /** Called once per probe sent (progress off a terminal). */
  onProbe?: () => void;
  /** How many probes the endpoint is about to get (the progress line: "sent 12 of 40"). */
  onPlanned?: (n: number) => void;
}

type Ctx = Pick<CollectContext, 'config' | 'options' | 'env' | 'progress'>;

const FACTS_TIMEOUT_CAP_MS = 10_000;

/** Shown instead of the URL: origin and path only (a query string may carry a token). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseUrl(raw: string): URL | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

const USER_AGENT = `golive/${VERSION} (go-live probe; https://www.npmjs.com/package/mintcash-golive)`;

function skipped(name: ProbeRecord['name'], reason: string): ProbeRecord {
  return { name, ran: false, reason };
}

/** Runs tasks with at most `limit` in flight; a tripped breaker stops new ones from starting. */
async function pool(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

export async function collectWebhookWith(ctx: Ctx, seamIn: WebhookSeam = {}): Promise<WebhookEvidence> {
  const seam: WebhookSeam = ctx.progress && !seamIn.onProbe ? { ...seamIn, onProbe: () => ctx.progress?.('probes'), onPlanned: (n) => ctx.progress?.('probes-planned', n) } : seamIn;
  const started = performance.now();
  const { config, options, env } = ctx;
  const cfg = config.webhook.probes;
  const secretVar = config.env.webhookSecret;
  const secret = env[secretVar] || undefined;
  const notes: RunNote[] = [];
  const base: WebhookEvidence = { state: 'probed', secretVar, secretAvailable: !!secret, probes: {}, latency: [], durationMs: 0, notes };
  // The retired test-mode URL is probed even when the live URL is missing or unusable.
  const testUrlP =
    config.webhook.testUrl && !options.offline
      ? probeTestUrl(config.webhook.testUrl, cfg.timeoutMs, seam)
      : Promise.resolve(undefined);
  const finish = async (ev: WebhookEvidence): Promise<WebhookEvidence> => {
    const testUrl = await testUrlP;
    return { ...ev, ...(testUrl ? { testUrl } : {}), durationMs: Math.round(performance.now() - started) };
  };

  const raw = options.webhookUrl ?? config.webhook.url;
  if (!raw) {
    return finish({ ...base, state: 'not-configured', reason: 'No webhook URL: set webhook.url in the config or pass --webhook-url.' });
  }
  const source = options.webhookUrl ? '--webhook-url' : 'webhook.url';
  const url = parseUrl(raw);
  if (!url) return finish({ ...base, state: 'invalid-url', source, reason: `The ${source} value is not an http(s) URL.` });
  const ev: WebhookEvidence = {
    ...base,
    url: displayUrl(url),
    source,
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: bareHost(url),
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
  };
  if (options.offline) return finish({ ...ev, state: 'offline', reason: 'Offline: no probe was sent.' });

  const factsTimeout = Math.min(cfg.timeoutMs, FACTS_TIMEOUT_CAP_MS);
  ev.dns = await resolveHost(ev.host!, factsTimeout);
  if (ev.dns.error) ev.blocked = `the host ${ev.host} did not resolve (${ev.dns.error.code ?? ev.dns.error.kind})`;
  else if (ev.scheme === 'https') {
    ev.tls = await inspectTls(ev.host!, ev.port!, { timeoutMs: factsTimeout, ca: seam.ca, now: seam.now?.getTime() });
    if (ev.tls.error) ev.blocked = `the TLS handshake failed (${ev.tls.error.code ?? ev.tls.error.kind}: ${ev.tls.error.message})`;
    else if (!ev.tls.authorized) ev.blocked = `the certificate is not trusted (${ev.tls.authorizationError ?? 'unknown reason'})`;
  }

  await runProbes(ev, url, secret, config.environment, cfg, seam);
  return finish(ev);
}

type ProbeCfg = { count: number; timeoutMs: number; concurrency: number };

async function runProbes(ev: WebhookEvidence, url: URL, secret: string | undefined, environment: 'live' | 'test', cfg: ProbeCfg, seam: WebhookSeam) {
  const names: ProbeName[] = [];
  for (const k of PROBE_KINDS) {
    if (k === 'duplicate') names.push('duplicate-first', 'duplicate-second');
    else names.push(k);
  }
  const kindOf = (n: ProbeName): ProbeKind => (n.startsWith('duplicate') ? 'duplicate' : (n as ProbeKind));
  if (ev.blocked) {
    for (const n of names) ev.probes[n] = skipped(n, `not sent: ${ev.blocked}`);
    ev.latency = [skipped('latency', `not sent: ${ev.blocked}`)];
    return;
  }
  const noSecret = `not sent: ${ev.secretVar} is not set, so golive cannot sign a valid event`;
  seam.onPlanned?.(secret ? names.length + Math.max(0, cfg.count - 1) : names.filter((n) => !NEEDS_SECRET.has(kindOf(n))).length);
  let stop: string | undefined;
  // Hard cap on the whole probe phase, derived from the probe settings so that an endpoint that
  // answers each probe within timeoutMs always gets every probe: the valid one alone, the others
  // `concurrency` at a time (the duplicate pair back to back), then the latency samples. A hidden
  // shorter budget would leave samples unsent and the slow handler unproven.
  const deadline = performance.now() + probePhaseBudgetMs(names.length, cfg);

  const send = async (name: ProbeRecord['name'], req: ProbeRequest): Promise<ProbeRecord> => {
    if (stop) return skipped(name, `not sent: ${stop}`);
    if (performance.now() > deadline) return skipped(name, 'not sent: the probe time budget was used up');
    seam.onProbe?.();
    const result = await httpProbe(url, {
      headers: { ...req.headers, 'user-agent': USER_AGENT },
      body: req.body,
      timeoutMs: cfg.timeoutMs,
      ca: seam.ca,
    });
    if (result.error?.kind === 'timeout' || result.error?.kind === 'refused' || result.error?.kind === 'dns') {
      stop ??= `an earlier probe got no answer (${result.error.kind})`;
    }
    const rec: ProbeRecord = { name, ran: true, eventId: req.eventId, environment: req.environment, result };
    if (req.signaturePrefix) rec.signaturePrefix = req.signaturePrefix;
    return rec;
  };
  const build = (k: ProbeKind) => buildProbe(k, secret, environment, seam.now);

  // The valid probe goes first and alone: it is the baseline every other verdict leans on.
  if (secret) ev.probes.valid = await send('valid', build('valid'));
  else ev.probes.valid = skipped('valid', noSecret);

  const tasks: Array<() => Promise<void>> = [];
  for (const n of names) {
    if (n === 'valid' || n === 'duplicate-second') continue;
    const kind = kindOf(n);
    if (NEEDS_SECRET.has(kind) && !secret) {
      ev.probes[n] = skipped(n, noSecret);
      if (n === 'duplicate-first') ev.probes['duplicate-second'] = skipped('duplicate-second', noSecret);
      continue;
    }
    if (n === 'duplicate-first') {
      // The same bytes twice, one after the other, as a MintCash retry would arrive.
      tasks.push(async () => {
        const req = build('duplicate');
        ev.probes['duplicate-first'] = await send('duplicate-first', req);
        ev.probes['duplicate-second'] = await send('duplicate-second', req);
      });
    } else {
      tasks.push(async () => {
        ev.probes[n] = await send(n, build(kind));
      });
    }
  }
  await pool(tasks, cfg.concurrency);

  // Latency samples last, so the verdict probes are not queued behind them.
  if (!secret) {
    ev.latency = [skipped('latency', noSecret)];
    return;
  }
  const samples: ProbeRecord[] = [ev.probes.valid!];
  const more: Array<() => Promise<void>> = [];
  for (let i = 1; i < cfg.count; i++) {
    more.push(async () => {
      samples.push(await send('latency', build('valid')));
    });
  }
  await pool(more, cfg.concurrency);
  ev.latency = samples;
}

/** The longest the probe phase can take when every probe uses its whole timeout, plus slack. */
export function probePhaseBudgetMs(probeNames: number, cfg: ProbeCfg): number {
  // valid alone; the other probes as tasks (the duplicate pair is one task of two probes).
  const tasks = probeNames - 2;
  const rounds = 1 + Math.ceil(tasks / cfg.concurrency) + 1 + Math.ceil((cfg.count - 1) / cfg.concurrency);
  return rounds * cfg.timeoutMs + 5_000;
}

/** The retired test-mode URL gets one harmless, unsigned test-environment probe. */
async function probeTestUrl(raw: string, timeoutMs: number, seam: WebhookSeam): Promise<TestUrlEvidence> {
  const url = parseUrl(raw);
  if (!url) return { url: raw, probe: skipped('test-url', 'not sent: webhook.testUrl is not an http(s) URL') };
  const shown = displayUrl(url);
  const dns = await resolveHost(bareHost(url), Math.min(timeoutMs, FACTS_TIMEOUT_CAP_MS));
  if (dns.error) return { url: shown, dns, probe: skipped('test-url', `not sent: the host did not resolve (${dns.error.code ?? dns.error.kind})`) };
  // Unsigned: we do not hold the test-mode secret, and a live handler still running there shows
  // itself by refusing the signature (401) rather than silently acknowledging.
  const req = buildProbe('missing-signature', undefined, 'test', seam.now);
  const result = await httpProbe(url, { headers: { ...req.headers, 'user-agent': USER_AGENT }, body: req.body, timeoutMs, ca: seam.ca });
  return { url: shown, dns, probe: { name: 'test-url', ran: true, eventId: req.eventId, environment: 'test', result } };
}

export const collectWebhook: Collector<'webhook'> = (ctx) => collectWebhookWith(ctx);
