// The trusted policy against the working tree's config: every difference that weakens the gate
// becomes a change to report, and the config the run uses keeps the trusted value wherever the
// working tree is weaker, the working tree's wherever it is as strong or stronger. Pure: the
// sources are read elsewhere (policy-source.ts); the policy.unchanged check reports the changes.
//
// What is policy: which checks run and how hard (`checks`, `notApplicable`), what is accepted
// (`waivers`, `rehearsal.signers`, `rehearsal.maxAgeDays`, `rehearsal.allowScripted`, `rehearsal.merchantId`), what runs (`plugins`), where golive
// talks to (`api.baseUrl`, `webhook.url`, `webhook.testUrl`, `webhook.allowPrivateNetwork`, the
// probe budgets), what is examined (`ignore`, `vendored`, `generated`, `testFiles`,
// `productionConfig`, `env` names) and what counts (`environment`). Everything else (`rehearsal`
// amounts, return URL, key file) is the working tree's.
import { isDeepStrictEqual } from 'node:util';
import type { PolicyChange } from '../evidence/types.js';
import type { GoliveConfig, PluginEntry, SeveritySetting, WaiverConfig } from './schema.js';

export type ConfigPath = ReadonlyArray<string | number>;

export interface PolicyCompareInput {
  trusted: GoliveConfig;
  worktree: GoliveConfig;
  /** Where a key sits in the working tree's config file (1-based line), when it can be told. */
  lineOf?: (path: ConfigPath) => number | undefined;
  /** A plugin entry's identity on each side (local paths resolved from their config's folder). */
  pluginId: { trusted: (spec: string) => string; worktree: (spec: string) => string };
  /** How the trusted side is named in messages, e.g. `origin/main` or `the policy file`. */
  trustedName: string;
}

export interface PolicyComparison {
  /** Weakenings, in config order, without `file` (the caller knows which file it is). */
  changes: PolicyChange[];
  /** The config the run uses. */
  effective: GoliveConfig;
}

const DEFAULT_MAX_AGE_DAYS = 14;

/**
 * Strength of a `checks` setting. Unset means each finding keeps its own severity, so an explicit
 * "error" (every finding blocks) is stronger than unset and an explicit "warning" weaker.
 */
function rank(s: SeveritySetting | undefined): number {
  return s === 'off' ? 0 : s === 'warning' ? 1 : s === undefined ? 2 : 3;
}

const shownSetting = (s: SeveritySetting | undefined) => (s === undefined ? 'on at its default severity' : `at "${s}"`);

/** A date-only expiry ends at the end of that day (UTC), as waivers.ts reads it. */
function expiry(w: Pick<WaiverConfig, 'expires'>): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(w.expires) ? Date.parse(`${w.expires}T23:59:59.999Z`) : Date.parse(w.expires);
}

const sameScope = (a: WaiverConfig, b: WaiverConfig) => a.id === b.id && a.fingerprint === b.fingerprint && a.path === b.path;
const waiverScope = (w: WaiverConfig) => (w.fingerprint ? `fingerprint ${w.fingerprint}` : `path ${w.path ?? '?'}`);

function sameUrl(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

interface NormalPlugin {
  id: string;
  entry: PluginEntry;
  rest: Record<string, unknown>;
  reads?: string[];
  fetches?: string[];
}

function normalPlugin(entry: PluginEntry, idOf: (spec: string) => string): NormalPlugin {
  if (typeof entry === 'string') return { id: idOf(entry), entry, rest: {} };
  const { use, grants, ...rest } = entry as Record<string, unknown> & { use: string; grants?: Record<string, unknown> };
  const g = (grants ?? {}) as { reads?: string[]; fetches?: string[] } & Record<string, unknown>;
  const { reads, fetches, ...otherGrants } = g;
  // Anything beyond use, options and the two known grants is compared as a whole: unknown means changed.
  const extra = Object.keys(otherGrants).length > 0 ? { ...rest, grantsOther: otherGrants } : rest;
  return { id: idOf(use), entry, rest: extra, ...(reads ? { reads } : {}), ...(fetches ? { fetches } : {}) };
}

const within = (sub: readonly string[] | undefined, sup: readonly string[] | undefined) => (sub ?? []).every((x) => (sup ?? []).includes(x));

export function comparePolicy(input: PolicyCompareInput): PolicyComparison {
  const { trusted: t, worktree: w, trustedName: on } = input;
  const changes: PolicyChange[] = [];
  const say = (kind: string, path: ConfigPath, message: string) => {
    const line = input.lineOf?.(path);
    changes.push({ kind, key: keyOf(path), message, ...(line ? { line } : {}) });
  };
  // The working tree's config is the base: what is not policy is its to decide.
  const e: GoliveConfig = structuredClone(w);

  if (t.environment === 'live' && w.environment === 'test') {
    say('environment-changed', ['environment'], `environment changed from live to test (practice runs and test keys would count); ${on} says live`);
    e.environment = 'live';
  }

  // Checks: per id, the stronger setting governs.
  const checks: Record<string, SeveritySetting> = {};
  for (const id of [...new Set([...Object.keys(t.checks), ...Object.keys(w.checks)])]) {
    const ts = t.checks[id];
    const ws = w.checks[id];
    const keep = rank(ws) >= rank(ts) ? ws : ts;
    if (keep !== undefined) checks[id] = keep;
    if (rank(ws) < rank(ts)) {
      const kind = ws === 'off' ? 'check-off' : 'check-downgraded';
      const what = ws === 'off' ? 'turned off' : ws === 'warning' ? 'downgraded to "warning"' : `no longer set to "error" (its own warnings stop blocking)`;
      say(kind, ws === undefined ? ['checks'] : ['checks', id], `checks.${id}: ${what}; ${on} has it ${shownSetting(ts)}`);
    }
  }
  e.checks = checks;

  // Not applicable: only what the trusted policy says does not apply, with its reason.
  const trustedNa = new Map(t.notApplicable.map((n) => [n.id, n]));
  w.notApplicable.forEach((n, i) => {
    if (!trustedNa.has(n.id)) say('not-applicable-added', ['notApplicable', i], `notApplicable: ${n.id} marked not applicable ("${n.reason}"); ${on} requires it`);
  });
  const kept = new Set(w.notApplicable.map((n) => n.id));
  e.notApplicable = t.notApplicable.filter((n) => kept.has(n.id));

  // Waivers: one the trusted policy has (same check and scope, expiring no later) stays; a new,
  // widened or extended one does not waive anything.
  const waivers: WaiverConfig[] = [];
  w.waivers.forEach((wv, i) => {
    const same = t.waivers.filter((tv) => sameScope(tv, wv));
    if (same.some((tv) => expiry(wv) <= expiry(tv))) {
      waivers.push(wv);
      return;
    }
    if (same.length > 0) {
      const latest = same.reduce((a, b) => (expiry(b) > expiry(a) ? b : a));
      say('waiver-extended', ['waivers', i, 'expires'], `waivers[${i}]: the waiver of ${wv.id} (${waiverScope(wv)}) extended from ${latest.expires} to ${wv.expires}`);
      waivers.push(latest);
    } else {
      say('waiver-added', ['waivers', i], `waivers[${i}]: a new waiver of ${wv.id} (${waiverScope(wv)}, until ${wv.expires}); ${on} has no such waiver`);
    }
  });
  e.waivers = waivers;

  // Rehearsal acceptance: pinned signers and the sign-off's age.
  const tSigners = t.rehearsal?.signers ?? [];
  const wSigners = w.rehearsal?.signers ?? [];
  const tKeys = new Set(tSigners.map((s) => s.publicKey));
  wSigners.forEach((s, i) => {
    if (!tKeys.has(s.publicKey)) say('signer-added', ['rehearsal', 'signers', i], `rehearsal.signers[${i}]: a new signer "${s.name}" is pinned; ${on} does not accept that key`);
  });
  const wKeys = new Set(wSigners.map((s) => s.publicKey));
  let signers = tSigners.filter((s) => wKeys.has(s.publicKey));
  if (tSigners.length > 0 && signers.length === 0) {
    // No pins means `golive report --verify` accepts any valid signature.
    say('signers-removed', wSigners.length === 0 && w.rehearsal?.signers === undefined ? ['rehearsal'] : ['rehearsal', 'signers'], `rehearsal.signers: every signer ${on} pins is removed (with none pinned, any valid signature verifies)`);
    signers = tSigners;
  }
  const tAge = t.rehearsal?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  const wAge = w.rehearsal?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  if (wAge > tAge) say('max-age-raised', ['rehearsal', 'maxAgeDays'], `rehearsal.maxAgeDays raised from ${tAge} to ${wAge} (older sign-offs would count)`);
  // Scripted live sign-offs and the merchant a sign-off must name are the trusted policy's to set.
  const tScripted = t.rehearsal?.allowScripted === true;
  if (w.rehearsal?.allowScripted === true && !tScripted) say('scripted-allowed', ['rehearsal', 'allowScripted'], `rehearsal.allowScripted turned on (live sign-offs answered by a script would count); ${on} does not allow them`);
  const tMerchant = t.rehearsal?.merchantId;
  if (tMerchant !== undefined && w.rehearsal?.merchantId !== tMerchant) say('merchant-changed', ['rehearsal', 'merchantId'], `rehearsal.merchantId changed from "${tMerchant}" to ${w.rehearsal?.merchantId === undefined ? 'nothing' : `"${w.rehearsal.merchantId}"`} (another merchant's sign-offs would count)`);
  const touched = (k: 'signers' | 'maxAgeDays' | 'allowScripted' | 'merchantId') => t.rehearsal?.[k] !== undefined || w.rehearsal?.[k] !== undefined;
  if (touched('signers') || touched('maxAgeDays') || touched('allowScripted') || touched('merchantId')) {
    const r = { ...(e.rehearsal ?? {}) };
    if (touched('signers')) r.signers = signers;
    else delete r.signers;
    if (touched('maxAgeDays')) r.maxAgeDays = Math.min(tAge, wAge);
    if (touched('allowScripted')) r.allowScripted = tScripted && w.rehearsal?.allowScripted === true;
    if (tMerchant !== undefined) r.merchantId = tMerchant;
    e.rehearsal = r;
  }

  // Plugins: only the trusted policy's run; the working tree may narrow one's grants, nothing more.
  const tPlugins = t.plugins.map((p) => normalPlugin(p, input.pluginId.trusted));
  const wPlugins = w.plugins.map((p) => normalPlugin(p, input.pluginId.worktree));
  const plugins: PluginEntry[] = [];
  for (const tp of tPlugins) {
    const i = wPlugins.findIndex((wp) => wp.id === tp.id);
    const wp = wPlugins[i];
    const name = typeof tp.entry === 'string' ? tp.entry : tp.entry.use;
    if (!wp) {
      say('plugin-removed', ['plugins'], `plugins: ${name} removed; ${on} runs it, so it still runs`);
      plugins.push(tp.entry);
      continue;
    }
    const problems: string[] = [];
    if (!isDeepStrictEqual(wp.rest, tp.rest)) problems.push('options or other settings changed');
    if (!within(wp.reads, tp.reads)) problems.push(`grants.reads widened (${(wp.reads ?? []).filter((x) => !(tp.reads ?? []).includes(x)).join(', ')})`);
    if (!within(wp.fetches, tp.fetches)) problems.push(`grants.fetches widened (${(wp.fetches ?? []).filter((x) => !(tp.fetches ?? []).includes(x)).join(', ')})`);
    if (problems.length > 0) {
      say('plugin-changed', ['plugins', i], `plugins[${i}]: ${name}: ${problems.join('; ')}; it runs as ${on} has it`);
      plugins.push(tp.entry);
    } else {
      // As strong or narrower: the working tree's grants, under the trusted entry's name (its path
      // is relative to the trusted config's folder, which is where the run loads plugins from).
      plugins.push(typeof wp.entry === 'string' ? name : { ...wp.entry, use: name });
    }
  }
  wPlugins.forEach((wp, i) => {
    if (!tPlugins.some((tp) => tp.id === wp.id)) {
      const name = typeof wp.entry === 'string' ? wp.entry : wp.entry.use;
      say('plugin-added', ['plugins', i], `plugins[${i}]: a new plugin ${name}; it is not loaded until ${on} has it`);
    }
  });
  e.plugins = plugins;

  // Where golive talks to.
  if (!sameUrl(w.api.baseUrl, t.api.baseUrl)) say('api-changed', ['api', 'baseUrl'], `api.baseUrl changed from ${t.api.baseUrl} to ${w.api.baseUrl}`);
  e.api = { ...e.api, baseUrl: t.api.baseUrl };
  for (const [k, label] of [['url', 'webhook.url'], ['testUrl', 'webhook.testUrl']] as const) {
    const wv = w.webhook[k];
    const tv = t.webhook[k];
    if (wv !== undefined && !sameUrl(wv, tv)) say(k === 'url' ? 'webhook-url-changed' : 'webhook-test-url-changed', ['webhook', k], `${label} ${tv ? `changed from ${tv}` : 'set'} to ${wv}${tv ? '' : ` (${on} sets none)`}`);
    if (tv === undefined) delete e.webhook[k];
    else e.webhook[k] = tv;
  }
  if (w.webhook.allowPrivateNetwork && !t.webhook.allowPrivateNetwork) {
    say('private-network-allowed', ['webhook', 'allowPrivateNetwork'], 'webhook.allowPrivateNetwork turned on (a loopback or private endpoint would pass webhook.public)');
  }
  e.webhook.allowPrivateNetwork = w.webhook.allowPrivateNetwork && t.webhook.allowPrivateNetwork;
  const probes = { ...w.webhook.probes };
  for (const [k, higherIsWeaker] of [['count', false], ['promptAckMs', true], ['budgetMs', true], ['certExpiryWarnDays', false], ['certExpiryFailDays', false]] as const) {
    const wv = w.webhook.probes[k];
    const tv = t.webhook.probes[k];
    if (higherIsWeaker ? wv > tv : wv < tv) {
      say('probes-relaxed', ['webhook', 'probes', k], `webhook.probes.${k} relaxed from ${tv} to ${wv}`);
      probes[k] = tv;
    }
  }
  e.webhook.probes = probes;

  // What is examined.
  for (const k of ['publicKey', 'secretKey', 'webhookSecret'] as const) {
    if (w.env[k] !== t.env[k]) say('env-name-changed', ['env', k], `env.${k} changed from ${t.env[k]} to ${w.env[k]} (golive would read another variable)`);
  }
  e.env = { ...t.env };
  for (const k of ['ignore', 'vendored', 'generated', 'testFiles'] as const) {
    const tset = new Set(t[k]);
    w[k].forEach((g, i) => {
      if (!tset.has(g)) say('scope-narrowed', [k, i], `${k} adds "${g}" (${k === 'ignore' ? 'golive would not read those files' : 'the code checks would leave those files alone'})`);
    });
    e[k] = w[k].filter((g) => tset.has(g));
  }
  const wProd = new Set(w.productionConfig);
  for (const g of t.productionConfig) {
    if (!wProd.has(g)) say('scope-narrowed', ['productionConfig'], `productionConfig drops "${g}" (those files would not be checked for test keys)`);
  }
  e.productionConfig = [...new Set([...t.productionConfig, ...w.productionConfig])];

  return { changes, effective: e };
}

/** `checks.webhook.https`, `waivers[2]`, `rehearsal.signers[0]`. */
export function keyOf(path: ConfigPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
