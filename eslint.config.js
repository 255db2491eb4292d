// Lint, plus the layer rules of GUIDE §3 enforced as restricted imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const io = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', 'node:net', 'node:tls', 'node:http', 'node:https', 'node:dns', 'node:child_process', 'execa'];
const ui = ['chalk', 'ora', '@inquirer/prompts', '@inquirer/*', 'commander'];
const restrict = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/.work/**', 'golive-report/**', 'examples/**/node_modules/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only bin/golive.js ends the process: return an exit code instead.' }],
    },
  },
  {
    files: ['checks/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: restrict([...io, ...ui], 'Checks judge evidence; they never do I/O or UI (GUIDE §3).'),
        patterns: [
          // keymatch.js is pure (the key pattern and its placeholder rule), not a collector.
          { group: ['**/src/evidence/*', '!**/src/evidence/types.js', '!**/src/evidence/keymatch.js'], message: 'Checks receive evidence; they never call collectors.' },
          { group: ['**/src/report/*', '**/src/cli/*'], message: 'Checks never render or talk to the user.' },
        ],
      }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restrict(ui, 'The engine has no UI; the CLI renders.') }] },
  },
  {
    files: ['src/report/**/*.ts'],
    ignores: ['src/report/load.ts', 'src/report/write.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restrict([...io, 'ora', '@inquirer/prompts', 'commander'], 'Renderers are pure functions of a RunReport.') }] },
  },
  {
    files: ['src/evidence/**/*.ts'],
    ignores: ['src/evidence/git.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...restrict(ui, 'Collectors gather facts; they never prompt or render.'),
          ...restrict(['execa', 'node:child_process', 'child_process'], 'Run git through src/evidence/git.ts: it turns off everything a hostile repository could make git run (GUIDE §5, issue 13).'),
        ],
      }],
    },
  },
  {
    files: ['src/evidence/git.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restrict(ui, 'Collectors gather facts; they never prompt or render.') }] },
  },
  {
    // bin/ is the product's only exit; scripts/, bench/ and the example shops are standalone programs.
    files: ['bin/**/*.js', 'scripts/**/*.ts', 'bench/**/*.mjs', 'examples/*shop/**/*.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
