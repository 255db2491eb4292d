// webhook.raw-body: a correctly signed, oddly formatted body must be accepted.
import { describe, expect, it } from 'vitest';
import { webhookRawBody } from '../../checks/webhook-raw-body.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { useWebhookBench } from '../helpers/webhook-checks.js';
import type { Behaviour } from '../helpers/webhook-servers.js';

const bench = useWebhookBench(fakeWebhookSecret('raw'));

async function run(behaviour: Behaviour, withSecret = true) {
  return (await bench.probe(webhookRawBody, behaviour, { withSecret })).out;
}

describe('webhook.raw-body', () => {
  it.each<[Behaviour, string, string[]]>([
    ['correct', 'pass', []],
    ['reserialises', 'fail', ['re-serialised']],
    ['accepts-everything', 'pass', []], // raw bytes are fine there; webhook.signature fails it
    ['refuses-everything', 'fail', ['inconclusive']],
  ])('%s -> %s', async (behaviour, verdict, ids) => {
    const out = await run(behaviour);
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('names the diagnosis for a re-serialising handler', async () => {
    const out = await run('reserialises');
    expect(out.findings?.[0]?.message).toMatch(/re-serialises JSON.*raw request bytes/);
  });

  it('is pending without the secret (nothing valid can be signed)', async () => {
    const out = await run('correct', false);
    expect(out.verdict).toBe('pending');
    expect(out.summary).toContain('MINTCASH_WEBHOOK_SECRET');
  });
});
