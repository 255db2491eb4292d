// Text suggestions for Python, Go, Ruby, PHP and Java, where golive has no span-exact edit it
// can re-check: the exact line as it is and as it would be, plus what else the change needs.
// Kotlin (.kt, .kts) gets only the key suggestion, in Kotlin: the code index does not read Kotlin,
// so no compare, raw-body, guard or externalId finding names a Kotlin file, and a Java line
// there would not compile.
import type { CheckResult, Finding } from '../engine/types.js';
import type { CodeIndex, CodeLanguage, SignatureCompare, WebhookHandler } from '../evidence/code/types.js';
import { indexOfByte } from './edits.js';
import { targetOf } from './plan.js';
import { hintsFrom, mintcashCue } from '../evidence/code/provider.js';
import { OTHER_PROVIDER } from './js-suggest.js';
import type { Session } from './session.js';
import type { Fix } from './types.js';
import { environmentGuard } from './text-guard.js';
import { asString, mayBeNull } from './text-null.js';
import { escapeRegExp } from '../regexp.js';

/** Something a suggestion needs, and how to tell the file has it already. */
interface Need {
  text: string;
  present?: RegExp;
}

/** `import pkg.Cls;` (or `pkg.*`) in a Java file. */
const javaImport = (pkg: string, cls: string): Need => ({ text: `\`import ${pkg}.${cls};\``, present: new RegExp(`^\\s*import\\s+${escapeRegExp(pkg)}\\.(?:${cls}|\\*)\\s*;`, 'm') });

/** The constant-time compare of each language, and what it needs imported. */
const COMPARE: Partial<Record<CodeLanguage, { call: (a: string, b: string) => string; not: string; needs?: Need[] }>> = {
  python: { call: (a, b) => `hmac.compare_digest(${a}, ${b})`, not: 'not ', needs: [{ text: '`import hmac` at the top of the file', present: /^\s*import\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*hmac\b(?!\s+as\b)/m }] },
  go: { call: (a, b) => `hmac.Equal([]byte(${a}), []byte(${b}))`, not: '!', needs: [{ text: '`"crypto/hmac"` in the imports', present: /^\s*(?:import\s+)?(?:hmac\s+)?"crypto\/hmac"/m }] },
  ruby: { call: (a, b) => `Rack::Utils.secure_compare(${a}, ${b})`, not: '!', needs: [{ text: 'Rack (Rails and Sinatra load it); `ActiveSupport::SecurityUtils.secure_compare` works too' }] },
  php: { call: (a, b) => `hash_equals(${a}, ${b})`, not: '!' },
  java: { call: (a, b) => `MessageDigest.isEqual(${a}.getBytes(StandardCharsets.UTF_8), ${b}.getBytes(StandardCharsets.UTF_8))`, not: '!', needs: [javaImport('java.security', 'MessageDigest'), javaImport('java.nio.charset', 'StandardCharsets')] },
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
  const mark = (sign: string, text: string) => text.split('\n').map((l) => `${sign} ${l.replace(/\r$/, '')}`);
  return [`${file}:${line}`, ...mark('-', before), ...mark('+', after), ...notes.map((n) => `  ${n}`)].join('\n');
}

/** Quotes and brackets pair up: an operand cut in the middle (of an f-string, say) is not offered. */
export function balanced(text: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return !quote && stack.length === 0;
}

/** A timing-leaky compare in another language: the line with the language's constant-time compare. */
export async function textSuggestion(s: Session, check: CheckResult, f: Finding, hit: { handler: WebhookHandler; compare: SignatureCompare }): Promise<Fix | undefined> {
  const c = hit.compare;
  const lang = COMPARE[hit.handler.language];
  if (!lang || !f.file || langOf(f.file) === 'kotlin' || c.start === undefined || c.end === undefined || c.operands.length !== 2) return undefined;
  if (!['==', '===', '!=', '!==', '.equals', 'equals'].includes(c.operator)) return undefined;
  const source = await s.read(f.file);
  if (source === undefined) return undefined;
  const [a, b] = c.operands as [string, string];
  // The operands must be whole expressions of the compare as written, or the line would not parse.
  const span = source.slice(indexOfByte(source, c.start), indexOfByte(source, c.end));
  if (!balanced(a) || !balanced(b) || !span.startsWith(a.split('\n')[0]!) || !span.includes(b.split('\n').at(-1)!)) return undefined;
  const negate = c.operator.startsWith('!');
  // The operand the request supplies may be null (a missing header): as a string, the compare
  // rejects it as `==` did rather than raising. PHP's hash_equals takes the user's string second.
  const at = indexOfByte(source, c.start);
  const [nullA, nullB] = [mayBeNull(hit.handler.language, source, at, a), mayBeNull(hit.handler.language, source, at, b)];
  const [x, y] = [nullA ? asString(hit.handler.language, a) : a, nullB ? asString(hit.handler.language, b) : b];
  const [first, second] = hit.handler.language === 'php' && nullA && !nullB ? [y, x] : [x, y];
  const replacement = `${negate ? lang.not : ''}${lang.call(first, second)}`;
  // Only what the file lacks: a note about an import it has sends the reader looking for nothing.
  const needs = [...(lang.needs ?? []), ...(hit.handler.language === 'java' && (nullA || nullB) ? [javaImport('java.util', 'Objects')] : [])].filter((n) => !n.present?.test(source)).map((n) => n.text);
  const { before, after } = lineEdit(source, indexOfByte(source, c.start), indexOfByte(source, c.end), replacement);
  return {
    id: `${check.id}:constant-time-compare:${f.file}:${f.line ?? 0}`,
    kind: 'constant-time-compare',
    tier: 'suggestion',
    title: `compare in constant time: \`${replacement}\` instead of \`${c.operator}\``,
    target: targetOf(check, f),
    files: [],
    text: exactLines(f.file, c.line, before, after, needs.length > 0 ? [`needs ${needs.join(' and ')}`] : []),
  };
}

/** The languages of text suggestions: the code index's, and Kotlin, which only the secret scan reads. */
type TextLanguage = CodeLanguage | 'kotlin';
const LANG_OF: Record<string, TextLanguage> = { py: 'python', go: 'go', rb: 'ruby', php: 'php', java: 'java', kt: 'kotlin', kts: 'kotlin' };
const langOf = (file: string): TextLanguage | undefined => LANG_OF[file.split('.').pop() ?? ''];

/** The raw body as each framework spells it. */
function rawBodyOf(lang: CodeLanguage, text: string): { expr: string; needs?: string } | undefined {
  switch (lang) {
    case 'python':
      if (/\bfastapi\b|FastAPI/.test(text)) return { expr: 'await request.body()', needs: 'the handler must be `async def` and take `request: Request`' };
      if (/\bdjango\b/.test(text)) return { expr: 'request.body' };
      return { expr: 'request.get_data()', needs: 'parse it after verifying: `json.loads(...)`' };
    case 'ruby':
      return /ActionController|ApplicationController|Rails/.test(text) ? { expr: 'request.raw_post' } : { expr: 'request.body.read', needs: '`request.body.rewind` first if anything read it before' };
    case 'php':
      return /Illuminate|Request \$request/.test(text) ? { expr: '$request->getContent()' } : { expr: "file_get_contents('php://input')" };
    case 'go':
      return { expr: 'body', needs: '`body, err := io.ReadAll(r.Body)` once before, and `json.Unmarshal(body, &evt)` after verifying' };
    case 'java':
      return { expr: 'body', needs: 'take the body as `@RequestBody String body` (or `byte[]`) and map it to JSON after verifying' };
    default:
      return undefined;
  }
}

const ENV_READ: Partial<Record<TextLanguage, (name: string) => string>> = {
  python: (n) => `os.environ["${n}"]`,
  go: (n) => `os.Getenv("${n}")`,
  ruby: (n) => `ENV.fetch("${n}")`,
  php: (n) => `getenv('${n}')`,
  java: (n) => `System.getenv("${n}")`,
  kotlin: (n) => `System.getenv("${n}")`,
};

/** Per-intent ids as written in these languages: `order.id`, `order_id`, `$order->id`, `order.getId()`. */
const INTENT_WORD = /\b(?:\$)?(order|invoice|cart|checkout|purchase|refund_request|refund_batch|refundRequest)(?:_id|Id|ID|\.id|\.ID|->id|\.getId\(\))?\b/;

/** A line that is only a comment (`#`, `//`, `/*`, ` * `). */
const COMMENT_LINE = /^\s*(#|\/\/|\/\*|\*)/;

/** `order` as written in the code → its id: `order["id"]`, `order.id`, `$order->id`, `order.ID`, `order.getId()`. */
function idField(lang: CodeLanguage, name: string, text: string): string {
  const subscript = new RegExp(`\\$?${name}\\[\\s*(['"])`).exec(text);
  if (subscript) return `${lang === 'php' ? '$' : ''}${name}[${subscript[1]}id${subscript[1]}]`;
  switch (lang) {
    case 'php':
      return `$${name}->id`;
    case 'go':
      return `${name}.ID`;
    case 'java':
      return `${name}.getId()`;
    default:
      return `${name}.id`;
  }
}

function lineAt(source: string, line: number): string {
  return source.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
}

/** A MintCash key literal read from the environment instead, in the file's language. */
function keyToEnv(s: Session, lang: TextLanguage, source: string, f: Finding & { file: string; line: number }): { title: string; text: string } | undefined {
  const read = ENV_READ[lang]?.(s.config.env.secretKey);
  const key = (s.evidence.secrets?.keys ?? []).find((k) => k.file === f.file && k.line === f.line && k.column === f.column);
  if (!read || !key) return undefined;
  const line = lineAt(source, f.line);
  // The whole literal: a triple-quoted one (Python, Kotlin) too, or two stray quotes would stay.
  const quoted = new RegExp(`(?<!['"])("""|'''|['"])${escapeRegExp(key.value)}\\1(?!['"])`);
  // Only MintCash's keys: Stripe's and Paystack's have the same shape.
  if (!quoted.test(line) || !mintcashCue(source, hintsFrom(s.config)) || OTHER_PROVIDER.test(line)) return undefined;
  // A constant cannot hold a value read at run time: Go's becomes a var, Kotlin's `const val` a
  // `val`; PHP's has no one-line form.
  if (lang === 'php' && /^\s*((public|private|protected|final)\s+)*const\s/.test(line)) return undefined;
  let replaced = line.replace(quoted, read);
  if (lang === 'go') replaced = replaced.replace(/^(\s*)const(\s)/, '$1var$2');
  if (lang === 'kotlin') {
    replaced = replaced.replace(/^(\s*(?:(?:private|internal|public|protected)\s+)?)const\s+(?=val\s)/, '$1');
    // `System.getenv("K") ?: "sk_…"` would become `System.getenv("K") ?: System.getenv("K")`: the read alone.
    const twice = new RegExp(`${escapeRegExp(read)}\\s*\\?:\\s*${escapeRegExp(read)}`);
    replaced = replaced.replace(twice, read);
  }
  return { title: `read the secret key from the environment (\`${read}\`)`, text: exactLines(f.file, f.line, line, replaced, [`set ${s.config.env.secretKey} in every deployment's environment, and rotate the committed key`]) };
}

/** Text suggestions for Python, Go, Ruby, PHP, Java and (the key only) Kotlin findings. */
export async function textFor(s: Session, check: CheckResult, f: Finding, code: CodeIndex): Promise<Fix[]> {
  const lang = f.file ? langOf(f.file) : undefined;
  if (!lang || !f.file || !f.line) return [];
  const source = await s.read(f.file);
  if (source === undefined) return [];
  const make = (kind: string, title: string, text: string): Fix[] => [{ id: `${check.id}:${kind}:${f.file}:${f.line}`, kind, tier: 'suggestion', title, target: targetOf(check, f), files: [], text }];
  if (check.id === 'credentials.no-secrets-in-source' && /^(live|test)-secret-in-source$/.test(f.messageId)) {
    const fix = keyToEnv(s, lang, source, f as Finding & { file: string; line: number });
    return fix ? make('key-to-env', fix.title, fix.text) : [];
  }
  // Only the secret scan reads Kotlin: any other finding there is withheld, never a Java line.
  if (lang === 'kotlin') return [];
  if (check.id === 'webhook.code-raw-body' && f.messageId === 'hmac-over-reserialized-json') {
    const input = code.handlers.flatMap((h) => h.hmacInputs).find((i) => i.file === f.file && i.line === f.line && i.column === f.column);
    const raw = rawBodyOf(lang, source);
    if (!input || !raw || input.start === undefined || input.end === undefined) return [];
    // Only where the request is at hand: a helper that gets the parsed payload has no raw body to name.
    const outside = source.slice(0, indexOfByte(source, input.start)) + source.slice(indexOfByte(source, input.end));
    const needs = /^\$?\w+/.exec(raw.expr.replace(/^await /, ''))![0];
    // A Spring handler takes its body as a parameter: the note says to make it `String body`.
    const atHand = /php:\/\/input/.test(raw.expr) || (lang === 'java' && /@RequestBody\b/.test(outside)) || new RegExp(`(^|[^\\w$])${escapeRegExp(needs)}\\b`).test(outside);
    if (!atHand) return [];
    const [from, to0] = [indexOfByte(source, input.start), indexOfByte(source, input.end)];
    // Python's raw body is bytes already: `json.dumps(x).encode()` loses its `.encode(...)` too.
    const encode = lang === 'python' ? /^\.encode\([^()]*\)/.exec(source.slice(to0))?.[0] ?? '' : '';
    const edited = lineEdit(source, from, to0 + encode.length, raw.expr);
    const { before } = edited;
    // Go: `canonical, _ := json.Marshal(evt)` becomes `canonical := body` (one value now, not two).
    const after = lang === 'go' ? edited.after.replace(new RegExp(`^(\\s*\\w+)\\s*,\\s*\\w+\\s*(:?=)\\s*${raw.expr}\\s*$`), `$1 $2 ${raw.expr}`) : edited.after;
    return make('raw-body', `compute the HMAC over the raw body (\`${raw.expr}\`), not re-serialised JSON`, exactLines(f.file, f.line, before, after, raw.needs ? [raw.needs] : []));
  }
  if (check.id === 'webhook.code-environment-guard') {
    const guard = environmentGuard(lang, source, f.line, s.config.environment);
    if (!guard) return [];
    const anchor = source.split('\n')[guard.after]!.replace(/\r$/, '');
    return make('environment-guard', `refuse events of the other environment with 400, as MintCash's reference handler does`, [`${f.file}:${guard.after + 1} (after this line)`, `  ${anchor.trim()}`, `+ ${guard.line}`].join('\n'));
  }
  if (check.id === 'idempotency.external-id' || check.id === 'idempotency.external-id-quality') {
    // Only a per-intent id in the code around the call (never a fresh random value, nor a word
    // in a comment): the nearest one, the call's own lines first, then upwards.
    const all = source.split('\n');
    const window = all.slice(Math.max(0, f.line - 40), f.line + 3).join('\n');
    const order = [...all.slice(f.line - 1, f.line + 3), ...all.slice(Math.max(0, f.line - 40), f.line - 1).reverse()];
    const m = order.filter((l) => !COMMENT_LINE.test(l)).map((l) => INTENT_WORD.exec(l)).find(Boolean);
    if (!m) return [];
    const id = m[0] === m[1] || m[0] === `$${m[1]}` ? idField(lang, m[1]!, window) : m[0];
    const verb = check.id === 'idempotency.external-id' ? 'add to the body' : 'set in the body';
    return make('external-id', `send externalId from the ${m[1]}'s own id (\`${id}\`), one per intent`, [`${f.file}:${f.line}`, `  ${lineAt(source, f.line).trim()}`, `  ${verb}: "externalId" set to ${id}, prefixed per intent (e.g. "${m[1]}-" followed by it); check it is the ${m[1]}'s own stable id`].join('\n'));
  }
  return [];
}
