// Whether an API base URL is MintCash's live API host: what a live sign-off must have been made
// against. The rule lives in src/mintcash/hosts.ts (hosts compared after normalising, never by
// string prefix); this module keeps the rehearsal's names for it. GOLIVE_ALLOW_LIVE_HOST (or
// --allow-live-host, passed in as `allowed`) names a host the operator trusts with live keys (from
// the environment or the command line, never repository config), e.g. an egress proxy in front of
// api.mintcash.me.
import { isLiveApi, operatorApi, parseApiUrl, sameApiUrl, type AllowedHost } from '../mintcash/hosts.js';

/** `host[:port]` of a URL after normalisation, or undefined when it is not an http(s) URL. */
export function apiHostOf(url: string): string | undefined {
  return parseApiUrl(url)?.display;
}

/** Live: https://api.mintcash.me, or a host allowed by `allowed` (else by GOLIVE_ALLOW_LIVE_HOST in env). */
export function isMintcashLiveHost(url: string, env: Record<string, string | undefined> = {}, allowed?: readonly AllowedHost[]): boolean {
  return isLiveApi(url, allowed ?? operatorApi({}, env).api.allowLiveHosts);
}

/** Same API: same scheme, normalised host, port and path (the emulator's `/live` is part of its base URL). */
export const sameApi = sameApiUrl;
