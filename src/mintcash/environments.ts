// Which MintCash environment a key, a base URL or an `environment` string belongs to. Used to refuse
// test keys against production and live keys against sandbox or the emulator BEFORE any request,
// so a live secret is never sent to the wrong place.
export type MintcashEnv = 'live' | 'test';
export type BaseUrlKind = 'production' | 'sandbox' | 'loopback' | 'custom' | 'invalid';

export const PRODUCTION_HOST = 'api.mintcash.me';
export const SANDBOX_HOST = 'sandbox.mintcash.me';

/** From the documented prefixes (API-FACTS §1); undefined when the value has neither. */
export function keyEnvironment(value: string): MintcashEnv | undefined {
  const m = /^(?:pk|sk|rk)_(live|test)_/.exec(value);
  return m ? (m[1] as MintcashEnv) : undefined;
}

export function classifyBaseUrl(baseUrl: string): BaseUrlKind {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'invalid';
  }
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === PRODUCTION_HOST) return 'production';
  if (host === SANDBOX_HOST) return 'sandbox';
  if (isLoopbackHost(host)) return 'loopback';
  return 'custom';
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(h) ||
    h === '0.0.0.0' ||
    h === '::'
  );
}

/**
 * MintCash does not list the `environment` values of `/merchant/api-keys` (API-FACTS §20 q16):
 * accept the two obvious spellings for each side rather than guess one.
 */
export function normaliseEnvironment(value: string | null | undefined): MintcashEnv | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'live' || v === 'production' || v === 'prod') return 'live';
  if (v === 'test' || v === 'sandbox') return 'test';
  return undefined;
}

export type MismatchKind = 'test-keys-production' | 'live-keys-sandbox' | 'live-keys-loopback';

/** The pre-flight rule: where a key of each environment may never be sent. */
export function environmentMismatch(keyEnvs: readonly (MintcashEnv | undefined)[], baseUrl: string): MismatchKind | undefined {
  const kind = classifyBaseUrl(baseUrl);
  if (keyEnvs.includes('live') && kind === 'sandbox') return 'live-keys-sandbox';
  // The emulator (or anything on this machine) is never the real live API.
  if (keyEnvs.includes('live') && kind === 'loopback') return 'live-keys-loopback';
  if (keyEnvs.includes('test') && kind === 'production') return 'test-keys-production';
  return undefined;
}
