// webhook.environment: a correctly signed event from the other environment must be refused.
import { describe, expect, it } from 'vitest';
import { webhookEnvironment } from '../../checks/webhook-environment.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import type { Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('env'));

function run(behaviour: Behaviour, withSecret = true) {
  return bench.probe(webhookEnvironment, behaviour, { withSecret });
}

describe('webhook.environment', () => {
  it.each<[Behaviour, string, string[]]>([
    ['correct', 'pass', []],
    ['accepts-test', 'fail', ['accepts-wrong-environment']],
    ['refuses-everything', 'fail', ['inconclusive']],
  ])('%s -> %s', async (behaviour, verdict, ids) => {
    const { out } = await run(behaviour);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('sends a correctly signed "test" event to a live endpoint', async () => {
    const { out, server } = await run('accepts-test');
    expect(out.findings?.[0]?.message).toContain('environment "test"');
    expect(server.requests.some((r) => JSON.parse(r.body).environment === 'test')).toBe(true);
  });

  it('is pending without the secret (nothing valid can be signed)', async () => {
    const { out } = await run('correct', false);
    expect(out.verdict).toBe('pending');
  });
});
