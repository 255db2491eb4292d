// The example plugin's own tests, written with golive's tester as a plugin author would.
import { describe, it } from 'vitest';
import { CheckTester } from 'mintcash-golive/testing';
import type { CredentialItem } from 'mintcash-golive';
import { allowedCurrencies } from '../checks/allowed-currencies.js';
import { credentialsFromVault } from '../checks/credentials-from-vault.js';
import { lockfilePresent } from '../checks/lockfile-present.js';

CheckTester.describe = describe;
CheckTester.it = it;

// Built at run time: no key-shaped string may be committed.
const liveSecret = 'sk_' + 'live_' + 'Q'.repeat(20) + 'a1b2';
const keys = (items: CredentialItem[]) => ({ keys: { environment: 'live' as const, items, productionFiles: [], notes: [] } });
const repo = (paths: string[]) => ({ repo: { root: '/r', isGit: true, files: paths.map((path) => ({ path, size: 1 })), notes: [] } });

CheckTester.run(credentialsFromVault, {
  valid: [
    { name: 'no credentials at all', evidence: keys([]) },
    { name: 'only from the environment', evidence: keys([{ source: 'env', name: 'MINTCASH_SECRET_KEY', role: 'secretKey', value: liveSecret }]) },
  ],
  invalid: [
    {
      name: 'a key in a committed config file',
      evidence: keys([{ source: 'config-file', name: 'mintcash.secret', file: 'config/prod.yaml', line: 4, column: 11, value: liveSecret }]),
      findings: [{ messageId: 'credential-in-config-file', file: 'config/prod.yaml', line: 4 }],
    },
  ],
});

CheckTester.run(lockfilePresent, {
  valid: [
    { name: 'npm lockfile at the root', evidence: repo(['package.json', 'package-lock.json']) },
    { name: 'go.sum in a service folder', evidence: repo(['services/pay/go.mod', 'services/pay/go.sum']) },
  ],
  invalid: [
    { name: 'no lockfile', evidence: repo(['package.json', 'src/index.ts']), findings: [{ messageId: 'no-lockfile' }] },
    { name: 'a file merely named like a lockfile', evidence: repo(['docs/yarn.lock.md']), findings: [{ messageId: 'no-lockfile' }] },
  ],
});

// A check with an option and a granted read: the case gives both, as the plugin's entry in config would.
const payments = (text: string) => ({ reads: { files: [{ path: 'config/payments.json', size: text.length, text }], skipped: [] } });

CheckTester.run(allowedCurrencies, {
  valid: [
    { name: 'only approved currencies', evidence: payments('{ "currencies": ["USD", "EUR"] }'), pluginOptions: { currencies: ['USD', 'EUR'] } },
    { name: 'no payment config at all', evidence: { reads: { files: [], skipped: [] } }, pluginOptions: { currencies: ['USD'] }, status: 'skip' },
  ],
  invalid: [
    {
      name: 'a currency finance has not approved',
      evidence: payments('{\n  "currencies": [\n    "USD",\n    "JPY"\n  ]\n}\n'),
      pluginOptions: { currencies: ['USD'] },
      findings: [{ messageId: 'unapproved-currency', file: 'config/payments.json', line: 4 }],
    },
  ],
});
