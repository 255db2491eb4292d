// A plugin check as the runner sees it: its metadata from the sandbox, and a `run` that serves the
// check's granted reads and fetches, hands the sandbox a masked copy of its evidence, and turns the
// answer into an outcome only after measuring it (count and length of findings) and validating it.
import type { Check, CheckContext, CheckOutcome, EvidenceKey } from '../engine/types.js';
import { parseOutcome } from '../engine/outcome.js';
import { oneLine } from '../output/escape.js';
import { Secrets, secretsInEvidence } from '../output/secrets.js';
import type { PluginEvidence, RepoInventory } from '../evidence/types.js';
import { grantHint, serveFetches, serveReads, type CapabilityPlan, type Grants } from './capabilities.js';
import { PLUGIN_LIMITS } from './limits.js';
import { PluginError, type PluginSandbox } from './sandbox.js';

/** A plugin's stack for `-v`: masked, made safe, one frame a line, at most 12 frames. */
export function stackLines(stack: string | undefined): string[] {
  if (!stack) return [];
  return stack
    .split(/\r\n|\r|\n/)
    .slice(1, 13)
    .map((l) => oneLine(l.trim()))
    .filter(Boolean);
}

function errorOutcome(e: unknown): CheckOutcome {
  const message = e instanceof Error ? e.message : String(e);
  const stack = e instanceof PluginError ? stackLines(e.pluginStack) : [];
  return { status: 'error', summary: `Could not run: ${oneLine(message)}`, ...(stack.length ? { evidence: { stack } } : {}) };
}

/**
 * The plugin's copy of its input: every secret golive knows of masked (keys, the environment's
 * secrets, URL credentials), text otherwise as it is (a file's newlines stay newlines).
 */
function maskDeep(v: unknown, secrets: Secrets): unknown {
  if (typeof v === 'string') return secrets.mask(v);
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, secrets));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskDeep(x, secrets);
    return out;
  }
  return v;
}

/** Why an answer is over a limit (before the schema looks at it), or undefined. */
function overLimit(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as { findings?: unknown; summary?: unknown };
  if (typeof o.summary === 'string' && o.summary.length > PLUGIN_LIMITS.textChars) return `its summary is ${o.summary.length} characters; the limit is ${PLUGIN_LIMITS.textChars}`;
  if (!Array.isArray(o.findings)) return undefined;
  if (o.findings.length > PLUGIN_LIMITS.findings) return `it returned ${o.findings.length} findings; the limit is ${PLUGIN_LIMITS.findings} (report the first ones and a count)`;
  const i = o.findings.findIndex((f: unknown) => typeof (f as { message?: unknown } | null)?.message === 'string' && (f as { message: string }).message.length > PLUGIN_LIMITS.textChars);
  if (i >= 0) return `findings[${i}].message is ${(o.findings[i] as { message: string }).message.length} characters; the limit is ${PLUGIN_LIMITS.textChars}`;
  return undefined;
}

/** What a plugin check may have golive read and fetch, and where that was granted (`golive explain`). */
export interface CheckCapabilities {
  /** The plugin, as its entry names it. */
  spec: string;
  /** The config entry the grants come from, e.g. `golive.config.json plugins[2].grants`. */
  grantedIn: string;
  declared: { reads: string[]; fetches: string[] };
  granted: CapabilityPlan['granted'];
  ungranted: Grants;
  problems: string[];
}

const CAPABILITIES = Symbol.for('golive.capabilities');

/** A plugin check's capabilities; undefined for a built-in check. */
export function capabilitiesOf(check: Check): CheckCapabilities | undefined {
  return (check as unknown as Record<symbol, CheckCapabilities | undefined>)[CAPABILITIES];
}

export interface ProxyParams {
  meta: Record<string, unknown>;
  id: string;
  spec: string;
  sandbox: PluginSandbox;
  /** The check's own limit, enforced in the sandbox. */
  timeoutMs: number;
  /** The runner's limit for the whole call (serving, queueing behind the plugin's other checks). */
  backstopMs: number;
  plan: CapabilityPlan;
  grants: Grants;
  pluginOptions: Record<string, unknown>;
  version: string;
  /** Capability evidence given directly (the tester's tables): used instead of serving. */
  given?: PluginEvidence;
  /** The run's Secrets (environment, --dotenv, production config): masked in what the plugin is sent. */
  secrets?: Secrets;
  /** Where the plugin entry's grants were written (see CheckCapabilities.grantedIn). */
  grantedIn?: string;
}

export function proxyCheck(p: ProxyParams): Check {
  const { meta, plan } = p;
  const index = meta.index as number;
  const declared = (Array.isArray(meta.requires) ? meta.requires : []) as EvidenceKey[];
  const reads = plan.reads.length > 0 || plan.ungranted.reads.length > 0;
  // Reads are served from the repository inventory: the runner gathers it even when not declared.
  const requires = reads && !p.given?.reads && !declared.includes('repo') ? [...declared, 'repo' as EvidenceKey] : declared;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const capabilities: CheckCapabilities = {
    spec: p.spec,
    grantedIn: p.grantedIn ?? 'the plugin entry\'s grants',
    declared: { reads: list(meta.reads), fetches: list(meta.fetches) },
    granted: plan.granted,
    ungranted: plan.ungranted,
    problems: plan.problems,
  };
  const check: Check = {
    ...(meta as unknown as Check),
    id: p.id,
    source: p.spec,
    requires,
    timeoutMs: p.backstopMs,
    async run(ctx: CheckContext<EvidenceKey>): Promise<CheckOutcome> {
      if (meta.kind === 'network' && ctx.options.offline) return { status: 'skip', summary: 'Offline run (--offline): network checks are skipped.' };
      if (plan.problems.length > 0) return { status: 'error', summary: `Could not run: ${oneLine(plan.problems[0]!)}` };
      if (!p.given && (plan.ungranted.reads.length > 0 || plan.ungranted.fetches.length > 0)) return { status: 'pending', summary: grantHint(p.spec, plan.ungranted) };
      const secrets = (p.secrets ?? new Secrets()).with(secretsInEvidence(ctx.evidence));
      const evidence: Record<string, unknown> = {};
      for (const k of declared) evidence[k] = (ctx.evidence as unknown as Record<string, unknown>)[k];
      if (p.given?.reads) evidence.reads = p.given.reads;
      else if (reads) evidence.reads = await serveReads(ctx.evidence.repo as RepoInventory, plan.reads, p.grants.reads, ctx.options.envFile);
      if (p.given?.fetches) evidence.fetches = p.given.fetches;
      else if (plan.fetches.length > 0) evidence.fetches = await serveFetches(plan.fetches, p.version);
      // The plugin gets a copy with every secret masked: it needs to know that a key is there and
      // where, never the key itself.
      // Other plugins' options and grants are none of this plugin's business.
      const config = { ...ctx.config, plugins: [] };
      const wire = JSON.stringify(maskDeep({ evidence, config, options: ctx.options, pluginOptions: p.pluginOptions }, secrets));
      let text: string;
      try {
        text = await p.sandbox.run(index, wire, p.timeoutMs);
      } catch (e) {
        return errorOutcome(e);
      }
      let value: unknown;
      try {
        value = (JSON.parse(text) as { v?: unknown }).v;
      } catch {
        return { status: 'error', summary: 'Could not run: the check returned something that cannot be passed back' };
      }
      const limit = overLimit(value);
      if (limit) return { status: 'error', summary: `Could not run: ${limit}` };
      const parsed = parseOutcome(value);
      return parsed.ok ? parsed.outcome : { status: 'error', summary: `Could not run: ${parsed.reason}` };
    },
  };
  // Not enumerable: it never travels with a spread or into a report.
  Object.defineProperty(check, CAPABILITIES, { value: capabilities, enumerable: false });
  return check;
}
