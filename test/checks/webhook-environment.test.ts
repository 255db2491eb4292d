// webhook.environment: a correctly signed event from the other environment must be refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEnvironment } from '../../checks/webhook-environment.js';
import { fakeWebhookSecret } from '../helpers/keys.js';
import { makePki, type TestPki } from '../helpers/tls.js';
import { collect, judge, startWebhookServer, type Behaviour, type RunningServer } from '../helpers/webhook-servers.js';

let pki: TestPki;
const servers: RunningServer[] = [];
const secret = fakeWebhookSecret('env');

beforeAll(() => {
  pki = makePki();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function run(behaviour: Behaviour, withSecret = true) {
  const s = await startWebhookServer({ behaviour, pem: pki.valid, secret });
  servers.push(s);
  const got = await collect({ url: s.url, ca: [pki.ca.cert], probes: { count: 1 }, ...(withSecret ? { secret } : {}) });
  return { out: await judge(webhookEnvironment, got), server: s };
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

  it('skips without the secret', async () => {
    const { out } = await run('correct', false);
    expect(out.verdict).toBe('skip');
  });
});
