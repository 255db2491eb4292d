// Collects what MintCash says about the configured key pair: `GET /merchant/api-keys` against the
// API the operator chose, else the config's `api.baseUrl`. Gathers facts only (the check judges)
// and records every failure as data. The send rule (mintcash/hosts.ts) runs first: a refusal is a
// fact, and nothing is sent.
import type { CollectContext, Collector, CredentialItem, MintcashFacts } from './types.js';
import { createClient } from '../mintcash/client.js';
import { isApiError } from '../mintcash/errors.js';
import { keyEnvironment } from '../mintcash/environments.js';
import { classifyBaseUrl, decideSend } from '../mintcash/hosts.js';
import { redactText } from '../engine/mask.js';
import { describeError } from '../errors.js';

/** The process environment wins over --env-file: it is what the operator explicitly exported. */
const SOURCE_ORDER: CredentialItem['source'][] = ['env', 'env-file'];

export function pickPair(items: CredentialItem[]): { pk: CredentialItem; sk: CredentialItem } | undefined {
  for (const source of SOURCE_ORDER) {
    const pk = items.find((i) => i.source === source && i.role === 'publicKey' && i.value);
    const sk = items.find((i) => i.source === source && i.role === 'secretKey' && i.value);
    if (pk && sk) return { pk, sk };
  }
  return undefined;
}

export const collectMintcash: Collector<'mintcash'> = async (ctx: CollectContext): Promise<MintcashFacts> => {
  const operator = ctx.options.api;
  const baseUrl = operator?.baseUrl?.url ?? ctx.config.api.baseUrl;
  const facts: MintcashFacts = {
    attempted: false,
    baseUrl,
    baseUrlKind: classifyBaseUrl(baseUrl),
    baseUrlSource: operator?.baseUrl?.from ?? 'api.baseUrl in the repository config',
    environment: ctx.config.environment,
    notes: [],
  };
  if (ctx.options.offline) return { ...facts, skippedReason: 'offline' };

  let items: CredentialItem[] = [];
  try {
    items = (await ctx.get('keys')).items;
  } catch (e) {
    facts.notes.push({ source: 'mintcash', message: `could not read the key inventory: ${describeError(e)}` });
  }
  const pair = pickPair(items);
  if (!pair) return { ...facts, skippedReason: 'no-keys' };
  const pk = pair.pk.value;
  const sk = pair.sk.value;
  facts.publicKey = pk;
  facts.publicKeyEnv = keyEnvironment(pk);
  facts.secretKeyEnv = keyEnvironment(sk);
  facts.keySource = pair.pk.source === 'env' ? `environment ${pair.pk.name}/${pair.sk.name}` : `--dotenv ${pair.pk.name}/${pair.sk.name}`;

  const decision = decideSend({ ...(operator ? { operator } : {}), configUrl: ctx.config.api.baseUrl, keys: [pk, sk] });
  if (!decision.ok) {
    if (decision.refusal === 'bad-url') return { ...facts, skippedReason: 'bad-base-url', errorMessage: decision.message };
    return { ...facts, skippedReason: 'env-mismatch', mismatch: decision.refusal, refusal: decision.message };
  }
  if (decision.announce) {
    // Said before the request, where the operator reads it, and kept with the evidence.
    ctx.notice?.(decision.announce);
    facts.allowedHost = decision.announce.replace(/^golive: /, '');
  }

  let client;
  try {
    // One retry is enough for a read-only probe; the runner's check timeout bounds the rest.
    client = createClient({ target: decision, publicKey: pk, secretKey: sk, timeoutMs: 10_000, retries: 1 });
  } catch (e) {
    return { ...facts, skippedReason: 'bad-base-url', errorMessage: describeError(e) };
  }
  facts.attempted = true;
  try {
    const keys = await client.listApiKeys();
    facts.status = 200;
    facts.apiKeys = keys.map((k) => ({
      id: k.id,
      publicKey: k.publicKey,
      environment: k.environment,
      isActive: k.isActive,
      revokedAt: k.revokedAt,
    }));
  } catch (e) {
    if (isApiError(e)) {
      if (e.status) facts.status = e.status;
      facts.errorCode = e.code;
      if (e.reason) facts.errorReason = e.reason;
      if (e.requestId) facts.requestId = e.requestId;
      facts.errorMessage = redactText(e.apiMessage ?? e.message, [sk, pk]);
    } else {
      facts.errorCode = 'network_error';
      facts.errorMessage = redactText(describeError(e), [sk, pk]);
    }
  }
  return facts;
};
