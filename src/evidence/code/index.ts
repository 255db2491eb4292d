// The code index collector: reads every source file of the repo inventory once, routes it to the
// JS/TS parser or a token-level scanner, and gathers MintCash calls and webhook-handler facts that
// every code check shares. It never judges; unreadable or unparsable files become notes.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { RunNote } from '../../engine/types.js';
import type { CollectContext, Collector, RepoFile, RepoInventory } from '../types.js';
import { classifier, type Attributes, type NotOwn } from './linguist.js';
import { scanJs } from './parser-js.js';
import { loadOxc } from './oxc.js';
import { Cue, cueOf, holdsOf, languageOf, MAX_SOURCE_BYTES } from './cues.js';
import { scannedCues } from '../secrets.js';
import { trackedButIgnored } from '../repo.js';
import { attributeHandler, callReachesMintCash, DEFAULT_HINTS, hintsFrom, mintcashCue, type MintCashHints } from './provider.js';
import { scanTokens } from './scan-tokens.js';
import { linkExpressParsers, resolveSpec, stripExt } from './express-mounts.js';
import type { CodeFile, CodeIndex, CodeLanguage, FileFacts, MintCashCall, ScanContext, WebhookHandler } from './types.js';
import { compareText } from '../../engine/order.js';

export type { CodeIndex } from './types.js';

/** Files read between two yields to the event loop (keeps spinners and timers alive). */
const BATCH = 64;

export { languageOf };

export function scanSource(ctx: ScanContext, source: string, probe = false): FileFacts {
  return ctx.language === 'js' || ctx.language === 'ts' ? scanJs(ctx, source, probe) : scanTokens(ctx, source, probe);
}

export interface IndexOptions {
  hints?: MintCashHints;
  /** Config globs of vendored / generated files, on top of Linguist's rules. */
  vendored?: readonly string[];
  generated?: readonly string[];
  /** The repo's `.gitattributes` files (linguist-vendored / linguist-generated). */
  attributes?: readonly Attributes[];
  /** Tracked paths that git's ignore rules match (committed anyway): not the merchant's source. */
  gitIgnored?: ReadonlySet<string>;
  /**
   * Each source file's cue from the secret scan, which already read it (secrets.ts): a file with
   * nothing to look at is not read again, one with only guard facts is read in phase 2 if at all.
   * Without it (or for a file it does not know), the file is read here.
   */
  cues?: ReadonlyMap<string, Cue>;
  /** Called with each source file parsed, for the progress line of a long run. */
  onParsed?: () => void;
  /**
   * Texts that replace files on disk, by path (`golive fix` re-checks an edit in memory before
   * writing it). Cues from the secret scan do not apply to them: they describe the old text.
   */
  overlay?: ReadonlyMap<string, string>;
}

/** Indexes a list of repo files under root; exported for tests and the benchmark. */
export async function indexFiles(root: string, files: readonly RepoFile[], testGlobs: readonly string[], opts: IndexOptions = {}): Promise<CodeIndex> {
  const isTest = picomatch(testGlobs as string[], { dot: true });
  const hints = opts.hints ?? DEFAULT_HINTS;
  const overlay = opts.overlay;
  const cueOfFile = (file: string): Cue | undefined => (overlay?.has(file) ? undefined : opts.cues?.get(file));
  /** A file's text as the index should see it: the overlay's, else the disk's. */
  const readText = (file: string): string => overlay?.get(file) ?? readFileSync(path.join(root, file), 'utf8');
  const index: CodeIndex = {
    files: [], calls: [], otherCalls: [], handlers: [], environmentChecks: [], dedupChecks: [], filesIndexed: 0, bytesIndexed: 0, notes: [],
    setAside: { vendored: 0, generated: 0, minified: 0, files: [] },
  };
  const notOwn = classifier(opts);
  /** Counts a file set aside and, when it holds something a code check looks for, lists it with why. */
  const skip = (file: string, why: NotOwn, text: string | undefined): void => {
    index.setAside[why.why]++;
    const holds = text === undefined ? [] : holdsOf(text);
    if (holds.length > 0) index.setAside.files.push({ file, why: why.why, rule: why.rule, holds });
  };
  const todo = files.filter((f) => {
    if (!languageOf(f.path)) return false;
    const why = notOwn.byPath(f.path);
    if (!why) return true;
    // Only a file with something to look at is worth naming: read it unless the scan said it has nothing.
    const cue = cueOfFile(f.path);
    skip(f.path, why, cue === Cue.Nothing || cue === Cue.GuardFacts ? undefined : readQuietly(root, f, MAX_SOURCE_BYTES, overlay));
    return false;
  });
  const note = (message: string, file: string): RunNote => ({ source: 'code', message, file });
  const express: { file: string; facts: NonNullable<FileFacts['express']> }[] = [];
  /** What the one-hop follow needs from each parsed file: HMAC inputs that are parameters, calls that pass the body. */
  const hops: { file: string; language: CodeLanguage; facts: FileFacts; handler?: WebhookHandler }[] = [];
  /** Calls through a client imported from another module: MintCash's if that module builds it with MintCash. */
  const viaImport: { call: MintCashCall; target: string }[] = [];

  const read = (f: RepoFile, entry: CodeFile): string | undefined => {
    if (f.size > MAX_SOURCE_BYTES) {
      // A generator's banner sets a large file aside instead of leaving it unread (ent's mutation.go).
      const why = notOwn.byContent(f.path, overlay?.get(f.path)?.slice(0, 1024) ?? headOf(root, f.path));
      if (why) {
        skip(f.path, why, readQuietly(root, f, Infinity, overlay));
        index.files.splice(index.files.lastIndexOf(entry), 1);
        return undefined;
      }
      entry.parsed = false;
      entry.error = 'too large to index';
      index.notes.push(note(`not indexed: larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB`, f.path));
      return undefined;
    }
    const edited = overlay?.get(f.path);
    if (edited !== undefined) return edited;
    try {
      // Synchronous reads in batches: several times cheaper than promise-based reads of many small files.
      const buf = readFileSync(path.join(root, f.path));
      if (buf.includes(0)) {
        entry.parsed = false;
        entry.error = 'binary content';
        return undefined;
      }
      return buf.toString('utf8');
    } catch (e) {
      entry.parsed = false;
      entry.error = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      index.notes.push(note(`could not read the file (${entry.error})`, f.path));
      return undefined;
    }
  };
  const scan = (f: RepoFile, ctx: ScanContext, entry: CodeFile, source: string): void => {
    index.filesIndexed++;
    opts.onParsed?.();
    index.bytesIndexed += source.length;
    const facts = scanSource(ctx, source);
    if (facts.error) {
      entry.parsed = false;
      entry.error = facts.error;
      index.notes.push(note(`could not parse the file, so code checks did not read it: ${facts.error.split('\n')[0]}`, f.path));
      return;
    }
    for (const call of facts.calls) {
      const via = callReachesMintCash(call.url, call.client, source, hints);
      const target = !via && call.clientFrom && !/^[a-z]+:\/\//i.test(call.url) ? resolveSpec(f.path, call.clientFrom) : undefined;
      if (via) index.calls.push({ ...call, via });
      else if (target) viaImport.push({ call, target });
      else if (!call.isTest) index.otherCalls.push({ file: call.file, line: call.line, column: call.column, url: call.url });
    }
    const handler = facts.handler ? { ...facts.handler, attribution: attributeHandler(source, hints) } : undefined;
    if (handler) index.handlers.push(handler);
    if (!ctx.isTest && (facts.paramInputs || facts.bodyArgs)) hops.push({ file: f.path, language: ctx.language, facts, ...(handler ? { handler } : {}) });
    if (facts.express && !ctx.isTest) express.push({ file: f.path, facts: facts.express });
    if (!ctx.isTest) {
      index.environmentChecks.push(...facts.environmentChecks);
      index.dedupChecks.push(...facts.dedupChecks);
    }
  };

  // The parser loads on the first JS/TS file that is actually parsed, not before.
  let parserLoaded = false;
  const parserFor = async (language: CodeLanguage): Promise<void> => {
    if (parserLoaded || (language !== 'js' && language !== 'ts')) return;
    await loadOxc();
    parserLoaded = true;
  };

  /** Reads a file and sets it aside if its content says generated or minified (Linguist's rules). */
  const readOwn = (f: RepoFile, entry: CodeFile): string | undefined => {
    const source = read(f, entry);
    if (source === undefined) return undefined;
    const why = notOwn.byContent(f.path, source);
    if (!why) return source;
    skip(f.path, why, source);
    index.files.splice(index.files.lastIndexOf(entry), 1);
    return undefined;
  };

  const deferred: { f: RepoFile; ctx: ScanContext; entry: CodeFile; unread?: boolean }[] = [];
  for (let i = 0; i < todo.length; i++) {
    if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r));
    const f = todo[i]!;
    const language = languageOf(f.path)!;
    const ctx: ScanContext = { file: f.path, language, isTest: isTest(f.path) };
    const entry: CodeFile = { path: f.path, language, isTest: ctx.isTest, parsed: true };
    index.files.push(entry);
    // Files the secret scan already read: generated and minified ones are then told apart only
    // among those with something to look at (the others hold nothing for a code check anyway).
    const cue = f.size > MAX_SOURCE_BYTES ? undefined : cueOfFile(f.path);
    if (cue === Cue.Nothing) continue;
    if (cue === Cue.GuardFacts) {
      if (!ctx.isTest) deferred.push({ f, ctx, entry, unread: true });
      continue;
    }
    const source = readOwn(f, entry);
    if (source === undefined) continue;
    // The same judgement the secret scan makes for files it read (cues.ts).
    const own = cue === Cue.CallOrHandler ? cue : cueOf(source);
    if (own === Cue.CallOrHandler) {
      await parserFor(language);
      scan(f, ctx, entry, source);
    } else if (own === Cue.GuardFacts && !ctx.isTest) deferred.push({ f, ctx, entry });
  }

  // Environment and dedup facts from other files matter only for a MintCash handler whose own file
  // lacks them (those checks judge MintCash's handlers alone, and accept a guard anywhere in
  // non-test code); otherwise skip the second pass.
  const inFile = (facts: { file: string }[], file: string) => facts.some((x) => x.file === file);
  const needGuards = index.handlers.some(
    (h) => !h.isTest && h.attribution?.provider === 'mintcash' && (!inFile(index.environmentChecks, h.file) || !inFile(index.dedupChecks, h.file)),
  );
  if (needGuards) {
    for (const [i, d] of deferred.entries()) {
      if (i > 0 && i % BATCH === 0) await new Promise((r) => setImmediate(r));
      const source = d.unread ? readOwn(d.f, d.entry) : read(d.f, d.entry);
      if (source === undefined) continue;
      await parserFor(d.ctx.language);
      scan(d.f, d.ctx, d.entry, source);
    }
  }

  linkExpressParsers(index.handlers, express);
  // Files still the merchant's (content rules may have set some aside since the path check).
  const own = new Set(index.files.map((f) => f.path));
  followParams(readText, hops, todo.filter((f) => own.has(f.path)), (file, text) => !notOwn.byContent(file, text));
  if (viaImport.length > 0) {
    const byModule = new Map(todo.map((f) => [stripExt(f.path), f]));
    const cue = new Map<string, string | undefined>();
    for (const { call, target } of viaImport) {
      const mod = byModule.get(target);
      if (mod && !cue.has(target)) {
        let text: string | undefined;
        try {
          text = readText(mod.path);
        } catch {
          text = undefined;
        }
        cue.set(target, text === undefined ? undefined : mintcashCue(text, hints));
      }
      const why = cue.get(target);
      if (why && mod) index.calls.push({ ...call, via: `the client comes from ${mod.path}, which ${why}` });
      else if (!call.isTest) index.otherCalls.push({ file: call.file, line: call.line, column: call.column, url: call.url });
    }
  }

  // Deterministic order whatever the read order was.
  const byLoc = (a: { file: string; line: number; column: number }, b: { file: string; line: number; column: number }): number =>
    compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
  index.files.sort((a, b) => compareText(a.path, b.path));
  index.calls.sort(byLoc);
  index.otherCalls.sort(byLoc);
  index.handlers.sort(byLoc);
  index.environmentChecks.sort(byLoc);
  index.dedupChecks.sort(byLoc);
  index.notes.sort((a, b) => compareText(a.file ?? '', b.file ?? ''));
  index.setAside.files.sort((a, b) => compareText(a.file, b.file));
  return index;
}

const family = (l: CodeLanguage): string => (l === 'ts' ? 'js' : l);
/** Files the one-hop follow may read in one run beyond those already parsed. */
const PROBE_BUDGET = 400;
const baseName = (file: string): string => path.posix.basename(file).replace(/\.[^.]+$/, '');

/**
 * The one-hop follow across files: an HMAC over `JSON.stringify(param)` (or `json.dumps(param)`) is
 * over a re-serialised body when a caller passes the parsed request body as that parameter; an HMAC
 * over a raw parameter is when a caller passes `JSON.stringify(req.body)`. Callers are looked for in
 * the files already parsed, then (for the first case, which is rare) in files of the same language
 * that name the function and import its module.
 */
function followParams(
  readText: (file: string) => string,
  hops: { file: string; language: CodeLanguage; facts: FileFacts; handler?: WebhookHandler }[],
  todo: readonly RepoFile[],
  isOwn: (file: string, text: string) => boolean,
): void {
  const pending = hops.flatMap((h) => (h.handler && h.handler.direction !== 'signs' ? (h.facts.paramInputs ?? []).map((p) => ({ h, p })) : []));
  if (pending.length === 0) return;
  const seen = new Set(hops.map((h) => h.file));
  /** Does `caller` reach `definedIn` by a local import (or sit in the same package)? */
  const reaches = (caller: { file: string; facts: FileFacts }, definedIn: string, text?: string): boolean => {
    if (caller.file === definedIn) return false; // same file: already followed by the scanner
    if (path.posix.dirname(caller.file) === path.posix.dirname(definedIn)) return true;
    const target = stripExt(definedIn);
    if ((caller.facts.imports ?? []).some((spec) => resolveSpec(caller.file, spec) === target)) return true;
    return text !== undefined && text.includes(baseName(definedIn));
  };
  const probed: { file: string; language: CodeLanguage; facts: FileFacts; text: string }[] = [];
  let budget = PROBE_BUDGET;
  for (const { h, p } of pending) {
    const want = p.via === 'serialised' ? 'parsed' : 'serialised';
    const matches = (facts: FileFacts) => (facts.bodyArgs ?? []).find((a) => a.callee === p.fn && a.arg === p.param && a.kind === want);
    const hit = hops.find((x) => family(x.language) === family(h.language) && reaches(x, h.file) && matches(x.facts));
    let found = hit ? matches(hit.facts) : undefined;
    if (!found) {
      // Callers not parsed yet (a controller or route with nothing else to look at): read the
      // files near the handler (its folder's parent, where routes and services sit side by side)
      // that name the function, within a budget so a large repository pays little.
      const near = path.posix.dirname(path.posix.dirname(h.file));
      const prefix = near === '.' ? '' : `${near}/`;
      for (const f of todo) {
        if (budget <= 0) break;
        if (seen.has(f.path) || f.size > MAX_SOURCE_BYTES || !f.path.startsWith(prefix)) continue;
        const language = languageOf(f.path);
        if (!language || family(language) !== family(h.language)) continue;
        let text: string;
        budget--;
        try {
          text = readText(f.path);
        } catch {
          continue;
        }
        seen.add(f.path);
        if (!text.includes(`${p.fn}(`) || !isOwn(f.path, text)) continue;
        const facts = scanSource({ file: f.path, language, isTest: false }, text, true);
        probed.push({ file: f.path, language, facts, text });
      }
      const caller = probed.find((x) => family(x.language) === family(h.language) && reaches(x, h.file, x.text) && matches(x.facts));
      found = caller ? matches(caller.facts) : undefined;
    }
    if (found) h.handler!.hmacInputs.push(p.via === 'serialised' ? p.at : { ...found.at, kind: 'reserialized' });
  }
}

/** A file's text, or undefined when it cannot be read or is larger than `max` (a best effort, for listing). */
function readQuietly(root: string, f: RepoFile, max = MAX_SOURCE_BYTES, overlay?: ReadonlyMap<string, string>): string | undefined {
  if (f.size > max) return undefined;
  const edited = overlay?.get(f.path);
  if (edited !== undefined) return edited;
  try {
    return readFileSync(path.join(root, f.path), 'utf8');
  } catch {
    return undefined;
  }
}

/** The first KB of a file (where generators put their banner), or '' when it cannot be read. */
function headOf(root: string, file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path.join(root, file), 'r');
    const buf = Buffer.alloc(1024);
    return buf.subarray(0, readSync(fd, buf, 0, 1024, 0)).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The repo's .gitattributes files; unreadable ones are simply not applied. */
export function readAttributes(root: string, files: readonly RepoFile[]): Attributes[] {
  const out: Attributes[] = [];
  for (const f of files) {
    if (path.posix.basename(f.path) !== '.gitattributes' || f.size > 1024 * 1024) continue;
    try {
      out.push({ dir: path.posix.dirname(f.path).replace(/^\.$/, ''), text: readFileSync(path.join(root, f.path), 'utf8') });
    } catch {
      continue;
    }
  }
  return out;
}

/**
 * A files run lists only the files it was given, yet the .gitattributes above them still say which
 * are vendored or generated: the ones in their folders and every folder up to the root.
 */
function attributeFiles(files: readonly RepoFile[]): RepoFile[] {
  const dirs = new Set<string>(['']);
  for (const f of files) {
    for (let d = path.posix.dirname(f.path); d !== '.' && d !== ''; d = path.posix.dirname(d)) dirs.add(d);
  }
  return [...dirs].sort().map((d) => ({ path: d ? `${d}/.gitattributes` : '.gitattributes', size: 0 }));
}

/** The options the code collector indexes a run's repository with (shared with `golive fix`'s re-check). */
export async function codeIndexOptions(ctx: CollectContext, repo: RepoInventory): Promise<IndexOptions> {
  const [cues, gitIgnored] = await Promise.all([scannedCues(ctx), repo.isGit ? trackedButIgnored(ctx) : undefined]);
  return {
    hints: hintsFrom(ctx.config),
    vendored: ctx.config.vendored,
    generated: ctx.config.generated,
    attributes: readAttributes(repo.root, ctx.options.files ? attributeFiles(repo.files) : repo.files),
    ...(gitIgnored ? { gitIgnored } : {}),
    ...(cues ? { cues } : {}),
    ...(ctx.progress ? { onParsed: () => ctx.progress?.('parsed') } : {}),
  };
}

export const collectCode: Collector<'code'> = async (ctx) => {
  const repo = await ctx.get('repo');
  return indexFiles(repo.root, repo.files, ctx.config.testFiles, await codeIndexOptions(ctx, repo));
};
