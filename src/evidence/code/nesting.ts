// Pre-check before the native JS parser: oxc recurses on nesting and dies with SIGSEGV (no error,
// no output, the whole golive process gone) somewhere past ~5,000 nested brackets or ~6,000
// chained right-associative operators (`a=a=…`, `a=>a=>…`, `a?b:a?…`). A linear scan estimates the
// depth first; a file over the limit is not parsed and becomes a note instead. Real code nests a
// few dozen levels, so the limit leaves a wide margin on both sides.
export const MAX_NESTING = 1000;

/** The deepest nesting estimate in source (brackets plus chained `=`, `=>`, `?`), capped at limit+1. */
export function nestingDepth(source: string, limit = MAX_NESTING): number {
  let depth = 0;
  let chain = 0;
  let max = 0;
  // The last character that is not white space: a line ending in `=`, `=>`, `?` or `:` continues
  // its chain on the next line (a hostile `a=>` per line), any other line ends it (code without
  // semicolons must not add up its statements).
  let last = 0;
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    switch (c) {
      case 40: // (
      case 91: // [
      case 123: // {
        depth++;
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        break;
      case 59: // ;
      case 44: // ,
        chain = 0;
        break;
      case 10: // newline
        if (last !== 61 && last !== 62 && last !== 63 && last !== 58) chain = 0;
        break;
      case 61: {
        // `=`: an assignment or an arrow, not ==, ===, <=, >=, !=.
        const prev = source.charCodeAt(i - 1);
        const next = source.charCodeAt(i + 1);
        if (next === 61) {
          while (source.charCodeAt(i + 1) === 61) i++;
        } else if (prev !== 60 && prev !== 62 && prev !== 33 && prev !== 61) chain++;
        break;
      }
      case 63: // ?, not ?. or ??
        if (source.charCodeAt(i + 1) !== 46 && source.charCodeAt(i + 1) !== 63) chain++;
        break;
      case 34: // "
      case 39: {
        // '…': strings end at their quote or the line; brackets inside do not count.
        for (i++; i < n; i++) {
          const d = source.charCodeAt(i);
          if (d === 92) i++;
          else if (d === c || d === 10) break;
        }
        break;
      }
      case 47: {
        // Comments; a lone / (division or a regex) is left alone.
        const next = source.charCodeAt(i + 1);
        if (next === 47) {
          while (i < n && source.charCodeAt(i) !== 10) i++;
          chain = 0;
        } else if (next === 42) {
          const end = source.indexOf('*/', i + 2);
          i = end === -1 ? n : end + 1;
        }
        break;
      }
    }
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) last = source.charCodeAt(i);
    const level = depth + chain;
    if (level > max) {
      max = level;
      if (max > limit) return max;
    }
  }
  return max;
}
