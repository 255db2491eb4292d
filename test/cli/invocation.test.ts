// How golive was invoked, for hints that repeat it: what npm, npx, pnpm and yarn leave in the
// environment and where the bin lives.
import { describe, expect, it } from 'vitest';
import { invocation } from '../../src/cli/invocation.js';

const local = '/srv/ana/shop/node_modules/.bin/golive';

describe('invocation', () => {
  it('says npx golive for the project\'s own install run through npx, npm exec or an npm script', () => {
    expect(invocation({ npm_command: 'exec', npm_lifecycle_event: 'npx' }, local)).toBe('npx golive');
    expect(invocation({ npm_command: 'run-script', npm_lifecycle_event: 'golive:ci' }, local)).toBe('npx golive');
  });

  it('says npx mintcash-golive when npx fetched the package into its cache', () => {
    expect(invocation({ npm_command: 'exec' }, '/srv/ana/.npm/_npx/0a1b2c/node_modules/.bin/golive')).toBe('npx mintcash-golive');
  });

  it('follows pnpm and yarn by their user agent', () => {
    expect(invocation({ npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v22.12.0 linux x64' }, local)).toBe('pnpm exec golive');
    expect(invocation({ npm_config_user_agent: 'yarn/4.1.0 npm/? node/v22.12.0 linux x64' }, local)).toBe('yarn golive');
  });

  it('says golive for a global install or a checkout, whatever npm variables an outer process left behind', () => {
    expect(invocation({}, '/usr/local/bin/golive')).toBe('golive');
    expect(invocation({ npm_command: 'exec' }, '/usr/lib/node_modules_global/golive/bin/golive.js')).toBe('golive');
    expect(invocation({ npm_command: 'exec' }, '/srv/golive/bin/golive.js')).toBe('golive');
  });
});
