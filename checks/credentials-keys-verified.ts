// credentials.keys-verified: the configured key pair authenticates against MintCash
// (`GET /merchant/api-keys`) and its public key is listed active for the target environment.
// Pure judgement of the `mintcash` evidence; the collector made the call (or refused to).
import { defineCheck, type CheckOutcome, type FindingInput, type RunOptions } from '../src/engine/types.js';
import type { GoliveConfig } from '../src/config/schema.js';
import { notYetProven } from '../src/engine/outcomes.js';
import type { MintcashFacts } from '../src/evidence/types.js';
import { maskSecret } from '../src/engine/mask.js';
import { normaliseEnvironment } from '../src/mintcash/environments.js';

const MISMATCH_TEXT: Record<NonNullable<MintcashFacts['mismatch']>, string> = {
  'bad-url': 'The API URL is not usable',
  'test-keys-production': 'Test keys are configured against the production API',
  'live-keys-sandbox': 'Live keys are configured against the sandbox API',
  'live-keys-insecure': 'Live keys are configured against MintCash without HTTPS on port 443',
  'live-keys-loopback': 'Live keys are configured against a local URL (the emulator or a proxy on this machine)',
  'live-keys-other-host': "Live keys are configured against a host that is not MintCash's live API",
  'test-keys-untrusted-host': 'Test keys are configured against a host the repository chose',
};

function ref(f: MintcashFacts): string {
  return f.requestId ? ` (requestId ${f.requestId}; quote it to MintCash support)` : '';
}

function judge(f: MintcashFacts, options: RunOptions, names: GoliveConfig['env']): CheckOutcome {
  const pk = f.publicKey ?? '';
  const masked = pk ? maskSecret(pk) : undefined;
  const evidence: Record<string, unknown> = { baseUrl: f.baseUrl, environment: f.environment };
  if (f.baseUrlSource) evidence.baseUrlSource = f.baseUrlSource;
  if (f.allowedHost) evidence.allowedHost = f.allowedHost;
  if (masked) evidence.publicKey = masked;
  if (f.keySource) evidence.keySource = f.keySource;
  if (f.status !== undefined) evidence.httpStatus = f.status;
  if (f.requestId) evidence.requestId = f.requestId;

  if (f.skippedReason === 'offline') return { status: 'skip', summary: 'Offline: the key pair was not verified against MintCash.' };
  if (f.skippedReason === 'no-keys') {
    return notYetProven(options, 'No MintCash key pair is configured', `export ${names.publicKey} and ${names.secretKey} (or pass --dotenv <file>) so golive can verify the pair`);
  }
  if (f.skippedReason === 'bad-base-url') {
    return { status: 'error', summary: `api.baseUrl ${f.baseUrl} is not usable${f.errorMessage ? `: ${f.errorMessage}` : ''}.`, evidence };
  }
  const findings: FindingInput[] = [];
  if (f.mismatch) {
    // Flagged before any request: nothing was sent. The send rule's own line names the normalised
    // host and how to allow it on purpose.
    findings.push({
      messageId: f.mismatch,
      message: `${MISMATCH_TEXT[f.mismatch]}: ${f.refusal ?? `${f.baseUrl}; nothing was sent`}.`,
      fingerprintOf: `${f.mismatch}:${pk}`,
      evidence: { ...evidence, publicKeyEnv: f.publicKeyEnv, secretKeyEnv: f.secretKeyEnv },
    });
    return { findings, evidence };
  }
  if (f.status === 401) {
    findings.push({
      messageId: 'unauthenticated',
      message: `MintCash rejected the key pair ${masked} (401 ${f.errorCode ?? 'unauthenticated'})${ref(f)}: the secret key is wrong, or the key was revoked or rotated. Ask your account manager for the current pair.`,
      fingerprintOf: pk,
      evidence,
    });
    return { findings, evidence };
  }
  if (f.status === 403) {
    // The docs call the IP case both `permission_denied` and `ip_not_allowed` (API-FACTS §19.5): accept either place.
    const ip = f.errorReason === 'ip_not_allowed' || f.errorCode === 'ip_not_allowed' || /\bip\b|allow.?list/i.test(f.errorMessage ?? '');
    findings.push({
      messageId: ip ? 'ip-not-allowed' : 'permission-denied',
      message: ip
        ? `MintCash refused ${masked} from this machine's IP (403, IP allow list)${ref(f)}: run the check from an allowed IP, or ask your account manager to add it.`
        : `MintCash refused ${masked} (403 ${f.errorCode ?? 'permission_denied'})${ref(f)}: the merchant is inactive or lacks API access; contact your account manager.`,
      fingerprintOf: pk,
      evidence: { ...evidence, errorCode: f.errorCode, errorReason: f.errorReason },
    });
    return { findings, evidence };
  }
  if (f.status !== 200 || !f.apiKeys) {
    const what = f.status ? `HTTP ${f.status} ${f.errorCode ?? ''}`.trim() : (f.errorCode ?? 'no answer');
    return { status: 'error', summary: `Could not verify the keys at ${f.baseUrl}: ${what}${f.errorMessage ? ` (${f.errorMessage})` : ''}${ref(f)}.`, evidence };
  }

  const listed = f.apiKeys.find((k) => k.publicKey === pk);
  if (!listed) {
    findings.push({
      messageId: 'key-not-listed',
      message: `The pair authenticates but ${masked} is not in the merchant's key list: check that the public key belongs to this merchant.`,
      fingerprintOf: pk,
      evidence,
    });
  } else if (!listed.isActive || listed.revokedAt) {
    findings.push({
      messageId: 'key-revoked',
      message: `${masked} is listed as revoked${listed.revokedAt ? ` since ${listed.revokedAt}` : ''}: deploy the current key pair from your account manager.`,
      fingerprintOf: pk,
      evidence: { ...evidence, revokedAt: listed.revokedAt },
    });
  } else {
    const env = normaliseEnvironment(listed.environment);
    if (env !== f.environment) {
      findings.push({
        messageId: 'key-wrong-environment',
        message: `${masked} is active for ${listed.environment ?? 'an unknown environment'}, not ${f.environment}: use the ${f.environment} key pair.`,
        fingerprintOf: pk,
        evidence: { ...evidence, listedEnvironment: listed.environment },
      });
    }
  }
  if (findings.length) return { findings, evidence };
  return { summary: `${masked} authenticates and is active for ${f.environment}.`, evidence };
}

export const credentialsKeysVerified = defineCheck({
  id: 'credentials.keys-verified',
  section: 'credentials',
  kind: 'network',
  title: 'Key pair verified with MintCash',
  failureTitle: 'Key pair is not accepted by MintCash',
  why: 'A well-formed key can still be revoked, rotated, from the wrong environment or blocked by an IP allow list; the first live payment is the wrong time to find out.',
  fix: 'Deploy the current live pair from your account manager, point api.baseUrl at https://api.mintcash.me, and run the check from an IP on the key\'s allow list.',
  defaultSeverity: 'error',
  requires: ['mintcash'],
  run({ evidence, options, config }) {
    return judge(evidence.mintcash, options, config.env);
  },
});

export default credentialsKeysVerified;
