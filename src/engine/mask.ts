// Secret masking primitives: a full key, webhook secret or Authorization header never leaves
// masked form. Checks mask what they put in findings; everything golive prints or writes is masked
// again, with the run's known secrets, at the output boundary (output/secrets.ts, output/boundary.ts).

/** Matches MintCash key-shaped strings anywhere in text (loose: the docs give no length). */
export const KEY_PATTERN = /(?<![A-Za-z0-9])((?:sk|pk|rk)_(?:live|test)_)([A-Za-z0-9]{4,})/g;

/** `sk_live_…Ab12`: the prefix plus the last four characters. */
export function maskSecret(value: string): string {
  const m = /^((?:sk|pk|rk)_(?:live|test)_|whsec_)/.exec(value);
  const prefix = m?.[1] ?? '';
  const rest = value.slice(prefix.length);
  if (rest.length < 8) return `${prefix}${'*'.repeat(4)}`;
  return `${prefix}…${rest.slice(-4)}`;
}

/** Masks every key-shaped string and every listed secret value found in the text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(KEY_PATTERN, (_all, prefix: string, rest: string) => maskSecret(prefix + rest));
  for (const s of secrets) {
    if (s.length >= 6 && out.includes(s)) out = out.split(s).join(maskSecret(s));
  }
  return out.replace(/(authorization["']?\s*[:=]\s*["']?(?:basic|bearer)\s+)[A-Za-z0-9+/=._-]{8,}/gi, '$1****');
}

/** Deep copy of a JSON-like value with every string redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
    return out as T;
  }
  return value;
}
