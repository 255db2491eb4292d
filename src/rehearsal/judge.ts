// The shared judgement of the five rehearsal.* checks. Only a verified sign-off counts: digest and
// Ed25519 signature valid, signer pinned in rehearsal.signers, a live run (a practice run counts
// only when the config targets test), and generated within rehearsal.maxAgeDays (default 14). The
// newest such sign-off is used and named; its matching step must be done. Anything short of that
// is `pending` with what to do next. The evidence says whether a verified sign-off exists, so the
// verdict can say "Ready to go live" only then.
import type { GoliveConfig } from '../config/schema.js';
import type { CheckOutcome } from '../engine/types.js';
import type { RehearsalEvidence, SignOffFact } from '../evidence/types.js';

type StepKey = keyof NonNullable<SignOffFact['steps']>;
export const DEFAULT_MAX_AGE_DAYS = 14;
const DAY_MS = 86_400_000;

interface Policy {
  environment: 'live' | 'test';
  maxAgeDays: number;
}

/** Why a sign-off does not count, or undefined when it does. */
function rejection(s: SignOffFact, ev: RehearsalEvidence, p: Policy): string | undefined {
  if (!s.valid) return `${s.file} does not verify (${s.problem ?? 'invalid'})`;
  const who = `${s.signer?.name ?? '?'} (key ${s.signer?.fingerprint ?? '?'})`;
  if (!s.signerPinned) {
    return ev.pinnedSigners === 0
      ? `${s.file} is signed by ${who}, but no signers are pinned: add {"name": ${JSON.stringify(s.signer?.name ?? '')}, "publicKey": "${s.signer?.publicKey ?? ''}"} to rehearsal.signers in golive.config.json if you trust this key`
      : `${s.file} is signed by ${who}, who is not in rehearsal.signers`;
  }
  if (p.environment === 'live' && (s.keyEnvironment !== 'live' || s.practice)) return `${s.file} is a practice run (test keys or sandbox/emulator); the rehearsal must be done with the live pair against the live API`;
  const age = s.generatedAt ? (Date.parse(ev.collectedAt) - Date.parse(s.generatedAt)) / DAY_MS : Number.POSITIVE_INFINITY;
  if (!(age <= p.maxAgeDays)) return `${s.file} is ${Number.isFinite(age) ? `${Math.floor(age)} days` : 'of unknown age and'} old, over rehearsal.maxAgeDays (${p.maxAgeDays}): rehearse again`;
  return undefined;
}

export function judgeRehearsalStep(ev: RehearsalEvidence, step: StepKey, label: string, config: Pick<GoliveConfig, 'environment' | 'rehearsal'>): CheckOutcome {
  const p: Policy = { environment: config.environment, maxAgeDays: config.rehearsal?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS };
  const judged = ev.signOffs.map((s) => ({ s, why: rejection(s, ev, p) }));
  const used = judged.find((j) => j.why === undefined)?.s;
  if (!used) {
    const first = judged[0];
    const evidence = { verifiedSignOff: false, looked: ev.dir, signOffsFound: ev.signOffs.length, ...(first ? { rejected: judged.map((j) => `${j.why}`) } : {}) };
    if (!first) return { status: 'pending', summary: `No signed rehearsal sign-off in ${ev.dir}/: run \`golive rehearse\` to do the ${label}.`, evidence };
    return { status: 'pending', summary: `No verified sign-off for the ${label}: ${first.why}.`, evidence };
  }
  const s = used.steps?.[step];
  const evidence: Record<string, unknown> = {
    verifiedSignOff: true,
    signOff: used.file,
    rehearsalId: used.id,
    signer: `${used.signer?.name} (${used.signer?.fingerprint})`,
    generatedAt: used.generatedAt,
    keyEnvironment: used.keyEnvironment,
    step,
    stepStatus: s?.status ?? 'missing',
    ...(s?.ids ?? {}),
  };
  if (s?.completedAt) evidence.completedAt = s.completedAt;
  const from = `sign-off ${used.file} (rehearsal ${used.id}, signed by ${used.signer?.name})`;
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
