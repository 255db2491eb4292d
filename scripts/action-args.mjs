#!/usr/bin/env node
// The Action's `args` input as one shell argument list across lines, parsed, never evaluated:
// words split on blanks and newlines, 'single' and "double" quotes and backslash escapes as a POSIX
// shell reads them, a backslash-newline joins lines, `#` at a word's start comments out the rest of
// its line. Anything a shell would expand or act on (`$`, a backquote, `*`, `?`, `[`, `{`, a `~` at a
// word's start, `|`, `&`, `;`, `<`, `>`, `(`, `)`, outside single quotes, and `$` or a backquote in
// double quotes) is refused with one line naming it and where, as is an unclosed quote: it would
// mean something else here than in a shell, and a silently changed argument list could drop a gate
// flag. Reads GOLIVE_INPUT_ARGS; writes the arguments NUL-separated to stdout (exit 0), or the
// refusal as one GitHub `::error` line to stderr (exit 2). Plain Node, no build: it runs from the
// Action's checkout before golive is even installed.

import { pathToFileURL } from 'node:url';

export class ArgsError extends Error {}

const META = new Set(['$', '`', '*', '?', '[', '{', '|', '&', ';', '<', '>', '(', ')']);
const BLANK = new Set([' ', '\t', '\n', '\r']);

/** Parses text into arguments; throws ArgsError with a one-line reason. */
export function parseArgs(text) {
  const chars = [...text];
  // 1-based line and column of character i, for messages.
  const at = (i) => {
    const before = chars.slice(0, i);
    const nl = before.lastIndexOf('\n');
    return `line ${before.filter((c) => c === '\n').length + 1}, column ${i - nl}`;
  };
  const args = [];
  let word = null;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (BLANK.has(c)) {
      if (word !== null) args.push(word);
      word = null;
    } else if (c === '#' && word === null) {
      while (i + 1 < chars.length && chars[i + 1] !== '\n') i++;
    } else if (c === "'") {
      const close = chars.indexOf("'", i + 1);
      if (close < 0) throw new ArgsError(`unclosed ' (opened at ${at(i)})`);
      word = (word ?? '') + chars.slice(i + 1, close).join('');
      i = close;
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < chars.length && chars[j] !== '"'; j++) {
        const d = chars[j];
        if (d === '$' || d === '`') throw new ArgsError(`${d} inside "…" at ${at(j)}: a shell would expand it; golive passes arguments as written (use '…' or leave it out)`);
        if (d === '\\' && ['"', '\\', '$', '`', '\n'].includes(chars[j + 1])) {
          j++;
          if (chars[j] !== '\n') value += chars[j];
        } else {
          value += d;
        }
      }
      if (j >= chars.length) throw new ArgsError(`unclosed " (opened at ${at(i)})`);
      word = (word ?? '') + value;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) throw new ArgsError(`a lone \\ at the end (${at(i)})`);
      i++;
      // A backslash-newline continues the line; any other escaped character is itself.
      if (chars[i] !== '\n') word = (word ?? '') + chars[i];
    } else if (META.has(c) || (c === '~' && word === null)) {
      const verb = ['$', '`', '*', '?', '[', '{', '~'].includes(c) ? 'expand' : 'act on';
      throw new ArgsError(`unquoted ${c} at ${at(i)}: a shell would ${verb} it; golive passes arguments as written (quote it with '…' if it is meant literally)`);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) args.push(word);
  return args;
}

/** GitHub's escaping of a command's data (%, CR, LF), so the reason is one annotation. */
const data = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const args = parseArgs(process.env.GOLIVE_INPUT_ARGS ?? '');
    process.stdout.write(args.map((a) => `${a}\0`).join(''));
  } catch (e) {
    if (!(e instanceof ArgsError)) throw e;
    process.stderr.write(`::error title=golive::the args input cannot be used: ${data(e.message)}\n`);
    process.exitCode = 2;
  }
}
