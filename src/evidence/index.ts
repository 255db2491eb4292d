// The collector registry: evidence name -> lazily imported collector. Lazy imports keep
// `golive --version` and `golive list` fast; each collector runs at most once per run.
import type { Collector, EvidenceMap } from './types.js';

type CollectorTable = { [K in keyof EvidenceMap]: () => Promise<Collector<K>> };

export const collectors: CollectorTable = {
  repo: async () => (await import('./repo.js')).collectRepo,
  secrets: async () => (await import('./secrets.js')).collectSecrets,
  history: async () => (await import('./history.js')).collectHistory,
  keys: async () => (await import('./keys.js')).collectKeys,
  webhook: async () => (await import('./webhook.js')).collectWebhook,
  mintcash: async () => (await import('./mintcash.js')).collectMintcash,
  code: async () => (await import('./code/index.js')).collectCode,
  rehearsal: async () => (await import('./rehearsal.js')).collectRehearsal,
  policy: async () => (await import('./policy.js')).collectPolicy,
  firstweek: async () => (await import('./firstweek.js')).collectFirstWeek,
};

export const EVIDENCE_KEYS = Object.keys(collectors) as (keyof EvidenceMap)[];
