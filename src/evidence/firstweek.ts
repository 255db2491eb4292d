// Collects the signed first-week reports of the target directory (`golive-first-week/*.json`, as
// `golive monitor --sign` writes them) and verifies each one's digest and Ed25519 signature, with
// who signed and whether that key is pinned in rehearsal.signers. Facts only: the firstweek.*
// checks decide which report counts.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors.js';
import { compareText } from '../engine/order.js';
import { pinFor } from '../rehearsal/signoff.js';
import { FIRST_WEEK_DIR, verifyFirstWeek, type FirstWeekSignOff } from '../monitor/signoff.js';
import type { CollectContext, Collector, FirstWeekEvidence, FirstWeekFact } from './types.js';

/** A week's report with every series is a few MB at most. */
const MAX_BYTES = 50_000_000;

function factOf(file: string, json: unknown, pins: readonly { publicKey: string }[]): FirstWeekFact {
  const r = verifyFirstWeek(json);
  if (!r.ok) return { file, valid: false, problem: r.reason, signerPinned: false };
  const doc = r.doc as unknown as FirstWeekSignOff;
  return {
    file,
    valid: true,
    signer: r.signer,
    signerPinned: pinFor(pins, r.signer.publicKey) !== undefined,
    generatedAt: doc.generatedAt,
    window: { first: doc.window.first, last: doc.window.last, days: doc.window.days },
    metrics: Object.fromEntries(doc.metrics.map((m) => [m.id, m.status])),
    alerts: Object.fromEntries(doc.metrics.map((m) => [m.id, m.alerts])),
  };
}

export const collectFirstWeek: Collector<'firstweek'> = async (ctx: CollectContext): Promise<FirstWeekEvidence> => {
  const pins = ctx.config.rehearsal?.signers ?? [];
  const dir = path.join(ctx.root, FIRST_WEEK_DIR);
  const ev: FirstWeekEvidence = { dir: FIRST_WEEK_DIR, collectedAt: new Date().toISOString(), reports: [], pinnedSigners: pins.length, notes: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') ev.notes.push({ source: 'firstweek', message: `cannot list ${FIRST_WEEK_DIR}/: ${describeError(e)}` });
    return ev;
  }
  for (const name of names) {
    const rel = `${FIRST_WEEK_DIR}/${name}`;
    let json: unknown;
    try {
      const text = await readFile(path.join(dir, name), 'utf8');
      if (text.length > MAX_BYTES) throw new Error('too large for a first-week report');
      json = JSON.parse(text);
    } catch (e) {
      ev.reports.push({ file: rel, valid: false, problem: `unreadable: ${describeError(e)}`, signerPinned: false });
      continue;
    }
    ev.reports.push(factOf(rel, json, pins));
  }
  ev.reports.sort((a, b) => compareText(b.generatedAt ?? '', a.generatedAt ?? ''));
  return ev;
};
