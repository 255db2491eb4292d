// Compiles a plugin (JS or TS, ESM or CommonJS) and its own relative imports into one ES module in
// a private temp directory, so the sandboxed child needs no module hooks (Node runs those on a
// worker thread, which the sandbox forbids). `mintcash-golive` is bundled from this very
// installation; any other package stays external at its resolved absolute path, so native modules
// and the plugin's own dependencies load as installed. Nothing of the plugin runs here.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { onCleanup } from '../cleanup.js';
import { ownModule } from '../paths.js';

const SELF: Record<string, string> = {
  'mintcash-golive': ownModule('api.js'),
  'mintcash-golive/testing': ownModule('testing', 'index.js'),
};

export interface Bundle {
  file: string;
  /** Directories the child must be able to read for the externals to load. */
  readPaths: string[];
}

/** The package root of a file inside node_modules (…/node_modules/@scope/name), else its directory. */
function packageRoot(file: string): string {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf('node_modules');
  if (i === -1) return path.dirname(file);
  const take = parts[i + 1]?.startsWith('@') ? i + 3 : i + 2;
  return parts.slice(0, take).join(path.sep);
}

let tempDir: string | undefined;

/** One private temp directory per golive process for every bundle; removed by removeBundles(). */
async function bundleDir(): Promise<string> {
  if (!tempDir) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'golive-plugins-'));
    tempDir = dir;
    onCleanup(removeBundles);
    // The safety net for hosts that never run golive's cleanups (a test runner using the tester).
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return tempDir;
}

let esbuildStarted = false;

/** esbuild's long-lived service process goes too, so nothing outlives golive. */
async function stopEsbuild(): Promise<void> {
  if (!esbuildStarted) return;
  esbuildStarted = false;
  const { stop } = await import('esbuild');
  await stop();
}

export async function removeBundles(): Promise<void> {
  const dir = tempDir;
  tempDir = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
}

let counter = 0;

export async function bundlePlugin(entry: string): Promise<Bundle> {
  const { build } = await import('esbuild');
  if (!esbuildStarted) {
    esbuildStarted = true;
    onCleanup(stopEsbuild);
  }
  const externals = new Set<string>();
  const resolveBare: Plugin = {
    name: 'golive-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        if (SELF[args.path]) return { path: SELF[args.path] };
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length > 0 || !r.path) return { errors: r.errors.length ? r.errors : [{ text: `cannot resolve ${args.path}` }] };
        externals.add(r.path);
        return { path: r.path, external: true };
      });
    },
  };
  const file = path.join(await bundleDir(), `plugin-${++counter}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [resolveBare],
    // A CommonJS plugin may `require()` its dependencies; ES modules have no `require` of their own.
    banner: { js: "import { createRequire as __goliveCreateRequire } from 'node:module'; const require = __goliveCreateRequire(import.meta.url);" },
  });
  return { file, readPaths: [...new Set([...externals].map(packageRoot))] };
}

/** esbuild's error text, one line: `plugins/x.js:1:40: Unexpected ";"`. */
export function describeBuildError(e: unknown): string | undefined {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  const first = errors?.[0];
  if (!first) return undefined;
  const at = first.location ? `${path.resolve(first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : '';
  return `${at}${first.text}`;
}
