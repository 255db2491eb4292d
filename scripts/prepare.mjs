// npm runs `prepare` after installing this package from git: pre-commit's `language: node` hook
// (.pre-commit-hooks.yaml) installs golive that way, and so does `npm install github:mintcash/golive`.
// git holds no dist/, so the package is built here. A checkout's own `npm ci` skips it: `npm test`,
// `npm run demo` and `npm run build` build anyway, and building twice would only cost time.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Runs npm in the package root; its exit status (0 when it succeeded). */
const npm = (args, env) => spawnSync('npm', args, { cwd: root, stdio: 'inherit', env }).status ?? 1;

if (process.env.npm_command !== 'ci' && !existsSync(path.join(root, 'dist/src/golive-cli.js'))) {
  // Under `npm install -g` (pre-commit's) npm passes `global` on to the install it runs in the git
  // clone, so the build tools land in the global prefix instead of here: install them here first.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.toLowerCase() !== 'npm_config_global'));
  const tools = existsSync(path.join(root, 'node_modules/typescript/package.json')) ? 0 : npm(['ci', '--global=false', '--ignore-scripts', '--include=dev', '--no-audit', '--no-fund'], env);
  process.exitCode = tools || npm(['run', 'build'], env);
}
