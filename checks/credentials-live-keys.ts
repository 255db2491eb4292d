// credentials.live-keys: every key the deployment will use has the target environment's prefix,
// the public/secret variables hold the right kind, pk and sk come from one environment, nothing is
// malformed, and the webhook secret is neither an API key nor the secret key.
import { notYetProven } from '../src/engine/outcomes.js';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { maskSecret } from '../src/engine/mask.js';
import type { CredentialItem, KeyEnv } from '../src/evidence/types.js';
import { diagnoseKey, keyPrefix, looksLikeApiKey, type KeyDiagnosis } from '../src/mintcash/keys.js';

type Candidate = { item: CredentialItem; d: KeyDiagnosis; masked: string };

function where(item: CredentialItem): string {
  return item.source === 'env' ? `environment variable ${item.name}` : `${item.name} in ${item.file}${item.line ? `:${item.line}` : ''}`;
}

function at(item: CredentialItem): Pick<FindingInput, 'file' | 'line' | 'column'> {
  if (item.source === 'env' || !item.file) return {};
  return { file: item.file, ...(item.line ? { line: item.line } : {}), ...(item.column ? { column: item.column } : {}) };
}

function finding(c: { item: CredentialItem; masked: string }, messageId: string, message: string, extra: Partial<FindingInput> = {}): FindingInput {
  return {
    messageId,
    message,
    ...at(c.item),
    fingerprintOf: c.item.value,
    evidence: { key: c.masked, source: c.item.source, name: c.item.name },
    ...extra,
  };
}

/** Per-key problems: shape first, then environment; kind is judged per pair below. */
function shapeFindings(c: Candidate, target: KeyEnv): FindingInput[] {
  const { item, d, masked } = c;
  const out: FindingInput[] = [];
  const want = item.role === 'secretKey' ? keyPrefix('sk', target) : keyPrefix('pk', target);
  if (d.problems.includes('not-a-key')) {
    return [finding(c, 'not-a-key', `${where(item)} does not hold a MintCash key (${masked}); set it to your ${want}… key.`)];
  }
  if (d.problems.includes('wrong-prefix')) {
    const prefix = (/^(?:pk|sk)_[A-Za-z0-9]{1,12}_/.exec(d.cleaned)?.[0] ?? '').slice(0, 16);
    return [finding(c, 'malformed-prefix', `${where(item)} starts with ${prefix || 'an unknown prefix'}, which MintCash never issues; use the ${want}… key from your account manager.`)];
  }
  if (d.problems.includes('quotes')) {
    out.push(finding(c, 'key-has-quotes', `${where(item)} has quote characters inside the value (${masked}); remove them, the API will reject the key.`));
  }
  if (d.problems.includes('whitespace')) {
    out.push(finding(c, 'key-has-whitespace', `${where(item)} has whitespace in the value (${masked}); remove it, the API will reject the key.`));
  }
  // The docs give neither alphabet nor length (API-FACTS §20 q16): odd bodies are only a warning.
  if (d.problems.includes('bad-characters')) {
    out.push(finding(c, 'key-bad-characters', `${where(item)} has characters outside A-Z, a-z, 0-9 after the prefix (${masked}); check it was copied whole.`, { severity: 'warning' }));
  } else if (d.problems.includes('short-body')) {
    out.push(finding(c, 'key-too-short', `${where(item)} is suspiciously short (${masked}); check it was copied whole.`, { severity: 'warning' }));
  }
  if (d.parsed && d.parsed.env !== target) {
    const id = target === 'live' ? 'test-key-for-live' : 'live-key-for-test';
    out.push(finding(c, id, `${where(item)} holds a ${d.parsed.env} key (${masked}) but the target is ${target}; use the ${keyPrefix(d.parsed.kind, target)}… key.`));
  }
  return out;
}

/** Kind per role and environment per pair, within one source (process env, one file). */
function pairFindings(group: Candidate[]): FindingInput[] {
  const out: FindingInput[] = [];
  const inPk = group.find((c) => c.item.role === 'publicKey' && c.d.parsed?.kind === 'sk');
  const inSk = group.find((c) => c.item.role === 'secretKey' && c.d.parsed?.kind === 'pk');
  if (inPk && inSk) {
    out.push(finding(inPk, 'swapped-keys', `${inPk.item.name} holds the secret key and ${inSk.item.name} the public key${inPk.item.file ? ` in ${inPk.item.file}` : ''}; swap them.`));
  } else if (inPk) {
    out.push(finding(inPk, 'public-key-is-secret', `${where(inPk.item)} holds a secret key (${inPk.masked}); it must hold the pk_… key, and a secret in a public variable may be shipped to browsers.`));
  } else if (inSk) {
    out.push(finding(inSk, 'secret-key-is-public', `${where(inSk.item)} holds a public key (${inSk.masked}); it must hold the sk_… key.`));
  }
  const pks = group.filter((c) => c.d.parsed?.kind === 'pk');
  const sks = group.filter((c) => c.d.parsed?.kind === 'sk');
  const mixed = sks.find((s) => pks.some((p) => p.d.parsed!.env !== s.d.parsed!.env));
  if (mixed) {
    const other = pks.find((p) => p.d.parsed!.env !== mixed.d.parsed!.env)!;
    out.push(
      finding(mixed, 'mixed-environment-pair', `The public key (${other.masked}) and secret key (${mixed.masked}) ${mixed.item.source === 'env' ? 'in the environment' : `in ${mixed.item.file}`} come from different environments; use a pk/sk pair from one environment.`, {
        evidence: { publicKey: other.masked, secretKey: mixed.masked, source: mixed.item.source },
      }),
    );
  }
  return out;
}

function webhookFindings(hooks: CredentialItem[], secretValues: Set<string>): FindingInput[] {
  const out: FindingInput[] = [];
  for (const item of hooks) {
    const c = { item, masked: maskSecret(item.value.trim()) };
    if (secretValues.has(item.value.trim())) {
      out.push(finding(c, 'webhook-secret-is-secret-key', `${where(item)} equals the API secret key; set it to the webhook signing secret your account manager gave you.`));
    } else if (looksLikeApiKey(item.value)) {
      out.push(finding(c, 'webhook-secret-is-api-key', `${where(item)} holds an API key (${c.masked}), not the webhook signing secret; signatures will never verify.`));
    } else if (item.value.trim() !== item.value || /^["'`].*["'`]$/s.test(item.value.trim())) {
      out.push(finding(c, 'webhook-secret-malformed', `${where(item)} has surrounding whitespace or quotes (${c.masked}); remove them or every signature check fails.`, { severity: 'warning' }));
    }
  }
  return out;
}

export default defineCheck({
  id: 'credentials.live-keys',
  section: 'credentials',
  kind: 'static',
  title: 'Keys are well-formed, paired and for the target environment',
  failureTitle: 'Keys are malformed, mismatched or for the wrong environment',
  why: 'A test key in production silently sends payments to the sandbox; a swapped, mixed or mangled pair fails every API call at launch.',
  fix: 'Set the public-key variable to pk_live_…, the secret-key variable to sk_live_… from the same live pair (no quotes or spaces), and the webhook secret to the signing secret.',
  defaultSeverity: 'error',
  requires: ['keys'],
  run({ evidence, config, options }) {
    const target = config.environment;
    const { items } = evidence.keys;
    const candidates: Candidate[] = items
      .filter((i) => i.role === 'publicKey' || i.role === 'secretKey' || (!i.role && looksLikeApiKey(i.value)))
      .map((item) => {
        const d = diagnoseKey(item.value);
        return { item, d, masked: maskSecret(d.cleaned) };
      });
    const hooks = items.filter((i) => i.role === 'webhookSecret');
    if (candidates.length === 0 && hooks.length === 0) {
      const { publicKey, secretKey, webhookSecret } = config.env;
      return notYetProven(options, 'No MintCash credentials were found', `export ${publicKey}, ${secretKey} and ${webhookSecret}, or pass --dotenv <rendered production env file>`);
    }
    const findings = candidates.flatMap((c) => shapeFindings(c, target));
    const groups = new Map<string, Candidate[]>();
    for (const c of candidates) {
      const k = `${c.item.source}\0${c.item.file ?? ''}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const g of groups.values()) findings.push(...pairFindings(g));
    const secretValues = new Set(candidates.filter((c) => c.item.role === 'secretKey' || c.d.parsed?.kind === 'sk').map((c) => c.item.value.trim()));
    findings.push(...webhookFindings(hooks, secretValues));

    const byRole: Record<string, string[]> = {};
    for (const c of candidates) (byRole[c.item.role ?? 'other'] ??= []).push(`${c.masked} (${where(c.item)})`);
    for (const h of hooks) (byRole.webhookSecret ??= []).push(`${maskSecret(h.value.trim())} (${where(h)})`);
    const sources = [...new Set(items.map((i) => i.source))].join(', ');
    return {
      findings,
      summary: `Checked ${candidates.length} key${candidates.length === 1 ? '' : 's'} and ${hooks.length} webhook secret${hooks.length === 1 ? '' : 's'} from ${sources} against target ${target}.`,
      evidence: { environment: target, keys: byRole },
    };
  },
});
