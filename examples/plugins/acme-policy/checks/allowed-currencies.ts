// Policy: the payment config charges only in currencies ACME's finance team has approved. The
// approved list is the plugin's option (`currencies`); the config is a repository file the check
// declares in `reads`, which golive reads on its behalf once the plugin entry grants it.
import { defineCheck } from 'mintcash-golive';

const CONFIG = 'config/payments.json';

export const allowedCurrencies = defineCheck({
  id: 'allowed-currencies',
  // The plugin's namespace: the check gets a section of its own in the checklist.
  section: 'acme',
  kind: 'static',
  title: 'Payments are charged only in approved currencies',
  failureTitle: 'The payment config charges in a currency finance has not approved',
  why: 'A charge in an unapproved currency settles into an account nobody reconciles.',
  fix: `Remove the currency from ${CONFIG}, or have finance approve it (the plugin's "currencies" option).`,
  defaultSeverity: 'error',
  requires: [],
  reads: [CONFIG],
  run({ evidence, pluginOptions }) {
    const approved = (pluginOptions?.currencies as string[] | undefined) ?? [];
    const file = evidence.reads?.files.find((f) => f.path === CONFIG);
    if (!file) return { status: 'skip', summary: `No ${CONFIG} in this repository: no currencies to judge.` };
    let config: { currencies?: unknown };
    try {
      config = JSON.parse(file.text) as { currencies?: unknown };
    } catch {
      return { findings: [{ messageId: 'unreadable-config', message: `${CONFIG} is not valid JSON.`, file: CONFIG }] };
    }
    const used = Array.isArray(config.currencies) ? config.currencies.filter((c): c is string => typeof c === 'string') : [];
    const lines = file.text.split('\n');
    return {
      summary: `${used.length} currencies configured; approved: ${approved.join(', ')}.`,
      findings: used
        .filter((c) => !approved.includes(c))
        .map((c) => ({
          messageId: 'unapproved-currency',
          message: `${c} is configured but not approved (approved: ${approved.join(', ')}).`,
          file: CONFIG,
          line: lines.findIndex((l) => l.includes(`"${c}"`)) + 1 || undefined,
          fingerprintOf: c,
        })),
    };
  },
});
