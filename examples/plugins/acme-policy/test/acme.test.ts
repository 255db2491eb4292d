// The example plugin's own tests, written with golive's tester as a plugin author would.
import { describe, it } from 'vitest';
import { CheckTester } from 'mintcash-golive/testing';
import type { CredentialItem } from 'mintcash-golive';
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
