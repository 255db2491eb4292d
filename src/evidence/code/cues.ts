// What the code index needs to know of a file before it reads it: its language (by extension) and
// whether its text can hold anything a code check looks at. Kept free of imports so the secret
// scan's workers, which read every file anyway, can answer the second question on the bytes they
// already hold (issue 14: each file read once, the matching spread over both cores).
import path from 'node:path';
import type { CodeLanguage } from './types.js';

const EXTENSIONS: Record<string, CodeLanguage> = {
  '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'js',
  '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'ts',
  '.py': 'python', '.go': 'go', '.rb': 'ruby', '.php': 'php', '.java': 'java',
};

export function languageOf(file: string): CodeLanguage | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/** Source files above this are generated or bundled code, not a merchant's handler. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * Phase 1 parses only files that can hold a MintCash call or a webhook handler. Payment code says
 * "payment", "refund" and "environment" everywhere, so these need the URL path or the signature
 * machinery itself, not the words.
 */
// A refund's path is /payments/{id}/refund, so "/refund" alone (e.g. `require('./refund')`) is no cue.
// Also files that mount a JSON body parser (the webhook router may live in another file) or turn
// Next.js's off, and Web Crypto verifications.
const CALL_OR_HANDLER = /\/(?:payments|subscriptions)\b|x[-_]signature|hmac|subtle\.(?:sign|verify)|nacl\.sign|(?:jwt|compact|flattened)Verify\(|(?:express|bodyParser)\.json\(|bodyParser\s*:/i;
/** What a set-aside file would have given the code checks: a handler's signature machinery, a create call. */
const HANDLER_CUE = /x[-_]signature|hmac|subtle\.(?:sign|verify)|nacl\.sign|(?:jwt|compact|flattened)Verify\(/i;
const CALL_CUE = /\/(?:payments|subscriptions)\b/;
/** Phase 2 (only when a handler's own file lacks them): environment and eventId facts elsewhere. */
const GUARD_FACTS = /environment|event_?id/i;

/** A file's cue, as the scan records it: 0 is "not looked at", so the code index reads it itself. */
export const Cue = { Unknown: 0, Nothing: 1, CallOrHandler: 2, GuardFacts: 3 } as const;
export type Cue = (typeof Cue)[keyof typeof Cue];

/** What in `source` a code check looks for, for the list of files set aside. */
export function holdsOf(source: string): ('handler' | 'call')[] {
  return [...(HANDLER_CUE.test(source) ? (['handler'] as const) : []), ...(CALL_CUE.test(source) ? (['call'] as const) : [])];
}

/** The cue of a source text (decoded as UTF-8, as the code index reads it). */
export function cueOf(source: string): Cue {
  if (CALL_OR_HANDLER.test(source)) return Cue.CallOrHandler;
  return GUARD_FACTS.test(source) ? Cue.GuardFacts : Cue.Nothing;
}
