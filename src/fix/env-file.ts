// Safe fix for a committed production env file holding a secret key (credentials.no-secrets-in-
// source): add it to .gitignore and take it out of git's index (the file stays on disk). The key
// itself is still in history and every clone: rotating it is never a code fix, so the fix says so.
import path from 'node:path';
import { lstat } from 'node:fs/promises';
import ignore from 'ignore';
import type { Finding } from '../engine/types.js';
import { git, gitMessage } from '../evidence/git.js';
import { GoliveError } from '../errors.js';
import { ROTATE } from '../../checks/credentials-no-secrets-in-source.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';

/** `.env`, `.env.production`, `prod.env`…, but not the examples and templates meant to be committed. */
const ENV_FILE = /(^|\/)(\.env(\.[\w.-]+)?|[\w.-]+\.env)$/;
const EXAMPLE = /(example|sample|template|dist|defaults?|schema|test|testing|ci)(\.|$)/i;

export function isEnvFile(file: string): boolean {
  const base = path.posix.basename(file);
  return ENV_FILE.test(base) && !EXAMPLE.test(base.replace(/^\.env\.?/, ''));
}

async function tracked(root: string, file: string): Promise<boolean> {
  const r = await git(['ls-files', '--error-unmatch', '--', file], root).catch(() => undefined);
  return r?.code === 0;
}

export async function planEnvFileFix(s: Session, finding: Finding): Promise<Fix | undefined> {
  const file = finding.file;
  if (!file || !/^(live|test)-secret-in-source$/.test(finding.messageId) || !isEnvFile(file)) return undefined;
  // The .gitignore golive edits is the target directory's own, never a symlink to elsewhere.
  const st = await lstat(path.join(s.root, '.gitignore')).catch(() => undefined);
  if (st && !st.isFile()) return undefined;
  const original = st ? ((await s.read('.gitignore')) ?? undefined) : '';
  if (original === undefined) return undefined;
  const entry = `/${file}`;
  const already = ignore().add(original).ignores(file);
  const eol = /\r\n/.test(original) ? '\r\n' : '\n';
  const lead = original === '' || original.endsWith('\n') ? '' : eol;
  const isTracked = (s.evidence.repo?.isGit ?? false) && (await tracked(s.root, file));
  if (already && !isTracked) return undefined;
  return {
    id: `credentials.no-secrets-in-source:gitignore-env-file:${file}`,
    kind: 'gitignore-env-file',
    tier: 'safe',
    title: `stop committing ${file}: ${already ? 'remove it from git\'s index (.gitignore already lists it)' : `add ${entry} to .gitignore`}${isTracked ? ' and untrack it (the file stays on disk)' : ''}`,
    target: { checkId: 'credentials.no-secrets-in-source', messageId: finding.messageId, ...(finding.fingerprint ? { fingerprint: finding.fingerprint } : {}), file, ...(finding.line ? { line: finding.line } : {}) },
    files: already ? [] : [{ file: '.gitignore', original, edits: [{ start: original.length, end: original.length, text: `${lead}${entry}${eol}`, key: `gitignore:${entry}` }], ...(st ? {} : { created: true }) }],
    ...(isTracked ? { untrack: [file] } : {}),
    notes: [
      `The key in ${file} is still in git history and in every clone: ${ROTATE}.`,
      ...(isTracked ? [`--write runs \`git rm --cached -- ${file}\`; commit that removal with the .gitignore change.`] : []),
    ],
  };
}

/** Takes the files out of git's index (the --write step of this fix); the work tree keeps them. */
export async function untrack(root: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  const r = await git(['rm', '--cached', '--quiet', '--', ...files], root);
  if (r.code !== 0) throw new GoliveError('IO', `could not untrack ${files.join(', ')}: ${gitMessage(r)}`, { suggestion: `Run \`git rm --cached -- ${files.join(' ')}\` yourself; .gitignore was updated.` });
}
