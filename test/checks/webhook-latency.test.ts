// webhook.latency: the 10 s budget is MintCash's contract, so tests shrink it through
// webhook.probes.budgetMs / promptAckMs instead of waiting 10 s.
import { describe, expect, it } from 'vitest';
import { webhookLatency } from '../../checks/webhook-latency.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import { collect, judge, type Behaviour } from '../helpers/webhook-servers.js';
import { probePhaseBudgetMs } from '../../src/evidence/webhook.js';
import { PROBE_KINDS } from '../../src/mintcash/probe-events.js';

const bench = useWebhookBench(fakeWebhookSecret('latency'));

async function run(behaviour: Behaviour, delayMs: number, probes: Record<string, number>, withSecret = true) {
  return (await bench.probe(webhookLatency, behaviour, { delayMs, probes: { count: 3, ...probes }, withSecret })).out;
}

describe('webhook.latency', () => {
  it.each<[string, Behaviour, number, Record<string, number>, string, string[]]>([
    ['fast handler', 'correct', 0, {}, 'pass', []],
    ['slightly slow: above prompt-ack', 'correct', 150, { promptAckMs: 100, budgetMs: 5000 }, 'warn', ['slow-ack']],
    ['too slow: over the budget', 'correct', 400, { promptAckMs: 100, budgetMs: 300, timeoutMs: 1500 }, 'fail', ['over-budget']],
    ['never answers', 'never-answers', 0, { timeoutMs: 1000 }, 'fail', ['timeout']],
    ['trickles headers forever', 'trickle-headers', 0, { timeoutMs: 1000 }, 'fail', ['timeout']],
    ['resets mid-response', 'reset', 0, { count: 1 }, 'fail', ['no-answer']],
    // A 4xx is still an answer: latency judges speed, webhook.signature judges the status.
    ['refuses everything, fast', 'refuses-everything', 0, {}, 'pass', []],
  ])('%s -> %s', async (_name, behaviour, delay, probes, verdict, ids) => {
    const out = await run(behaviour, delay, probes);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('reports p50/p95/max and per-probe timings', async () => {
    const out = await run('correct', 0, { count: 4 });
    expect(out.evidence).toMatchObject({ samples: 4, budgetMs: 10000, promptAckMs: 2000 });
    const ev = out.evidence as { p50Ms: number; p95Ms: number; maxMs: number; timings: Array<{ totalMs: number; tlsMs?: number }> };
    expect(ev.p50Ms).toBeLessThanOrEqual(ev.p95Ms);
    expect(ev.p95Ms).toBeLessThanOrEqual(ev.maxMs);
    expect(ev.timings).toHaveLength(4);
    expect(out.summary).toMatch(/4 signed probes: p50/);
  });

  it('is pending without the secret, naming the variable', async () => {
    const out = await run('correct', 0, {}, false);
    expect(out.verdict).toBe('pending');
    expect(out.summary).toContain('MINTCASH_WEBHOOK_SECRET');
  });
});

describe('webhook.latency with samples not sent', () => {
  it('is an error, not a pass, when a sample was never sent', async () => {
    const server = await bench.start({ behaviour: 'correct' });
    const got = await collect({ url: server.url, probes: { count: 5 }, ca: [bench.pki.ca.cert], secret: bench.secret });
    expect(got.evidence.latency.every((s) => s.ran)).toBe(true);
    // As a hidden budget used to leave them: the two last samples recorded as not sent.
    const latency = got.evidence.latency.map((s, i) => (i >= 3 ? { name: s.name, ran: false, reason: 'not sent: the probe time budget was used up' } : s));
    const out = await judge(webhookLatency, { ...got, evidence: { ...got.evidence, latency } });
    expect(out.verdict).toBe('error');
    expect(out.summary).toContain('only 3 of 5 latency samples were sent');
  });

  it('the probe phase budget lets every probe use its whole timeout', () => {
    const names = PROBE_KINDS.length + 1; // the duplicate kind is two probes
    for (const cfg of [
      { count: 5, timeoutMs: 15_000, concurrency: 2 },
      { count: 50, timeoutMs: 60_000, concurrency: 1 },
      { count: 1, timeoutMs: 1_000, concurrency: 8 },
    ]) {
      // Worst case: valid alone, the other probes in rounds of `concurrency` (duplicate pair back to
      // back), then the latency samples; each round as long as the timeout.
      const others = names - 2;
      const worst = (1 + Math.ceil(others / cfg.concurrency) + 1 + Math.ceil((cfg.count - 1) / cfg.concurrency)) * cfg.timeoutMs;
      expect(probePhaseBudgetMs(names, cfg)).toBeGreaterThan(worst);
    }
  });
});
