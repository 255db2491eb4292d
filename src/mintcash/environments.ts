// Which MintCash environment a key or an `environment` string belongs to. Where keys may be sent
// (hosts, the refusal rule) lives in hosts.ts.
export type MintcashEnv = 'live' | 'test';

/** From the documented prefixes (API-FACTS §1); undefined when the value has neither. */
export function keyEnvironment(value: string): MintcashEnv | undefined {
  const m = /^(?:pk|sk|rk)_(live|test)_/.exec(value);
  return m ? (m[1] as MintcashEnv) : undefined;
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
