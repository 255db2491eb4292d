// Which operand of a text compare suggestion can be null (a header the request may not carry),
// and how each language turns it into a string, so the constant-time compare rejects a missing
// header as the old `==` did instead of raising: PHP 8's hash_equals throws a TypeError on null,
// Rack's and ActiveSupport's secure_compare call nil.bytesize, Python's hmac.compare_digest
// raises TypeError on None, and Java's null.getBytes() throws NPE. Go's strings are never nil.
import type { CodeLanguage } from '../evidence/code/types.js';
import { escapeRegExp } from '../regexp.js';

/** Already a string whatever the request carried: a default, a cast, a conversion. */
const DEFAULTED: Partial<Record<CodeLanguage, RegExp>> = {
  python: /\bor\s+(['"]).*\1\s*$|^str\(|\.get\([^()]*,[^()]*\)$/,
  ruby: /\.to_s$|\|\|\s*['"]|\.fetch\([^()]*,[^()]*\)$/,
  php: /^\(string\)|^strval\(|\?\?\s*['"]/,
  java: /^String\.valueOf\(|^Objects\.toString\(|^"/,
};

/**
 * Reads the request in a way that gives null for a missing header: Python's one-argument `.get`
 * (a subscript raises KeyError before the compare), a Ruby or PHP subscript or header accessor,
 * Java's getHeader and friends.
 */
const READS_NULL: Partial<Record<CodeLanguage, RegExp>> = {
  python: /\.get\([^,()]*\)$/,
  ruby: /\]$|\.get_header\([^()]*\)$/,
  php: /\]$|->(header|get|input|query|server)\([^()]*\)$|getallheaders\(\)\[/,
  java: /\.(getHeader|getParameter|get|getFirst)\([^()]*\)$/,
};

const IDENT: Partial<Record<CodeLanguage, RegExp>> = { python: /^\w+$/, ruby: /^\w+$/, php: /^\$\w+$/, java: /^\w+$/ };

/** The right-hand side of the nearest assignment to `name` written before `at`, if any. */
function assignedBefore(lang: CodeLanguage, source: string, at: number, name: string): string | undefined {
  const lines = source.slice(0, at).split('\n').slice(0, -1).reverse();
  const typed = lang === 'java' ? '(?:[\\w<>\\[\\],.?]+\\s+)?' : '';
  const annotated = lang === 'python' ? '(?::[^=\\n]+)?' : '';
  const re = new RegExp(`^\\s*${typed}${escapeRegExp(name)}\\s*${annotated}=(?!=)\\s*(.+?)\\s*;?\\s*$`);
  for (const l of lines) {
    const m = re.exec(l.replace(/\r$/, ''));
    if (m) return m[1];
  }
  return undefined;
}

/** `@RequestHeader("X") String name`, not marked `required = false`. */
function requiredHeader(source: string, name: string): boolean {
  const m = new RegExp(`@RequestHeader(?:\\(([^()]*)\\))?\\s+(?:final\\s+)?String\\s+${escapeRegExp(name)}\\b`).exec(source);
  return !!m && !/required\s*=\s*false/.test(m[1] ?? '');
}

/**
 * Whether `operand`, compared at byte offset `at`, can be null: it reads the request in a way
 * that gives null, or is a variable assigned so, or a parameter (no assignment before the compare,
 * so whatever the caller passed, such as a header). A computed value (an HMAC, a concatenation,
 * a call) is never null.
 */
export function mayBeNull(lang: CodeLanguage, source: string, at: number, operand: string): boolean {
  const op = operand.trim();
  if (lang === 'go' || DEFAULTED[lang]?.test(op)) return false;
  if (IDENT[lang]?.test(op)) {
    const rhs = assignedBefore(lang, source, at, op);
    // Spring answers 400 itself when a required @RequestHeader is missing: never null here.
    if (rhs === undefined && lang === 'java' && requiredHeader(source, op)) return false;
    if (rhs === undefined) return true;
    return !DEFAULTED[lang]?.test(rhs) && !!READS_NULL[lang]?.test(rhs);
  }
  return !!READS_NULL[lang]?.test(op);
}

/** A postfix chain (`$a['x']`, `request.env[H]`, `x.y(z)`): `.to_s` and a cast bind to all of it. */
const POSTFIX = /^[$@]?[\w:]+(?:(?:\.|->|::|&\.)\w+[?!]?|\[[^[\]]*\]|\((?:[^()]|\([^()]*\))*\))*$/;

/** `operand` as a string even when null, in the fewest characters the language allows. */
export function asString(lang: CodeLanguage, operand: string): string {
  const simple = POSTFIX.test(operand.trim());
  switch (lang) {
    case 'python':
      return /\bif\b|\blambda\b/.test(operand) ? `(${operand}) or ''` : `${operand} or ''`;
    case 'ruby':
      return simple ? `${operand}.to_s` : `(${operand}).to_s`;
    case 'php':
      return simple ? `(string) ${operand}` : `(string) (${operand})`;
    case 'java':
      return `Objects.toString(${operand}, "")`;
    default:
      return operand;
  }
}
