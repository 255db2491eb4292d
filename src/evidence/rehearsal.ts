// Collects the rehearsal sign-offs of the target directory (`golive-rehearsal/*.json`, as
// `golive rehearse` writes them) and verifies each one's digest and Ed25519 signature, recording
// who signed and whether that key is pinned in `rehearsal.signers`. Facts only: the rehearsal.*
// checks decide which sign-off counts. The mutable `.golive/rehearsals/` state is never read.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors.js';
import type { CollectContext, Collector, RehearsalEvidence, SignOffFact } from './types.js';
import { pinFor, SIGNOFF_DIR, verifyDocument, type SignOff } from '../rehearsal/signoff.js';
import { compareText } from '../engine/order.js';

/** A sign-off is a few tens of kB; anything far larger is not one. */
const MAX_BYTES = 5_000_000;

function factOf(file: string, json: unknown, pins: readonly { publicKey: string }[]): SignOffFact {
  const r = verifyDocument(json);
  if (!r.ok) return { file, valid: false, problem: r.reason, signerPinned: false };
  const doc: SignOff = r.doc;
  const steps = Object.fromEntries(
    doc.steps.map((s) => [s.id, { status: s.status, ids: { ...s.ids }, ...(s.completedAt ? { completedAt: s.completedAt } : {}), ...(s.waitingFor ? { waitingFor: s.waitingFor } : {}), ...(s.failure ? { failure: s.failure.message } : {}) }]),
  ) as SignOffFact['steps'];
  return {
    file,
    valid: true,
    id: doc.rehearsal.id,
    signer: r.signer,
    signerPinned: pinFor(pins, r.signer.publicKey) !== undefined,
    keyEnvironment: doc.rehearsal.target.keyEnvironment,
    practice: doc.practice === true,
    complete: doc.complete,
    generatedAt: doc.generatedAt,
    steps,
  };
}

export const collectRehearsal: Collector<'rehearsal'> = async (ctx: CollectContext): Promise<RehearsalEvidence> => {
  const pins = ctx.config.rehearsal?.signers ?? [];
  const dir = path.join(ctx.root, SIGNOFF_DIR);
  const ev: RehearsalEvidence = { dir: SIGNOFF_DIR, collectedAt: new Date().toISOString(), signOffs: [], pinnedSigners: pins.length, notes: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') ev.notes.push({ source: 'rehearsal', message: `cannot list ${SIGNOFF_DIR}/: ${describeError(e)}` });
    return ev;
  }
  for (const name of names) {
    const rel = `${SIGNOFF_DIR}/${name}`;
    let json: unknown;
    try {
      const text = await readFile(path.join(dir, name), 'utf8');
      if (text.length > MAX_BYTES) throw new Error('too large for a sign-off');
      json = JSON.parse(text);
    } catch (e) {
      ev.signOffs.push({ file: rel, valid: false, problem: `unreadable: ${describeError(e)}`, signerPinned: false });
      continue;
    }
    ev.signOffs.push(factOf(rel, json, pins));
  }
  ev.signOffs.sort((a, b) => compareText(b.generatedAt ?? '', a.generatedAt ?? ''));
  return ev;
};
