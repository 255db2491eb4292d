// Policy: production credentials come from the secrets manager (the environment), never from a
// config file committed to the repository.
import { defineCheck, maskSecret } from 'mintcash-golive';

export const credentialsFromVault = defineCheck({
  id: 'credentials-from-vault',
  section: 'credentials',
  kind: 'static',
  title: 'Production credentials come from the secrets manager',
  failureTitle: 'Production credentials are read from a committed config file',
  why: 'ACME rotates MintCash keys through Vault; a key in a config file survives rotation and leaks with the repository.',
  fix: 'Delete the value from the file and inject it from Vault as an environment variable at deploy time.',
  defaultSeverity: 'error',
  requires: ['keys'],
  run({ evidence }) {
    const fromFiles = evidence.keys.items.filter((item) => item.source === 'config-file');
    return {
      findings: fromFiles.map((item) => ({
        messageId: 'credential-in-config-file',
        message: `${item.name} (${maskSecret(item.value)}) is set in a committed file; inject it from Vault instead.`,
        file: item.file,
        line: item.line,
        column: item.column,
        fingerprintOf: item.value,
      })),
    };
  },
});
