// `golive list` and `golive explain <id>`: the catalogue of checks, from the registry itself.
import type { Command } from 'commander';
import { Option } from 'commander';
import { GoliveError } from '../errors.js';
import type { Check } from '../engine/types.js';
import { loadProject, oneOf, suggestIds } from './shared.js';

const SECTION_NAMES: Record<string, string> = {
  credentials: '1. Credentials',
  webhook: '2. Webhook endpoint',
  idempotency: '3. Idempotency',
  rehearsal: '4. Dress rehearsal',
};

function describeCheck(c: Check) {
  return {
    id: c.id,
    section: c.section,
    kind: c.kind,
    severity: c.defaultSeverity,
    title: c.title,
    failureTitle: c.failureTitle,
    why: c.why,
    fix: c.fix,
    requires: [...c.requires],
    source: c.source ?? 'builtin',
  };
}

export function renderList(checks: readonly Check[]): string {
  const lines: string[] = [];
  let section = '';
  const width = Math.max(...checks.map((c) => c.id.length), 10);
  for (const c of checks) {
    if (c.section !== section) {
      section = c.section;
      lines.push(`${lines.length ? '\n' : ''}${SECTION_NAMES[section] ?? section}`);
    }
    const from = c.source ? `  [plugin ${c.source}]` : '';
    lines.push(`  ${c.id.padEnd(width)}  ${c.kind.padEnd(7)}  ${c.defaultSeverity.padEnd(7)}  ${c.title}${from}`);
  }
  lines.push('', 'Run `golive explain <id>` for why a check matters and how to fix it.');
  return `${lines.join('\n')}\n`;
}

export function renderExplain(c: Check): string {
  return [
    `${c.id}  (${SECTION_NAMES[c.section] ?? c.section}; ${c.kind}; default severity ${c.defaultSeverity})`,
    '',
    `Passes:  ${c.title}`,
    `Fails:   ${c.failureTitle}`,
    '',
    'Why it matters',
    `  ${c.why}`,
    '',
    'How to fix',
    `  ${c.fix}`,
    '',
    `Evidence: ${c.requires.join(', ') || '(none)'}`,
    `Source:   ${c.source ? `plugin ${c.source}` : 'built in'}`,
    `Configure: "checks": { "${c.id}": "off" | "warning" | "error" }`,
    `Suppress one line: // golive-ignore ${c.id}: <reason>`,
    '',
  ].join('\n');
}

export function registerList(program: Command, setCode: (code: number) => void): void {
  program
    .command('list')
    .description('list every check with its id, section, kind and default severity')
    .addOption(new Option('-f, --format <format>', 'text or json').argParser(oneOf(['text', 'json'] as const, '--format')).default('text'))
    .option('-c, --config <file>', 'config file whose plugins to include (default: golive.config.* here)')
    .addHelpText('after', '\nExamples:\n  $ golive list\n  $ golive list --format json | jq -r ".[].id"')
    .action(async (flags: { format: 'text' | 'json'; config?: string }) => {
      const { checks } = (await loadProject(process.cwd(), flags.config)).registry;
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(checks.map(describeCheck), null, 2)}\n` : renderList(checks));
      setCode(0);
    });

  program
    .command('explain')
    .description('explain one check: what it verifies, why it matters, how to fix it')
    .argument('<id>', 'a check id, e.g. credentials.live-keys')
    .addOption(new Option('-f, --format <format>', 'text or json').argParser(oneOf(['text', 'json'] as const, '--format')).default('text'))
    .option('-c, --config <file>', 'config file whose plugins to include (default: golive.config.* here)')
    .addHelpText('after', '\nExamples:\n  $ golive explain webhook.signature\n  $ golive explain credentials.no-secrets-in-source --format json')
    .action(async (id: string, flags: { format: 'text' | 'json'; config?: string }) => {
      const { registry } = await loadProject(process.cwd(), flags.config);
      const check = registry.byId.get(id);
      if (!check) {
        const near = suggestIds(id, registry.ids);
        throw new GoliveError('USAGE', `unknown check id: ${id}`, {
          suggestion: near.length ? `Did you mean ${near.join(' or ')}? \`golive list\` shows every id.` : '`golive list` shows every id.',
        });
      }
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(describeCheck(check), null, 2)}\n` : renderExplain(check));
      setCode(0);
    });
}
