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

/**
 * Handlers that verify what they receive, outside test code: test files are fixtures of the
 * merchant's own tests, and code that signs what it sends has nothing to verify.
 */
export function productionHandlers(code: CodeIndex): Handler[] {
  return code.handlers.filter((h) => !h.isTest && h.direction !== 'signs');
}

/** Files set aside as not the merchant's code that hold a handler or a create call. */
export function setAsideHolding(code: CodeIndex | undefined, what: 'handler' | 'call'): CodeIndex['setAside']['files'] {
  return (code?.setAside?.files ?? []).filter((f) => f.holds.includes(what));
}

/** "1 file that holds a create-shaped call was set aside as not your code: a.js (minified: …)" */
function setAsideSentence(files: CodeIndex['setAside']['files'], what: string): string {
  const shown = files.slice(0, 3).map((f) => `${f.file} (${f.rule})`).join(', ');
  const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
  return `${files.length} file${files.length === 1 ? '' : 's'} that hold${files.length === 1 ? 's' : ''} ${what} ${files.length === 1 ? 'was' : 'were'} set aside as not your code: ${shown}${more}`;
}

const RECLAIM = 'if it is your code, say so in .gitattributes (`path -linguist-generated` or `-linguist-vendored`) or take it out of config `generated`/`vendored`';

/** The evidence naming set-aside files (the report lists them in full). */
export function setAsideEvidence(files: CodeIndex['setAside']['files']): Record<string, unknown> {
  return files.length > 0 ? { setAside: files.map((f) => ({ file: f.file, why: f.why, rule: f.rule })) } : {};
}

/**
 * No handler to judge: out of scope in a narrowed run; in a full run the item is not proven. When
 * files that hold one were set aside, it says which (and how to take them back) instead of
 * claiming there is none; the report lists every set-aside file as well.
 */
export function noHandlerOutcome(options: Pick<RunOptions, 'scoped'>, code?: CodeIndex, evidence?: Record<string, unknown>): CheckOutcome {
  const aside = setAsideHolding(code, 'handler');
  const signers = (code?.handlers ?? []).filter((h) => !h.isTest && h.direction === 'signs');
  const signing = signers.length > 0 ? `; ${signers.length} file(s) sign what they send (not webhook handlers), e.g. ${signers[0]!.file}` : '';
  if (aside.length > 0) {
    return notYetProven(options, `No webhook handler of yours was judged: ${setAsideSentence(aside, 'a signature header or an HMAC')}${signing}`, RECLAIM, evidence);
  }
  return notYetProven(
    options,
    `No webhook handler was found in the code (nothing reads a signature header and computes an HMAC)${signing}`,
    'run golive in the repository (or service) that holds the webhook handler, or turn this check "off" in config if it lives elsewhere',
    evidence,
  );
}

/** No create call to judge: out of scope in a narrowed run; in a full run the item is not proven. */
export function noCreateCallOutcome(options: Pick<RunOptions, 'scoped'>, code?: CodeIndex): CheckOutcome {
  // Create-shaped calls to other APIs (another PSP, the platform's own /payments) are named, not judged.
  const others = code?.otherCalls ?? [];
  const aside = setAsideHolding(code, 'call');
  const elsewhere = others.length > 0 ? `; ${others.length} create-shaped call(s) go to other APIs (not a MintCash host, api.baseUrl or a client built with them), e.g. ${others[0]!.file}:${others[0]!.line}` : '';
  const evidence = others.length > 0 ? { otherApis: others.slice(0, 10).map((c) => `${c.file}:${c.line} ${c.url}`) } : {};
  if (aside.length > 0) return notYetProven(options, `No MintCash create call of yours was judged: ${setAsideSentence(aside, 'a /payments or /subscriptions path')}${elsewhere}`, RECLAIM, Object.keys(evidence).length > 0 ? evidence : undefined);
  return notYetProven(
    options,
    `No MintCash create call (POST /payments, /subscriptions or /payments/{id}/refund) was found in the code${elsewhere}`,
    'run golive in the repository (or service) that calls MintCash, or turn this check "off" in config if it lives elsewhere',
    Object.keys(evidence).length > 0 ? evidence : undefined,
  );
}

/** "The GitHub signature", "The sender's signature": the subject of a message about a handler's signature. */
export function theSignatureOf(h: Handler): string {
  const who = senderOf(h);
  return who === 'the sender' ? "The sender's signature" : `The ${who} signature`;
}

/** Who signs what a handler verifies: `MintCash`, `GitHub`, ... or `the sender` when unknown. */
export function senderOf(h: Handler): string {
  return h.attribution?.label ?? 'the sender';
}

/** The signature as the handler's provider calls it: "x-signature", "x-hub-signature-256", "signature". */
export function signatureOf(h: Handler): string {
  return h.attribution?.header ?? 'signature';
}

/** Production handlers that verify MintCash's webhooks (not GitHub's, Shopify's, ...). */
export function mintcashHandlers(code: CodeIndex): Handler[] {
  return productionHandlers(code).filter((h) => h.attribution?.provider === 'mintcash');
}

/**
 * No MintCash handler, but maybe other providers' handlers: the same outcome as no handler at all,
 * with a summary that says which handlers were left alone and why.
 */
export function noMintCashHandlerOutcome(code: CodeIndex, options: Pick<RunOptions, 'scoped'>): CheckOutcome {
  const others = productionHandlers(code);
  if (others.length === 0) return noHandlerOutcome(options, code);
  const list = others.slice(0, 5).map((h) => `${h.file} (${senderOf(h)}: ${h.attribution?.reasons[0] ?? 'not MintCash'})`).join(', ');
  return notYetProven(
    options,
    `No MintCash webhook handler was found in the code; ${others.length} handler(s) of other providers are not judged by this MintCash-only check: ${list}${others.length > 5 ? ', ...' : ''}`,
    'run golive in the repository (or service) that holds the MintCash webhook handler, or turn this check "off" in config if it lives elsewhere',
    { otherHandlers: others.slice(0, 20).map((h) => ({ file: h.file, provider: senderOf(h), why: h.attribution?.reasons ?? [] })) },
  );
}

/** One finding per handler, placed at the handler: what is missing has no line of its own. */
function atEachHandler(handlers: readonly Handler[], messageId: string, message: (h: Handler) => string): FindingInput[] {
  return handlers.map((h) => ({
    messageId,
    message: message(h),
    file: h.file, line: h.line, column: h.column,
    fingerprintOf: h.file,
    evidence: { language: h.language, provider: senderOf(h), why: h.attribution?.reasons ?? [] },
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
  const handlers = mintcashHandlers(code);
  if (handlers.length === 0) return noMintCashHandlerOutcome(code, options);
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
