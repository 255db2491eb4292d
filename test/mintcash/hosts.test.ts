// The send rule and the host normaliser as tables: every spelling of this machine, of MintCash's
// hosts and of look-alikes, then who may send which keys where. Through the CLI and real servers in
// test/hostile/send-rule.test.ts.
import { describe, expect, it } from 'vitest';
import { decideSend, isLoopbackAddress, normaliseHost, operatorApi, parseHostSpec, sameApiUrl, type OperatorApi } from '../../src/mintcash/hosts.js';
import { fakeKey } from '../helpers/keys.js';

const live = [fakeKey('pk', 'live', 'h'), fakeKey('sk', 'live', 'h')];
const test = [fakeKey('pk', 'test', 'h'), fakeKey('sk', 'test', 'h')];
const op = (url: string, ...allow: string[]): OperatorApi => ({ baseUrl: { url, from: '--api-base-url' }, allowLiveHosts: allow.map((a) => parseHostSpec(a, '--allow-live-host')!) });

describe('normaliseHost', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['0x7f.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['127.255.255.254', '127.255.255.254', 'loopback'],
    ['[::ffff:7f00:1]', '127.0.0.1', 'loopback'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', '127.0.0.1', 'loopback'],
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['[::1]', '::1', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', '::1', 'loopback'],
    ['0.0.0.0', '0.0.0.0', 'loopback'],
    ['0', '0.0.0.0', 'loopback'],
    ['[::]', '::', 'loopback'],
    ['localhost', 'localhost', 'loopback'],
    ['localhost.', 'localhost', 'loopback'],
    ['LOCALHOST', 'localhost', 'loopback'],
    ['shop.localhost', 'shop.localhost', 'loopback'],
    ['api.mintcash.me', 'api.mintcash.me', 'live'],
    ['API.MintCash.ME.', 'api.mintcash.me', 'live'],
    // IDNA maps full-width letters to ASCII: the same host, as fetch would reach it.
    ['ａｐｉ.mintcash.me', 'api.mintcash.me', 'live'],
    ['sandbox.mintcash.me', 'sandbox.mintcash.me', 'sandbox'],
    // Look-alikes are other hosts: a Cyrillic а, a typo, a suffix, a prefix.
    ['аpi.mintcash.me', 'xn--pi-6kc.mintcash.me', 'other'],
    ['api.mintcash.com', 'api.mintcash.com', 'other'],
    ['api.mintcash.me.evil.example', 'api.mintcash.me.evil.example', 'other'],
    ['evil-api.mintcash.me', 'evil-api.mintcash.me', 'other'],
    ['localhost.evil.example', 'localhost.evil.example', 'other'],
    ['127.0.0.1.nip.io', '127.0.0.1.nip.io', 'other'],
    // IPv4-compatible, NAT64 and link-local forms are not loopback.
    ['[::7f00:1]', '::7f00:1', 'other'],
    ['[64:ff9b::7f00:1]', '64:ff9b::7f00:1', 'other'],
    ['10.0.0.1', '10.0.0.1', 'other'],
  ])('%s -> %s (%s)', (input, host, kind) => {
    expect(normaliseHost(input)).toEqual({ host, kind });
  });

  it('knows socket addresses of this machine, IPv4-mapped included', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['10.1.2.3', '::ffff:10.1.2.3', '203.0.113.7']) expect(isLoopbackAddress(a)).toBe(false);
  });

  it('compares API URLs after normalising', () => {
    expect(sameApiUrl('https://api.mintcash.me', 'https://API.mintcash.me.:443/')).toBe(true);
    expect(sameApiUrl('http://127.0.0.1:4010', 'http://2130706433:4010/')).toBe(true);
    expect(sameApiUrl('http://127.0.0.1:4010', 'http://127.0.0.1:4011')).toBe(false);
    expect(sameApiUrl('http://127.0.0.1:4010/live', 'http://127.0.0.1:4010')).toBe(false);
    expect(sameApiUrl('https://api.mintcash.me', 'http://api.mintcash.me')).toBe(false);
  });
});

describe('decideSend', () => {
  const LOOPBACK_FORMS = ['http://[::ffff:7f00:1]:18555', 'http://[0:0:0:0:0:ffff:127.0.0.1]:18555', 'http://2130706433:18555', 'http://0177.0.0.1:18555', 'http://0x7f.1:18555', 'http://localhost.:18555', 'http://LOCALHOST:18555', 'https://127.0.0.1:18555'];

  it('sends live keys to https://api.mintcash.me from anywhere, and nowhere else the repository names', () => {
    expect(decideSend({ configUrl: 'https://api.mintcash.me', keys: live })).toMatchObject({ ok: true, kind: 'production' });
    expect(decideSend({ configUrl: 'https://API.mintcash.me./v1/', keys: live })).toMatchObject({ ok: true, kind: 'production' });
    for (const url of [...LOOPBACK_FORMS, 'https://api.mintcash.com', 'https://аpi.mintcash.me', 'https://evil.example', 'https://api.mintcash.me.evil.example']) {
      const d = decideSend({ configUrl: url, keys: live });
      expect(d.ok, url).toBe(false);
      if (d.ok) continue;
      expect(d.refusal).toMatch(/^live-keys-(loopback|other-host)$/);
      // One line naming the normalised host and how to allow it on purpose.
      expect(d.message).not.toContain('\n');
      expect(d.message).toContain(`--allow-live-host ${d.url!.host}`);
      expect(d.message).toContain('nothing was sent');
    }
  });

  it('refuses live keys over http or another port of the live host, and at the sandbox', () => {
    expect(decideSend({ configUrl: 'http://api.mintcash.me', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-insecure' });
    expect(decideSend({ configUrl: 'https://api.mintcash.me:8443', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-insecure' });
    expect(decideSend({ configUrl: 'https://sandbox.mintcash.me', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-sandbox' });
    // Even when the operator asks: the sandbox never holds live keys.
    expect(decideSend({ operator: op('https://sandbox.mintcash.me', 'sandbox.mintcash.me'), configUrl: 'https://api.mintcash.me', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-sandbox' });
  });

  it('treats a mixed or unprefixed pair as live', () => {
    expect(decideSend({ configUrl: 'http://127.0.0.1:1', keys: [test[0], live[1]] })).toMatchObject({ ok: false, keys: 'live' });
    expect(decideSend({ configUrl: 'http://127.0.0.1:1', keys: [test[0], 'opaque-secret-value'] })).toMatchObject({ ok: false, keys: 'live' });
  });

  it('sends live keys elsewhere only when the operator names the URL and allows its host, and says so', () => {
    const url = 'https://mc-egress.corp.example';
    expect(decideSend({ operator: op(url), configUrl: 'https://api.mintcash.me', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-other-host' });
    const ok = decideSend({ operator: op(url, 'MC-EGRESS.corp.example.'), configUrl: 'https://api.mintcash.me', keys: live });
    expect(ok).toMatchObject({ ok: true, kind: 'custom', announce: "golive: sending live keys to mc-egress.corp.example, not MintCash's live API (allowed by --allow-live-host)" });
    // The allowance names a host: the repository's config cannot use it to pick the URL (its path or scheme).
    expect(decideSend({ operator: { allowLiveHosts: op(url, 'mc-egress.corp.example').allowLiveHosts }, configUrl: `${url}/forward/evil`, keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-other-host' });
    // An allowed host keeps https; plain http only on this machine.
    expect(decideSend({ operator: op('http://mc-egress.corp.example', 'mc-egress.corp.example'), configUrl: '', keys: live })).toMatchObject({ ok: false, refusal: 'live-keys-insecure' });
    expect(decideSend({ operator: op('http://[::ffff:7f00:1]:4010/live', '127.0.0.1'), configUrl: '', keys: live })).toMatchObject({ ok: true, kind: 'loopback' });
    // A port in the allowance must match.
    expect(decideSend({ operator: op('https://mc-egress.corp.example:8443', 'mc-egress.corp.example:9443'), configUrl: '', keys: live })).toMatchObject({ ok: false });
    expect(decideSend({ operator: op('https://mc-egress.corp.example:8443', 'mc-egress.corp.example:8443'), configUrl: '', keys: live })).toMatchObject({ ok: true });
  });

  it('never sends test keys to the live API; lets the repository use only the sandbox and this machine for them', () => {
    expect(decideSend({ configUrl: 'https://api.mintcash.me', keys: test })).toMatchObject({ ok: false, refusal: 'test-keys-production' });
    expect(decideSend({ operator: op('http://api.mintcash.me.'), configUrl: '', keys: test })).toMatchObject({ ok: false, refusal: 'test-keys-production' });
    expect(decideSend({ configUrl: 'https://sandbox.mintcash.me', keys: test })).toMatchObject({ ok: true, kind: 'sandbox' });
    for (const url of LOOPBACK_FORMS) expect(decideSend({ configUrl: url, keys: test }), url).toMatchObject({ ok: true, kind: 'loopback' });
    expect(decideSend({ configUrl: 'http://vm:4710', keys: test })).toMatchObject({ ok: false, refusal: 'test-keys-untrusted-host' });
    expect(decideSend({ operator: op('http://vm:4710'), configUrl: '', keys: test })).toMatchObject({ ok: true, kind: 'custom' });
  });

  it('refuses what is not an http(s) URL without credentials', () => {
    for (const url of ['ftp://api.mintcash.me', 'https://u:p@api.mintcash.me', 'not a url']) expect(decideSend({ configUrl: url, keys: live })).toMatchObject({ ok: false, refusal: 'bad-url' });
  });
});

describe('operatorApi', () => {
  it('takes the flag over the environment for the URL, and adds allowed hosts from both', () => {
    const { api, problems } = operatorApi({ apiBaseUrl: 'https://a.example', allowLiveHost: ['a.example,b.example:8443'] }, { GOLIVE_API_BASE_URL: 'https://c.example', GOLIVE_ALLOW_LIVE_HOST: '[::1]:9' });
    expect(problems).toEqual([]);
    expect(api.baseUrl).toEqual({ url: 'https://a.example', from: '--api-base-url' });
    expect(api.allowLiveHosts).toEqual([
      { host: 'a.example', from: '--allow-live-host' },
      { host: 'b.example', port: 8443, from: '--allow-live-host' },
      { host: '::1', port: 9, from: 'GOLIVE_ALLOW_LIVE_HOST' },
    ]);
    expect(operatorApi({}, { GOLIVE_API_BASE_URL: 'https://c.example' }).api.baseUrl).toEqual({ url: 'https://c.example', from: 'GOLIVE_API_BASE_URL' });
  });

  it('names what it cannot parse', () => {
    expect(operatorApi({ allowLiveHost: ['a.example/path'] }, { GOLIVE_API_BASE_URL: 'ftp://x' }).problems).toEqual([
      'GOLIVE_API_BASE_URL: "ftp://x" is not an http(s) URL without credentials',
      '--allow-live-host: "a.example/path" is not a host name, IP address or host:port',
    ]);
  });
});
