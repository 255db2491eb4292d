// The environment-guard text suggestion for Python, Go, Ruby, PHP and Java: the line to add, for
// the name the handler gave its parsed event, and where it goes: after the line that parses the
// event, after the block that line opens (Go's `if err := json.Unmarshal(…); err != nil {`), or
// first in the method whose parameter the event is (Java's `@RequestBody`).
import type { CodeLanguage } from '../evidence/code/types.js';

/** Where an event is parsed, per language. */
const PARSES: Partial<Record<CodeLanguage, RegExp>> = {
  python: /json\.loads\(|get_json\(|request\.json\b|await request\.json\(\)/,
  go: /json\.Unmarshal\(|json\.NewDecoder\(/,
  ruby: /JSON\.parse\(/,
  php: /json_decode\(/,
  java: /readValue\(|@RequestBody/,
};

/** The name the parse line binds the event to: the guard must use that name, not a guessed one. */
const BINDS: Partial<Record<CodeLanguage, RegExp>> = {
  python: /^\s*(\w+)\s*(?::[^=]+)?=[^=]/,
  ruby: /^\s*(\w+)\s*=[^=]/,
  php: /^\s*(\$\w+)\s*=[^=]/,
  go: /(?:Unmarshal\([^,]+,\s*&|\.Decode\(\s*&)(\w+)\s*\)/,
  java: /@RequestBody\s+(?:final\s+)?[\w.]+(?:<[^>]*>)?(?:\[\])?\s+(\w+)|(\w+)\s*=\s*[\w.]+\.readValue\(/,
};

function guardLine(lang: CodeLanguage, env: string, name: string, parseLine: string): string | undefined {
  switch (lang) {
    case 'python':
      return `if ${name}["environment"] != "${env}": abort(400)   # FastAPI: raise HTTPException(status_code=400); Django: return HttpResponseBadRequest()`;
    case 'go':
      return `if ${name}.Environment != "${env}" { w.WriteHeader(http.StatusBadRequest); return }`;
    case 'ruby':
      return `halt 400 unless ${name}['environment'] == '${env}'   # Rails: return head :bad_request unless …`;
    case 'php': {
      // json_decode without `true` gives an object, not an array.
      const field = /json_decode\((?:[^()]|\([^()]*\))*,\s*true\s*[,)]/.test(parseLine) ? `${name}['environment']` : `${name}->environment`;
      return `if (${field} !== '${env}') { http_response_code(400); exit; }   // Laravel: abort(400);`;
    }
    case 'java':
      return `if (!"${env}".equals(${name}.getEnvironment())) return ResponseEntity.badRequest().build();`;
    default:
      return undefined;
  }
}

/** Braces opened minus closed on a line, strings left out. */
function depthOf(line: string): number {
  const code = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '');
  return (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
}

const indentOf = (line: string | undefined): string => /^\s*/.exec(line ?? '')![0];

export interface GuardText {
  /** 0-based index of the line the guard goes after. */
  after: number;
  line: string;
}

/** The guard for the parse nearest the handler's line (`line`, 1-based), or none when its event's name is not known. */
export function environmentGuard(lang: CodeLanguage, source: string, line: number, env: string): GuardText | undefined {
  const lines = source.split('\n').map((l) => l.replace(/\r$/, ''));
  const parses = lines.map((l, i) => (PARSES[lang]?.test(l) ? i : -1)).filter((i) => i !== -1);
  if (parses.length === 0) return undefined;
  const at = parses.reduce((best, i) => (Math.abs(i + 1 - line) < Math.abs(best + 1 - line) ? i : best));
  const m = BINDS[lang]?.exec(lines[at]!);
  const name = m?.slice(1).find(Boolean);
  const guard = name ? guardLine(lang, env, name, lines[at]!) : undefined;
  if (!guard) return undefined;
  if (lang === 'java' && /@RequestBody/.test(lines[at]!)) {
    // A parameter: first in the method body, once the signature (maybe over several lines) ends.
    const open = lines.findIndex((l, i) => i >= at && /\{\s*$/.test(l));
    return open === -1 ? undefined : { after: open, line: `${indentOf(lines[open + 1])}${guard}` };
  }
  let depth = depthOf(lines[at]!);
  if (depth <= 0) return { after: at, line: `${indentOf(lines[at])}${guard}` };
  // The parse line opens a block (its error branch): the guard goes after that block.
  for (let i = at + 1; i < lines.length; i++) {
    depth += depthOf(lines[i]!);
    if (depth <= 0) return { after: i, line: `${indentOf(lines[at])}${guard}` };
  }
  return undefined;
}
