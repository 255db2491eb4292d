// webhook.timing-safe-compare: a signature compared with `===`/`==`/`.equals`/`strcmp` leaks, byte by
// byte, how much of a forged signature is right. Reads the code index; never parses code itself.
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { redactText } from '../src/engine/mask.js';
import { codeCheck, atCode, noHandlerOutcome, productionHandlers, senderOf, setAsideEvidence, setAsideHolding, signatureOf, theSignatureOf, type Language } from './lib/code-index.js';

/** The constant-time compare in the merchant's own language. */
export const SAFE_COMPARE: Record<Language, string> = {
  js: "check `signature.length === expected.length` first, then `crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))`",
  ts: "check `signature.length === expected.length` first, then `crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))`",
  python: 'use `hmac.compare_digest(signature, expected)`',
  go: 'use `hmac.Equal([]byte(signature), []byte(expected))`',
  ruby: 'use `Rack::Utils.secure_compare(signature, expected)`',
  php: 'use `hash_equals($expected, $signature)`',
  java: 'use `MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))`',
};

export const webhookTimingSafeCompare = codeCheck(defineCheck({
  id: 'webhook.timing-safe-compare',
  section: 'webhook',
  kind: 'static',
  title: 'Webhook signatures are compared in constant time',
  failureTitle: 'Webhook signatures are compared with a timing leak',
  why: 'An ordinary string compare stops at the first differing byte, so response times tell an attacker how much of a forged x-signature (or any provider\'s HMAC signature) is right. MintCash requires a constant-time compare; Node\'s timingSafeEqual also throws on unequal lengths, turning a short signature into a 500. golive judges every HMAC verification in your code, whoever sends the webhook.',
  fix: 'Compare the x-signature header with the HMAC you computed using your language\'s constant-time compare (crypto.timingSafeEqual after a length check, hmac.compare_digest, hmac.Equal, hash_equals, Rack::Utils.secure_compare, MessageDigest.isEqual).',
  defaultSeverity: 'error',
  requires: ['code'],
  run({ evidence, options }) {
    const handlers = productionHandlers(evidence.code);
    // What the code checks left out as not the merchant's own code, so a reader can see it.
    const notOwn = setAsideEvidence(setAsideHolding(evidence.code, 'handler'));
    if (handlers.length === 0) return noHandlerOutcome(options, evidence.code);
    const findings: FindingInput[] = [];
    let compares = 0;
    for (const h of handlers) {
      for (const c of h.compares) {
        compares++;
        const text = redactText(c.text);
        if (c.method === 'constant-time' && c.lengthGuarded === false) {
          const message = `\`${c.operator}\` throws when the two values differ in length, so a short ${signatureOf(h)} crashes the handler (a 5xx instead of a 4xx): ${SAFE_COMPARE[h.language]}.`;
          findings.push(atCode('timing-safe-equal-without-length-guard', message, c, text, h.language));
        } else if (c.method !== 'constant-time') {
          const message = `${theSignatureOf(h)} is compared with \`${c.operator}\`, which leaks timing: ${SAFE_COMPARE[h.language]}.`;
          findings.push(atCode('non-constant-time-compare', message, c, text, h.language));
        }
      }
    }
    const where = handlers.map((h) => h.file).join(', ');
    const seen = { handlers: handlers.map((h) => `${h.file} (${senderOf(h)})`), ...notOwn };
    if (compares === 0) return { summary: `Webhook code in ${where} compares no signature itself (verification may be delegated to a library).`, evidence: seen };
    return { findings, evidence: seen, ...(findings.length === 0 ? { summary: `${compares} signature compare(s) in ${where} are constant-time.` } : {}) };
  },
}));

export default webhookTimingSafeCompare;
