// Test harness, loaded with `node --import` into a golive child process: the host names listed in
// TEST_RESOLVE_TO_LOOPBACK resolve to 127.0.0.1, as they would if a look-alike domain (a typo such
// as api.mintcash.com) pointed at an attacker's server. It changes name resolution only, the way an
// /etc/hosts entry would, so a test can prove such a host receives nothing without touching the
// machine's resolver. Used by test/hostile/send-rule.test.ts.
import dns from 'node:dns';

const names = new Set((process.env.TEST_RESOLVE_TO_LOOPBACK ?? '').split(',').filter(Boolean).map((n) => n.toLowerCase()));
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? {} : typeof options === 'number' ? { family: options } : (options ?? {});
  if (names.has(String(host).toLowerCase().replace(/\.$/, ''))) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return {};
  }
  return lookup.call(this, host, options, callback);
};
