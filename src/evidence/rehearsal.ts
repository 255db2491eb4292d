// Collects the rehearsal sign-offs of the target directory (`golive-rehearsal/*.json`, as
// `golive rehearse` writes them) and verifies each one's digest and Ed25519 signature, recording
// who signed (by key) and whether that key is pinned in `rehearsal.signers`, what it is bound to
// (API host, key, repository, the charge's MintCash time), and this repository's own identity to
// compare with. When this run has the key pair of a sign-off's environment (and is not offline),
// it re-reads every claim at MintCash (src/rehearsal/online.ts). Facts only: the rehearsal.*
// checks decide which sign-off counts. The mutable `.golive/rehearsals/` state is never read.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors.js';
import type { CollectContext, Collector, CredentialItem, RehearsalEvidence, SignOffFact } from './types.js';
import { pinFor, SIGNOFF_DIR, verifyDocument, type SignOff } from '../rehearsal/signoff.js';
import { compareText } from '../engine/order.js';
import { keyEnvironment } from '../mintcash/environments.js';
import { isMintcashLiveHost } from '../rehearsal/live-host.js';
import type { AllowedHost } from '../mintcash/hosts.js';
import { keyFingerprint, merchantIdentity } from '../rehearsal/merchant.js';
import { pickPair } from './mintcash.js';

/** A sign-off is a few tens of kB; anything far larger is not one. */
const MAX_BYTES = 5_000_000;
/** Online verification reads a few objects per sign-off: the newest few candidates are enough. */
const MAX_ONLINE = 3;

function factOf(file: string, json: unknown, pins: readonly { name: string; publicKey: string }[], env: Record<string, string | undefined>, allowed: readonly AllowedHost[] | undefined): { fact: SignOffFact; doc?: SignOff } {
  const r = verifyDocument(json);
  if (!r.ok) return { fact: { file, valid: false, problem: r.reason, signerPinned: false } };
  const doc: SignOff = r.doc;
  const steps = Object.fromEntries(
    doc.steps.map((s) => [s.id, { status: s.status, ids: { ...s.ids }, ...(s.completedAt ? { completedAt: s.completedAt } : {}), ...(s.waitingFor ? { waitingFor: s.waitingFor } : {}), ...(s.failure ? { failure: s.failure.message } : {}) }]),
  ) as SignOffFact['steps'];
  const pin = pinFor(pins, r.signer.publicKey);
  const b = doc.binding;
  const charge = b?.charge;
  return {
    doc,
    fact: {
      file,
      valid: true,
      id: doc.rehearsal.id,
      signer: r.signer,
      signerPinned: pin !== undefined,
      ...(pin ? { pinnedAs: pin.name } : {}),
      keyEnvironment: doc.rehearsal.target.keyEnvironment,
      practice: doc.practice === true,
      scripted: doc.scripted === true,
      complete: doc.complete,
      generatedAt: doc.generatedAt,
      apiBaseUrl: doc.rehearsal.target.baseUrl,
      apiHostIsLive: isMintcashLiveHost(doc.rehearsal.target.baseUrl, env, allowed),
      ...(b ? { merchant: { ...b.merchant } } : {}),
      ...(b?.publicKeyFingerprint ? { publicKeyFingerprint: b.publicKeyFingerprint } : {}),
      ...(charge?.createdAt ? { chargeCreatedAt: charge.createdAt } : {}),
      ...(typeof charge?.clockSkewMs === 'number' ? { clockSkewMs: charge.clockSkewMs } : {}),
      steps,
    },
  };
}

async function keysOf(ctx: CollectContext): Promise<{ publicKey: string; secretKey: string } | undefined> {
  let items: CredentialItem[] = [];
  try {
    items = (await ctx.get('keys')).items;
  } catch {
    return undefined;
  }
  const pair = pickPair(items);
  return pair ? { publicKey: pair.pk.value, secretKey: pair.sk.value } : undefined;
}

async function verifyAtMintcash(ctx: CollectContext, ev: RehearsalEvidence, docs: Map<SignOffFact, SignOff>, keys: { publicKey: string; secretKey: string }): Promise<void> {
  const [{ planOnline }, { verifyOnline }, { createClient }] = await Promise.all([import('../rehearsal/verify.js'), import('../rehearsal/online.js'), import('../mintcash/client.js')]);
  const env = keyEnvironment(keys.publicKey);
  const candidates = ev.signOffs.filter((s) => s.valid && s.keyEnvironment === env).slice(0, MAX_ONLINE);
  for (const fact of candidates) {
    const doc = docs.get(fact);
    if (!doc) continue;
    // Where to read: the operator's --api-base-url / GOLIVE_API_BASE_URL, else the config; the send rule decides.
    const plan = planOnline(doc, { ...(ctx.options.api ? { operator: ctx.options.api } : {}), configUrl: ctx.config.api.baseUrl }, keys, ctx.config.env);
    if (!plan.ok) {
      fact.online = { refused: plan.reason };
      continue;
    }
    if (plan.target.announce) ctx.notice?.(plan.target.announce);
    const baseUrl = plan.target.url.href;
    try {
      // One retry is enough for reads; the runner's check timeout bounds the rest.
      const client = createClient({ target: plan.target, ...keys, timeoutMs: 10_000, retries: 1 });
      fact.online = { baseUrl, claims: await verifyOnline(doc, client) };
    } catch (e) {
      fact.online = { baseUrl, claims: [{ what: 'keys', ok: false, kind: 'unreachable', detail: `could not verify at MintCash: ${describeError(e)}` }] };
    }
  }
}

export const collectRehearsal: Collector<'rehearsal'> = async (ctx: CollectContext): Promise<RehearsalEvidence> => {
  const pins = ctx.config.rehearsal?.signers ?? [];
  const dir = path.join(ctx.root, SIGNOFF_DIR);
  const keys = await keysOf(ctx);
  const keyEnv = keys ? keyEnvironment(keys.publicKey) : undefined;
  const ev: RehearsalEvidence = {
    dir: SIGNOFF_DIR,
    collectedAt: new Date().toISOString(),
    signOffs: [],
    pinnedSigners: pins.length,
    here: { merchant: await merchantIdentity(ctx.root, ctx.config.rehearsal?.merchantId), ...(keys && keyEnv ? { key: { environment: keyEnv, fingerprint: keyFingerprint(keys.publicKey) } } : {}) },
    notes: [],
  };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') ev.notes.push({ source: 'rehearsal', message: `cannot list ${SIGNOFF_DIR}/: ${describeError(e)}` });
    return ev;
  }
  const docs = new Map<SignOffFact, SignOff>();
  for (const name of names) {
    const rel = `${SIGNOFF_DIR}/${name}`;
    let json: unknown;
    try {
      const text = await readFile(path.join(dir, name), 'utf8');
      if (text.length > MAX_BYTES) throw new Error('too large for a sign-off');
      json = JSON.parse(text);
    } catch (e) {
      ev.signOffs.push({ file: rel, valid: false, problem: `unreadable: ${describeError(e)}`, signerPinned: false });
      continue;
    }
    const { fact, doc } = factOf(rel, json, pins, ctx.env, ctx.options.api?.allowLiveHosts);
    if (doc) docs.set(fact, doc);
    ev.signOffs.push(fact);
  }
  ev.signOffs.sort((a, b) => compareText(b.generatedAt ?? '', a.generatedAt ?? ''));
  if (ctx.options.offline) ev.onlineSkipped = 'offline (--offline): sign-offs were not re-read at MintCash';
  else if (!keys || !keyEnv) ev.onlineSkipped = `no MintCash key pair in ${ctx.config.env.publicKey} / ${ctx.config.env.secretKey}: sign-offs were not re-read at MintCash`;
  else await verifyAtMintcash(ctx, ev, docs, keys);
  return ev;
};
