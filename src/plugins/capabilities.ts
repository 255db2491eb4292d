// A plugin's capabilities (issue 22 part 4): a check declares the repository files it wants to read
// (`reads: ['config/**']`) and the HTTPS URLs it wants fetched (`fetches: ['https://status.acme.example/api/{service}']`);
// only the `grants` of its plugin entry in config allow them, nothing by default. golive does the
// I/O itself and passes the results in as evidence: files from the repository inventory (never a
// symlink, never .git/ or the --dotenv file, secrets masked, sizes capped), GET requests to granted
// URL prefixes only (HTTPS, compared by origin and path after normalisation, redirects not followed,
// size and time capped). A declared capability that is not granted leaves that check `pending`
// with the line that grants it.
import { constants, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { httpProbe } from '../evidence/http-probe.js';
import type { PluginFetch, PluginReads, RepoInventory } from '../evidence/types.js';
import { PLUGIN_LIMITS } from './limits.js';

export interface Grants {
  reads: readonly string[];
  fetches: readonly string[];
}

/** What golive will read and fetch for one check, decided at load from its meta, grants and options. */
export interface CapabilityPlan {
  reads: string[];
  fetches: { declared: string; url: string }[];
  /** Declared but not granted, as the grant entries that would allow them. */
  ungranted: Grants;
  /** A fetch URL that cannot be made (a missing option, not HTTPS). */
  problems: string[];
  /** Each granted capability with the grant entry that allows it (for `golive explain`). */
  granted: { kind: 'reads' | 'fetches'; declared: string; url?: string; grant: string }[];
}

const glob = (g: string) => picomatch(g, { dot: true });

/** A declared pattern is granted when a grant names it or a grant glob matches it as written. */
export function readGranted(pattern: string, grants: readonly string[]): boolean {
  return readGrant(pattern, grants) !== undefined;
}

/** The grant that allows a declared read pattern, or undefined. */
export function readGrant(pattern: string, grants: readonly string[]): string | undefined {
  return grants.find((g) => g === pattern || glob(g)(pattern));
}

/** Same origin (scheme, host after normalisation, port), and the path at or below the grant's. */
export function fetchGranted(url: URL, grants: readonly string[]): boolean {
  return fetchGrant(url, grants) !== undefined;
}

/** The grant that allows fetching `url`, or undefined. */
export function fetchGrant(url: URL, grants: readonly string[]): string | undefined {
  return grants.find((g) => {
    let grant: URL;
    try {
      grant = new URL(g);
    } catch {
      return false;
    }
    if (grant.protocol !== 'https:' || url.protocol !== 'https:' || grant.origin !== url.origin || url.username || url.password) return false;
    const base = grant.pathname.endsWith('/') ? grant.pathname : `${grant.pathname}/`;
    if (url.pathname !== grant.pathname && !url.pathname.startsWith(base)) return false;
    return !grant.search || (url.pathname === grant.pathname && url.search === grant.search);
  });
}

/** `https://x/{service}` with `{ service: 'pay' }` → `https://x/pay` (each value URL-encoded). */
function fill(template: string, options: Record<string, unknown>): { url: string } | { problem: string } {
  let problem: string | undefined;
  const url = template.replace(/\{([A-Za-z0-9_-]+)\}/g, (_all, name: string) => {
    const v = options[name];
    if (typeof v === 'string' || typeof v === 'number') return encodeURIComponent(String(v));
    problem ??= `fetches ${template} needs the option "${name}" (a string or number)`;
    return '';
  });
  return problem ? { problem } : { url };
}

export function planCapabilities(meta: { reads?: unknown; fetches?: unknown }, grants: Grants, options: Record<string, unknown>): CapabilityPlan {
  const plan: CapabilityPlan = { reads: [], fetches: [], ungranted: { reads: [], fetches: [] }, problems: [], granted: [] };
  for (const pattern of Array.isArray(meta.reads) ? (meta.reads as string[]) : []) {
    const grant = readGrant(pattern, grants.reads);
    if (grant === undefined) (plan.ungranted.reads as string[]).push(pattern);
    else {
      plan.reads.push(pattern);
      plan.granted.push({ kind: 'reads', declared: pattern, grant });
    }
  }
  for (const template of Array.isArray(meta.fetches) ? (meta.fetches as string[]) : []) {
    const filled = fill(template, options);
    if ('problem' in filled) {
      plan.problems.push(filled.problem);
      continue;
    }
    let url: URL;
    try {
      url = new URL(filled.url);
    } catch {
      plan.problems.push(`fetches ${template} is not a URL`);
      continue;
    }
    if (url.protocol !== 'https:') plan.problems.push(`fetches ${filled.url} is not HTTPS (golive fetches for plugins over HTTPS only)`);
    else {
      const grant = fetchGrant(url, grants.fetches);
      if (grant === undefined) (plan.ungranted.fetches as string[]).push(`${url.origin}${url.pathname}`);
      else {
        plan.fetches.push({ declared: template, url: url.href });
        plan.granted.push({ kind: 'fetches', declared: template, url: url.href, grant });
      }
    }
  }
  return plan;
}

/** The one line a user needs: what to add to which plugin entry. */
export function grantHint(spec: string, ungranted: Grants): string {
  const grants: Record<string, readonly string[]> = {};
  if (ungranted.reads.length) grants.reads = ungranted.reads;
  if (ungranted.fetches.length) grants.fetches = ungranted.fetches;
  return `Needs a grant: give the plugin entry ${JSON.stringify(spec)} in the config's "plugins" (or the --policy file) { "use": ${JSON.stringify(spec)}, "grants": ${JSON.stringify(grants)} }.`;
}

/** Files no plugin is ever served, whatever the grants: git's own (the CI job's token) and the --dotenv file. */
export function neverServed(rel: string, abs: string, envFile: string | undefined): string | undefined {
  if (rel.split('/').includes('.git')) return 'is inside .git/ (never served: it can hold the CI job token)';
  if (envFile) {
    const env = path.resolve(envFile);
    let realEnv = env;
    try {
      realEnv = realpathSync(env);
    } catch {
      // A missing env file cannot be served either.
    }
    if (abs === env || abs === realEnv) return 'is the --dotenv file (never served)';
  }
  return undefined;
}

const inside = (dir: string, file: string) => file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** Reads one file without following a symlink anywhere on its way, up to the per-file cap. */
async function readOne(root: string, rel: string): Promise<{ text: string; size: number } | { reason: string }> {
  const abs = path.join(root, rel);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return { reason: 'could not be read' };
  }
  // A symlinked directory on the way is refused as surely as a symlink at the end (O_NOFOLLOW).
  if (real !== abs || !inside(root, real)) return { reason: 'is reached through a symlink (never followed)' };
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    return { reason: (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'is a symlink (never followed)' : 'could not be read' };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { reason: 'is not a regular file' };
    if (st.size > PLUGIN_LIMITS.readFileBytes) return { reason: `is larger than ${PLUGIN_LIMITS.readFileBytes / 2 ** 20} MiB` };
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    const bytes = buf.subarray(0, bytesRead);
    if (bytes.includes(0)) return { reason: 'is binary' };
    return { text: bytes.toString('utf8'), size: bytesRead };
  } finally {
    await fh.close();
  }
}

/** Serves `patterns` (already granted) from the inventory, each file matching a grant too; the caller masks secrets. */
export async function serveReads(inventory: RepoInventory, patterns: readonly string[], grants: readonly string[], envFile: string | undefined): Promise<PluginReads> {
  const out: PluginReads = { files: [], skipped: [] };
  if (patterns.length === 0) return out;
  let root: string;
  try {
    root = realpathSync(inventory.root);
  } catch {
    return out;
  }
  const wanted = patterns.map(glob);
  const granted = grants.map(glob);
  let total = 0;
  for (const f of inventory.files) {
    if (!wanted.some((m) => m(f.path)) || !granted.some((m) => m(f.path))) continue;
    const never = neverServed(f.path, path.join(root, f.path), envFile);
    if (never) {
      out.skipped.push({ path: f.path, reason: never });
      continue;
    }
    if (out.files.length >= PLUGIN_LIMITS.readFiles) {
      out.skipped.push({ path: f.path, reason: `over the limit of ${PLUGIN_LIMITS.readFiles} files` });
      continue;
    }
    const r = await readOne(root, f.path);
    if ('reason' in r) out.skipped.push({ path: f.path, reason: r.reason });
    else if (total + r.size > PLUGIN_LIMITS.readTotalBytes) out.skipped.push({ path: f.path, reason: `over the limit of ${PLUGIN_LIMITS.readTotalBytes / 2 ** 20} MiB in all` });
    else {
      total += r.size;
      out.files.push({ path: f.path, size: r.size, text: r.text });
    }
  }
  return out;
}

/** GETs each planned URL (granted, HTTPS) on the plugin's behalf; failures are data. */
export async function serveFetches(list: CapabilityPlan['fetches'], version: string): Promise<PluginFetch[]> {
  return Promise.all(
    list.slice(0, PLUGIN_LIMITS.fetches).map(async ({ declared, url }) => {
      const r = await httpProbe(new URL(url), {
        method: 'GET',
        headers: { 'user-agent': `golive/${version} (plugin fetch)`, accept: '*/*' },
        timeoutMs: PLUGIN_LIMITS.fetchMs,
        bodyCap: PLUGIN_LIMITS.fetchBytes,
        excerptChars: PLUGIN_LIMITS.fetchBytes,
      });
      const out: PluginFetch = { declared, url, body: r.bodyExcerpt, bytes: r.bodyBytes, truncated: r.truncated, ms: r.timings.totalMs };
      if (r.status !== undefined) out.status = r.status;
      if (r.contentType) out.contentType = r.contentType;
      if (r.location) out.location = r.location;
      if (r.error) out.error = `${r.error.kind}: ${r.error.message}`;
      return out;
    }),
  );
}
