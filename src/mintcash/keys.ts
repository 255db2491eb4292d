// MintCash key formats in code: parsing `pk_`/`sk_` keys, spotting key-shaped text and diagnosing
// malformed values. Pure; shared by the key inventory, the credential checks and later the API
// client and rehearsal (which must refuse test keys against production and vice versa).
import type { KeyEnv, KeyKind } from '../evidence/types.js';

export const KEY_KINDS: readonly KeyKind[] = ['pk', 'sk'];
export const KEY_ENVS: readonly KeyEnv[] = ['live', 'test'];

/** The sandbox API host; live is api.mintcash.me (API-FACTS §2). */
export const SANDBOX_HOST = 'sandbox.mintcash.me';

/**
 * The docs give only the prefixes, not length or alphabet (API-FACTS §20 q16), so the scanning
 * pattern is loose: a known prefix followed by at least 8 alphanumerics.
 */
const KEY_IN_TEXT = /(?<![A-Za-z0-9_])(pk|sk)_(live|test)_([A-Za-z0-9]{8,})/g;
const WHOLE_KEY = /^(pk|sk)_(live|test)_([A-Za-z0-9]{8,})$/;

export interface ParsedKey {
  kind: KeyKind;
  env: KeyEnv;
  /** Everything after `pk_live_` etc. */
  body: string;
}

export function keyPrefix(kind: KeyKind, env: KeyEnv): string {
  return `${kind}_${env}_`;
}

/** Parses a value that is exactly one well-formed key; anything else gives undefined. */
export function parseKey(value: string): ParsedKey | undefined {
  const m = WHOLE_KEY.exec(value);
  if (!m) return undefined;
  return { kind: m[1] as KeyKind, env: m[2] as KeyEnv, body: m[3]! };
}

/** True when the whole value is one key (no surrounding quotes or spaces). */
export function isKeyShaped(value: string): boolean {
  return WHOLE_KEY.test(value);
}

export interface KeyInText extends ParsedKey {
  value: string;
  /** 0-based offset of the key in the text. */
  index: number;
}

/** Every key-shaped string in a piece of text, in order. */
export function findKeysInText(text: string): KeyInText[] {
  const out: KeyInText[] = [];
  for (const m of text.matchAll(KEY_IN_TEXT)) {
    out.push({ kind: m[1] as KeyKind, env: m[2] as KeyEnv, body: m[3]!, value: m[0], index: m.index });
  }
  return out;
}

export function containsKey(text: string): boolean {
  return findKeysInText(text).length > 0;
}

export function mentionsSandbox(text: string): boolean {
  return text.toLowerCase().includes(SANDBOX_HOST);
}

/**
 * True for values that are references to be filled in elsewhere (`${X}`, `$X`, `{{ .X }}`,
 * `<your key>`) or pointers into a secrets manager, which say nothing about the key that will be
 * used (and keeping the key in a secrets manager is exactly what MintCash asks for).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '' || /\$\{|\{\{|^\$[A-Za-z_]|^<[^>]*>$|^%\([^)]*\)s$/.test(v)) return true;
  return /^(?:arn:aws[\w-]*:(?:secretsmanager|ssm):|vault:|ref\+|op:\/\/|sm:\/\/|doppler:|projects\/[^/]+\/secrets\/|@Microsoft\.KeyVault\()/i.test(v);
}

export type KeyProblem =
  /** Starts like a key but the prefix is not pk_/sk_ + live/test, e.g. `pk_prod_`. */
  | 'wrong-prefix'
  /** Not key-like at all. */
  | 'not-a-key'
  | 'whitespace'
  | 'quotes'
  /** Body has characters outside [A-Za-z0-9]. */
  | 'bad-characters'
  /** Body shorter than SHORT_BODY. */
  | 'short-body';

/** Bodies below this are suspicious; real keys are long random strings. */
export const SHORT_BODY = 16;

export interface KeyDiagnosis {
  /** The key read after trimming whitespace and one pair of quotes, when it has a known prefix. */
  parsed?: ParsedKey;
  /** The trimmed and unquoted value, for masking. */
  cleaned: string;
  problems: KeyProblem[];
}

const LOOSE_PREFIX = /^(pk|sk)_([A-Za-z0-9]+)_/;

/**
 * Diagnoses a credential value meant to be a pk/sk key. Tolerant: a quoted or padded key is still
 * parsed (so its environment and kind can be judged) while the quoting is reported as a problem.
 */
export function diagnoseKey(raw: string): KeyDiagnosis {
  const problems: KeyProblem[] = [];
  let v = raw;
  if (v.trim() !== v) problems.push('whitespace');
  v = v.trim();
  const q = /^(["'`])(.*)\1$/s.exec(v);
  if (q) v = q[2]!.trim();
  if (/["'`]/.test(v) || q) problems.push('quotes');
  const cleaned = v.replace(/["'`]/g, '');
  if (/\s/.test(cleaned) && !problems.includes('whitespace')) problems.push('whitespace');
  const loose = LOOSE_PREFIX.exec(cleaned.replace(/\s/g, ''));
  if (!loose) return { cleaned, problems: [...problems, 'not-a-key'] };
  const envWord = loose[2]!;
  if (envWord !== 'live' && envWord !== 'test') return { cleaned, problems: [...problems, 'wrong-prefix'] };
  const kind = loose[1] as KeyKind;
  const env = envWord as KeyEnv;
  const body = cleaned.slice(loose[0].length);
  if (/[^A-Za-z0-9\s]/.test(body)) problems.push('bad-characters');
  if (body.replace(/[^A-Za-z0-9]/g, '').length < SHORT_BODY) problems.push('short-body');
  return { parsed: { kind, env, body }, cleaned, problems };
}

/** True when the value starts like an API key (`pk_…`/`sk_…`), well-formed or not. */
export function looksLikeApiKey(raw: string): boolean {
  return LOOSE_PREFIX.test(raw.trim().replace(/^["'`]/, ''));
}
