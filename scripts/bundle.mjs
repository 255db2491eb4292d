// Build step after tsc: the CLI as one ES module, dist/src/golive-cli.js, which bin/golive.js
// loads. Why: Node loads ~190 separate modules for `golive check` (zod alone is 95), and that
// loading was most of golive's fixed start-up cost, measured end to end against ripgrep (issue 14).
// The file sits in dist/src/ like src/paths.ts's output, so the relative paths to the scan worker
// and the plugin child (separate, unbundled entry points) are the same from both. oxc-parser and
// esbuild hold native binaries and stay external, as does @inquirer/prompts (with its character
// set tables, half a megabyte that only an interactive prompt needs): each loads from node_modules
// when first used, through a dynamic import().
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * zod's classic and core entries re-export all ~45 of its message locales (300 KB); golive sets none and
 * zod itself configures English, so the bundle keeps only that one.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](?:classic|core)[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), '../locales'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: args.path,
      loader: 'js',
    }));
  },
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(ROOT, 'dist/src/cli/main.js')],
  outfile: path.join(ROOT, 'dist/src/golive-cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['oxc-parser', 'esbuild', '@inquirer/prompts'],
  plugins: [zodEnglishOnly],
  // CommonJS dependencies call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __goliveRequire } from 'node:module'; const require = __goliveRequire(import.meta.url);" },
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

// The plugin options validator (ajv), as one script for the QuickJS sandbox, where it runs on the
// plugin's own schema (src/plugins/vm-validate.ts). QuickJS has no `console` of its own; the sandbox gives one.
await build({
  entryPoints: [path.join(ROOT, 'src/plugins/vm-validate.ts')],
  outfile: path.join(ROOT, 'dist/src/plugins/vm-validate-bundle.js'),
  bundle: true,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

// The plugins' sandbox thread with QuickJS's loader, as one CommonJS file: a worker thread loads
// its modules afresh, the ~20 files of quickjs-emscripten were a measurable part of its start, and
// a CommonJS worker skips setting up Node's ES module loader (10-20 ms of CPU per run, measured).
await build({
  entryPoints: [path.join(ROOT, 'dist/src/plugins/sandbox-worker.js')],
  outfile: path.join(ROOT, 'dist/src/plugins/sandbox-thread.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // quickjs-emscripten's ES modules name their own location (unused: golive hands in the WebAssembly).
  banner: { js: "const __goliveUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__goliveUrl' },
  target: 'node20',
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

/**
 * A library as the body of a function that returns its exports: nothing of it runs until a plugin
 * uses one of them.
 */
async function lazyLibrary(contents) {
  const r = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__lib',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return r.outputFiles[0].text;
}

// URL, URLSearchParams, TextEncoder and TextDecoder for plugin code, which runs in QuickJS where
// none exists: core-js's WHATWG URL (its pure build, which sets no global) and @exodus/bytes'
// WHATWG Encoding (UTF-8, UTF-16, single-byte; tested by its authors on QuickJS). compile.ts
// injects this module: esbuild adds an export only where a plugin uses that name, and each
// export is a pure call, so a plugin that uses none carries none of this code, and one that uses
// TextEncoder alone carries no URL code.
const url = await lazyLibrary("export { default as URL } from 'core-js-pure/actual/url/index.js'; export { default as URLSearchParams } from 'core-js-pure/actual/url-search-params/index.js';");
const text = await lazyLibrary("export { TextEncoder, TextDecoder } from '@exodus/bytes/encoding-lite.js';");
writeFileSync(
  path.join(ROOT, 'dist/src/plugins/vm-globals.js'),
  [
    '// Generated by scripts/bundle.mjs: web globals for plugin code in the sandbox (core-js-pure, MIT; @exodus/bytes, MIT).',
    'let url, text;',
    `function loadUrl() { ${url.trim()}\nreturn __lib; }`,
    `function loadText() { ${text.trim()}\nreturn __lib; }`,
    'function fromUrl(name) { return (url ??= loadUrl())[name]; }',
    'function fromText(name) { return (text ??= loadText())[name]; }',
    "export const URL = /* @__PURE__ */ fromUrl('URL');",
    "export const URLSearchParams = /* @__PURE__ */ fromUrl('URLSearchParams');",
    "export const TextEncoder = /* @__PURE__ */ fromText('TextEncoder');",
    "export const TextDecoder = /* @__PURE__ */ fromText('TextDecoder');",
    '',
  ].join('\n'),
);
