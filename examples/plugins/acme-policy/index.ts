// ACME's go-live policies as a golive plugin. Add it to golive.config.json, with the options and
// the grant its currency check needs:
//   "plugins": [{ "use": "./examples/plugins/acme-policy/index.ts",
//                 "options": { "currencies": ["USD", "EUR"] },
//                 "grants": { "reads": ["config/payments.json"] } }]
import { definePlugin, PLUGIN_API_VERSION } from 'mintcash-golive';
import { allowedCurrencies } from './checks/allowed-currencies.js';
import { credentialsFromVault } from './checks/credentials-from-vault.js';
import { lockfilePresent } from './checks/lockfile-present.js';

export default definePlugin({
  apiVersion: PLUGIN_API_VERSION,
  namespace: 'acme',
  title: 'ACME policies',
  checks: [credentialsFromVault, lockfilePresent, allowedCurrencies],
  // ACME treats a missing lockfile as advice, not a blocker; users can still override.
  preset: { 'lockfile-present': 'warning' },
  // The options a plugin entry may give, checked at load (ESLint's style); defaults fill the gaps.
  schema: {
    type: 'object',
    properties: {
      currencies: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{3}$' }, minItems: 1, uniqueItems: true, default: ['USD'] },
    },
    additionalProperties: false,
  },
});
