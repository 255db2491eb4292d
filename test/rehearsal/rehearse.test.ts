// The whole rehearsal against the emulator through the prompt interface: a first session that
// pauses on settlement and renewal, a second one after the emulator clock passed currentPeriodEnd,
// the sign-off that verifies, and the ledger showing each money movement exactly once.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates } from '../../src/rehearsal/store.js';
import { verifySignOffText } from '../../src/rehearsal/render.js';
import { KEY_PATTERN } from '../../src/engine/mask.js';
import { HAPPY_ANSWERS, advanceDays, ledger, rehearse, world, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('golive rehearse against the emulator', () => {
  it('runs, pauses on what must wait, resumes after the renewal and signs off', async () => {
    w = await world();
    const first = await rehearse(w, { ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' });
    expect(first.error).toBeUndefined();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('/__emulator/pay/');
    expect(first.stdout).toMatch(/paused: waiting for Settlement .*Renewal/);
    let [state] = (await listStates(w.dir)).states;
    expect(state?.status).toBe('paused');
    expect(state?.steps.charge.status).toBe('done');
    expect(state?.steps.refund.status).toBe('done');
    expect(state?.steps.settlement.status).toBe('waiting');
    expect(state?.steps.renewal.status).toBe('waiting');
    expect(state?.steps.cancel.status).toBe('not_started');
    expect(state?.steps.charge.ids.externalId).toBe(`golive-rehearsal-${state?.id}-charge`);

    await advanceDays(w.emu, 8);
    const second = await rehearse(w, HAPPY_ANSWERS);
    expect(second.error).toBeUndefined();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Resuming rehearsal');
    expect(second.stdout).toContain('completed');
    [state] = (await listStates(w.dir)).states;
    expect(state?.status).toBe('completed');
    expect(state?.steps.renewal.facts.renewedPeriodStart).toBeTruthy();
    expect(state?.sessions).toHaveLength(2);
    expect(ledger(w.emu)).toEqual({ charges: 1, refunds: 1, subscriptions: 1, cancels: 1 });

    // Nothing secret in the state or the sign-off.
    const stateText = await readFile(path.join(w.dir, '.golive', 'rehearsals', `${state?.id}.json`), 'utf8');
    const reportDir = path.join(w.dir, 'golive-rehearsal');
    const files = (await readdir(reportDir)).sort();
    expect(files).toEqual([`golive-rehearsal-${state?.id}.html`, `golive-rehearsal-${state?.id}.json`, `golive-rehearsal-${state?.id}.md`]);
    for (const text of [stateText, ...(await Promise.all(files.map((f) => readFile(path.join(reportDir, f), 'utf8'))))]) {
      expect(text).not.toContain(w.env.MINTCASH_SECRET_KEY);
      expect(text).not.toContain(w.env.MINTCASH_PUBLIC_KEY);
      expect(text).not.toContain(w.env.MINTCASH_WEBHOOK_SECRET);
      expect([...text.matchAll(KEY_PATTERN)]).toHaveLength(0);
    }
    // Every rendering verifies, and any one-character edit is caught.
    for (const f of files) {
      const text = await readFile(path.join(reportDir, f), 'utf8');
      expect(verifySignOffText(text)).toMatchObject({ ok: true });
      const i = text.indexOf('Ada Operator');
      expect(i).toBeGreaterThan(0);
      const edited = `${text.slice(0, i)}E${text.slice(i + 1)}`;
      expect(verifySignOffText(edited).ok).toBe(false);
    }
    const md = await readFile(path.join(reportDir, `golive-rehearsal-${state?.id}.md`), 'utf8');
    expect(md).toContain('First-week monitoring plan');
    for (const item of ['Webhook delivery success rate', 'payment.failed rate by error code', 'past_due → cancelled', 'requestId correlation']) expect(md).toContain(item);
  });
});
