// Persisted rehearsal state: one JSON file per rehearsal under `<dir>/.golive/rehearsals/`, written
// atomically (temp file, fsync, rename) after every phase, so a kill at any instant leaves either
// the previous or the next complete record, never half of one. One writer at a time: a lock file
// in the directory names the terminal that holds it, and every record carries a revision that a
// save must extend, so a stale terminal can never overwrite newer progress.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { GoliveError, describeError } from '../errors.js';
import { redactDeep } from '../engine/mask.js';
import { STEP_IDS, type RehearsalState } from './types.js';
import { compareText } from '../engine/order.js';

export function rehearsalsDir(root: string): string {
  return path.join(root, '.golive', 'rehearsals');
}

export function statePath(root: string, id: string): string {
  return path.join(rehearsalsDir(root), `${id}.json`);
}

/** `20260513-k3x9q2`: sortable by day, short enough to type, unique enough per repository. */
export function newRehearsalId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const rand = [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${day}-${rand}`;
}

export const ID_PATTERN = /^\d{8}-[a-z0-9]{6}$/;

export function lockPath(root: string): string {
  return path.join(rehearsalsDir(root), '.lock');
}

async function revisionOnDisk(file: string): Promise<number> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as { revision?: unknown };
    return typeof v.revision === 'number' ? v.revision : 0;
  } catch {
    return 0;
  }
}

/** A save that would overwrite newer progress written by another terminal. */
export function staleError(id: string, mine: number, theirs: number): GoliveError {
  return new GoliveError('IO', `rehearsal ${id} was changed by another terminal (revision ${theirs} on disk; this terminal had ${mine}): nothing was overwritten`, {
    suggestion: 'Continue in the terminal that has it; here, run `golive rehearse` again to pick up the newer record.',
    exitCode: 1,
  });
}

/**
 * Saves the record as the next revision. Refuses (typed error, nothing written) when the file on
 * disk is newer than the revision this process loaded or last wrote.
 */
export function saveState(root: string, state: RehearsalState): Promise<string> {
  const file = statePath(root, state.id);
  // One save at a time per file in this process (Ctrl-C saves while a step may be saving): the
  // revision is read and raised inside, so this process never mistakes itself for another terminal.
  const next = (saving.get(file) ?? Promise.resolve()).catch(() => undefined).then(() => saveOnce(file, state));
  saving.set(file, next);
  return next;
}

const saving = new Map<string, Promise<unknown>>();

async function saveOnce(file: string, state: RehearsalState): Promise<string> {
  const mine = state.revision ?? 0;
  const theirs = await revisionOnDisk(file);
  if (theirs > mine) throw staleError(state.id, mine, theirs);
  state.revision = mine + 1;
  // Belt and braces: the state never holds a secret by construction; mask any key-shaped string anyway.
  const text = `${JSON.stringify(redactDeep(state), null, 2)}\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    state.revision = mine;
    throw new GoliveError('IO', `cannot save the rehearsal state to ${file}: ${describeError(e)}`, {
      suggestion: 'Check that the directory is writable; nothing further was sent to MintCash.',
    });
  }
  return file;
}

export function isRehearsalState(v: unknown): v is RehearsalState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Partial<RehearsalState>;
  return (
    s.schemaVersion === 1 &&
    typeof s.id === 'string' &&
    ID_PATTERN.test(s.id) &&
    typeof s.updatedAt === 'string' &&
    !!s.steps &&
    STEP_IDS.every((k) => s.steps && typeof s.steps[k] === 'object' && s.steps[k] !== null) &&
    !!s.settings &&
    !!s.target
  );
}

export async function loadState(file: string): Promise<RehearsalState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GoliveError('IO', `cannot read rehearsal state ${file}: ${describeError(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!isRehearsalState(json)) {
    throw new GoliveError('REPORT_INVALID', `${file} is not a golive rehearsal record`, {
      suggestion: 'Move the file aside and start a new rehearsal with `golive rehearse --new`.',
    });
  }
  return json;
}

/** Every readable rehearsal in the directory, most recently updated first. Unreadable ones are listed as problems. */
export async function listStates(root: string): Promise<{ states: RehearsalState[]; problems: string[] }> {
  const dir = rehearsalsDir(root);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { states: [], problems: [] };
    return { states: [], problems: [`cannot list ${dir}: ${describeError(e)}`] };
  }
  const states: RehearsalState[] = [];
  const problems: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      states.push(await loadState(path.join(dir, name)));
    } catch (e) {
      problems.push(describeError(e));
    }
  }
  states.sort((a, b) => (a.updatedAt === b.updatedAt ? compareText(b.id, a.id) : compareText(b.updatedAt, a.updatedAt)));
  return { states, problems };
}

/** Only a completed (or cleaned-up) rehearsal is finished: a failed step can be retried from where it stopped. */
export function isFinished(s: RehearsalState): boolean {
  return s.status === 'completed' || !!s.closed;
}
