// What a run that names plugins starts before it loads them, so that their start-up overlaps the
// built-in checks' evidence gathering: the sandbox thread always; on a first run (golive's cache
// off, or holding no compiled plugin yet, as on a fresh CI runner) also esbuild's service and an
// options validator in the sandbox, since every plugin will be compiled and its options checked.
// A run whose cache has compiled plugins starts neither: a plugin that changed starts them when
// it is compiled (load.ts).
import { existsSync } from 'node:fs';
import { cacheDir } from './cache.js';
import { compilesIn } from './compile-cache.js';
import { prestartCompiler } from './compile.js';
import { prepareValidator, prestartSandbox } from './sandbox.js';

export function prestartPlugins(env: NodeJS.ProcessEnv): void {
  prestartSandbox();
  const dir = cacheDir(env);
  if (dir && existsSync(compilesIn(dir))) return;
  prestartCompiler();
  prepareValidator();
}
