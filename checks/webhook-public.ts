// webhook.public: MintCash can only deliver to an endpoint on the public internet, so every
// address the host resolves to must be public unicast. Tunnel hosts work but are not production.
import ipaddr from 'ipaddr.js';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { endpointEvidence, notProbed } from '../src/mintcash/probe-results.js';

/** Dev tunnels: reachable, but tied to a laptop session, not a deployment. */
export const TUNNEL_DOMAINS = [
  'ngrok.io',
  'ngrok-free.app',
  'ngrok-free.dev',
  'ngrok.app',
  'ngrok.dev',
  'trycloudflare.com',
  'loca.lt',
  'localtunnel.me',
  'serveo.net',
  'serveousercontent.com',
  'localhost.run',
  'lhr.life',
  'pagekite.me',
  'tunnelmole.net',
  'telebit.cloud',
  'localxpose.io',
  'loclx.io',
  'devtunnels.ms',
  'pinggy.link',
  'pinggy.io',
  'webhook.site',
  'smee.io',
];

export function tunnelDomainOf(host: string): string | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return TUNNEL_DOMAINS.find((d) => h === d || h.endsWith(`.${d}`));
}

/** ipaddr.js range name; IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
export function rangeOf(address: string): string {
  if (!ipaddr.isValid(address)) return 'invalid';
  return ipaddr.process(address.replace(/%.*$/, '')).range();
}

export const webhookPublic = defineCheck({
  id: 'webhook.public',
  section: 'webhook',
  kind: 'network',
  title: 'Webhook endpoint is publicly reachable',
  failureTitle: 'Webhook endpoint is not on the public internet',
  why: 'MintCash sends webhooks from the internet: a host that resolves to a loopback, private, link-local, CGNAT or documentation address can never receive them in production.',
  fix: 'Register a URL whose DNS name resolves only to public addresses (check A and AAAA records). For a staging endpoint on a private network, set webhook.allowPrivateNetwork: true.',
  defaultSeverity: 'error',
  requires: ['webhook'],
  run({ evidence, config, options }) {
    const ev = evidence.webhook;
    const skip = notProbed(ev, options);
    if (skip) return skip;
    const findings: FindingInput[] = [];
    const host = ev.host ?? '';
    if (ev.dns?.error) {
      findings.push({
        messageId: 'dns-failed',
        message: `The host ${host} does not resolve (${ev.dns.error.code ?? ev.dns.error.kind}): publish a DNS record for it or fix the URL.`,
        fingerprintOf: host,
      });
    }
    const ranges = (ev.dns?.addresses ?? []).map((a) => ({ address: a.address, range: rangeOf(a.address) }));
    const allow = config.webhook.allowPrivateNetwork;
    for (const { address, range } of ranges) {
      if (range === 'unicast' || allow) continue;
      findings.push({
        messageId: 'non-public-address',
        message: `${host} resolves to ${address} (${range}), which MintCash cannot reach: point the DNS record at a public address, or set webhook.allowPrivateNetwork for a private staging endpoint.`,
        fingerprintOf: address,
      });
    }
    const tunnel = tunnelDomainOf(host);
    if (tunnel) {
      findings.push({
        messageId: 'tunnel-host',
        severity: 'warning',
        message: `${host} is a ${tunnel} tunnel, which ends when the session does: register the production endpoint instead.`,
        fingerprintOf: host,
      });
    }
    const evidence_ = { ...endpointEvidence(ev), ranges, ...(allow ? { allowPrivateNetwork: true } : {}) };
    const privateAllowed = allow && ranges.some((r) => r.range !== 'unicast');
    const summary = findings.length
      ? undefined
      : privateAllowed
        ? `Non-public addresses allowed by webhook.allowPrivateNetwork (${ranges.map((r) => `${r.address} ${r.range}`).join(', ')}).`
        : `${host} resolves only to public addresses.`;
    return { findings, evidence: evidence_, ...(summary ? { summary } : {}) };
  },
});

export default webhookPublic;
