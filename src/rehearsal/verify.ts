// `golive report --verify <file>`: reads a sign-off (JSON, Markdown or HTML) and recomputes its digest.
import { readFile } from 'node:fs/promises';
import { GoliveError, describeError } from '../errors.js';
import { verifySignOffText } from './render.js';
import type { VerifyResult } from './signoff.js';

export async function verifySignOffFile(file: string): Promise<VerifyResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new GoliveError('IO', `cannot read ${file}: ${describeError(e)}`, { suggestion: 'Pass the path of a sign-off written by `golive rehearse`.' });
  }
  return verifySignOffText(text);
}
