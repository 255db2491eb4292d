// Entry point of the token-level scanners (Python, Go, Ruby, PHP, Java): lex once, then run the
// call finder and the webhook finder over the same tokens.
import { findTokenCalls } from './token-calls.js';
import { findTokenWebhook } from './token-webhook.js';
import { tokenize } from './tokenize.js';
import { Tokens } from './tokens.js';
import type { FileFacts, ScanContext } from './types.js';

const RELEVANT = /payments|subscriptions|signature|hmac|environment|event_?id|refund/i;

/** `probe`: read a file only for its calls (the one-hop follow), whatever it names. */
export function scanTokens(ctx: ScanContext, source: string, probe = false): FileFacts {
  const facts: FileFacts = { calls: [], environmentChecks: [], dedupChecks: [] };
  if (!probe && !RELEVANT.test(source)) return facts;
  try {
    const tk = new Tokens(tokenize(source, ctx.language));
    facts.calls = findTokenCalls(ctx, tk, source);
    const web = findTokenWebhook(ctx, source, tk);
    if (web.handler) facts.handler = web.handler;
    facts.environmentChecks = web.environmentChecks;
    facts.dedupChecks = web.dedupChecks;
    if (web.paramInputs.length > 0) facts.paramInputs = web.paramInputs;
    if (web.bodyArgs.length > 0) facts.bodyArgs = web.bodyArgs;
  } catch (e) {
    // A scanner bug on one odd file must not sink the run: the file becomes a note.
    facts.error = e instanceof Error ? e.message : String(e);
  }
  return facts;
}
