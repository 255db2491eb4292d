// credentials.no-secrets-in-source: no secret key (`sk_live_`/`sk_test_`) in tracked files, nor,
// with --history, in any commit (a key removed later is still readable in git history).
import picomatch from 'picomatch';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { maskSecret } from '../src/engine/mask.js';
import { isPlaceholderKey } from '../src/evidence/keymatch.js';
import type { HistoryKeyMatch, KeyEnv, KeyMatch } from '../src/evidence/types.js';

export const ROTATE = 'Ask your MintCash account manager to rotate it (the old key stops working immediately, so have the new one ready to deploy)';
const MOVE = 'load it from a secrets manager or an environment variable instead';

const short = (sha: string) => sha.slice(0, 7);

/**
 * Publishable `pk_` keys are not secrets and are never reported. A live secret is a leak wherever
 * it sits, test files included. A test secret inside a test file (config `testFiles`) is accepted:
 * fixtures need one, and it cannot move money.
 */
function reportable(kind: string, env: KeyEnv, file: string, isTestFile: (f: string) => boolean): boolean {
  if (kind !== 'sk') return false;
  return env === 'live' || !isTestFile(file);
}

function treeFinding(k: KeyMatch, historyCommit?: string): FindingInput {
  const masked = maskSecret(k.value);
  const live = k.env === 'live';
  // A binary file (a committed database, a dump) has no lines: the byte offset says where.
  const where = k.offset !== undefined ? `${k.file} (binary file, byte offset ${k.offset})` : k.file;
  const message = live
    ? `Live secret key ${masked} is committed in ${where}. ${ROTATE}, and ${MOVE}.`
    : `Test secret key ${masked} is committed in ${where}; ${MOVE} (rotate it if the repository is shared).`;
  return {
    messageId: live ? 'live-secret-in-source' : 'test-secret-in-source',
    message,
    severity: live ? 'error' : 'warning',
    file: k.file,
    ...(k.offset === undefined ? { line: k.line, column: k.column } : {}),
    fingerprintOf: k.value,
    evidence: {
      key: masked,
      ...(k.offset !== undefined ? { byteOffset: k.offset } : {}),
      ...(k.encoding ? { encoding: k.encoding } : {}),
      ...(historyCommit ? { addedInCommit: short(historyCommit) } : {}),
    },
  };
}

/** One line per unread file (the first few by name), saying how to let golive read them. */
function unreadGaps(unread: ReadonlyArray<{ file: string; reason: string }>): string[] {
  if (unread.length === 0) return [];
  const named = unread.slice(0, 5).map((u) => `${u.file} (${u.reason})`);
  const more = unread.length > 5 ? ` and ${unread.length - 5} more` : '';
  return [`${unread.length} file${unread.length === 1 ? '' : 's'} could not be read: ${named.join(', ')}${more}; make them readable by the user running golive (or remove them) and run again`];
}

function historyFinding(h: HistoryKeyMatch): FindingInput {
  const masked = maskSecret(h.value);
  const live = h.env === 'live';
  const where = h.inMessage ? `the message of commit ${short(h.commit)}` : `${h.file}, commit ${short(h.commit)}`;
  const state = h.inMessage ? 'is in git history' : h.removed ? 'was removed from the tree but is still in git history' : 'is in git history';
  const message = live
    ? `Live secret key ${masked} ${state} (${where}); anyone with a clone can read it. ${ROTATE}, and ${MOVE}.`
    : `Test secret key ${masked} ${state} (${where}); rotate it and ${MOVE}.`;
  return {
    messageId: live ? 'live-secret-in-history' : 'test-secret-in-history',
    message,
    severity: live ? 'error' : 'warning',
    ...(h.inMessage ? {} : { file: h.file }),
    // The line in the commit that added it (the file at HEAD may no longer have it, or have it elsewhere).
    ...(h.line !== undefined && !h.inMessage ? { line: h.line } : {}),
    commit: h.commit,
    fingerprintOf: h.value,
    evidence: { key: masked, commit: short(h.commit), removed: h.removed, ...(h.inMessage ? { inCommitMessage: true } : {}), ...(h.date ? { date: h.date } : {}) },
  };
}

export default defineCheck({
  id: 'credentials.no-secrets-in-source',
  section: 'credentials',
  kind: 'static',
  title: 'No secret keys committed to the repository',
  failureTitle: 'Secret keys are committed to the repository',
  why: 'Anyone who can read the repository or a clone of it can take payments and refunds with a committed secret key; deleting the line does not remove it from git history.',
  fix: 'Have the account manager rotate every committed sk_live_ key, move secrets to a secrets manager or environment variables, and add the files to .gitignore.',
  defaultSeverity: 'error',
  requires: ['secrets', 'history'],
  run({ evidence, config }) {
    const { secrets, history } = evidence;
    const isTestFile = config.testFiles.length > 0 ? picomatch(config.testFiles, { dot: true }) : () => false;

    // Placeholders (a key body of only x, say) are counted, never reported: see isPlaceholderKey.
    let placeholders = 0;
    const real = <T extends { value: string }>(k: T): boolean => (isPlaceholderKey(k.value) ? (placeholders++, false) : true);

    const historyByPlace = new Map<string, HistoryKeyMatch>();
    if (history.enabled) {
      for (const h of history.keys.filter(real)) {
        const k = `${h.file}\0${h.value}`;
        if (!historyByPlace.has(k)) historyByPlace.set(k, h);
      }
    }

    const findings: FindingInput[] = [];
    const inTree = new Set<string>();
    for (const k of secrets.keys.filter(real)) {
      if (!reportable(k.kind, k.env, k.file, isTestFile)) continue;
      const place = `${k.file}\0${k.value}`;
      inTree.add(place);
      findings.push(treeFinding(k, historyByPlace.get(place)?.commit));
    }
    // A key both in the tree and in history at the same file is reported once, from the tree.
    for (const [place, h] of historyByPlace) {
      if (inTree.has(place) || !reportable(h.kind, h.env, h.file, isTestFile)) continue;
      findings.push(historyFinding(h));
    }

    const scanned = `Scanned ${secrets.filesScanned} file${secrets.filesScanned === 1 ? '' : 's'}`;
    const hist = history.enabled
      ? ` and ${history.commitsScanned} commit${history.commitsScanned === 1 ? '' : 's'} of git history${history.range ? ` (${history.range})` : ''}`
      : `; git history not scanned (${history.reason ?? 'pass --history to scan it'})`;
    const skipped = placeholders > 0 ? ` ${placeholders} placeholder key${placeholders === 1 ? '' : 's'} (e.g. sk_live_ followed by only x) ignored.` : '';
    const counted = placeholders > 0 ? { evidence: { placeholders } } : {};

    // What the scan could not see may hold a key: never a pass. Found keys still fail the check.
    const gaps = [...unreadGaps(secrets.unread ?? []), ...(history.enabled && history.incomplete ? [`git history: ${history.incomplete}`] : [])];
    if (gaps.length === 0) return { findings, summary: `${scanned}${hist}.${skipped}`, ...counted };
    const blocking = findings.some((f) => (f.severity ?? 'error') === 'error');
    const summary = `Not everything was examined: ${gaps.join('; ')}. ${scanned}${hist}.${skipped}`;
    if (!blocking) return { findings, status: 'error', summary, ...counted };
    findings.push({
      messageId: 'not-examined',
      message: `Not everything was examined, so more keys may be committed: ${gaps.join('; ')}.`,
      severity: 'error',
      fingerprintOf: gaps.join('\n'),
      evidence: { notExamined: gaps },
    });
    return { findings, summary, ...counted };
  },
});
