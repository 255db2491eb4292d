// The secrets one run of golive knows of, held by an explicit object: created per run from the
// environment (main.ts), then taught what the run learns (--dotenv, production config files, the
// key scan) and passed to whatever writes. Nothing here is global: two runs in one process (tests,
// the plugin tester) never share what they know.
import { KEY_PATTERN, redactText } from '../engine/mask.js';

// KEY_PATTERN is global (stateful lastIndex); a non-global copy made once tests each value.
const KEY_SHAPE = new RegExp(KEY_PATTERN.source);
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/** A setting or variable name that says its value is a secret (MINTCASH_SECRET_KEY, db.password, apiKey…). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export class Secrets {
  private readonly values = new Set<string>();
  private sorted: string[] | undefined;

  /** The secrets in an environment: by their names (plus `names`), or by their shape. */
  static fromEnv(env: Record<string, string | undefined>, names: readonly string[] = []): Secrets {
    return new Secrets().add(secretsFromEnv(env, names));
  }

  /** Learns secret values, in every form they may take in output (URL-encoded, JSON-escaped, base64). */
  add(values: Iterable<unknown>): this {
    for (const v of values) {
      if (typeof v !== 'string' || v.trim().length < 6) continue;
      const s = v.trim();
      // As typed, in a URL path or query (two encodings), form-encoded, inside JSON, and base64.
      const forms = [s, safe(encodeURIComponent, s), safe(encodeURI, s), new URLSearchParams({ s }).toString().slice(2), JSON.stringify(s).slice(1, -1), Buffer.from(s).toString('base64')];
      for (const form of forms) {
        if (!this.values.has(form)) {
          this.values.add(form);
          this.sorted = undefined;
        }
      }
    }
    return this;
  }

  /** Learns the raw values inside gathered evidence (credential items, key scan, history, API facts). */
  addEvidence(evidence: unknown): this {
    return this.add(secretsInEvidence(evidence));
  }

  /** A copy that also knows `extra` (for one use, e.g. what a plugin is about to be sent). */
  with(extra: Iterable<unknown>): Secrets {
    const copy = new Secrets();
    for (const v of this.values) copy.values.add(v);
    return copy.add(extra);
  }

  /** Longest first, so a secret that contains another is masked whole. */
  list(): string[] {
    return (this.sorted ??= [...this.values].sort((a, b) => b.length - a.length));
  }

  /** Masks every known secret, key-shaped string, Authorization value and URL credential. */
  mask(text: string): string {
    return maskUrlCredentials(redactText(text, this.list()));
  }
}

/** An encoder that throws on a lone surrogate gives the text unchanged instead. */
function safe(encode: (s: string) => string, s: string): string {
  try {
    return encode(s);
  } catch {
    return s;
  }
}

/** Values of environment variables that hold secrets by their name or by their shape. */
export function secretsFromEnv(env: Record<string, string | undefined>, names: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!v || v.length < 8) continue;
    if (names.includes(k) || SECRET_NAME.test(k) || KEY_SHAPE.test(v) || /^whsec_/.test(v)) out.push(v);
  }
  return out;
}

/** Raw secret values inside gathered evidence (credential items, key scan and history matches). */
export function secretsInEvidence(evidence: unknown): string[] {
  const out: string[] = [];
  const ev = (evidence ?? {}) as Record<string, { items?: { value?: unknown; role?: string }[]; keys?: { value?: unknown }[]; publicKey?: unknown; otherSecrets?: unknown[] } | undefined>;
  for (const item of ev.keys?.items ?? []) if (typeof item.value === 'string' && !/^https?:\/\//.test(item.value)) out.push(item.value);
  for (const v of ev.keys?.otherSecrets ?? []) if (typeof v === 'string') out.push(v);
  for (const k of ev.secrets?.keys ?? []) if (typeof k.value === 'string') out.push(k.value);
  for (const k of ev.history?.keys ?? []) if (typeof k.value === 'string') out.push(k.value);
  if (typeof ev.mintcash?.publicKey === 'string') out.push(ev.mintcash.publicKey);
  return out;
}

/** `https://user:pass@host/?token=x` → `https://****@host/?token=****`. */
export function maskUrlCredentials(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]+@/gi, '$1****@')
    .replace(/([?&](?:token|key|secret|password|passwd|auth|access_token|api_key|apikey|sig|signature)=)[^&\s'"#]+/gi, '$1****');
}
