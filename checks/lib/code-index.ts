// What the static code checks share: the code index's types, its production handlers, the two
// places a finding can sit (a whole handler, or one quoted piece of code), and the judgement of a
// guard every handler needs. Pure; no I/O.
import type { Check, CheckContext, CheckOutcome, FindingInput, RunOptions } from '../../src/engine/types.js';
import { notYetProven } from '../../src/engine/outcomes.js';
import type { EvidenceMap } from '../../src/evidence/types.js';

export type CodeIndex = EvidenceMap['code'];
export type Language = CodeIndex['files'][number]['language'];
export type Handler = CodeIndex['handlers'][number];
type Site = Pick<Handler, 'file' | 'line' | 'column'>;

/** Handlers in test code are fixtures of the merchant's own tests, not what production runs. */
export function productionHandlers(code: CodeIndex): Handler[] {
  return code.handlers.filter((h) => !h.isTest);
}

/** No handler to judge: out of scope in a narrowed run; in a full run the item is not proven. */
export function noHandlerOutcome(options: Pick<RunOptions, 'scoped'>): CheckOutcome {
  return notYetProven(
    options,
    'No webhook handler was found in the code (nothing reads x-signature or computes an HMAC)',
    'run golive in the repository (or service) that holds the webhook handler, or turn this check "off" in config if it lives elsewhere',
  );
}

/** No create call to judge: out of scope in a narrowed run; in a full run the item is not proven. */
export function noCreateCallOutcome(options: Pick<RunOptions, 'scoped'>): CheckOutcome {
  return notYetProven(
    options,
    'No MintCash create call (POST /payments, /subscriptions or /payments/{id}/refund) was found in the code',
    'run golive in the repository (or service) that calls MintCash, or turn this check "off" in config if it lives elsewhere',
  );
}

/** One finding per handler, placed at the handler: what is missing has no line of its own. */
function atEachHandler(handlers: readonly Handler[], messageId: string, message: (h: Handler) => string): FindingInput[] {
  return handlers.map((h) => ({
    messageId,
    message: message(h),
    file: h.file, line: h.line, column: h.column,
    fingerprintOf: h.file,
    evidence: { language: h.language },
  }));
}

/** A finding about one piece of code, fingerprinted by its (already redacted) text. */
export function atCode(messageId: string, message: string, site: Site, text: string, language: Language): FindingInput {
  return {
    messageId,
    message,
    file: site.file, line: site.line, column: site.column,
    fingerprintOf: text,
    evidence: { code: text, language },
  };
}

/**
 * A guard every handler needs (environment compare, eventId dedup): passes at the first place it is
 * found, else a finding at each handler. A handler may delegate to a service elsewhere in the repo,
 * so a guard there counts.
 */
export function judgeGuard(
  code: CodeIndex,
  guard: 'environmentChecks' | 'dedupChecks',
  found: (at: Site) => string,
  messageId: string,
  missing: (h: Handler) => string,
  options: Pick<RunOptions, 'scoped'>,
): CheckOutcome {
  const handlers = productionHandlers(code);
  if (handlers.length === 0) return noHandlerOutcome(options);
  const at = [...handlers.flatMap((h) => h[guard]), ...code[guard]][0];
  if (at) return { summary: found(at) };
  return { findings: atEachHandler(handlers, messageId, missing) };
}

/** Production files the code index could not parse (a syntax error, pathological nesting, …). */
export function unreadFiles(code: CodeIndex): CodeIndex['files'] {
  return code.files.filter((f) => !f.parsed && !f.isTest);
}

/**
 * A code check that could not read every file it is responsible for has not proven anything about
 * them: with no findings it is `error` naming the files (never `pass` or `skip`); with findings it
 * fails as it would, and says which files it could not read.
 */
export function coverUnread(code: CodeIndex, outcome: CheckOutcome): CheckOutcome {
  const unread = unreadFiles(code);
  if (unread.length === 0) return outcome;
  const shown = unread.slice(0, 5).map((f) => `${f.path} (${f.error ?? 'could not be parsed'})`);
  const more = unread.length > 5 ? ` and ${unread.length - 5} more` : '';
  const said = `Could not read ${unread.length} file${unread.length === 1 ? '' : 's'} it is responsible for: ${shown.join(', ')}${more}; fix or exclude ${unread.length === 1 ? 'it' : 'them'} (config \`ignore\`).`;
  const evidence = { ...outcome.evidence, unread: unread.map((f) => f.path) };
  if (outcome.findings?.length) return { ...outcome, summary: [outcome.summary, said].filter(Boolean).join(' '), evidence };
  return { findings: [], status: 'error', summary: said, evidence };
}

/** Wraps a code check's run so every outcome accounts for unread files (see coverUnread). */
export function codeCheck<const K extends 'code'>(check: Check<K>): Check<K> {
  const run = check.run.bind(check);
  return {
    ...check,
    run: (ctx: CheckContext<K>) => {
      const out = run(ctx);
      const code = (ctx.evidence as Pick<EvidenceMap, 'code'>).code;
      return out instanceof Promise ? out.then((o) => coverUnread(code, o)) : coverUnread(code, out);
    },
  };
}
