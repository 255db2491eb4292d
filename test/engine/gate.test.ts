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
    ['the rehearsal turned off in config is the user\'s choice', [...core(), c('rehearsal.charge', 'skip', 'off')], {}, 'pass', 'ready'],
    ['a pending item blocks', [...core('pending'), ...rehearsal('pass')], {}, 'fail', 'not-ready'],
    ['an error blocks', [...core('error'), ...rehearsal('pass')], {}, 'fail', 'not-ready'],
    ['a scoped run is never a go-live verdict', [...core(), ...rehearsal('pass')], { scoped: true }, 'pass', 'no-blockers'],
    ['a full run with a check that could not apply', [c('credentials.live-keys', 'pass'), c('credentials.no-test-keys-in-prod', 'skip'), ...rehearsal('pass')], {}, 'pass', 'no-blockers'],
    ['nothing proven: every check skipped', [c('webhook.https', 'skip'), c('webhook.public', 'skip')], { scoped: true }, 'fail', 'not-ready'],
    ['nothing proven: every check off', [c('credentials.live-keys', 'skip', 'off')], {}, 'fail', 'not-ready'],
    ['nothing proven: no checks at all', [], {}, 'fail', 'not-ready'],
  ])('%s -> gate %s, %s', (_name, checks, opts, gate, verdict) => {
    const s = decideGate(checks, { ...full, ...opts });
    expect(s.gate).toBe(gate);
    expect(s.verdict).toBe(verdict);
  });

  it('counts what was proven and in scope, and names what blocks and what is off', () => {
    const s = decideGate([c('credentials.live-keys', 'pass'), c('webhook.https', 'pending'), c('webhook.public', 'skip'), c('idempotency.external-id', 'skip', 'off'), ...rehearsal('pending')], full);
    expect(s).toMatchObject({ proven: 1, inScope: 4, blocking: ['webhook.https'], off: ['idempotency.external-id'], total: 6 });
    expect(s.counts).toMatchObject({ pass: 1, pending: 3, skip: 2 });
  });
});
