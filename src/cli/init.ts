// `golive init`: write golive.config.json through prompts, or from flags with --yes (for CI).
import type { Command } from 'commander';
import { Option } from 'commander';
import { collectList, oneOf, parseUrlOption } from './shared.js';
import type { Output } from '../output/boundary.js';

export interface InitFlags {
  yes?: boolean;
  force?: boolean;
  environment?: 'live' | 'test';
  webhookUrl?: string;
  testWebhookUrl?: string;
  productionConfig?: string[];
  publicKeyEnv?: string;
  secretKeyEnv?: string;
  webhookSecretEnv?: string;
}

export function registerInit(program: Command, setCode: (code: number) => void, output: Output): void {
  program
    .command('init')
    .description('write a golive.config.json for this repository (asks, or takes flags with --yes)')
    .argument('[dir]', 'the merchant repository', '.')
    .option('-y, --yes', 'no prompts: use flags and detected defaults (for CI and scripts)')
    .option('--force', 'overwrite an existing golive.config.json')
    .addOption(new Option('--environment <env>', 'target environment').argParser(oneOf(['live', 'test'] as const, '--environment')))
    .option('--webhook-url <url>', 'the deployed live webhook endpoint', parseUrlOption)
    .option('--test-webhook-url <url>', 'the old test-mode webhook URL to retire', parseUrlOption)
    .option('--production-config <globs>', 'files that end up in production (comma-separated globs)', collectList)
    .option('--public-key-env <name>', 'variable holding the public key')
    .option('--secret-key-env <name>', 'variable holding the secret key')
    .option('--webhook-secret-env <name>', 'variable holding the webhook signing secret')
    .addHelpText('after', `
Examples:
  $ golive init
  $ golive init --yes --webhook-url https://shop.example.com/webhooks/mintcash
  $ golive init ./shop --yes --production-config ".env.production,deploy/*.yaml" --force`)
    .action(async (dir: string, flags: InitFlags) => {
      const [{ runInit }, { inquirerPrompter }] = await Promise.all([import('./init-run.js'), import('./prompter.js')]);
      const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      setCode(await runInit(dir, flags, { prompter: flags.yes ? undefined : interactive ? inquirerPrompter() : undefined, out: output.out, env: process.env }));
    });
}
