// credentials.no-secrets-in-source: no secret key (`sk_live_`/`sk_test_`) in tracked files, nor,
// with --history, in any commit (a key removed later is still readable in git history).
import picomatch from 'picomatch';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { maskSecret } from '../src/engine/mask.js';
import { isPlaceholderKey } from '../src/evidence/keymatch.js';
import type { HistoryKeyMatch, KeyEnv, KeyMatch } from '../src/evidence/types.js';

const ROTATE = 'Ask your MintCash account manager to rotate it (the old key stops working immediately, so have the new one ready to deploy)';
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
  const message = live
    ? `Live secret key ${masked} is committed in ${k.file}. ${ROTATE}, and ${MOVE}.`
    : `Test secret key ${masked} is committed in ${k.file}; ${MOVE} (rotate it if the repository is shared).`;
  return {
    messageId: live ? 'live-secret-in-source' : 'test-secret-in-source',
    message,
    severity: live ? 'error' : 'warning',
    file: k.file,
    line: k.line,
    column: k.column,
    fingerprintOf: k.value,
    evidence: { key: masked, ...(historyCommit ? { addedInCommit: short(historyCommit) } : {}) },
  };
}

function historyFinding(h: HistoryKeyMatch): FindingInput {
  const masked = maskSecret(h.value);
  const live = h.env === 'live';
  const state = h.removed ? 'was removed from the tree but is still in git history' : 'is in git history';
  const message = live
    ? `Live secret key ${masked} ${state} (${h.file}, commit ${short(h.commit)}); anyone with a clone can read it. ${ROTATE}, and ${MOVE}.`
    : `Test secret key ${masked} ${state} (${h.file}, commit ${short(h.commit)}); rotate it and ${MOVE}.`;
  return {
    messageId: live ? 'live-secret-in-history' : 'test-secret-in-history',
    message,
    severity: live ? 'error' : 'warning',
    file: h.file,
    ...(h.line !== undefined && !h.removed ? { line: h.line } : {}),
    commit: h.commit,
    fingerprintOf: h.value,
    evidence: { key: masked, commit: short(h.commit), removed: h.removed, ...(h.date ? { date: h.date } : {}) },
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
      ? ` and ${history.commitsScanned} commit${history.commitsScanned === 1 ? '' : 's'} of git history`
      : `; git history not scanned (${history.reason ?? 'pass --history to scan it'})`;
    const skipped = placeholders > 0 ? ` ${placeholders} placeholder key${placeholders === 1 ? '' : 's'} (e.g. sk_live_ followed by only x) ignored.` : '';
    return { findings, summary: `${scanned}${hist}.${skipped}`, ...(placeholders > 0 ? { evidence: { placeholders } } : {}) };
  },
});
