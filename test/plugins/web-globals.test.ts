// URL, URLSearchParams, TextEncoder and TextDecoder in plugin code: QuickJS has none of them, so
// golive compiles pure implementations into the plugins that use them (core-js-pure's WHATWG URL,
// @exodus/bytes' WHATWG Encoding). The oracle is Node's own: each check below runs once in this
// process, on Node's implementations, and once in the sandbox, on golive's; they must agree.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from 'mintcash-golive/testing';
import type { Check, CheckOutcome } from 'mintcash-golive';
import webPlugin, { text, urls } from './fixtures/web-globals.js';
import { compilePlugin, compilePlugins } from '../../src/plugins/compile.js';

/** What the check says run here, on Node's URL and TextEncoder. */
async function inNode(check: Check, pluginOptions: Record<string, unknown>): Promise<Record<string, string>> {
  const out = (await check.run({ evidence: {}, pluginOptions } as never)) as CheckOutcome;
  return Object.fromEntries((out.findings ?? []).map((f) => [f.messageId, f.message]));
}

/** What the same check says in golive's sandbox. */
async function inSandbox(check: Check, pluginOptions: Record<string, unknown>): Promise<Record<string, string>> {
  const r = await runCheck(check, { evidence: {}, pluginOptions, plugin: webPlugin });
  expect(r.status, r.summary).toBe('fail');
  return Object.fromEntries(r.findings.map((f) => [f.messageId, f.message]));
}

const URLS = [
  // (No credentials in these: golive masks URL credentials in every finding.)
  'https://Example.COM:443/a/./b/../c?q=1&q=2#frag',
  '/relative/path?x=%20y&y=a+b',
  'https://münchen.example/straße?ä=ö',
  'http://[::1]:8080/%7Efoo/bar baz',
  'https://a.example:8443?',
  'HTTP://EXAMPLE.com/..%2f/x',
];

const TEXTS = ['plain ascii', 'é and 日本語', '😀 astral', ''];

describe('URL and URLSearchParams in a plugin', () => {
  for (const url of URLS) {
    it(`parses and serialises ${url} as Node does`, async () => {
      const [node, sandboxed] = await Promise.all([inNode(urls, { url }), inSandbox(urls, { url })]);
      // Node's URL has createObjectURL (blob: URLs are Node's own); the sandbox's has no such authority.
      expect(sandboxed.objectUrl).toBe('"undefined"');
      delete node.objectUrl;
      delete sandboxed.objectUrl;
      expect(sandboxed).toEqual(node);
      expect(sandboxed.invalid).toBe('"threw TypeError"');
    });
  }
});

describe('TextEncoder and TextDecoder in a plugin', () => {
  for (const s of TEXTS) {
    it(`encodes and decodes ${JSON.stringify(s)} as Node does`, async () => {
      const [node, sandboxed] = await Promise.all([inNode(text, { text: s }), inSandbox(text, { text: s })]);
      expect(sandboxed).toEqual(node);
      expect(sandboxed.fatal).toBe('"threw TypeError"');
      expect(sandboxed.unknownLabel).toBe('"threw RangeError"');
    });
  }
});

describe('only for the plugins that use them', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'golive-web-globals-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const plugin = (body: string) => `export default { apiVersion: 1, namespace: 'w', checks: [{ id: 'a', section: 'idempotency', kind: 'static', defaultSeverity: 'error', title: 't', failureTitle: 'f', why: 'w', fix: 'x', requires: [], run: () => { ${body} return {}; } }] };\n`;

  it('a plugin that names none carries none of their code; one that uses TextEncoder carries no URL', async () => {
    const compiled: Record<string, number> = {};
    for (const [name, body] of Object.entries({ none: '', text: 'new TextEncoder().encode("x");', url: 'new URL("https://a.example/");' })) {
      const file = path.join(dir, `${name}.mjs`);
      await writeFile(file, plugin(body));
      const { code } = await compilePlugin(file, { mode: 'plugin' });
      compiled[name] = code.length;
      expect(code.includes('Unknown encoding'), name).toBe(name === 'text');
      expect(code.includes('Invalid scheme'), name).toBe(name === 'url');
    }
    expect(compiled.none).toBeLessThan(20_000);
  });

  it('compiled together in one build (as golive loads plugins), each plugin gets the code it gets compiled alone', async () => {
    const files = Object.entries({ none: '', text: 'new TextEncoder().encode("x");', url: 'new URL("https://a.example/");' }).map(([name, body]) => ({ file: path.join(dir, `together-${name}.mjs`), body }));
    for (const f of files) await writeFile(f.file, plugin(f.body));
    const together = await Promise.all(compilePlugins(files.map((f) => f.file), { mode: 'plugin' }));
    // Only the name esbuild gives golive's synthetic entry module differs (its index in the build).
    const strip = (code: string) => code.replace(/^\/\/ golive-entry:\d+$/m, '');
    for (const [i, f] of files.entries()) expect(strip(together[i]!.code)).toBe(strip((await compilePlugin(f.file, { mode: 'plugin' })).code));
    expect(together.map((c) => c.code.includes('Invalid scheme'))).toEqual([false, false, true]);
  });
});
