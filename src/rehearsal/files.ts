// Writes a sign-off (JSON, Markdown, HTML) for one rehearsal into a directory, atomically.
import path from 'node:path';
import { writeFileAtomic } from '../report/write.js';
import { renderSignOffHtml, renderSignOffMarkdown } from './render.js';
import { buildSignOff, renderSignOffJson, type SignOff } from './signoff.js';
import type { OperatorKey } from './signing.js';
import type { RehearsalState } from './types.js';

export async function writeSignOff(dir: string, state: RehearsalState, version: string, key: OperatorKey): Promise<{ doc: SignOff; files: string[] }> {
  const doc = buildSignOff(state, version, key);
  const base = path.join(dir, `golive-rehearsal-${state.id}`);
  const files = [`${base}.json`, `${base}.md`, `${base}.html`];
  await writeFileAtomic(files[0] as string, renderSignOffJson(doc));
  await writeFileAtomic(files[1] as string, renderSignOffMarkdown(doc));
  await writeFileAtomic(files[2] as string, renderSignOffHtml(doc));
  return { doc, files };
}
