// The output boundary. Everything golive prints or writes (stdout, stderr, reports, annotations,
// the step summary, error messages, plugin errors) passes through here: every secret golive knows
// of, from any source, is masked, and control characters in untrusted text (file names, plugin
// text, server answers) are made visible, so neither a terminal escape nor a CI workflow command
// (`::error …` at the start of a line) can be smuggled through a file name or a message.
import { KEY_PATTERN, maskSecret, redactText } from './mask.js';

const known = new Set<string>();

/** Remembers secret values (from the environment, --env-file, config files, the key scan). */
export function addSecrets(values: Iterable<unknown>): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.trim().length < 6) continue;
    const s = v.trim();
    // The same secret as it would appear URL-encoded, JSON-escaped or base64-encoded.
    for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1), Buffer.from(s).toString('base64')]) known.add(form);
  }
}

export function knownSecrets(): string[] {
  // Longest first, so a secret that contains another is masked whole.
  return [...known].sort((a, b) => b.length - a.length);
}

// KEY_PATTERN is global (stateful lastIndex); a non-global copy made once tests each value.
const KEY_SHAPE = new RegExp(KEY_PATTERN.source);
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/** Values of environment variables that hold secrets by their name or by their shape. */
export function secretsFromEnv(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
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
  const ev = (evidence ?? {}) as Record<string, { items?: { value?: unknown; role?: string }[]; keys?: { value?: unknown }[]; publicKey?: unknown } | undefined>;
  for (const item of ev.keys?.items ?? []) if (typeof item.value === 'string' && !/^https?:\/\//.test(item.value)) out.push(item.value);
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

/** Masks every known secret, key-shaped string, Authorization value and URL credential. */
export function mask(text: string, extra: readonly string[] = []): string {
  return maskUrlCredentials(redactText(text, secretsWith(extra)));
}

/** The known secrets plus extra, longest first (knownSecrets() already is). */
function secretsWith(extra: readonly string[]): string[] {
  return extra.length === 0 ? knownSecrets() : [...extra, ...knownSecrets()].sort((a, b) => b.length - a.length);
}

// C0 controls, DEL, C1 controls, line/paragraph separators and bidirectional overrides (matching
// control characters is the point here).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_KEEP_NL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** One line of untrusted text, safe for a terminal and a CI log: controls and newlines made visible. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Untrusted text that may span lines: other controls made visible, and no line may start a workflow command. */
export function multiLine(text: string): string {
  return text
    .replace(CONTROL_KEEP_NL, escape)
    .split('\n')
    .map((l) => (/^\s*::/.test(l) ? l.replace('::', ':\u200b:') : l))
    .join('\n');
}

/** Masked and one line: for error messages and anything else printed from untrusted input. */
export function safeLine(text: string): string {
  return oneLine(mask(text));
}

/** Deep copy of a report (or any JSON-like value) with every string masked and made one line. */
export function sanitiseDeep<T>(value: T, extra: readonly string[] = []): T {
  const secrets = secretsWith(extra);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return oneLine(maskUrlCredentials(redactText(v, secrets)));
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[oneLine(k)] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

export { maskSecret };
