// Policy: a deployable repository has a lockfile, so the payment SDK version cannot drift.
import { defineCheck } from 'mintcash-golive';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'poetry.lock', 'Pipfile.lock', 'go.sum', 'Gemfile.lock', 'composer.lock'];

export const lockfilePresent = defineCheck({
  id: 'lockfile-present',
  section: 'credentials',
  kind: 'static',
  title: 'Dependencies are pinned by a lockfile',
  failureTitle: 'No lockfile: dependency versions can drift between builds',
  why: 'Without a lockfile a rebuild can pick up a different MintCash SDK or HTTP client than the one you tested.',
  fix: 'Commit the lockfile your package manager writes (e.g. package-lock.json).',
  defaultSeverity: 'error',
  requires: ['repo'],
  run({ evidence }) {
    const found = evidence.repo.files.some((f) => LOCKFILES.includes(f.path.split('/').pop() ?? ''));
    return found
      ? { summary: 'A lockfile is committed.' }
      : { findings: [{ messageId: 'no-lockfile', message: 'No lockfile found at any level of the repository; commit one.' }] };
  },
});
