// Preflight judgements that cannot run against the emulator: golive refuses to send live keys to a
// loopback API, so the live branch is driven here with a stand-in API answer.
import { describe, expect, it } from 'vitest';
import { StepContext, Failed, type RehearsalDeps, type WebhookCheckSummary } from '../../src/rehearsal/context.js';
import { askerFromMap } from '../../src/rehearsal/asker.js';
import { runPreflight } from '../../src/rehearsal/step-preflight.js';
import { STEP_IDS, emptyStep, type RehearsalState } from '../../src/rehearsal/types.js';
import { fakeKey } from '../helpers/keys.js';

function deps(keyEnvironment: 'live' | 'test', webhook: WebhookCheckSummary): RehearsalDeps {
  const pk = fakeKey('pk', keyEnvironment);
  const now = new Date('2026-11-27T12:00:00Z');
  const state: RehearsalState = {
    schemaVersion: 1,
    id: 'r1',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'in_progress',
    target: { baseUrl: 'https://api.mintcash.me', baseUrlKind: 'production', keyEnvironment, publicKey: pk },
    operator: { name: 'Ada', username: 'ada', hostname: 'h' },
    settings: { amount: 100, currency: 'USD', amountCap: 100, billingIntervalDays: 7, subscriptionAmount: 100, returnUrl: 'https://shop.example/' },
    steps: Object.fromEntries(STEP_IDS.map((id) => [id, emptyStep()])) as RehearsalState['steps'],
    sessions: [],
  };
  return {
    state,
    client: { listApiKeys: async () => [{ id: 'k', publicKey: pk, environment: keyEnvironment, isActive: true, createdAt: now.toISOString(), revokedAt: null }] } as unknown as RehearsalDeps['client'],
    ask: askerFromMap({ 'preflight.webhookRegistered': 'yes', 'preflight.ipAllowList': 'yes' }),
    out: () => undefined,
    waiter: { start() {}, update() {}, stop() {} },
    poll: { intervalMs: 1, maxAttempts: 1, maxMs: 1 },
    persist: async () => undefined,
    keys: { publicKey: pk, publicKeyEnv: keyEnvironment, secretKeyEnv: keyEnvironment, webhookSecretSet: true },
    webhookChecks: async () => webhook,
    now: () => now,
    sleep: async () => undefined,
  } as unknown as RehearsalDeps;
}

const notProbed: WebhookCheckSummary = { counts: { skip: 7 }, failing: [], skipped: ['webhook.https', 'webhook.public'], results: [{ id: 'webhook.https', status: 'skip', summary: 'no URL' }] };
const probed: WebhookCheckSummary = { counts: { pass: 7 }, failing: [], skipped: [], results: [{ id: 'webhook.https', status: 'pass', summary: 'ok' }] };

async function outcome(d: RehearsalDeps): Promise<string> {
  try {
    await runPreflight(new StepContext(d, 'preflight'));
    return 'ok';
  } catch (e) {
    if (e instanceof Failed) return e.failure.code;
    throw e;
  }
}

describe('preflight', () => {
  it('fails a live rehearsal whose webhook endpoint was never probed', async () => {
    expect(await outcome(deps('live', notProbed))).toBe('webhook-not-probed');
    expect(await outcome(deps('live', probed))).toBe('ok');
  });

  it('lets a practice run go on without a webhook URL, recording what was skipped', async () => {
    const d = deps('test', notProbed);
    expect(await outcome(d)).toBe('ok');
    expect(d.state.steps.preflight.facts.webhookChecksSkipped).toEqual(['webhook.https', 'webhook.public']);
  });
});
