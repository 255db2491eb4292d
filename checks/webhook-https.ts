// webhook.https: the endpoint is served over HTTPS with a certificate MintCash would trust, for
// the right host, on TLS >= 1.2, not about to expire, and answers without redirecting (webhook
// senders do not follow redirects).
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { notProbed } from '../src/mintcash/probe-results.js';

const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

export const webhookHttps = defineCheck({
  id: 'webhook.https',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint uses valid HTTPS',
  failureTitle: 'Webhook endpoint HTTPS is broken or weak',
  why: 'MintCash delivers webhooks only to a reachable HTTPS endpoint with a trusted certificate; a broken chain, an expired certificate or a redirect means every event is retried and then dropped.',
  fix: 'Serve the webhook URL over HTTPS (TLS 1.2+) with a certificate from a public CA covering the exact host, renew it before it expires, and register the final URL so it answers without a redirect.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, config, options }) {
    const ev = evidence.webhook;
    const skip = notProbed(ev, options);
    if (skip) return skip;
    const findings: FindingInput[] = [];
    const url = ev.url ?? '';
    if (ev.scheme !== 'https') {
      findings.push({
        messageId: 'not-https',
        message: `The webhook URL ${url} is plain http: register an https:// URL.`,
        fingerprintOf: url,
      });
    }
    if (ev.dns?.error) {
      findings.push({
        messageId: 'unreachable',
        message: `The host ${ev.host} does not resolve (${ev.dns.error.code ?? ev.dns.error.kind}): fix the DNS record or the URL.`,
        fingerprintOf: ev.host,
      });
    }
    const tls = ev.tls;
    const leaf = tls?.chain[0];
    if (tls?.error) {
      const unreachable = ['refused', 'timeout', 'dns', 'reset'].includes(tls.error.kind);
      findings.push({
        messageId: unreachable ? 'unreachable' : 'tls-handshake',
        message: unreachable
          ? `Could not connect to ${ev.host}:${ev.port} (${tls.error.code ?? tls.error.kind}): make sure the endpoint is deployed and listening.`
          : `The TLS handshake with ${ev.host} failed (${tls.error.code ?? tls.error.message}): serve a valid certificate over TLS 1.2 or newer.`,
        fingerprintOf: `${ev.host}:${ev.port}`,
      });
    } else if (tls) {
      const err = tls.authorizationError ?? '';
      const expired = err === 'CERT_HAS_EXPIRED' || (leaf !== undefined && leaf.daysLeft < 0);
      if (expired) {
        findings.push({ messageId: 'cert-expired', message: `The certificate for ${ev.host} expired on ${leaf?.validTo.slice(0, 10) ?? 'an earlier date'}: renew it.`, fingerprintOf: leaf?.fingerprint256 });
      }
      if (tls.hostnameMatch === false) {
        findings.push({
          messageId: 'hostname-mismatch',
          message: `The certificate does not cover ${ev.host} (it names ${leaf?.subjectAltNames.join(', ') || leaf?.subject || 'other hosts'}): use a certificate issued for this host.`,
          fingerprintOf: leaf?.fingerprint256,
        });
      }
      if (!tls.authorized && !expired && err !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
        findings.push({
          messageId: 'untrusted-chain',
          message: `The certificate chain is not trusted (${err || 'unknown reason'}): serve the full chain from a public CA. For a private staging CA, set NODE_EXTRA_CA_CERTS.`,
          fingerprintOf: leaf?.fingerprint256,
        });
      }
      if (tls.protocol && !MODERN.has(tls.protocol)) {
        findings.push({ messageId: 'old-tls', message: `The endpoint negotiated ${tls.protocol}: enable TLS 1.2 or 1.3 and disable older versions.`, fingerprintOf: tls.protocol });
      }
      // Within the fail window a launch would outlive the certificate: that blocks; beyond it, warn.
      const { certExpiryWarnDays: warnDays, certExpiryFailDays: failDays } = config.webhook.probes;
      if (leaf && !expired && leaf.daysLeft < Math.max(warnDays, failDays)) {
        const blocking = leaf.daysLeft < failDays;
        findings.push({
          messageId: blocking ? 'cert-expiring-soon' : 'cert-expiring',
          severity: blocking ? 'error' : 'warning',
          message: `The certificate for ${ev.host} expires in ${leaf.daysLeft} day${leaf.daysLeft === 1 ? '' : 's'} (${leaf.validTo.slice(0, 10)}): renew it, or automate renewal.`,
          // HTTPS works: "broken or weak" would not fit when this is all there is.
          title: `Webhook certificate expires in ${leaf.daysLeft} day${leaf.daysLeft === 1 ? '' : 's'}`,
          fingerprintOf: leaf.fingerprint256,
        });
      }
    }
    const redirect = Object.values(ev.probes).find((p) => p?.result?.status !== undefined && p.result.status >= 300 && p.result.status < 400);
    if (redirect?.result) {
      const to = redirect.result.location;
      findings.push({
        messageId: 'redirect',
        message: `The endpoint answered HTTP ${redirect.result.status}${to ? ` to ${to}` : ''}: webhook senders do not follow redirects, so register the final URL.`,
        fingerprintOf: to ?? String(redirect.result.status),
      });
    }
    const facts: Record<string, unknown> = { url, scheme: ev.scheme };
    if (tls) {
      facts.tls = {
        protocol: tls.protocol,
        trusted: tls.authorized,
        ...(tls.authorizationError ? { trustError: tls.authorizationError } : {}),
        hostnameMatch: tls.hostnameMatch,
        handshakeMs: tls.ms,
      };
      if (leaf) {
        facts.certificate = {
          subject: leaf.subject,
          subjectAltNames: leaf.subjectAltNames,
          issuer: leaf.issuer,
          validFrom: leaf.validFrom,
          validTo: leaf.validTo,
          daysLeft: leaf.daysLeft,
        };
        facts.chain = tls.chain.map((c) => c.subject);
      }
    }
    const summary = findings.length === 0 && leaf ? `${tls?.protocol}, trusted certificate for ${ev.host}, ${leaf.daysLeft} days left.` : undefined;
    return { findings, evidence: facts, ...(summary ? { summary } : {}) };
  },
});

export default webhookHttps;
