// The rehearsal's steps as data: order, titles, dependencies, which can wait days, and which
// checklist item each one proves. The engine walks this table; reports and checks read it too.
import type { StepId } from './types.js';

export interface StepDef {
  id: StepId;
  title: string;
  /** What the operator does or sees, one line. */
  summary: string;
  /** Steps that must be done before this one can start. */
  dependsOn: readonly StepId[];
  /** Steps that must be done or explicitly deferred (waiting) first: the order money moves in. */
  after?: readonly StepId[];
  /** True when the step may legitimately wait for days (bank settlement, renewal, money back). */
  deferrable: boolean;
  /** The `rehearsal.*` check it satisfies, if any. */
  checkId?: string;
}

export const STEPS: readonly StepDef[] = [
  {
    id: 'preflight',
    title: 'Preflight',
    summary: 'Key pair verified, pk/sk from one environment, webhook checks, URL registration and IP allow list attested',
    dependsOn: [],
    deferrable: false,
  },
  {
    id: 'charge',
    title: 'Live charge',
    summary: 'A small payment paid on the hosted page with the operator’s own card; payment.succeeded received',
    dependsOn: ['preflight'],
    deferrable: false,
    checkId: 'rehearsal.charge',
  },
  {
    id: 'settlement',
    title: 'Settlement',
    summary: 'The operator confirms the charge reached a payout (reference, date and amount), or defers it, which keeps the sign-off blocked until confirmed',
    dependsOn: ['charge'],
    deferrable: true,
    checkId: 'rehearsal.settlement',
  },
  {
    id: 'refund',
    title: 'Refund',
    summary: 'The charge refunded in full through the API; payment.refunded received; money back on the card',
    dependsOn: ['charge'],
    // Settlement is confirmed (or deferred on purpose) before the money goes back.
    after: ['settlement'],
    deferrable: true,
    checkId: 'rehearsal.refund',
  },
  {
    id: 'subscription',
    title: 'Subscription',
    summary: 'A subscription created and its first charge paid on the hosted page; subscription.succeeded received',
    dependsOn: ['preflight'],
    deferrable: false,
  },
  {
    id: 'renewal',
    title: 'Renewal',
    summary: 'After currentPeriodEnd a new period began (the renewal fired) and the merchant received it',
    dependsOn: ['subscription'],
    deferrable: true,
    checkId: 'rehearsal.renewal',
  },
  {
    id: 'cancel',
    title: 'Cancel',
    summary: 'The subscription cancelled through the API; status cancelled; subscription.cancelled received',
    // Cancelling first would stop the renewal this rehearsal must see.
    dependsOn: ['renewal'],
    deferrable: false,
    checkId: 'rehearsal.cancel',
  },
];

export function stepDef(id: StepId): StepDef {
  const def = STEPS.find((s) => s.id === id);
  if (!def) throw new Error(`unknown rehearsal step ${id}`);
  return def;
}

/** A practice run says so in every step title: "Practice charge" never reads as a live one. */
export function stepTitle(def: StepDef, practice: boolean): string {
  return practice && def.id === 'charge' ? 'Practice charge (no real money)' : def.title;
}
