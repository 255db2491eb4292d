// Preflight: nothing moves until the key pair is verified, the keys come from one environment, the
// webhook section of `golive check` passes and the operator attests the two things golive cannot
// see (URL registration and the IP allow list request, both handled by the account manager).
import { maskSecret } from '../engine/mask.js';
import { normaliseEnvironment } from '../mintcash/environments.js';
import { Failed, apiFailure, type StepContext } from './context.js';

export async function runPreflight(ctx: StepContext): Promise<void> {
  const { keys } = ctx.deps;
  const rec = ctx.rec;
  rec.facts.publicKey = maskSecret(keys.publicKey);
  rec.facts.publicKeyEnv = keys.publicKeyEnv ?? 'unknown';
  rec.facts.secretKeyEnv = keys.secretKeyEnv ?? 'unknown';
  rec.facts.webhookSecretSet = keys.webhookSecretSet;
  if (!keys.publicKeyEnv || keys.publicKeyEnv !== keys.secretKeyEnv) {
    throw new Failed({
      code: 'mixed-environments',
      message: `the public key is ${keys.publicKeyEnv ?? 'not a MintCash key'} and the secret key is ${keys.secretKeyEnv ?? 'not a MintCash key'}`,
      advice: `Export a public and secret key of the same environment (pk_live_/sk_live_ for the real rehearsal), then \`${ctx.resume}\`.`,
    });
  }
  if (!keys.webhookSecretSet) {
    throw new Failed({
      code: 'no-webhook-secret',
      message: 'the webhook signing secret is not set',
      advice: `Export the webhook signing secret of the same environment (config env.webhookSecret, default MINTCASH_WEBHOOK_SECRET), then \`${ctx.resume}\`.`,
    });
  }

  let listed;
  ctx.deps.waiter.start(`Preflight: verifying the key pair ${maskSecret(keys.publicKey)} (GET /merchant/api-keys)…`);
  try {
    listed = await ctx.api(() => ctx.deps.client.listApiKeys());
  } catch (e) {
    throw apiFailure(e, 'keys-rejected', 'MintCash refused the key pair: ask your account manager for the current pair (and whether an IP allow list blocks this machine).');
  } finally {
    ctx.deps.waiter.stop();
  }
  const mine = listed.find((k) => k.publicKey === keys.publicKey);
  const env = normaliseEnvironment(mine?.environment);
  ctx.observe('GET /merchant/api-keys', mine ? (mine.isActive ? 'active' : 'inactive') : 'not listed', mine?.environment ?? undefined);
  if (!mine || !mine.isActive || (env !== undefined && env !== keys.publicKeyEnv)) {
    throw new Failed({
      code: 'key-not-active',
      message: `the public key ${maskSecret(keys.publicKey)} is ${mine ? (mine.isActive ? `listed for ${mine.environment}` : 'revoked or inactive') : 'not listed by GET /merchant/api-keys'}`,
      advice: 'Use the active key pair of this environment; your account manager can confirm which one it is.',
    });
  }
  ctx.out(`  ✔ Key pair ${maskSecret(keys.publicKey)} is active for ${keys.publicKeyEnv}; pk, sk and webhook secret are from one environment`);
  await ctx.phase('keys-verified');

  const label = `Preflight: probing your webhook endpoint${ctx.state.target.webhookUrl ? ` ${ctx.state.target.webhookUrl}` : ''} (golive check --only webhook)`;
  ctx.deps.waiter.start(`${label}…`);
  let summary;
  try {
    summary = await ctx.deps.webhookChecks((text) => ctx.deps.waiter.update(`${label}: ${text}`));
  } finally {
    ctx.deps.waiter.stop();
  }
  const mark: Record<string, string> = { pass: '✔', fail: '✖', error: '✖', warn: '!', skip: '–', pending: '…' };
  // One line per distinct result: eleven identical "no URL configured" lines would bury the point.
  const groups = new Map<string, string[]>();
  for (const r of summary.results) {
    const k = `${r.status}\u0000${r.summary}`;
    groups.set(k, [...(groups.get(k) ?? []), r.id]);
  }
  for (const [k, ids] of groups) {
    const [status, text] = k.split('\u0000') as [string, string];
    ctx.out(`  ${mark[status] ?? '·'} ${ids.join(', ')} ${status}: ${text}`);
  }
  rec.facts.webhookChecks = summary.counts;
  if (summary.skipped.length) rec.facts.webhookChecksSkipped = summary.skipped;
  if (summary.failing.length) {
    throw new Failed({
      code: 'webhook-checks-failing',
      message: `the webhook section of golive check does not pass: ${summary.failing.join(', ')}`,
      advice: `Run \`${ctx.deps.webhookCheckCommand ?? 'golive check --only webhook'}\` and fix what it reports, then \`${ctx.resume}\`.`,
    });
  }
  // With live keys the endpoint itself must have been probed; a practice run may skip it.
  if (summary.skipped.includes('webhook.https') && ctx.state.target.keyEnvironment === 'live') {
    throw new Failed({
      code: 'webhook-not-probed',
      message: 'the live webhook endpoint was not probed: no webhook URL is configured',
      advice: `Set webhook.url in golive.config.json so golive can probe the endpoint, or pass it: \`${ctx.resume} --webhook-url https://<your live webhook endpoint>\`.`,
    });
  }
  const url = ctx.state.target.webhookUrl ?? 'your live webhook URL';
  if (!(await ctx.attest('preflight.webhookRegistered', `Is ${url} registered as the webhook URL with your MintCash account manager?`))) {
    throw new Failed({
      code: 'webhook-not-registered',
      message: 'the operator has not confirmed that the webhook URL is registered',
      advice: `Webhook URLs are registered through the MintCash account manager (there is no API): ask them, then \`${ctx.resume}\`.`,
    });
  }
  const ip = await ctx.attest('preflight.ipAllowList', 'Have you asked MintCash to enable an IP allow list for the live keys? (recommended; off by default)');
  // Recommended, not required: recorded so the sign-off shows it either way.
  if (!ip) ctx.out('  Noted: no IP allow list requested. MintCash recommends one for live keys.');
}
