// webhook.latency: the 10 s budget is MintCash's contract, so tests shrink it through
// webhook.probes.budgetMs / promptAckMs instead of waiting 10 s.
import { describe, expect, it } from 'vitest';
import { webhookLatency } from '../../checks/webhook-latency.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import type { Behaviour } from '../helpers/webhook-servers.js';

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
