import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'bench/.work/**', 'test/fixtures/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: forks keep native parsers and servers isolated without oversubscribing.
    pool: 'forks',
  },
});
