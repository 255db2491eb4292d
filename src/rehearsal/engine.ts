// The rehearsal state machine: walks the step table in order, runs every step whose dependencies
// are done, lets deferrable steps wait without blocking independent ones, and saves after every
// phase. A step ends done, waiting (deferred), failed (recorded with advice) or stopped (resumable).
import { describeError } from '../errors.js';
import { Deferred, Failed, StepContext, Stopped, type RehearsalDeps } from './context.js';
import { runCancel, runRenewal, runSubscription } from './step-subscription.js';
import { runCharge, runRefund, runSettlement } from './step-payment.js';
import { runPreflight } from './step-preflight.js';
import { STEPS } from './steps.js';
import { PRACTICE_SCREEN_BANNER, stepTitle } from './screen.js';
import { isPractice } from './signoff.js';
import type { RehearsalStatus, StepId } from './types.js';

const RUNNERS: Record<StepId, (ctx: StepContext) => Promise<void>> = {
  preflight: runPreflight,
  charge: runCharge,
  settlement: runSettlement,
  refund: runRefund,
  subscription: runSubscription,
  renewal: runRenewal,
  cancel: runCancel,
};

export interface RunOutcome {
  status: RehearsalStatus | 'stopped';
  /** One line for the operator. */
  message: string;
  suggestion?: string;
}

export function overallStatus(steps: RehearsalDeps['state']['steps']): RehearsalStatus {
  const all = STEPS.map((s) => steps[s.id]);
  if (all.some((s) => s.status === 'failed')) return 'failed';
  if (all.every((s) => s.status === 'done')) return 'completed';
  return all.some((s) => s.status === 'waiting') ? 'paused' : 'in_progress';
}

export async function runRehearsal(deps: RehearsalDeps): Promise<RunOutcome> {
  const { state } = deps;
  // A resumed run retries failed steps from their recorded phase (e.g. a webhook that now arrives).
  for (const s of STEPS) {
    const rec = state.steps[s.id];
    if (rec.status === 'failed') {
      rec.status = 'in_progress';
      delete rec.failure;
    }
  }
  for (const def of STEPS) {
    const rec = state.steps[def.id];
    if (rec.status === 'done') continue;
    if (!def.dependsOn.every((d) => state.steps[d].status === 'done')) continue;
    if (!(def.after ?? []).every((d) => state.steps[d].status === 'done' || state.steps[d].status === 'waiting')) continue;
    const ctx = new StepContext(deps, def.id);
    const practice = isPractice(state.target);
    const title = stepTitle(def, practice);
    deps.out(`\n${practice ? '[PRACTICE] ' : ''}▸ ${title}: ${def.summary}`);
    if (rec.status === 'not_started') {
      rec.startedAt = ctx.iso();
      rec.phase = 'start';
    }
    rec.status = 'in_progress';
    delete rec.waitingFor;
    try {
      await RUNNERS[def.id](ctx);
      rec.status = 'done';
      rec.completedAt = ctx.iso();
      delete rec.lastError;
      deps.out(`  ✔ ${title} done`);
      await finishStep(deps, def.id);
    } catch (e) {
      if (e instanceof Deferred) {
        rec.status = 'waiting';
        rec.waitingFor = e.waitingFor;
        deps.out(`  … ${title} waits for ${e.waitingFor}`);
        await finishStep(deps, def.id);
        continue;
      }
      if (e instanceof Failed) {
        rec.status = 'failed';
        rec.failure = e.failure;
        await finishStep(deps, def.id);
        // Printed once, by the caller, with its advice.
        return { status: 'failed', message: `✖ ${title} failed: ${e.failure.message}`, suggestion: e.failure.advice };
      }
      if (e instanceof Stopped) {
        rec.lastError = { at: ctx.iso(), message: e.message };
        await finishStep(deps, def.id);
        return { status: 'stopped', message: e.message, suggestion: e.suggestion };
      }
      // Anything else (interrupt, unexpected error): save what we know, then let it surface.
      rec.lastError = { at: ctx.iso(), message: describeError(e) };
      await finishStep(deps, def.id).catch(() => undefined);
      throw e;
    }
  }
  const status = overallStatus(state.steps);
  state.status = status;
  await deps.persist('end');
  const practice = isPractice(state.target);
  if (practice) deps.out(`\n${PRACTICE_SCREEN_BANNER}`);
  if (status === 'completed') return { status, message: `Rehearsal ${state.id} completed.` };
  const reminder = settlementReminder(state);
  if (reminder) deps.out(`\n${reminder}`);
  const waiting = STEPS.filter((s) => state.steps[s.id].status === 'waiting').map((s) => `${stepTitle(s, practice)} (${state.steps[s.id].waitingFor})`);
  return {
    status: 'paused',
    message: `Rehearsal ${state.id} paused: waiting for ${waiting.join('; ')}.`,
    suggestion: `Run \`${deps.resumeCommand ?? 'golive rehearse'}\` again later; it resumes where it stopped.`,
  };
}

/** The blocking reminder of a deferred settlement, or undefined when none is deferred. */
export function settlementReminder(state: RehearsalDeps['state']): string | undefined {
  const st = state.steps.settlement;
  if (st.status !== 'waiting') return undefined;
  const since = typeof st.facts.deferredAt === 'string' ? ` since ${st.facts.deferredAt.slice(0, 10)}` : '';
  return `Reminder: the settlement of payment ${state.steps.charge.ids.paymentId ?? '?'} is deferred${since}. The sign-off stays blocked (rehearsal.settlement pending) until you confirm it reached a payout.`;
}

async function finishStep(deps: RehearsalDeps, id: StepId): Promise<void> {
  deps.state.status = overallStatus(deps.state.steps);
  await deps.persist(id);
}
