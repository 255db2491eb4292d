// webhook.dedup: the same signed eventId twice must be acknowledged both times.
import { describe, expect, it } from 'vitest';
import { webhookDedup } from '../../checks/webhook-dedup.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import type { Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('dedup'));

async function run(behaviour: Behaviour, withSecret = true) {
  return (await bench.probe(webhookDedup, behaviour, { withSecret })).out;
}

describe('webhook.dedup', () => {
  it.each<[Behaviour, string, string[]]>([
    ['correct', 'pass', []],
    ['crash-duplicate', 'fail', ['crash-on-duplicate']],
    ['refuse-duplicate', 'fail', ['duplicate-refused']],
    ['refuses-everything', 'fail', ['inconclusive']],
  ])('%s -> %s', async (behaviour, verdict, ids) => {
    const out = await run(behaviour);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('shows both deliveries in its evidence', async () => {
    const out = await run('crash-duplicate');
    const probes = (out.evidence as { probes: Record<string, { status?: number }> }).probes;
    expect(probes['duplicate-first']?.status).toBe(200);
    expect(probes['duplicate-second']?.status).toBe(500);
  });

  it('is pending without the secret (nothing valid can be signed)', async () => {
    const out = await run('correct', false);
    expect(out.verdict).toBe('pending');
  });
});
