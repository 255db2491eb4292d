// Text suggestions for Python, Go, Ruby, PHP and Java, where golive has no span-exact edit it
// can re-check: the exact line as it is and as it would be, plus what else the change needs.
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeLanguage, SignatureCompare, WebhookHandler } from '../evidence/code/types.js';
import { indexOfByte } from './edits.js';
import { targetOf } from './plan.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';

/** The constant-time compare of each language, and what it needs imported. */
const COMPARE: Partial<Record<CodeLanguage, { call: (a: string, b: string) => string; not: string; needs?: string }>> = {
  python: { call: (a, b) => `hmac.compare_digest(${a}, ${b})`, not: 'not ', needs: '`import hmac` at the top of the file' },
  go: { call: (a, b) => `hmac.Equal([]byte(${a}), []byte(${b}))`, not: '!', needs: '`"crypto/hmac"` in the imports' },
  ruby: { call: (a, b) => `Rack::Utils.secure_compare(${a}, ${b})`, not: '!', needs: 'Rack (Rails and Sinatra load it); `ActiveSupport::SecurityUtils.secure_compare` works too' },
  php: { call: (a, b) => `hash_equals(${a}, ${b})`, not: '!' },
  java: { call: (a, b) => `MessageDigest.isEqual(${a}.getBytes(StandardCharsets.UTF_8), ${b}.getBytes(StandardCharsets.UTF_8))`, not: '!', needs: '`import java.security.MessageDigest;` and `import java.nio.charset.StandardCharsets;`' },
};

/** The whole line around a span, and that line with the span replaced. */
export function lineEdit(source: string, start: number, end: number, replacement: string): { before: string; after: string } {
  const from = source.lastIndexOf('\n', start - 1) + 1;
  const nl = source.indexOf('\n', end);
  const to = nl === -1 ? source.length : nl;
  const before = source.slice(from, to).replace(/\r$/, '');
  const after = (source.slice(from, start) + replacement + source.slice(end, to)).replace(/\r$/, '');
  return { before, after };
}

/** `file:line` then `- old` / `+ new` lines, then notes: the exact lines to change by hand. */
export function exactLines(file: string, line: number, before: string, after: string, notes: string[] = []): string {
  return [`${file}:${line}`, `- ${before}`, `+ ${after}`, ...notes.map((n) => `  ${n}`)].join('\n');
}

/** A timing-leaky compare in another language: the line with the language's constant-time compare. */
export async function textSuggestion(s: Session, check: CheckResult, f: Finding, hit: { handler: WebhookHandler; compare: SignatureCompare }): Promise<Fix | undefined> {
  const c = hit.compare;
  const lang = COMPARE[hit.handler.language];
  if (!lang || !f.file || c.start === undefined || c.end === undefined || c.operands.length !== 2) return undefined;
  if (!['==', '===', '!=', '!==', '.equals', 'equals'].includes(c.operator)) return undefined;
  const source = await s.read(f.file);
  if (source === undefined) return undefined;
  const [a, b] = c.operands as [string, string];
  const negate = c.operator.startsWith('!');
  const replacement = `${negate ? lang.not : ''}${lang.call(a, b)}`;
  const { before, after } = lineEdit(source, indexOfByte(source, c.start), indexOfByte(source, c.end), replacement);
  return {
    id: `${check.id}:constant-time-compare:${f.file}:${f.line ?? 0}`,
    kind: 'constant-time-compare',
    tier: 'suggestion',
    title: `compare in constant time: \`${replacement}\` instead of \`${c.operator}\``,
    target: targetOf(check, f),
    files: [],
    text: exactLines(f.file, c.line, before, after, lang.needs ? [`needs ${lang.needs}`] : []),
  };
}
