// Whether an API base URL is MintCash's live API host: what a live sign-off must have been made
// against, and the only place `golive check` sends live keys to verify one online. One function on
// purpose: the trust-boundary work (src/mintcash/hosts.ts) replaces its body, callers stay as they are.
// Hosts are compared after the URL parser normalised them (case, trailing dot, default port), never
// by string prefix. GOLIVE_ALLOW_LIVE_HOST names one more host the operator trusts as live (from the
// environment, never repository config), e.g. an egress proxy in front of api.mintcash.me.
import { PRODUCTION_HOST } from '../mintcash/environments.js';

/** `host[:port]` of a URL after normalisation, or undefined when it is not an http(s) URL. */
export function apiHostOf(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  return u.port ? `${host}:${u.port}` : host;
}

function named(env: Record<string, string | undefined>): string | undefined {
  const raw = env.GOLIVE_ALLOW_LIVE_HOST?.trim();
  if (!raw) return undefined;
  return apiHostOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
}

export function isMintcashLiveHost(url: string, env: Record<string, string | undefined> = {}): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = apiHostOf(url);
  if (!host) return false;
  if (u.protocol === 'https:' && host === PRODUCTION_HOST) return true;
  const allowed = named(env);
  return allowed !== undefined && allowed === host;
}

/** Same API: same normalised host and path (the emulator's `/live` is part of its base URL). */
export function sameApi(a: string, b: string): boolean {
  const norm = (x: string) => {
    try {
      const u = new URL(x);
      return `${u.protocol}//${apiHostOf(x)}${u.pathname.replace(/\/+$/, '')}`;
    } catch {
      return x;
    }
  };
  return norm(a) === norm(b);
}
