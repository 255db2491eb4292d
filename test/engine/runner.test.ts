import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { runChecks, type RunParams } from '../../src/engine/runner.js';
import { cleanDeep } from '../../src/output/escape.js';
import { Secrets } from '../../src/output/secrets.js';
import { defineCheck, type Check, type CheckOutcome } from '../../src/engine/types.js';
import { fingerprint } from '../../src/engine/fingerprint.js';
import { baselineKey } from '../../src/engine/waivers.js';

const base = {
  section: 'credentials' as const,
  kind: 'static' as const,
  title: 'ok title',
  failureTitle: 'bad title',
  why: 'why',
  fix: 'fix',
  defaultSeverity: 'error' as const,
  requires: [] as const,
};

function check(id: string, run: () => CheckOutcome | Promise<CheckOutcome>, extra: Partial<Check> = {}): Check {
  return { ...defineCheck({ ...base, id, run }), ...extra } as Check;
}

function params(checks: Check[], overrides: Partial<RunParams> = {}, rawConfig: unknown = {}): RunParams {
  return {
    root: '/nonexistent',
    config: configSchema.parse(rawConfig),
    options: { offline: true, history: false, requireRehearsal: false },
    checks,
    env: {},
    version: '9.9.9',
    failOn: 'error',
    ...overrides,
  };
}

const finding = (file: string, value: string, severity?: 'error' | 'warning') => ({
  messageId: 'm',
  message: `found ${file}`,
  file,
  line: 3,
  column: 1,
  fingerprintOf: value,
  ...(severity ? { severity } : {}),
});

describe('runner', () => {
  it('derives statuses from finding severities and fails the gate on an error', async () => {
    const r = await runChecks(
      params([
        check('credentials.a', () => ({})),
        check('credentials.b', () => ({ findings: [finding('x.ts', 'v1', 'warning')] })),
        check('credentials.c', () => ({ findings: [finding('y.ts', 'v2')] })),
      ]),
    );
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['credentials.a', 'pass'],
      ['credentials.b', 'warn'],
      ['credentials.c', 'fail'],
    ]);
    expect(r.checks[2]!.title).toBe('bad title');
    expect(r.checks[0]!.title).toBe('ok title');
    expect(r.summary).toMatchObject({ gate: 'fail', total: 3, counts: { pass: 1, warn: 1, fail: 1 } });
    expect(r.schemaVersion).toBe(1);
    expect(r.tool.version).toBe('9.9.9');
  });

  it('treats warnings as blocking only with --fail-on warning', async () => {
    const checks = [check('credentials.b', () => ({ findings: [finding('x.ts', 'v1', 'warning')] }))];
    expect((await runChecks(params(checks))).summary.gate).toBe('pass');
    expect((await runChecks(params(checks, { failOn: 'warning' }))).summary.gate).toBe('fail');
  });

  it('turns a throwing, hanging or garbage-returning check into status error and still finishes', async () => {
    const r = await runChecks(
      params([
        check('credentials.throws', () => {
          throw new Error('boom');
        }),
        check('credentials.hangs', () => new Promise<CheckOutcome>(() => undefined), { timeoutMs: 50 }),
        check('credentials.garbage', () => 42 as unknown as CheckOutcome),
        check('credentials.fine', () => ({})),
      ]),
    );
    const by = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(by['credentials.throws']!.status).toBe('error');
    expect(by['credentials.throws']!.summary).toContain('boom');
    // It proved nothing either way, so it keeps the neutral title.
    expect(by['credentials.throws']!.title).toBe('ok title');
    expect(by['credentials.hangs']!.status).toBe('error');
    expect(by['credentials.hangs']!.summary).toContain('timed out');
    expect(by['credentials.garbage']!.status).toBe('error');
    expect(by['credentials.fine']!.status).toBe('pass');
    expect(r.summary.gate).toBe('fail');
  });

  it('honours config severity overrides, including off', async () => {
    const checks = [
      check('credentials.a', () => ({ findings: [finding('x.ts', 'v1')] })),
      check('credentials.b', () => ({ findings: [finding('x.ts', 'v1')] })),
    ];
    const r = await runChecks(params(checks, {}, { checks: { 'credentials.a': 'warning', 'credentials.b': 'off' } }));
    expect(r.checks[0]).toMatchObject({ status: 'warn', severity: 'warning' });
    expect(r.checks[1]).toMatchObject({ status: 'skip', severity: 'off' });
    expect(r.summary.gate).toBe('pass');
  });

  it('fingerprints by check, file and matched value, not by line', async () => {
    const r = await runChecks(params([check('credentials.a', () => ({ findings: [{ ...finding('x.ts', 'secret-value'), line: 99 }] }))]));
    expect(r.checks[0]!.findings[0]!.fingerprint).toBe(fingerprint('credentials.a', 'x.ts', 'secret-value'));
    expect(JSON.stringify(r)).not.toContain('secret-value');
  });

  it('applies waivers by fingerprint and path, and reports expired ones without waiving', async () => {
    const fp = fingerprint('credentials.a', 'x.ts', 'v1');
    const checks = [
      check('credentials.a', () => ({ findings: [finding('x.ts', 'v1'), finding('legacy/old.ts', 'v2')] })),
      check('credentials.b', () => ({ findings: [finding('z.ts', 'v3')] })),
    ];
    const r = await runChecks(
      params(
        checks,
        { now: new Date('2026-06-01T00:00:00Z') },
        {
          waivers: [
            { id: 'credentials.a', fingerprint: fp, reason: 'rotated already', owner: 'ana', expires: '2026-12-31' },
            { id: 'credentials.a', path: 'legacy/**', reason: 'legacy', owner: 'bo', expires: '2026-07-01' },
            { id: 'credentials.b', path: 'z.ts', reason: 'old', owner: 'cy', expires: '2026-01-01' },
          ],
        },
      ),
    );
    const a = r.checks[0]!;
    expect(a.status).toBe('pass');
    expect(a.findings.every((f) => f.waived)).toBe(true);
    expect(a.findings.find((f) => f.file === 'x.ts')!.waived).toMatchObject({ reason: 'rotated already', owner: 'ana' });
    expect(r.checks[1]!.status).toBe('fail');
    expect(r.waivers.map((w) => w.state)).toEqual(['active', 'active', 'expired']);
    expect(r.notes.some((n) => n.source === 'waivers' && n.message.includes('expired'))).toBe(true);
  });

  it('marks findings from the baseline so only new ones fail', async () => {
    const old = fingerprint('credentials.a', 'x.ts', 'v1');
    const checks = [check('credentials.a', () => ({ findings: [finding('x.ts', 'v1')] }))];
    const r1 = await runChecks(params(checks, { baseline: { file: 'prev.json', keys: new Set([baselineKey('credentials.a', old)]) } }));
    expect(r1.checks[0]!.status).toBe('pass');
    expect(r1.checks[0]!.findings[0]!.baseline).toBe(true);
    const checks2 = [check('credentials.a', () => ({ findings: [finding('x.ts', 'v1'), finding('x.ts', 'new')] }))];
    const r2 = await runChecks(params(checks2, { baseline: { file: 'prev.json', keys: new Set([baselineKey('credentials.a', old)]) } }));
    expect(r2.checks[0]!.status).toBe('fail');
  });

  it('applies inline suppressions on the same line or the line above', async () => {
    const checks = [
      check('credentials.a', () => ({ findings: [finding('x.ts', 'v1'), { ...finding('y.ts', 'v2'), line: 10 }] })),
    ];
    const r = await runChecks(
      params(checks, {
        suppressions: async () =>
          new Map([
            ['x.ts', [{ line: 2, ids: ['credentials.a'], reason: 'fixture' }]],
            ['y.ts', [{ line: 8, ids: ['credentials.a'], reason: 'too far' }]],
          ]),
      }),
    );
    const fs = r.checks[0]!.findings;
    expect(fs.find((f) => f.file === 'x.ts')!.suppressed).toEqual({ reason: 'fixture' });
    expect(fs.find((f) => f.file === 'y.ts')!.suppressed).toBeUndefined();
    expect(r.checks[0]!.status).toBe('fail');
  });

  it('sorts findings deterministically and teaches the run\'s Secrets what the environment holds', async () => {
    const secret = 'whsec-' + 'q'.repeat(10) + 'Zz99';
    const checks = [
      check('credentials.a', () => ({
        findings: [
          { ...finding('b.ts', 'v1'), line: 1 },
          { ...finding('a.ts', 'v2'), line: 5 },
          { ...finding('a.ts', 'v3'), line: 2, message: `leaked ${secret}` },
        ],
      })),
    ];
    const secrets = new Secrets();
    const r = await runChecks(params(checks, { env: { MINTCASH_WEBHOOK_SECRET: secret }, secrets }));
    expect(r.checks[0]!.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['a.ts:2', 'a.ts:5', 'b.ts:1']);
    // The report holds what the check said; the output boundary masks it with what the run learnt.
    const shown = JSON.stringify(cleanDeep(r, (t) => secrets.mask(t)));
    expect(shown).not.toContain(secret);
    expect(shown).toContain('Zz99');
  });

  it('keeps forced statuses (skip, pending) from the check', async () => {
    const r = await runChecks(
      params([check('credentials.s', () => ({ status: 'skip', summary: 'offline' })), check('credentials.p', () => ({ status: 'pending', summary: 'not yet' }))]),
    );
    expect(r.checks.map((c) => c.status)).toEqual(['skip', 'pending']);
    expect(r.checks[0]!.summary).toBe('offline');
    expect(r.summary.gate).toBe('fail');
  });
});

describe('runner: off is not proven', () => {
  const rehearsalCheck = (id: string, run: () => CheckOutcome) => check(id, run, { section: 'rehearsal', kind: 'manual' });

  it('an item the policy marks not applicable is not run, and is listed with its reason', async () => {
    let ran = false;
    const r = await runChecks(
      params(
        [check('credentials.a', () => ({})), rehearsalCheck('rehearsal.charge', () => ({})), rehearsalCheck('rehearsal.renewal', () => ((ran = true), {}))],
        { options: { offline: false, history: false, requireRehearsal: false } },
        { notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }] },
      ),
    );
    expect(ran).toBe(false);
    expect(r.checks[2]).toMatchObject({ status: 'skip', summary: 'Not applicable: no subscriptions' });
    expect(r.summary).toMatchObject({ verdict: 'ready', notApplicable: [{ id: 'rehearsal.renewal', reason: 'no subscriptions' }], off: [] });
  });

  it('--require-rehearsal runs a rehearsal step turned off or marked not applicable, at error', async () => {
    const pending = () => ({ status: 'pending' as const, summary: 'not done' });
    const r = await runChecks(
      params([check('credentials.a', () => ({})), rehearsalCheck('rehearsal.charge', pending), rehearsalCheck('rehearsal.cancel', pending)], { options: { offline: true, history: false, requireRehearsal: true } }, {
        checks: { 'rehearsal.charge': 'off' },
        notApplicable: [{ id: 'rehearsal.cancel', reason: 'no subscriptions' }],
      }),
    );
    expect(r.checks.map((c) => [c.id, c.status, c.severity])).toEqual([
      ['credentials.a', 'pass', 'error'],
      ['rehearsal.charge', 'pending', 'error'],
      ['rehearsal.cancel', 'pending', 'error'],
    ]);
    expect(r.summary).toMatchObject({ gate: 'fail', verdict: 'not-ready', blocking: ['rehearsal.charge', 'rehearsal.cancel'] });
    expect(r.summary.notApplicable).toBeUndefined();
    expect(r.notes.map((n) => n.message).join('\n')).toMatch(/rehearsal\.charge is turned off.*--require-rehearsal requires it/);
  });

  it('a finding that would block, downgraded to a warning in config, leaves its check not proven', async () => {
    const r = await runChecks(
      params([check('credentials.a', () => ({ findings: [finding('a.ts', 'v')] })), check('credentials.b', () => ({ findings: [finding('b.ts', 'w', 'warning')] }))], { options: { offline: false, history: false, requireRehearsal: false } }, {
        checks: { 'credentials.a': 'warning', 'credentials.b': 'warning' },
      }),
    );
    expect(r.checks.map((c) => [c.id, c.status, c.downgraded ?? false])).toEqual([
      ['credentials.a', 'warn', true],
      ['credentials.b', 'warn', false],
    ]);
    expect(r.summary).toMatchObject({ gate: 'pass', verdict: 'no-blockers', notProven: [{ id: 'credentials.a', why: 'downgraded' }] });
  });
});

describe('masking', () => {
  it('masks keys glued to an underscore or a symbol, not only at word boundaries', async () => {
    const { redactText } = await import('../../src/engine/mask.js');
    const key = 'sk_' + 'live_' + 'AbCdEfGh12345678';
    for (const text of [`x_${key}`, `"${key}"`, `=${key};`, key]) {
      const out = redactText(text);
      expect(out).not.toContain(key);
      expect(out).toContain('…5678');
    }
    expect(redactText(`ask_live_${'a'.repeat(12)}`)).toContain('ask_live_');
  });
});
