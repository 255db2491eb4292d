// One `golive fix` run: gathers the evidence of the fixable checks once (repository, secret scan,
// code index), runs those checks, and re-runs them on edited text in memory: a fix is kept only
// when it removes its finding and adds none (the same collectors and checks as `golive check`).
import path from 'node:path';
import ignore from 'ignore';
import { readFile } from 'node:fs/promises';
import { collectors } from '../evidence/index.js';
import type { CollectContext, EvidenceMap, RepoInventory, SecretScan } from '../evidence/types.js';
import type { Check, EvidenceKey, RunReport } from '../engine/types.js';
import type { GoliveConfig } from '../config/schema.js';
import { runChecks } from '../engine/runner.js';
import { codeIndexOptions, indexFiles, type IndexOptions } from '../evidence/code/index.js';
import { scanBuffer } from '../evidence/secrets.js';
import { VERSION } from '../version.js';
import { secretsFromEnv, type Secrets } from '../output/secrets.js';
import { parseJs } from './js.js';
import { applyEdits, combine } from './edits.js';
import type { Fix, FixTarget } from './types.js';

/** The checks golive has fixes for (a subset of the selection is run). */
export const FIXABLE = [
  'credentials.no-secrets-in-source',
  'webhook.timing-safe-compare',
  'webhook.code-raw-body',
  'webhook.code-environment-guard',
  'webhook.code-dedup',
  'idempotency.external-id',
  'idempotency.external-id-quality',
] as const;

export interface Session {
  root: string;
  config: GoliveConfig;
  env: NodeJS.ProcessEnv;
  checks: readonly Check[];
  evidence: Partial<EvidenceMap>;
  indexOptions: IndexOptions;
  report: RunReport;
  /** Files' current text, read once. */
  read(file: string): Promise<string | undefined>;
}

/** `${check}\0${fingerprint}` of every finding of a report. */
export function findingKeys(report: RunReport): Set<string> {
  return new Set(report.checks.flatMap((c) => c.findings.map((f) => `${c.id}\0${f.fingerprint ?? `${f.messageId}:${f.file}:${f.line}`}`)));
}
export const keyOf = (t: FixTarget): string => `${t.checkId}\0${t.fingerprint ?? `${t.messageId}:${t.file}:${t.line}`}`;

/**
 * `secrets`: the run's Secrets, taught every secret the evidence holds (the secret scan's keys
 * among them), so anything printed later (a diff that removes a key literal) is masked.
 */
export async function startSession(root: string, config: GoliveConfig, checks: readonly Check[], env: NodeJS.ProcessEnv, extra: Partial<EvidenceMap> = {}, secrets?: Secrets): Promise<Session> {
  const memo = new Map<EvidenceKey, Promise<unknown>>(Object.entries(extra).map(([k, v]) => [k as EvidenceKey, Promise.resolve(v)]));
  const ctx: CollectContext = {
    root,
    config,
    options: { offline: true, history: false, requireRehearsal: false, scoped: true },
    env,
    needs: new Set<EvidenceKey>(['repo', 'secrets', 'code', ...checks.flatMap((c) => c.requires)]),
    get<K extends EvidenceKey>(key: K): Promise<EvidenceMap[K]> {
      let p = memo.get(key) as Promise<EvidenceMap[K]> | undefined;
      if (!p) {
        p = collectors[key]().then((collect) => (collect as (c: CollectContext) => Promise<EvidenceMap[K]>)(ctx));
        memo.set(key, p);
      }
      return p;
    },
  };
  const keys = [...new Set<EvidenceKey>(['repo', 'secrets', 'code', ...checks.flatMap((c) => c.requires)])];
  const evidence: Partial<EvidenceMap> = {};
  for (const k of keys) (evidence as Record<string, unknown>)[k] = await ctx.get(k);
  const indexOptions = await codeIndexOptions(ctx, evidence.repo!);
  secrets?.add(secretsFromEnv(env, [config.env.publicKey, config.env.secretKey, config.env.webhookSecret])).addEvidence(evidence);
  const report = await judge(root, config, checks, env, evidence);
  const cache = new Map<string, Promise<string | undefined>>();
  const read = (file: string) => {
    let p = cache.get(file);
    if (!p) {
      p = readFile(path.join(root, file), 'utf8').catch(() => undefined);
      cache.set(file, p);
    }
    return p;
  };
  return { root, config, env, checks, evidence, indexOptions: { ...indexOptions, onParsed: () => undefined }, report, read };
}

function judge(root: string, config: GoliveConfig, checks: readonly Check[], env: NodeJS.ProcessEnv, evidence: Partial<EvidenceMap>): Promise<RunReport> {
  return runChecks({ root, config, options: { offline: true, history: false, requireRehearsal: false }, checks, env, version: VERSION, failOn: 'error', evidence });
}

/** What a set of fixes does to the repository, in memory. */
export interface Change {
  /** New texts by path. */
  overlay: Map<string, string>;
  /** Paths no longer part of the repository's files (untracked and ignored). */
  removed: Set<string>;
}

export function changeOf(fixes: readonly Fix[]): Change {
  const overlay = new Map<string, string>();
  for (const f of combine(fixes.flatMap((x) => x.files)).values()) overlay.set(f.file, applyEdits(f.original, f.edits));
  return { overlay, removed: new Set(fixes.flatMap((x) => x.untrack ?? [])) };
}

export type Verdict = { ok: true } | { ok: false; why: string };

/**
 * Re-runs the session's checks on the changed files in memory: every JS/TS file must still parse,
 * every targeted finding must be gone, and no finding may appear that was not there before.
 */
export async function recheck(s: Session, fixes: readonly Fix[]): Promise<Verdict> {
  const change = changeOf(fixes);
  for (const [file, text] of change.overlay) {
    if (/\.[cm]?[jt]sx?$/.test(file) && !(await parseJs(file, text))) return { ok: false, why: `${file} would no longer parse` };
  }
  // An untracked path counts as gone only when the new ignore rules really ignore it.
  for (const file of change.removed) {
    const gitignore = change.overlay.get('.gitignore') ?? (await s.read('.gitignore')) ?? '';
    if (!ignore().add(gitignore).ignores(file)) return { ok: false, why: `.gitignore would not ignore ${file}` };
  }
  const repo = s.evidence.repo as RepoInventory;
  const files = repo.files
    .filter((f) => !change.removed.has(f.path))
    .map((f) => (change.overlay.has(f.path) ? { path: f.path, size: Buffer.byteLength(change.overlay.get(f.path)!) } : f));
  const secrets = s.evidence.secrets as SecretScan;
  const touched = (file: string) => change.overlay.has(file) || change.removed.has(file);
  const rescanned = [...change.overlay].filter(([file]) => files.some((f) => f.path === file)).map(([file, text]) => scanBuffer(file, Buffer.from(text)));
  const secrets2: SecretScan = {
    ...secrets,
    keys: [...secrets.keys.filter((k) => !touched(k.file)), ...rescanned.flatMap((r) => r.keys)],
    sandboxUrls: [...secrets.sandboxUrls.filter((k) => !touched(k.file)), ...rescanned.flatMap((r) => r.sandboxUrls)],
  };
  const code = await indexFiles(s.root, files, s.config.testFiles, { ...s.indexOptions, overlay: change.overlay });
  const after = await judge(s.root, s.config, s.checks, s.env, { ...s.evidence, repo: { ...repo, files }, secrets: secrets2, code });
  const before = findingKeys(s.report);
  const now = findingKeys(after);
  for (const f of fixes) if (now.has(keyOf(f.target))) return { ok: false, why: `the finding it fixes (${f.target.checkId} ${f.target.messageId}) would remain` };
  const added = after.checks.flatMap((c) => c.findings.filter((x) => !before.has(`${c.id}\0${x.fingerprint}`)).map((x) => `${c.id} ${x.messageId}${x.file ? ` at ${x.file}:${x.line}` : ''}`));
  if (added.length > 0) return { ok: false, why: `it would add a finding (${added[0]})` };
  const errored = after.checks.find((c) => c.status === 'error' && s.report.checks.find((b) => b.id === c.id)?.status !== 'error');
  if (errored) return { ok: false, why: `${errored.id} could not run afterwards: ${errored.summary}` };
  return { ok: true };
}
