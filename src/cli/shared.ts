// Helpers shared by the commands: option parsing, colour decision, loading checks and config.
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { GoliveError } from '../errors.js';
import type { Registry } from '../engine/registry.js';
import type { Check } from '../engine/types.js';
import type { GoliveConfig } from '../config/schema.js';
import type { PolicyChange, PolicyEvidence } from '../evidence/types.js';
import type { KeyLine, LoadedConfig } from '../config/load.js';
import type { ResolvedPolicy } from '../config/policy-source.js';
import type { Secrets } from '../output/secrets.js';
import type { PluginEntry, pluginEntries as PluginEntriesFn } from '../plugins/entries.js';

/** `--only a,b --only c` → ['a','b','c']. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** A value parser that accepts only `allowed`; it carries them as `choices` for shell completion. */
export function oneOf<T extends string>(allowed: readonly T[], what: string) {
  const parse = (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${what} must be one of ${allowed.join(', ')}.`);
    }
    return value as T;
  };
  return Object.assign(parse, { choices: allowed });
}

export function parseUrlOption(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    return value;
  } catch {
    throw new InvalidArgumentError('expected an absolute http(s) URL, e.g. https://shop.example.com/webhooks/mintcash.');
  }
}

/** Colour on a TTY unless NO_COLOR; FORCE_COLOR wins either way (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Blob links for Markdown findings when running in GitHub Actions (server, repository and commit known). */
export function linkOptions(env: NodeJS.ProcessEnv): { blobBase: string } | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !sha || !/^https?:\/\//.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repo) || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  return { blobBase: `${server.replace(/\/+$/, '')}/${repo}/blob/${sha}/` };
}

/** The terminal's width for pretty output (60–120 columns); 80 when not writing to a terminal. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number | undefined } | undefined): number {
  if (!stream?.isTTY || !stream.columns) return 80;
  return Math.min(Math.max(stream.columns, 60), 120);
}

export async function resolveTargetDir(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const st = await stat(abs).catch(() => undefined);
  if (!st) {
    throw new GoliveError('TARGET_NOT_FOUND', `directory not found: ${dir}`, { suggestion: 'Pass the path of your merchant repository, e.g. `golive check ./my-shop`.' });
  }
  if (!st.isDirectory()) {
    throw new GoliveError('TARGET_NOT_FOUND', `${dir} is not a directory`, { suggestion: 'Pass the repository directory, not a file.' });
  }
  return abs;
}

export interface Project {
  /** The config the run uses: the working tree's, with the trusted policy wherever that is stricter. */
  config: GoliveConfig;
  /** The working tree's config file. */
  configFile?: string;
  /** The line of the config file that sets webhook.url. */
  webhookUrlLine?: number;
  /** Lines of the config keys network findings are about (webhook.url, webhook.testUrl, api.baseUrl). */
  keyLines?: Partial<Record<KeyLine, number>>;
  registry: Registry;
  /** The trusted policy and what the working tree changes in it (policy.unchanged judges it). */
  policy: PolicyEvidence;
}

export interface ProjectOptions {
  verbose?: boolean;
  /** `--dotenv`: never compiled into a plugin, never served to one. */
  envFile?: string;
  /** `--policy` (or GOLIVE_POLICY). */
  policyFile?: string;
  /** `--policy-ref`. */
  policyRef?: string;
  /** The environment, to recognise a pull-request build that has no trusted policy. */
  env?: Record<string, string | undefined>;
  /** The run's Secrets: what plugins are sent is masked with them. */
  secrets?: Secrets;
  /** Called with the run's config and the built-in checks once they are known, before plugins load. */
  onConfig?: (config: GoliveConfig, builtins: readonly Check[]) => void;
}

const isLocalSpec = (spec: string) => spec.startsWith('.') || path.isAbsolute(spec);

export interface ConfigPolicy {
  /** The config the run uses (see Project.config); plugin presets not yet applied. */
  config: GoliveConfig;
  worktree: LoadedConfig;
  resolved: ResolvedPolicy;
  /** Every weakening of the trusted policy, with file and line. */
  changes: PolicyChange[];
}

/**
 * The working tree's config and the trusted policy (config/policy-source.ts), compared: what the
 * working tree weakens is listed, and the trusted value governs it. Without a trusted policy the
 * working tree's config is the policy.
 */
export async function loadConfigPolicy(dir: string, configPath: string | undefined, opts: ProjectOptions, knownCheckIds: ReadonlySet<string>): Promise<ConfigPolicy> {
  const [{ loadConfig, configLines }, { resolvePolicy }, { comparePolicy }] = await Promise.all([
    import('../config/load.js'),
    import('../config/policy-source.js'),
    import('../config/policy.js'),
  ]);
  const worktree = await loadConfig(dir, configPath, knownCheckIds);
  const resolved = await resolvePolicy(
    { dir, ...(configPath ? { configPath } : {}), ...(opts.policyFile ? { policyFile: opts.policyFile } : {}), ...(opts.policyRef !== undefined ? { policyRef: opts.policyRef } : {}), knownCheckIds },
    worktree,
  );
  if (resolved.origin.source === 'worktree') return { config: worktree.config, worktree, resolved, changes: [] };
  const idOf = (base: string) => (spec: string) => (isLocalSpec(spec) ? path.resolve(base, spec) : spec);
  const lineOf = worktree.text !== undefined ? await configLines(worktree.text) : undefined;
  const compared = comparePolicy({
    trusted: resolved.trusted,
    worktree: worktree.config,
    ...(lineOf ? { lineOf } : {}),
    pluginId: { trusted: idOf(resolved.trustedDir), worktree: idOf(worktree.file ? path.dirname(worktree.file) : dir) },
    trustedName: resolved.origin.source === 'ref' ? (resolved.origin.ref ?? 'the base') : 'the policy file',
  });
  // A change sits in the working tree's config; with that deleted, in the trusted one it replaced.
  const at = resolved.worktreeFile ?? (resolved.origin.source === 'ref' ? resolved.origin.file : undefined);
  const changes = [...resolved.fileChanges, ...compared.changes.map((c) => ({ ...c, ...(at ? { file: at } : {}) }))];
  return { config: compared.effective, worktree, resolved, changes };
}

/**
 * Where a plugin entry's grants were written, for `golive explain`: the trusted policy's file (on
 * its revision) or the working tree's config, and the entry's index. A working tree may narrow a
 * trusted entry's grants (config/policy.ts); then the narrower grants are the ones in effect.
 */
function grantSource(resolved: ResolvedPolicy, worktreeFile: string | undefined, effective: PluginEntry[], entriesOf: typeof PluginEntriesFn): (index: number) => string {
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const { origin } = resolved;
  const where =
    origin.source === 'file'
      ? `the policy file ${rel(origin.file ?? '')}`
      : origin.source === 'ref'
        ? `${origin.file ?? 'the config'} on ${origin.ref ?? 'the base'}${origin.commit ? ` (${origin.commit.slice(0, 12)})` : ''}`
        : worktreeFile
          ? rel(worktreeFile)
          : 'the config';
  const trusted = origin.source === 'worktree' ? effective : entriesOf(resolved.trusted);
  return (i) => {
    const narrowed = origin.source !== 'worktree' && JSON.stringify(trusted[i]?.grants) !== JSON.stringify(effective[i]?.grants);
    return `${where} plugins[${i}].grants${narrowed && worktreeFile ? `, narrowed by ${rel(worktreeFile)}` : ''}`;
  };
}

/**
 * Config, policy, plugins and the registry of a target directory. Only plugins the trusted policy
 * lists are loaded, with paths relative to the folder of the config that lists them. Every
 * problem (config, plugin loading, ids) is reported at once: exit 2.
 */
export async function loadProject(dir: string, configPath?: string, opts: ProjectOptions = {}): Promise<Project> {
  const [{ builtinChecks }, { createRegistry, checkProblems }, { checkRefProblems, configInvalid }, { pullRequestBuild }] = await Promise.all([
    import('../../checks/index.js'),
    import('../engine/registry.js'),
    import('../config/load.js'),
    import('../config/policy-source.js'),
  ]);
  const { config, worktree, resolved, changes } = await loadConfigPolicy(dir, configPath, opts, new Set(builtinChecks.map((c) => c.id)));
  const { file, webhookUrlLine, keyLines } = worktree;
  const trustedPolicy = resolved.origin.source !== 'worktree';
  let checks = builtinChecks;
  if (config.plugins.length > 0) {
    opts.onConfig?.(config, builtinChecks);
    const [{ loadPlugins }, { pluginEntries }, { VERSION }] = await Promise.all([import('../plugins/load.js'), import('../plugins/entries.js'), import('../version.js')]);
    // Options and grants are read from the effective policy: the trusted one when there is one.
    const entries = pluginEntries(config);
    const { plugins, problems } = await loadPlugins(entries, resolved.trustedDir, {
      root: dir,
      grantedIn: grantSource(resolved, file, entries, pluginEntries),
      productionConfig: config.productionConfig,
      version: VERSION,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.envFile ? { envFile: opts.envFile } : {}),
      ...(opts.verbose ? { verbose: true } : {}),
      ...(opts.secrets ? { secrets: opts.secrets } : {}),
    });
    checks = [...builtinChecks, ...plugins.flatMap((p) => p.checks)];
    const all = [...problems, ...checkProblems(checks)];
    if (all.length > 0) {
      throw new GoliveError('CONFIG_INVALID', `${all.length} problem${all.length === 1 ? '' : 's'} with plugins`, {
        details: all,
        suggestion: 'Fix or remove the plugins named above; README "Writing a check" shows the expected shape.',
      });
    }
    // A plugin's preset applies first; the user's own `checks` settings win.
    config.checks = Object.assign({}, ...plugins.map((p) => p.preset), config.checks);
  }
  const registry = createRegistry(checks);
  if (trustedPolicy) {
    // Settings the change makes for checks that are not loaded (a plugin it adds) apply to nothing.
    const known = (id: string) => registry.ids.has(id) || id in resolved.trusted.checks || resolved.trusted.waivers.some((w) => w.id === id) || resolved.trusted.notApplicable.some((n) => n.id === id);
    config.checks = Object.fromEntries(Object.entries(config.checks).filter(([id]) => known(id)));
    config.waivers = config.waivers.filter((w) => known(w.id));
  }
  const refProblems = checkRefProblems(config, registry.ids);
  if (refProblems.length > 0) {
    const label = trustedPolicy ? `the trusted policy (${resolved.origin.file ?? 'defaults'}${resolved.origin.ref ? ` on ${resolved.origin.ref}` : ''})` : file ? path.basename(file) : 'config';
    throw configInvalid(label, refProblems);
  }
  const pr = trustedPolicy ? undefined : pullRequestBuild(opts.env ?? {});
  const policy: PolicyEvidence = {
    ...resolved.origin,
    ...(resolved.worktreeFile ? { worktreeFile: resolved.worktreeFile } : {}),
    changes,
    ...(resolved.ignoredRef ? { ignoredRef: resolved.ignoredRef } : {}),
    ...(resolved.fileInRepo ? { fileInRepo: true } : {}),
    ...(pr ? { pullRequest: pr } : {}),
  };
  return { config, ...(file ? { configFile: file } : {}), ...(webhookUrlLine ? { webhookUrlLine } : {}), ...(keyLines ? { keyLines } : {}), registry, policy };
}


/** Closest ids to a mistyped one, for "did you mean". */
export function suggestIds(input: string, ids: Iterable<string>): string[] {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]!;
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j]!;
        d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return d[b.length]!;
  };
  return [...ids]
    .map((id) => ({ id, d: id.includes(input) ? 0 : dist(input, id) }))
    .filter((x) => x.d <= Math.max(3, Math.floor(input.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.id);
}

/** A file the user named must exist and be readable: a clear usage error otherwise. */
export async function assertReadable(file: string, flag: string): Promise<void> {
  const st = await stat(file).catch(() => undefined);
  if (!st) throw new GoliveError('IO', `${flag}: file not found: ${file}`, { suggestion: `Check the path given to ${flag}.` });
  // A FIFO or device would block or stream forever: only regular files are read.
  if (!st.isFile()) throw new GoliveError('IO', `${flag}: ${file} is not a regular file`, { suggestion: `Pass ${flag} a regular file.` });
  await access(file, constants.R_OK).catch(() => {
    throw new GoliveError('IO', `${flag}: cannot read ${file} (permission denied)`, { suggestion: 'Check the file permissions.' });
  });
}
