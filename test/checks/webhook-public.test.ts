// webhook.public: every resolved address must be public unicast (tables of tricky addresses),
// loopback fails unless allowed, tunnel hosts warn.
import { describe, expect, it } from 'vitest';
import { rangeOf, tunnelDomainOf, webhookPublic } from '../../checks/webhook-public.js';
import type { ResolvedAddress, WebhookEvidence } from '../../src/evidence/types.js';
import { collect, judge, probeConfig } from '../helpers/webhook-servers.js';

function evidenceFor(host: string, addresses: string[]): WebhookEvidence {
  const list: ResolvedAddress[] = addresses.map((a) => ({ address: a, family: a.includes(':') ? 6 : 4 }));
  return {
    state: 'probed', url: `https://${host}/hook`, scheme: 'https', host, port: 443, secretVar: 'MINTCASH_WEBHOOK_SECRET',
    secretAvailable: true, dns: { literal: false, addresses: list, ms: 1 }, probes: {}, latency: [], durationMs: 1, notes: [],
  };
}
const opts = { offline: false, history: false, requireRehearsal: false };

describe('webhook.public', () => {
  it.each<[string, string]>([
    ['8.8.8.8', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'unicast'], // just outside 172.16/12: a naive "172." prefix match gets this wrong
    ['192.168.10.10', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.128.0.1', 'unicast'], // just outside 100.64/10
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['192.0.2.7', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.7', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'], // IPv4-mapped loopback
    ['::ffff:8.8.4.4', 'unicast'],
    ['0.0.0.0', 'unspecified'],
  ])('%s is %s', (address, range) => {
    expect(rangeOf(address)).toBe(range);
  });

  it.each<[string, string[], string, string[]]>([
    ['api.shop.com', ['8.8.8.8'], 'pass', []],
    ['api.shop.com', ['8.8.8.8', '10.0.0.5'], 'fail', ['non-public-address']], // every address counts
    ['api.shop.com', ['::1', '127.0.0.1'], 'fail', ['non-public-address', 'non-public-address']],
    ['abc123.ngrok-free.app', ['3.3.3.3'], 'warn', ['tunnel-host']],
    ['quiet-sun.trycloudflare.com', ['104.16.0.1'], 'warn', ['tunnel-host']],
    ['notngrok-free.app.shop.com', ['8.8.8.8'], 'pass', []], // the tunnel domain must be a suffix, not a substring
    ['myngrok.io', ['8.8.8.8'], 'pass', []],
  ])('%s %j -> %s', async (host, addresses, verdict, ids) => {
    const out = await judge(webhookPublic, { evidence: evidenceFor(host, addresses), config: probeConfig({ allowPrivateNetwork: false }), options: opts });
    expect(out.verdict).toBe(verdict);
    expect(out.ids).toEqual(ids);
  });

  it('tunnel suffixes match on a label boundary', () => {
    expect(tunnelDomainOf('x.loca.lt')).toBe('loca.lt');
    expect(tunnelDomainOf('LOCA.LT.')).toBe('loca.lt');
    expect(tunnelDomainOf('evilloca.lt')).toBeUndefined();
  });

  it('loopback fails without allowPrivateNetwork and passes with it (real lookup)', async () => {
    const strict = await collect({ url: 'https://localhost:1/hook', allowPrivateNetwork: false, probes: { timeoutMs: 1000 } });
    const failed = await judge(webhookPublic, strict);
    expect(failed.verdict).toBe('fail');
    expect(failed.findings?.[0]?.message).toMatch(/127\.0\.0\.1|::1/);
    const allowed = await judge(webhookPublic, { ...strict, config: probeConfig({ allowPrivateNetwork: true }) });
    expect(allowed.verdict).toBe('pass');
    expect(allowed.summary).toContain('allowPrivateNetwork');
  });

  it('fails a host that does not resolve', async () => {
    const out = await judge(webhookPublic, await collect({ url: 'https://golive-nowhere.invalid/hook' }));
    expect(out.ids).toEqual(['dns-failed']);
  });
});
