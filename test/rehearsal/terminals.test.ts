// One rehearsal, one writer, through the built CLI: a second terminal is refused with who holds the
// rehearsal (pid and host) and the exact command to take over; `--take-over` continues it, and the
// first terminal, answering late, can no longer save (its write is refused, nothing is
// overwritten); a terminal killed with SIGKILL leaves a lock the next run takes over by itself.
import { execa, type ResultPromise } from 'execa';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listStates, loadState, saveState, statePath } from '../../src/rehearsal/store.js';
import { completeState } from './fixture-state.js';
import { BIN, cleanEnv } from '../e2e/cli.js';
import { HAPPY_ANSWERS, ledger, world, type World } from './helpers.js';

let w: World | undefined;
const children: ResultPromise[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await w?.close();
  w = undefined;
});

async function until(pred: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('one rehearsal, one writer', () => {
  it('a second terminal is refused; --take-over continues, and the stale terminal cannot overwrite it', { timeout: 120_000 }, async () => {
    w = await world();
    w.paying = false; // the operator has not paid the hosted page yet: terminal 1 waits on it
    const answers = path.join(w.keyDir, 'answers.json');
    await writeFile(answers, JSON.stringify({ ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' }));
    const run = (...extra: string[]) => {
      const c = execa('node', [BIN, 'rehearse', w!.dir, '--answers', answers, '--poll-interval', '50', '--poll-max', '2000', ...extra], { env: cleanEnv(w!.env), extendEnv: false, reject: false, timeout: 100_000 });
      children.push(c);
      return c;
    };
    const first = run();
    await until(async () => (await listStates(w!.dir)).states[0]?.steps.charge.phase === 'created', 'terminal 1 to create the payment');

    const second = await run();
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`this rehearsal is open in another terminal: pid ${first.pid} on ${hostname()} \\(user \\S+, since \\S+\\)`));
    expect(second.stderr).toContain(`take over here with: golive rehearse ${w.dir} --answers ${answers} --take-over`);

    const takeOver = run('--take-over');
    let out = '';
    takeOver.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    await until(() => out.includes('Resuming rehearsal'), 'terminal 3 to resume');
    expect(out).toContain(`Took over the rehearsal from pid ${first.pid} on ${hostname()}`);
    w.paying = true; // now both terminals see the payment succeed; only the one holding the rehearsal may save it
    const [stale, fresh] = await Promise.all([first, takeOver]);
    expect(stale.exitCode, stale.stdout + stale.stderr).toBe(1);
    expect(stale.stderr).toMatch(/was changed by another terminal .*: nothing was overwritten/);
    expect(fresh.exitCode, fresh.stdout + fresh.stderr).toBe(0);
    const { states } = await listStates(w.dir);
    expect(states).toHaveLength(1);
    const st = states[0]!;
    expect(st.steps.charge.status).toBe('done');
    expect(st.steps.refund.status).toBe('done');
    expect(st.sessions.at(-1)?.outcome).toBe('paused');
    expect(ledger(w.emu)).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('a save carries a revision, and a record loaded before a newer save cannot overwrite it', async () => {
    w = await world();
    const fresh = { ...completeState({ live: false, scripted: false }), revision: 0 };
    await saveState(w.dir, fresh);
    const stale = JSON.parse(JSON.stringify(fresh)) as typeof fresh;
    fresh.operator.name = 'Newer';
    await saveState(w.dir, fresh);
    stale.operator.name = 'Older';
    await expect(saveState(w.dir, stale)).rejects.toMatchObject({ message: expect.stringMatching(/was changed by another terminal \(revision 2 on disk; this terminal had 1\): nothing was overwritten/) });
    const onDisk = await loadState(statePath(w.dir, fresh.id));
    expect([onDisk.revision, onDisk.operator.name]).toEqual([2, 'Newer']);
  });

  it('a terminal killed with SIGKILL leaves a lock that the next run takes over by itself', { timeout: 60_000 }, async () => {
    w = await world();
    const answers = path.join(w.keyDir, 'answers.json');
    await writeFile(answers, JSON.stringify({ ...HAPPY_ANSWERS, 'settlement.confirmed': 'later' }));
    const args = ['rehearse', w.dir, '--answers', answers, '--poll-interval', '10'];
    const child = execa('node', [BIN, ...args], { env: cleanEnv({ ...w.env, GOLIVE_REHEARSAL_CRASH_AFTER: 'charge:created' }), extendEnv: false, reject: false });
    const killed = { pid: child.pid, signal: (await child).signal };
    expect(killed.signal).toBe('SIGKILL');
    const next = await execa('node', [BIN, ...args], { env: cleanEnv(w.env), extendEnv: false, reject: false });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stdout).toContain(`Took over the rehearsal from pid ${killed.pid} on ${hostname()}`);
    expect(ledger(w.emu).charges).toBe(1);
  });
});
