// An emulator that never loses or invents: its log read by an independent parser here, a flipped
// byte in a middle record and a cut-short tail stop start-up at the named byte (and `--repair`
// keeps exactly the records before it), a full disk (a real tmpfs when this machine can mount one,
// and injected short writes and ENOSPC) fails the request instead of acknowledging it, two
// emulators cannot share a state file, the clock refuses nonsense, and the event log and webhook
// retries live on the emulator clock and survive a restart.
import { execa, type ResultPromise } from 'execa';
import { crc32 } from 'node:zlib';
import { mkdtemp, readFile, readdir, rm, statfs, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { WalWriter } from '../../src/emulator/persist.js';
import { call, emulateRefused, receiver, spawnEmulatorIn, until } from './helpers.js';

const dirs: string[] = [];
const mounts: string[] = [];
const children: ResultPromise[] = [];
let emu: Emulator | undefined;
afterEach(async () => {
  const running = children.splice(0);
  for (const c of running) c.kill('SIGKILL');
  await Promise.allSettled(running);
  await emu?.close();
  emu = undefined;
  for (const m of mounts.splice(0)) await execa('umount', ['-l', m], { reject: false });
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'golive-emu-integrity-'));
  dirs.push(d);
  return d;
}

const spawn = (dir: string, extra: string[] = []) => spawnEmulatorIn(children, dir, extra);
const hosted = (externalId: string) => ({ amount: 100, currency: 'USD', externalId, customer: { externalId: 'c1' }, returnUrl: 'https://shop.example/' });
const MAGIC = 'golive-emulator-wal 2\n';

/** An independent reading of the log format: header, then [u32 length][u32 crc32][payload]. */
function records(buf: Buffer): Array<{ offset: number; length: number; payload: string }> {
  expect(buf.subarray(0, MAGIC.length).toString('utf8')).toBe(MAGIC);
  const out: Array<{ offset: number; length: number; payload: string }> = [];
  let off = MAGIC.length;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const payload = buf.subarray(off + 8, off + 8 + len);
    expect(payload.length, `record at ${off} is whole`).toBe(len);
    expect(crc32(payload) >>> 0, `record at ${off} checks out`).toBe(buf.readUInt32BE(off + 4));
    out.push({ offset: off, length: len, payload: payload.toString('utf8') });
    off += 8 + len;
  }
  return out;
}

/** One payment per request, each its own log record; returns their ids in order. */
async function payments(url: string, auth: { publicKey: string; secretKey: string }, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call(url, 'POST', '/payments', auth, hosted(`${prefix}${i}`));
    expect(r.status).toBe(200);
    ids.push(r.json.id as string);
  }
  return ids;
}

describe('a damaged log stops start-up at the named byte; --repair keeps what came before', () => {
  it('a flipped byte in a middle record', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const a = await spawn(dir);
    const ids = await payments(a.url, a.test, 10, 'o');
    await a.kill9();
    const wal = join(dir, 'emu.json.wal');
    const buf = await readFile(wal);
    const recs = records(buf);
    // The record that created payment 5 (of 10): damage it in the middle of its payload.
    const bad = recs.find((r) => r.payload.includes(ids[5]!) && r.payload.includes('"payments"'))!;
    const at = bad.offset + 8 + Math.floor(bad.length / 2);
    buf[at] = buf[at]! ^ 0x20;
    await writeFile(wal, buf);

    const refused = await emulateRefused(dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`is damaged at byte ${bad.offset} (record ${recs.indexOf(bad) + 1}: its checksum does not match its bytes)`);
    expect(refused.stderr).toContain(`${buf.length - bad.offset} byte(s) follow it`);
    expect(refused.stderr).toContain('--repair');
    expect(refused.stderr).not.toMatch(/\n\s+at /); // one clear message, never a stack
    expect(await readFile(wal)).toEqual(buf); // refusing changes nothing

    const b = await spawn(dir, ['--repair']);
    expect(b.output()).toMatch(new RegExp(`Repaired .*emu\\.json\\.wal: kept ${recs.indexOf(bad)} good record\\(s\\), dropped ${buf.length - bad.offset} byte\\(s\\) from byte ${bad.offset}`));
    for (const [i, id] of ids.entries()) {
      // Before the damage: kept. From it on: dropped, and said so above; never a hole in the middle.
      expect((await call(b.url, 'GET', `/payments/${id}`, b.test)).status, `payment ${i}`).toBe(i < 5 ? 200 : 404);
    }
    const aside = (await readdir(dir)).filter((n) => n.startsWith('emu.json.wal.dropped-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!))).toEqual(buf);
    await b.kill9();
    const c = await spawn(dir);
    expect((await call(c.url, 'GET', `/payments/${ids[4]}`, c.test)).status).toBe(200);
  });

  it('a cut-short tail', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const a = await spawn(dir);
    const ids = await payments(a.url, a.test, 4, 't');
    await a.kill9();
    const wal = join(dir, 'emu.json.wal');
    const buf = await readFile(wal);
    const last = records(buf).at(-1)!;
    await truncate(wal, buf.length - 3);
    const refused = await emulateRefused(dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`is damaged at byte ${last.offset}`);
    expect(refused.stderr).toContain(`it is cut short (${last.length - 3} of ${last.length} bytes)`);
    expect(refused.stderr).toContain('the request it belonged to was never answered');
    const b = await spawn(dir, ['--repair']);
    const kept = await Promise.all(ids.map(async (id) => (await call(b.url, 'GET', `/payments/${id}`, b.test)).status));
    // One record per create: the cut one held the fourth payment, whose reply never left the disk whole.
    expect(last.payload).toContain(ids[3]);
    expect(kept).toEqual([200, 200, 200, 404]);
  });

  it('a record that is valid JSON but not a log record (null), in either log format', async () => {
    const dir = await tmp();
    const a = await spawn(dir);
    await a.kill9();
    await writeFile(join(dir, 'emu.json.wal'), 'null\n');
    const legacy = await emulateRefused(dir);
    expect(legacy.exitCode).toBe(2);
    expect(legacy.stderr).toContain('is damaged at byte 0 (record 1: it is not an emulator log record)');
    const payload = Buffer.from('null');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(payload.length, 0);
    head.writeUInt32BE(crc32(payload) >>> 0, 4);
    await writeFile(join(dir, 'emu.json.wal'), Buffer.concat([Buffer.from(MAGIC), head, payload]));
    const framed = await emulateRefused(dir);
    expect(framed.stderr).toContain(`is damaged at byte ${MAGIC.length} (record 1: it is not an emulator log record)`);
  });
});

describe('a full disk fails the request; nothing unsaved is acknowledged', () => {
  async function smallDisk(kb: number): Promise<string | undefined> {
    const dir = await tmp();
    const r = await execa('mount', ['-t', 'tmpfs', '-o', `size=${kb}k,mode=0700`, 'tmpfs', dir], { reject: false });
    if (r.exitCode !== 0) return undefined;
    mounts.push(dir);
    return dir;
  }

  it('ENOSPC on a small tmpfs: 503 while full, every 200 survives kill -9, and the log stays readable', { timeout: 90_000 }, async (ctx) => {
    const disk = await smallDisk(512);
    if (!disk) return ctx.skip('cannot mount a tmpfs here (needs root); the injected short write and ENOSPC test below covers the same code');
    const a = await spawn(disk);
    const filler = join(disk, 'filler');
    const free = async () => {
      const s = await statfs(disk);
      return s.bavail * s.bsize;
    };
    await writeFile(filler, Buffer.alloc(Math.max(0, (await free()) - 24 * 1024)));
    const acked: string[] = [];
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 400 && !refused; i++) {
      const r = await call(a.url, 'POST', '/payments', a.test, hosted(`full${i}`));
      if (r.status === 200) acked.push(r.json.id as string);
      else refused = r;
    }
    expect(acked.length).toBeGreaterThan(0);
    expect(refused?.status).toBe(503);
    expect(refused?.json.code).toBe('unavailable');
    expect(refused?.json.message).toMatch(/could not save .*ENOSPC.*retry it with the same externalId/);
    // Still full: even a read is refused rather than showing what is not on disk.
    expect((await call(a.url, 'GET', `/payments/${acked[0]}`, a.test)).status).toBe(503);
    // The log on the full disk holds only whole records.
    expect(records(await readFile(join(disk, 'emu.json.wal'))).length).toBeGreaterThan(0);
    await a.kill9();
    await unlink(filler);
    const b = await spawn(disk);
    for (const id of acked) expect((await call(b.url, 'GET', `/payments/${id}`, b.test)).status).toBe(200);
  });

  it('an injected short write then ENOSPC: 503, the log is cut back to whole records, and a retry once there is room is saved', async () => {
    const dir = await tmp();
    const statePath = join(dir, 'state.json');
    const disk = { full: false, trickle: false };
    const writer: WalWriter = async (fh, buf, offset, length, position) => {
      if (disk.full) {
        if (length > 1) return fh.write(buf, offset, Math.floor(length / 2), position); // a short write...
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }); // ...then nothing
      }
      return fh.write(buf, offset, disk.trickle ? 1 : length, position);
    };
    emu = await startEmulator({ statePath, walWriter: writer });
    const auth = emu.credentials('test');
    disk.trickle = true; // short writes that keep making progress are fine
    const first = await call(emu.url, 'POST', '/payments', auth, hosted('a'));
    expect(first.status).toBe(200);
    disk.trickle = false;
    disk.full = true;
    const lost = await call(emu.url, 'POST', '/payments', auth, hosted('b'));
    expect([lost.status, lost.json.code]).toEqual([503, 'unavailable']);
    expect((await call(emu.url, 'GET', `/payments/${first.json.id}`, auth)).status).toBe(503);
    const wal = await readFile(`${statePath}.wal`);
    expect(records(wal).some((r) => r.payload.includes(first.json.id))).toBe(true);
    disk.full = false;
    // The retry with the same externalId is answered, and now it is on disk.
    const retried = await call(emu.url, 'POST', '/payments', auth, hosted('b'));
    expect(retried.status).toBe(200);
    await emu.close();
    emu = await startEmulator({ statePath });
    expect((await call(emu.url, 'GET', `/payments/${first.json.id}`, auth)).status).toBe(200);
    expect((await call(emu.url, 'GET', `/payments/${retried.json.id}`, auth)).status).toBe(200);
  });
});

describe('one emulator per state file', () => {
  it('a second emulator on the same --state is refused with who holds it; a dead holder is taken over', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const a = await spawn(dir);
    const second = await emulateRefused(dir);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`the state file .*emu\\.json is in use by another emulator: pid ${a.pid} on \\S+ \\(user \\S+, since `));
    expect(second.stderr).toContain('Stop that emulator first');
    const ids = await payments(a.url, a.test, 3, 'l');
    await a.kill9();
    const b = await spawn(dir);
    expect(b.output()).toContain(`from an emulator that is no longer running (pid ${a.pid} on`);
    for (const id of ids) expect((await call(b.url, 'GET', `/payments/${id}`, b.test)).status).toBe(200);
  });
});

describe('the emulator clock', () => {
  it('refuses nonsense with 400 and keeps working; an impossible clock in a state file needs --repair', { timeout: 60_000 }, async () => {
    const dir = await tmp();
    const a = await spawn(dir);
    for (const body of [{ advanceDays: 1e15 }, { advanceDays: 3651 }, { advanceDays: -1 }, { advanceMs: Number.MAX_VALUE }]) {
      const r = await call(a.url, 'POST', '/__emulator/clock', undefined, body);
      expect([r.status, r.json.code], JSON.stringify(body)).toEqual([400, 'invalid_argument']);
    }
    expect((await call(a.url, 'GET', '/__emulator/clock')).json.offsetMs).toBe(0);
    expect((await call(a.url, 'POST', '/payments', a.test, hosted('after'))).status).toBe(200);
    expect((await call(a.url, 'POST', '/__emulator/clock', undefined, { advanceDays: 3650 })).status).toBe(200);
    await a.kill9();
    const b = await spawn(dir);
    expect((await call(b.url, 'GET', '/__emulator/clock')).json.offsetMs).toBe(3650 * 86_400_000);
    await b.kill9();
    // A state written by an older emulator with a clock no date can hold.
    const state = JSON.parse(await readFile(join(dir, 'emu.json'), 'utf8'));
    state.clockOffsetMs = 1e15 * 86_400_000;
    await writeFile(join(dir, 'emu.json'), JSON.stringify(state));
    await writeFile(join(dir, 'emu.json.wal'), '');
    const refused = await emulateRefused(dir);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/the emulator clock in .*emu\.json is \d+ days from real time/);
    expect(refused.stderr).toContain('--repair');
    const c = await spawn(dir, ['--repair']);
    expect(c.output()).toContain('the emulator clock was out of range and is back at real time');
    expect((await call(c.url, 'GET', '/__emulator/clock')).json.offsetMs).toBe(0);
    expect((await call(c.url, 'POST', '/payments', c.test, hosted('fine'))).status).toBe(200);
  });
});

describe('events and retries on the emulator clock', () => {
  it('the event log survives a restart', async () => {
    const dir = await tmp();
    const statePath = join(dir, 'state.json');
    emu = await startEmulator({ statePath });
    const auth = emu.credentials('test');
    await call(emu.url, 'POST', '/payments', auth, { ...hosted('ev'), cardToken: 'tok_emulator_visa' });
    const before = (await call(emu.url, 'GET', '/__emulator/events')).json.events.map((e: { event: string }) => e.event);
    expect(before).toEqual(['payment.created', 'payment.pending', 'payment.succeeded']);
    await emu.close();
    emu = await startEmulator({ statePath });
    const after = (await call(emu.url, 'GET', '/__emulator/events')).json.events.map((e: { event: string }) => e.event);
    expect(after).toEqual(before);
  });

  it('advancing the clock delivers the retries that fell due, at emulator-clock times', async () => {
    const SECRET = 'whsec_' + 'clock-driven-retries';
    const rx = await receiver(SECRET, [500, 500, 200]);
    try {
      // retryScale 1: the documented schedule (30 s, then 2 min), only the clock brings it forward.
      emu = await startEmulator({ webhookUrl: rx.url, webhookSecret: SECRET, retryScale: 1 });
      await call(emu.url, 'POST', '/payments', emu.credentials('test'), hosted('r1'));
      await until(() => rx.got.length === 1, 'the first attempt');
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.got).toHaveLength(1);
      await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceSeconds: 31 });
      await until(() => rx.got.length === 2, 'the 30 s retry, once the clock passed it');
      await call(emu.url, 'POST', '/__emulator/clock', undefined, { advanceSeconds: 90 });
      await until(() => rx.got.length === 3, 'the 2 min retry');
      await until(() => emu!.deliverer.log.length === 3, 'the log');
      const log = emu.deliverer.log;
      expect(log.map((d) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [2, 500],
        [3, 200],
      ]);
      const first = Date.parse(log[0]!.at);
      expect(Date.parse(log[1]!.at) - first).toBeGreaterThanOrEqual(30_000);
      expect(Date.parse(log[2]!.at) - first).toBeGreaterThanOrEqual(120_000);
      expect(rx.got.every((g) => g.raw === rx.got[0]!.raw && g.valid)).toBe(true);
    } finally {
      await rx.close();
    }
  });
});
