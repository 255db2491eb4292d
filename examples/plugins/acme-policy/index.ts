// ACME's go-live policies as a golive plugin. Add it to golive.config.json:
//   "plugins": ["./examples/plugins/acme-policy/index.ts"]
import { definePlugin, PLUGIN_API_VERSION } from 'mintcash-golive';
import { credentialsFromVault } from './checks/credentials-from-vault.js';
import { lockfilePresent } from './checks/lockfile-present.js';

export default definePlugin({
  apiVersion: PLUGIN_API_VERSION,
  namespace: 'acme',
  checks: [credentialsFromVault, lockfilePresent],
  // ACME treats a missing lockfile as advice, not a blocker; users can still override.
  preset: { 'lockfile-present': 'warning' },
});
