// A tolerant dotenv reader for rendered env files: `KEY=value`, `export KEY=value`, quotes,
// comments, blank lines, multi-line quoted values. Positions are kept so findings can point at the
// exact value. Problems come back as data (line numbers only, never line text: it may hold a secret).

export interface DotenvEntry {
  name: string;
  /**
   * The value as the app would see it (quotes removed, escapes of double quotes applied); an
   * unterminated quote is kept so the checks can see the file is broken.
   */
  value: string;
  /** 1-based line of the assignment. */
  line: number;
  /** 1-based column of the first character of the value (inside the quotes). */
  column: number;
}

export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvResult {
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const ASSIGN = /^(\s*)(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/;

function unescapeDouble(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = ASSIGN.exec(raw);
    if (!m) {
      problems.push({ line: lineNo, message: `line ${lineNo} is not KEY=value` });
      continue;
    }
    const name = m[2]!;
    const start = m[0].length;
    const rest = raw.slice(start);
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClose(rest, quote, 1);
      if (close >= 0) {
        const inner = rest.slice(1, close);
        entries.push({ name, value: quote === '"' ? unescapeDouble(inner) : inner, line: lineNo, column: start + 2 });
        continue;
      }
      // dotenv lets quoted values span lines; look for the closing quote further down.
      let j = i + 1;
      let joined = rest.slice(1);
      let found = -1;
      for (; j < lines.length; j++) {
        const c = findClose(lines[j]!, quote, 0);
        if (c >= 0) {
          joined += '\n' + lines[j]!.slice(0, c);
          found = j;
          break;
        }
        joined += '\n' + lines[j]!;
      }
      if (found >= 0) {
        entries.push({ name, value: quote === '"' ? unescapeDouble(joined) : joined, line: lineNo, column: start + 2 });
        i = found;
      } else {
        // Unterminated: keep the raw text of this line (with its quote) so the checks see the
        // breakage, and carry on with the next line instead of swallowing the file.
        problems.push({ line: lineNo, message: `line ${lineNo}: ${name} has an unterminated ${quote} quote` });
        entries.push({ name, value: rest.trimEnd(), line: lineNo, column: start + 1 });
      }
      continue;
    }
    // Unquoted: an inline comment needs whitespace before `#` (a `#` inside a value is kept).
    const hash = rest.search(/\s#/);
    const value = (hash >= 0 ? rest.slice(0, hash) : rest).trim();
    entries.push({ name, value, line: lineNo, column: start + 1 });
  }
  return { entries, problems };
}

function findClose(s: string, quote: string, from: number): number {
  for (let k = from; k < s.length; k++) {
    if (s[k] === '\\' && quote === '"') {
      k++;
      continue;
    }
    if (s[k] === quote) return k;
  }
  return -1;
}
