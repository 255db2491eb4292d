// The shared judgement of the five rehearsal.* checks. A sign-off counts only when it is a real,
// recent, live rehearsal of this merchant, attested by a person:
//   - its digest and Ed25519 signature hold, and the signing key is pinned in rehearsal.signers
//     (signers are keys; the name in the document is only its claim);
//   - live (a practice run counts only when the config targets test), made against MintCash's
//     live API host as this run sees it;
//   - typed at a terminal, unless the policy allows scripted live sign-offs (rehearsal.allowScripted);
//   - for this merchant: the repository and merchant id it names match this one's, and its key is
//     the key pair this run has (when it has one);
//   - recent: its age is measured from the charge's creation time at MintCash (never from when the
//     document was written), within rehearsal.maxAgeDays (default 14); a date ahead of now is refused;
//   - and, when this run could ask MintCash (key pair present, not offline), MintCash confirms every
//     claim. A key pair MintCash refuses, or a MintCash that cannot be reached, is an `error`.
// The newest such sign-off is used and named; its matching step must be done. Anything short of
// that is `pending` with one line saying why.
import type { GoliveConfig } from '../config/schema.js';
import type { CheckOutcome } from '../engine/types.js';
import type { RehearsalEvidence, SignOffFact } from '../evidence/types.js';

type StepKey = keyof NonNullable<SignOffFact['steps']>;
export const DEFAULT_MAX_AGE_DAYS = 14;
const DAY_MS = 86_400_000;
/** Clocks differ a little: a charge dated up to this far ahead is not "in the future". */
const FUTURE_SLACK_MS = 5 * 60_000;

interface Policy {
  environment: 'live' | 'test';
  maxAgeDays: number;
  allowScripted: boolean;
}

type Verdict = { why: string; error?: true } | undefined;

const days = (ms: number) => `${Math.floor(ms / DAY_MS)} day${Math.floor(ms / DAY_MS) === 1 ? '' : 's'}`;

/** "key SHA256:… (pinned as "Ada"; the document names "Ada Operator")". */
function signerOf(s: SignOffFact): string {
  const claim = `the document names "${s.signer?.name ?? '?'}"`;
  return `key ${s.signer?.fingerprint ?? '?'} (${s.pinnedAs ? `pinned as "${s.pinnedAs}"; ${claim}` : claim})`;
}

/** When the rehearsal happened, on this run's clock: MintCash's charge time (skew-corrected for emulator practice). */
function chargeTime(s: SignOffFact): number | undefined {
  if (!s.chargeCreatedAt) return undefined;
  const t = Date.parse(s.chargeCreatedAt);
  if (!Number.isFinite(t)) return undefined;
  // Emulator times are the emulator's clock; a practice run is aged by the clock it ran beside.
  return s.practice ? t - (s.clockSkewMs ?? 0) : t;
}

/** Why a signed document (a sign-off, a first-week report) does not count by its signature, or undefined. */
export function signatureRejection(s: Pick<SignOffFact, 'file' | 'valid' | 'problem' | 'signer' | 'signerPinned'>, pinnedSigners: number): string | undefined {
  if (!s.valid) return `${s.file} does not verify (${s.problem ?? 'invalid'})`;
  if (s.signerPinned) return undefined;
  return pinnedSigners === 0
    ? `${s.file} is signed by key ${s.signer?.fingerprint ?? '?'} (the document names "${s.signer?.name ?? '?'}", its own claim), but no signers are pinned: once you have checked that fingerprint with the person who holds it, add {"name": "<who holds ${s.signer?.fingerprint ?? 'it'}>", "publicKey": "${s.signer?.publicKey ?? ''}"} to rehearsal.signers`
    : `${s.file} is signed by key ${s.signer?.fingerprint ?? '?'} (the document names "${s.signer?.name ?? '?'}"), which is not pinned in rehearsal.signers`;
}

/** Why a sign-off does not count, or undefined when it does. */
function rejection(s: SignOffFact, ev: RehearsalEvidence, p: Policy): Verdict {
  const unsigned = signatureRejection(s, ev.pinnedSigners);
  if (unsigned) return { why: unsigned };
  const live = p.environment === 'live';
  if (live && (s.keyEnvironment !== 'live' || (s.practice && s.apiHostIsLive !== false))) return { why: `${s.file} is a practice run (test keys or sandbox/emulator); the rehearsal must be done with the live pair against the live API` };
  if (live && !s.apiHostIsLive) return { why: `${s.file} was made against ${s.apiBaseUrl ?? 'an unknown API'}, which is not MintCash's live API host (api.mintcash.me): it proves nothing about live` };
  if (live && s.scripted && !p.allowScripted) return { why: `${s.file} has SCRIPTED answers (from an answers file): a live sign-off is attested by a person at a terminal, unless the trusted policy sets rehearsal.allowScripted` };
  const here = ev.here?.merchant ?? {};
  const signed = s.merchant ?? {};
  if (signed.merchantId && here.merchantId && signed.merchantId !== here.merchantId) return { why: `${s.file} is another merchant's: made for merchant id "${signed.merchantId}", this repository is "${here.merchantId}"` };
  if (signed.repository && here.repository && signed.repository !== here.repository) return { why: `${s.file} is another merchant's: made in repository ${signed.repository}, this is ${here.repository}` };
  const key = ev.here?.key;
  if (key && s.publicKeyFingerprint && key.environment === s.keyEnvironment && key.fingerprint !== s.publicKeyFingerprint) {
    return { why: `${s.file} was made with ${s.keyEnvironment} public key ${s.publicKeyFingerprint}, not this merchant's (${key.fingerprint})` };
  }
  const bound = (signed.merchantId && signed.merchantId === here.merchantId) || (signed.repository && signed.repository === here.repository) || (key && s.publicKeyFingerprint === key.fingerprint);
  if (live && !bound) return { why: `${s.file} cannot be tied to this merchant: neither its repository, its merchant id nor its key can be compared here; set rehearsal.merchantId (or run with the live key pair) and rehearse again` };
  const now = Date.parse(ev.collectedAt);
  const at = chargeTime(s);
  if (at === undefined) return { why: `${s.file} carries no MintCash creation time for its charge, so its age is unknown: rehearse again` };
  const generated = s.generatedAt ? Date.parse(s.generatedAt) : Number.NaN;
  if (at > now + FUTURE_SLACK_MS || generated > now + FUTURE_SLACK_MS) {
    return { why: `${s.file} is dated in the future (charge created at MintCash ${s.chargeCreatedAt}, record ${s.generatedAt}, now ${ev.collectedAt}): refused` };
  }
  const age = now - at;
  if (age > p.maxAgeDays * DAY_MS) return { why: `${s.file} is ${days(age)} old (its charge was created at MintCash ${s.chargeCreatedAt}), over rehearsal.maxAgeDays (${p.maxAgeDays}): rehearse again` };
  if (s.online && 'refused' in s.online) return { why: `${s.file} could not be verified at MintCash: ${s.online.refused}` };
  if (s.online) {
    const cannot = s.online.claims.find((c) => c.kind);
    if (cannot) return { why: `${s.file} could not be verified at MintCash: ${cannot.detail}`, error: true };
    const bad = s.online.claims.find((c) => !c.ok);
    if (bad) return { why: `MintCash does not confirm the ${bad.what} in ${s.file}: ${bad.detail}` };
  }
  return undefined;
}

export function judgeRehearsalStep(ev: RehearsalEvidence, step: StepKey, label: string, config: Pick<GoliveConfig, 'environment' | 'rehearsal'>): CheckOutcome {
  const p: Policy = { environment: config.environment, maxAgeDays: config.rehearsal?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS, allowScripted: config.rehearsal?.allowScripted === true };
  const judged = ev.signOffs.map((s) => ({ s, verdict: rejection(s, ev, p) }));
  const used = judged.find((j) => j.verdict === undefined)?.s;
  if (!used) {
    const first = judged[0];
    const evidence = { verifiedSignOff: false, looked: ev.dir, signOffsFound: ev.signOffs.length, ...(first ? { rejected: judged.map((j) => `${j.verdict?.why}`) } : {}), ...(ev.onlineSkipped ? { onlineSkipped: ev.onlineSkipped } : {}) };
    if (!first) return { status: 'pending', summary: `No signed rehearsal sign-off in ${ev.dir}/: run \`golive rehearse\` to do the ${label}.`, evidence };
    return { status: first.verdict?.error ? 'error' : 'pending', summary: `No verified sign-off for the ${label}: ${first.verdict?.why}.`, evidence };
  }
  const s = used.steps?.[step];
  const online = used.online && 'claims' in used.online ? used.online : undefined;
  const evidence: Record<string, unknown> = {
    verifiedSignOff: true,
    signOff: used.file,
    rehearsalId: used.id,
    signer: signerOf(used),
    chargeCreatedAt: used.chargeCreatedAt,
    recordedAt: used.generatedAt,
    keyEnvironment: used.keyEnvironment,
    scripted: used.scripted === true,
    verifiedAtMintcash: online ? `${online.claims.length} claims confirmed at ${online.baseUrl}` : (ev.onlineSkipped ?? 'no'),
    step,
    stepStatus: s?.status ?? 'missing',
    ...(s?.ids ?? {}),
  };
  if (s?.completedAt) evidence.completedAt = s.completedAt;
  const age = used.chargeCreatedAt ? `${days(Date.parse(ev.collectedAt) - (chargeTime(used) ?? 0))} ago at MintCash` : 'at an unknown time';
  const scripted = used.scripted ? '; SCRIPTED answers, allowed by rehearsal.allowScripted' : '';
  const from = `sign-off ${used.file} (rehearsal ${used.id}, charge ${age}, signed by ${signerOf(used)}${scripted}${online ? `; MintCash confirmed ${online.claims.length} claims` : ''})`;
  if (s?.status === 'done') return { summary: `The ${label} was done${s.completedAt ? ` on ${s.completedAt}` : ''}: ${from}.`, evidence };
  const why =
    s?.status === 'waiting'
      ? `waits for ${s.waitingFor ?? 'a later confirmation'}`
      : s?.status === 'failed'
        ? `failed (${s.failure ?? 'see the sign-off'}); fix it and run \`golive rehearse\` again`
        : s?.status === 'in_progress'
          ? 'is in progress'
          : 'has not started';
  return { status: 'pending', summary: `The ${label} ${why} in ${from}. Run \`golive rehearse\` to continue, then \`golive rehearse --report\` for a new sign-off.`, evidence };
}
