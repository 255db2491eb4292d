// The code index collector: languages, test-file marking, parse failures as notes, and the
// tokenizer's handling of comments and strings.
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/evidence/code/tokenize.js';
import { languageOf } from '../../../src/evidence/code/index.js';
import { indexSources } from '../../helpers/code.js';

describe('code index', () => {
  it('maps extensions to languages', () => {
    expect(['a.mjs', 'a.cts', 'a.tsx', 'a.py', 'a.go', 'a.rb', 'a.php', 'A.java', 'a.md'].map(languageOf)).toEqual(['js', 'ts', 'ts', 'python', 'go', 'ruby', 'php', 'java', undefined]);
  });

  it('turns a file that fails to parse into a note, not a crash', async () => {
    const code = await indexSources({
      'bad.ts': "const signature = req.headers['x-signature'];\nif (signature === ) {\n",
      'good.js': "await mintcash.post('/payments', { externalId: order.id });\n",
    });
    expect(code.notes).toHaveLength(1);
    expect(code.notes[0]).toMatchObject({ source: 'code', file: 'bad.ts' });
    expect(code.files.find((f) => f.path === 'bad.ts')).toMatchObject({ parsed: false });
    expect(code.calls).toHaveLength(1);
  });

  it('parses only files that can hold a call or a handler, and reads guards elsewhere only when needed', async () => {
    const guarded = [
      "import { createHmac, timingSafeEqual } from 'node:crypto';",
      'export function handle(req, raw, secret, seen) {',
      "  const sig = req.headers['x-signature'];",
      "  const mac = createHmac('sha256', secret ?? process.env.MINTCASH_WEBHOOK_SECRET).update(raw).digest('hex');",
      '  if (sig.length !== mac.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(mac))) return 401;',
      '  const event = JSON.parse(raw);',
      "  if (event.environment !== 'live') return 400;",
      '  if (seen.has(event.eventId)) return 200;',
      '  return 200;',
      '}',
    ].join('\n');
    const chatter = {
      'src/refund.ts': "export const refund = (environment: string) => `refund in ${environment}`;\n",
      'src/guards.ts': "export const isLive = (e: { environment: string; eventId: string }) => e.environment === 'live' && seen.has(e.eventId);\nconst seen = new Set();\n",
    };
    const all = await indexSources({ 'src/webhook.js': guarded, ...chatter });
    expect(all.filesIndexed).toBe(1);
    const bare = guarded.replace("  if (event.environment !== 'live') return 400;\n", '');
    const split = await indexSources({ 'src/webhook.js': bare, ...chatter });
    expect(split.filesIndexed).toBe(3);
    expect(split.environmentChecks.map((e) => e.file)).toContain('src/guards.ts');
  });

  it('skips binary, vendored and minified files', async () => {
    const code = await indexSources({
      'node_modules/x/index.js': "fetch('/payments', { method: 'POST', body: '{}' });\n",
      'public/app.min.js': "fetch('/payments', { method: 'POST', body: '{}' });\n",
      'blob.js': 'a\0b',
    });
    expect(code.calls).toEqual([]);
    expect(code.files.map((f) => f.path)).toEqual(['blob.js']);
  });

  it('links an app-wide JSON parser to a webhook router mounted from another CommonJS file, once', async () => {
    const hook = "const crypto = require('crypto');\nconst router = require('express').Router();\nrouter.post('/mintcash', (req, res) => {\n  const sig = req.headers['x-signature'];\n  crypto.createHmac('sha256', k).update(req.rawBody);\n});\nmodule.exports = router;\n";
    const app = "const express = require('express');\nconst app = express();\napp.use('/api', express.json());\napp.use(express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }));\napp.use(bodyParser.json());\napp.use('/hooks', require('./routes/hooks'));\napp.use(express.json());\n";
    const code = await indexSources({ 'server.js': app, 'routes/hooks.js': hook });
    // Scoped to /api, kept a raw copy, or mounted after the router: only bodyParser.json() on line 5 counts.
    expect(code.handlers[0]?.jsonParsers.map((p) => `${p.file}:${p.line} ${p.text}`)).toEqual(['server.js:5 bodyParser.json()']);
  });

  it('marks test files per config and keeps their facts out of repo-wide lookups', async () => {
    const code = await indexSources({ 'src/__tests__/hook.js': "if (event.environment !== 'live') x();\n" });
    expect(code.files[0]?.isTest).toBe(true);
    expect(code.environmentChecks).toEqual([]);
  });

  it('tokenizer drops comments and keeps strings whole', () => {
    const py = tokenize('x = "a # not a comment"  # a comment "/payments"\ny = f"{BASE}/payments"\n', 'python');
    expect(py.filter((t) => t.kind === 'str').map((t) => t.text)).toEqual(['a # not a comment', '{}/payments']);
    expect(py.find((t) => t.text === '{}/payments')?.interp).toEqual(['BASE']);
    const go = tokenize('/* "/payments" */ s := `raw "q"` // x\n', 'go');
    expect(go.map((t) => t.text)).toEqual(['s', ':=', 'raw "q"']);
    const rb = tokenize("=begin\nhttp.post('/payments')\n=end\nputs \"#{a}/subscriptions\"\n", 'ruby');
    expect(rb.filter((t) => t.kind === 'str').map((t) => [t.text, t.line])).toEqual([['{}/subscriptions', 4]]);
    const php = tokenize("<?php # c\n$u = \"{$base}/payments\"; // c\n", 'php');
    expect(php.find((t) => t.kind === 'str')).toMatchObject({ text: '{}/payments', interp: ['$base'], line: 2 });
  });
});
