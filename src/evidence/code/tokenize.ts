// A small lexer for the token-level languages (Python, Ruby, Go, PHP, Java). It drops comments,
// keeps strings as single tokens (with interpolations noted), so the rules never match a key or an
// endpoint named in a comment, and never mistake text inside a string for code.
import type { CodeLanguage } from './types.js';

export type TokenKind = 'id' | 'str' | 'num' | 'op';

export interface Token {
  kind: TokenKind;
  /** Source text for id/num/op; for str the content with each interpolation replaced by `{}`. */
  text: string;
  /** Interpolated expression sources inside a string (f-strings, "#{...}", "{$x}"). */
  interp?: string[];
  start: number;
  line: number;
  column: number;
}

const OPS = ['===', '!==', '<=>', '**=', '...', '==', '!=', ':=', '->', '=>', '::', '&&', '||', '<=', '>=', '+=', '-=', '<<', '>>', '?.', '??'];

export function tokenize(src: string, lang: CodeLanguage): Token[] {
  const out: Token[] = [];
  const hashComments = lang === 'python' || lang === 'ruby' || lang === 'php';
  const slashComments = lang === 'go' || lang === 'java' || lang === 'php';
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = src.length;
  const push = (kind: TokenKind, text: string, start: number, interp?: string[]): void => {
    const t: Token = { kind, text, start, line, column: start - lineStart + 1 };
    if (interp && interp.length > 0) t.interp = interp;
    out.push(t);
  };
  const advanceLines = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (src.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
  };

  while (i < n) {
    const ch = src[i]!;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    // Comments.
    if ((hashComments && ch === '#' && !(lang === 'php' && src[i + 1] === '[')) || (slashComments && ch === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (slashComments && ch === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      advanceLines(i, stop);
      i = stop;
      continue;
    }
    if (lang === 'ruby' && ch === '=' && src.startsWith('=begin', i) && (i === 0 || src[i - 1] === '\n')) {
      const end = src.indexOf('\n=end', i);
      const stop = end === -1 ? n : end + 5;
      advanceLines(i, stop);
      i = stop;
      continue;
    }
    // Strings, with an optional Python prefix (f, r, b, rb, fr...).
    let prefix = '';
    if (lang === 'python' && /[rRbBfFuU]/.test(ch)) {
      const m = /^[rRbBfFuU]{1,2}(?=['"])/.exec(src.slice(i, i + 3));
      if (m) prefix = m[0];
    }
    const q = src[i + prefix.length]!;
    const isQuote = q === '"' || q === "'" || (q === '`' && (lang === 'go' || lang === 'ruby'));
    if (isQuote) {
      const start = i;
      i += prefix.length;
      const triple = (lang === 'python' || lang === 'java') && src.startsWith(q.repeat(3), i);
      const close = triple ? q.repeat(3) : q;
      i += close.length;
      const raw = /r/i.test(prefix) || q === '`' || (lang === 'php' && q === "'") || (lang === 'ruby' && q === "'");
      const interpolating = /f/i.test(prefix) || (lang === 'ruby' && q !== "'") || (lang === 'php' && q === '"');
      let text = '';
      const interp: string[] = [];
      while (i < n && !src.startsWith(close, i)) {
        const c = src[i]!;
        if (c === '\\' && !(raw && q === '`')) {
          text += src[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (c === '\n' && !triple && q !== '`' && lang !== 'ruby' && lang !== 'php') break; // unterminated: stop at the line end
        if (interpolating && ((lang === 'python' && c === '{' && src[i + 1] !== '{') || (lang === 'ruby' && c === '#' && src[i + 1] === '{') || (lang === 'php' && c === '{' && src[i + 1] === '$'))) {
          const open = lang === 'ruby' ? i + 2 : i + 1;
          let depth = 1;
          let k = open;
          while (k < n && depth > 0) {
            if (src[k] === '{') depth++;
            else if (src[k] === '}') depth--;
            k++;
          }
          interp.push(src.slice(open, k - 1));
          text += '{}';
          i = k;
          continue;
        }
        if (lang === 'php' && interpolating && c === '$' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
          const m = /^\$[A-Za-z_]\w*(->\w+)?/.exec(src.slice(i, i + 80))!;
          interp.push(m[0]);
          text += '{}';
          i += m[0].length;
          continue;
        }
        if (lang === 'python' && interpolating && c === '{' && src[i + 1] === '{') {
          text += '{';
          i += 2;
          continue;
        }
        text += c;
        i++;
      }
      i = Math.min(n, i + close.length);
      push('str', text, start, interp);
      advanceLines(start, i);
      continue;
    }
    if (/[A-Za-z_$@]/.test(ch)) {
      const m = /^[$@]{0,2}[A-Za-z_][A-Za-z0-9_]*[?!]?/.exec(src.slice(i, i + 200));
      if (m) {
        let word = m[0];
        // `?`/`!` only end Ruby method names.
        if (lang !== 'ruby' && /[?!]$/.test(word)) word = word.slice(0, -1);
        if (lang === 'ruby' && /[?!]$/.test(word) && src[i + word.length] === '=') word = word.slice(0, -1);
        push('id', word, i);
        i += word.length;
        continue;
      }
    }
    if (/[0-9]/.test(ch)) {
      const m = /^[0-9][0-9a-zA-Z_.]*/.exec(src.slice(i, i + 60))!;
      push('num', m[0], i);
      i += m[0].length;
      continue;
    }
    // Ruby symbols `:name` read as identifiers (hash keys `externalId:` come out as id + ':').
    if (lang === 'ruby' && ch === ':' && /[A-Za-z_]/.test(src[i + 1] ?? '') && src[i - 1] !== ':') {
      const m = /^:[A-Za-z_]\w*[?!]?/.exec(src.slice(i, i + 100))!;
      push('str', m[0].slice(1), i);
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    const text = op ?? ch;
    push('op', text, i);
    i += text.length;
  }
  return out;
}
