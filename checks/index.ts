// The ordered checklist: every built-in check, in the order of MintCash's go-live checklist.
// Adding a check: one file named after its id, then one line here.
import type { Check } from '../src/engine/types.js';
import policyUnchanged from './policy-unchanged.js';
import credentialsLiveKeys from './credentials-live-keys.js';
import credentialsKeysVerified from './credentials-keys-verified.js';
import credentialsNoSecretsInSource from './credentials-no-secrets-in-source.js';
import credentialsNoTestKeysInProd from './credentials-no-test-keys-in-prod.js';
import credentialsTestWebhookRetired from './credentials-test-webhook-retired.js';
import webhookHttps from './webhook-https.js';
import webhookPublic from './webhook-public.js';
import webhookLatency from './webhook-latency.js';
import webhookSignature from './webhook-signature.js';
import webhookRawBody from './webhook-raw-body.js';
import webhookEnvironment from './webhook-environment.js';
import webhookDedup from './webhook-dedup.js';
import webhookTimingSafeCompare from './webhook-timing-safe-compare.js';
import webhookCodeRawBody from './webhook-code-raw-body.js';
import webhookCodeEnvironmentGuard from './webhook-code-environment-guard.js';
import webhookCodeDedup from './webhook-code-dedup.js';
import idempotencyExternalId from './idempotency-external-id.js';
import idempotencyExternalIdQuality from './idempotency-external-id-quality.js';
import rehearsalCharge from './rehearsal-charge.js';
import rehearsalSettlement from './rehearsal-settlement.js';
import rehearsalRefund from './rehearsal-refund.js';
import rehearsalRenewal from './rehearsal-renewal.js';
import rehearsalCancel from './rehearsal-cancel.js';
import firstweekRequestIdLogged from './firstweek-request-id-logged.js';
import firstweekDeliverySuccess from './firstweek-delivery-success.js';
import firstweekPaymentFailures from './firstweek-payment-failures.js';
import firstweekPastDueChurn from './firstweek-past-due-churn.js';
import firstweekRequestIdCorrelation from './firstweek-request-id-correlation.js';

export const builtinChecks: Check[] = [
  // 0. Trusted policy
  policyUnchanged,
  // 1. Credentials
  credentialsLiveKeys,
  credentialsKeysVerified,
  credentialsNoSecretsInSource,
  credentialsNoTestKeysInProd,
  credentialsTestWebhookRetired,
  // 2. Webhook endpoint
  webhookHttps,
  webhookPublic,
  webhookLatency,
  webhookSignature,
  webhookRawBody,
  webhookEnvironment,
  webhookDedup,
  webhookTimingSafeCompare,
  webhookCodeRawBody,
  webhookCodeEnvironmentGuard,
  webhookCodeDedup,
  // 3. Idempotency
  idempotencyExternalId,
  idempotencyExternalIdQuality,
  // 4. Dress rehearsal
  rehearsalCharge,
  rehearsalSettlement,
  rehearsalRefund,
  rehearsalRenewal,
  rehearsalCancel,
  // 5. First week
  firstweekRequestIdLogged,
  firstweekDeliverySuccess,
  firstweekPaymentFailures,
  firstweekPastDueChurn,
  firstweekRequestIdCorrelation,
] as Check[];
