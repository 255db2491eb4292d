import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Plugin examples import the package by name; point that at this checkout's build.
    alias: [
      { find: /^mintcash-golive\/testing$/, replacement: new URL('./dist/src/testing/index.js', import.meta.url).pathname },
      { find: /^mintcash-golive$/, replacement: new URL('./dist/src/api.js', import.meta.url).pathname },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/plugins/**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'bench/.work/**', 'test/fixtures/**'],
    // Beside the default output, every skipped test is listed with its reason after the run.
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    globalSetup: ['./test/helpers/cache-dir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Forks keep native parsers and servers isolated. At least two workers even on two cores:
    // most test time is spent waiting on the CLIs, servers and git processes a test starts, and on
    // a quiet 2-core machine the whole suite took 579 s with two workers against about 780 s with
    // vitest's default of one (cores - 1); every test passed both ways.
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
