// The plugins' sandbox thread started before golive's CLI has loaded (bin/golive.js calls this
// first): loading the CLI is golive's own thread alone for its first 150-300 ms, and a Node worker
// takes about 50 ms of CPU to boot, then QuickJS's instance in it; started here it boots on the
// other core meanwhile, and the sandbox adopts it (sandbox-spawn.ts). Only for `golive check` whose
// config, at a glance, names plugins: the glance reads the config files the run would (the nearest
// golive.config.* from the target directories up to the repository root, `--config`, `--policy` or
// GOLIVE_POLICY) and looks for a non-empty `plugins` list. It is a guess and decides nothing: the
// run loads its config and trusted policy as always, and a thread nobody adopts runs no code and
// ends with golive. Nothing here may fail a run.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_NAMES } from '../config/names.js';

/** A non-empty `plugins` list, in JSON or YAML (block or flow). */
const NAMES_PLUGINS = /(?:"plugins"\s*:\s*\[\s*[^\]\s]|^plugins\s*:\s*(?:\[\s*[^\]\s]|(?:#.*)?\n(?:\s*(?:#.*)?\n)*\s*-\s))/m;
/** Config files larger than this are not glanced at. */
const MAX_BYTES = 256 * 1024;

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;

function namesPlugins(file: string): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  return st?.isFile() === true && st.size <= MAX_BYTES && NAMES_PLUGINS.test(readFileSync(file, 'utf8'));
}

/** The config files a run in `dir` would read: the nearest golive.config.* up to the repository root. */
function nearestConfig(dir: string): string[] {
  for (let cur = path.resolve(dir); ; ) {
    const found = CONFIG_NAMES.map((n) => path.join(cur, n)).filter((f) => statSync(f, { throwIfNoEntry: false }));
    if (found.length > 0) return found;
    const up = path.dirname(cur);
    if (up === cur || statSync(path.join(cur, '.git'), { throwIfNoEntry: false })) return [];
    cur = up;
  }
}

/** The value of `--name value` or `--name=value` in argv. */
function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

/** Whether `golive <argv>` is a check run whose config, at a glance, names plugins. */
export function glanceNamesPlugins(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): boolean {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (argv[at] !== 'check') return false;
  const files = [flag(argv, '--config'), flag(argv, '--policy') ?? (env.GOLIVE_POLICY || undefined)].filter((f): f is string => f !== undefined).map((f) => path.resolve(cwd, f));
  // Target directories: any argument that is one, else the working directory.
  const dirs = argv.slice(at + 1).filter((a) => !a.startsWith('-') && isDir(path.resolve(cwd, a)));
  for (const d of dirs.length > 0 ? dirs : [cwd]) files.push(...nearestConfig(path.resolve(cwd, d)));
  return files.some(namesPlugins);
}

/** Starts the sandbox thread when this run will, at a glance, load plugins. */
export async function startEarly(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    if (!glanceNamesPlugins(argv, env, process.cwd())) return;
    const [{ startEarlyThread }, { PLUGIN_LIMITS }] = await Promise.all([import('./sandbox-spawn.js'), import('./limits.js')]);
    startEarlyThread(PLUGIN_LIMITS);
  } catch {
    // The sandbox starts its own thread when it needs one.
  }
}
