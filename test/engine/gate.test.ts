// decideGate: the gate and the staged verdict, as a table of runs. Only what was proven is claimed.
import { describe, expect, it } from 'vitest';
import { decideGate, type GateOptions } from '../../src/engine/gate.js';
import type { CheckResult, Section, Status } from '../../src/engine/types.js';

function c(id: string, status: Status, severity: CheckResult['severity'] = 'error'): CheckResult {
  const section = id.split('.')[0] as Section;
  return { id, section, kind: 'static', title: id, status, severity, summary: '', durationMs: 0, findings: [], help: { why: '', fix: '' } };
}

const core = (status: Status = 'pass') => [c('credentials.live-keys', status), c('webhook.https', 'pass'), c('idempotency.external-id', 'pass')];
const rehearsal = (status: Status) => [c('rehearsal.charge', status), c('rehearsal.refund', status)];
const full: GateOptions = { failOn: 'error', requireRehearsal: false, scoped: false };

describe('decideGate', () => {
  it.each<[string, CheckResult[], Partial<GateOptions>, string, string]>([
    ['everything proven, the rehearsal included', [...core(), ...rehearsal('pass')], {}, 'pass', 'ready'],
    ['everything but the rehearsal proven', [...core(), ...rehearsal('pending')], {}, 'pass', 'ready-for-rehearsal'],
    ['a warning still proves its item', [...core('warn'), ...rehearsal('pass')], {}, 'pass', 'ready'],
    ['--fail-on warning makes a warning block', [...core('warn'), ...rehearsal('pass')], { failOn: 'warning' }, 'fail', 'not-ready'],
    ['--require-rehearsal makes the unfinished rehearsal block', [...core(), ...rehearsal('pending')], { requireRehearsal: true }, 'fail', 'not-ready'],
    ['the rehearsal absent from the run is not proven', core(), {}, 'pass', 'ready-for-rehearsal'],
    ['off is not proven: a rehearsal step turned off in config', [...core(), c('rehearsal.charge', 'skip', 'off'), c('rehearsal.refund', 'pass')], {}, 'pass', 'no-blockers'],
    ['off is not proven: a core check turned off in config', [...core(), c('webhook.dedup', 'skip', 'off'), ...rehearsal('pass')], {}, 'pass', 'no-blockers'],
    ['not applicable by the trusted policy, with a reason: still ready', [...core(), c('rehearsal.charge', 'pass'), c('rehearsal.renewal', 'skip')], { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }, 'pass', 'ready'],
    ['not applicable and also off: the reason covers it', [...core(), c('rehearsal.charge', 'pass'), c('rehearsal.renewal', 'skip', 'off')], { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] }, 'pass', 'ready'],
    ['a not-applicable item that ran anyway (--require-rehearsal) must be proven', [...core(), c('rehearsal.charge', 'pass'), c('rehearsal.renewal', 'pending')], { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }], requireRehearsal: true }, 'fail', 'not-ready'],
    ['a pending item blocks', [...core('pending'), ...rehearsal('pass')], {}, 'fail', 'not-ready'],
    ['an error blocks', [...core('error'), ...rehearsal('pass')], {}, 'fail', 'not-ready'],
    ['a scoped run is never a go-live verdict', [...core(), ...rehearsal('pass')], { scoped: true }, 'pass', 'no-blockers'],
    ['a full run with a check that could not apply', [c('credentials.live-keys', 'pass'), c('credentials.no-test-keys-in-prod', 'skip'), ...rehearsal('pass')], {}, 'pass', 'no-blockers'],
    ['nothing proven: every check skipped', [c('webhook.https', 'skip'), c('webhook.public', 'skip')], { scoped: true }, 'fail', 'not-ready'],
    ['nothing proven: every check off', [c('credentials.live-keys', 'skip', 'off')], {}, 'fail', 'not-ready'],
    ['nothing proven: no checks at all', [], {}, 'fail', 'not-ready'],
    ['nothing proven but the policy: the config is not the integration', [c('policy.unchanged', 'pass'), c('webhook.https', 'skip')], { scoped: true }, 'fail', 'not-ready'],
  ])('%s -> gate %s, %s', (_name, checks, opts, gate, verdict) => {
    const s = decideGate(checks, { ...full, ...opts });
    expect(s.gate).toBe(gate);
    expect(s.verdict).toBe(verdict);
  });

  it.each<[string, Partial<CheckResult>, string]>([
    ['a finding downgraded to a warning by config', { status: 'warn', severity: 'warning', downgraded: true }, 'downgraded'],
    ['a waived finding', { status: 'pass', findings: [{ messageId: 'm', message: 'm', severity: 'error', waived: { reason: 'r', owner: 'o', expires: '2099-01-01' } }] }, 'waived'],
    ['a baselined finding', { status: 'pass', findings: [{ messageId: 'm', message: 'm', severity: 'error', baseline: true }] }, 'baselined'],
    ['an inline suppression', { status: 'pass', findings: [{ messageId: 'm', message: 'm', severity: 'error', suppressed: { reason: 'r' } }] }, 'suppressed'],
  ])('%s is not proven: no-blockers, never ready', (_name, patch, why) => {
    const s = decideGate([...core(), { ...c('webhook.dedup', 'pass'), ...patch }, ...rehearsal('pass')], full);
    expect(s).toMatchObject({ gate: 'pass', verdict: 'no-blockers', notProven: [{ id: 'webhook.dedup', why }] });
  });

  it('a check of its own warning severity that warns is proven; one downgraded from error is not', () => {
    expect(decideGate([...core(), c('webhook.code-dedup', 'warn', 'warning'), ...rehearsal('pass')], full).verdict).toBe('ready');
    expect(decideGate([...core(), { ...c('webhook.code-dedup', 'warn', 'warning'), downgraded: true }, ...rehearsal('pass')], full).verdict).toBe('no-blockers');
  });

  it('lists what the trusted policy marks not applicable, and leaves it out of "off"', () => {
    const s = decideGate([...core(), c('rehearsal.charge', 'pass'), c('rehearsal.cancel', 'skip', 'off')], { ...full, notApplicable: [{ id: 'rehearsal.cancel', reason: 'no subscriptions' }] });
    expect(s).toMatchObject({ verdict: 'ready', off: [], notApplicable: [{ id: 'rehearsal.cancel', reason: 'no subscriptions' }] });
  });

  it('counts what was proven and in scope, and names what blocks and what is off', () => {
    const s = decideGate([c('credentials.live-keys', 'pass'), c('webhook.https', 'pending'), c('webhook.public', 'skip'), c('idempotency.external-id', 'skip', 'off'), ...rehearsal('pending')], full);
    expect(s).toMatchObject({ proven: 1, inScope: 4, blocking: ['webhook.https'], off: ['idempotency.external-id'], total: 6 });
    expect(s.counts).toMatchObject({ pass: 1, pending: 3, skip: 2 });
  });
});
