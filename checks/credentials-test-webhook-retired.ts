// credentials.test-webhook-retired: the old test-mode webhook URL (webhook.testUrl) must be gone
// (404/410/unreachable) or only acknowledge, so nothing there still acts on events once live.
import { notYetProven } from '../src/engine/outcomes.js';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { classOf, describeAnswer, probeEvidence } from '../src/mintcash/probe-results.js';

const GONE = new Set([404, 410]);
const UNREACHABLE = new Set(['dns', 'refused', 'tls']);

export const credentialsTestWebhookRetired = defineCheck({
  id: 'credentials.test-webhook-retired',
  section: 'credentials',
  kind: 'network',
  title: 'Old test-mode webhook URL is retired',
  failureTitle: 'Old test-mode webhook URL is still active',
  why: 'A test-mode handler left running next to the live one may share code, data or secrets with production, and can act on events nobody is watching.',
  fix: 'Remove the test-mode webhook route (404/410) or point it at a handler that only answers 200 and does nothing.',
  defaultSeverity: 'warning',
  requires: ['webhook'],
  run({ evidence, options }) {
    const ev = evidence.webhook;
    if (options.offline) return { status: 'skip', summary: 'Offline: the test-mode URL was not probed.' };
    const t = ev.testUrl;
    if (!t) {
      return notYetProven(options, 'No webhook.testUrl is configured', 'set webhook.testUrl to the test-mode URL registered with MintCash, or turn this check "off" in config if there never was one');
    }
    const evidence_ = { ...probeEvidence(ev, [t.probe]), url: t.url, addresses: t.dns?.addresses.map((a) => a.address) ?? [] };
    const findings: FindingInput[] = [];
    if (!t.probe.ran) {
      if (t.dns?.error) return { evidence: evidence_, summary: `Gone: ${t.url} does not resolve.` };
      return { status: 'error', summary: `Could not probe: ${t.probe.reason ?? 'not sent'}.`, evidence: evidence_ };
    }
    const r = t.probe.result!;
    const answer = describeAnswer(t.probe);
    if (r.error && UNREACHABLE.has(r.error.kind)) return { evidence: evidence_, summary: `Gone: ${t.url} is unreachable (${answer}).` };
    if (r.status !== undefined && GONE.has(r.status) && !r.error) return { evidence: evidence_, summary: `Gone: ${t.url} answers HTTP ${r.status}.` };
    if (classOf(t.probe) === '2xx') return { evidence: evidence_, summary: `${t.url} only acknowledges (HTTP ${r.status}).` };
    const status = r.status;
    findings.push({
      messageId: status === 401 || status === 403 || status === 400 ? 'test-handler-active' : 'test-url-misbehaves',
      message:
        status === 401 || status === 403 || status === 400
          ? `${t.url} still runs a webhook handler (an unsigned probe got HTTP ${status}): remove the route (404/410) or make it answer 200 and do nothing.`
          : `${t.url} answered ${answer}: remove the route (404/410) or make it answer 200 and do nothing.`,
      fingerprintOf: t.url,
    });
    return { findings, evidence: evidence_ };
  },
});

export default credentialsTestWebhookRetired;
