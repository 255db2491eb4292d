// Persisted rehearsal state: one JSON file per rehearsal under `<dir>/.golive/rehearsals/`, written
// atomically (temp file, fsync, rename) after every phase, so a kill at any instant leaves either
// the previous or the next complete record, never half of one.
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

export async function saveState(root: string, state: RehearsalState): Promise<string> {
  const file = statePath(root, state.id);
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

/** Only a completed rehearsal is finished: a failed step can be retried from where it stopped. */
export function isFinished(s: RehearsalState): boolean {
  return s.status === 'completed';
}
