// credentials.no-test-keys-in-prod: production config holds no test key and no sandbox base URL,
// and no code falls back to either when an environment variable is unset (a missing variable in
// production would then silently run against the sandbox).
import picomatch from 'picomatch';
import { defineCheck, type FindingInput } from '../src/engine/types.js';
import { maskSecret } from '../src/engine/mask.js';
import type { CredentialItem } from '../src/evidence/types.js';
import { isPlaceholderKey } from '../src/evidence/keymatch.js';
import { SANDBOX_HOST, diagnoseKey, mentionsSandbox } from '../src/mintcash/keys.js';

/**
 * What an env lookup's default looks like just before the literal, per language. The heuristic:
 * the test key or sandbox URL must be the *default* of a lookup (`??`, `||`, `?:`, `or`, a second
 * argument, `${X:-…}`). A literal chosen by an explicit condition (`env === 'live' ? LIVE : SANDBOX`)
 * is a deliberate branch, not a fallback, and does not match. Lookups split over several lines
 * are not seen (only the literal's own line is available).
 */
const FALLBACKS: readonly RegExp[] = [
  // JS/TS: process.env.X ?? '…', process.env['X'] || "…", import.meta.env.X ?? …, Bun.env.X || …
  /\b(?:process\.env|import\.meta\.env|Bun\.env)(?:\.[A-Za-z_$][\w$]*|\[\s*['"`][^'"`]*['"`]\s*\])\s*(?:\?\?|\|\|)\s*$/,
  // Deno.env.get('X') ?? …, C# Environment.GetEnvironmentVariable("X") ?? …
  /\b(?:Deno\.env\.get|GetEnvironmentVariable)\([^()]*\)\s*(?:\?\?|\|\|)\s*$/,
  // PHP getenv('X') ?: …, Kotlin System.getenv("X") ?: …, $_ENV['X'] ?? …, $_SERVER['X'] ?? …
  /\bgetenv\([^()]*\)\s*(?:\?:|\|\||\?\?)\s*$/,
  /\$_(?:ENV|SERVER)\[\s*['"][^'"]*['"]\s*\]\s*(?:\?\?|\?:)\s*$/,
  // Python os.getenv("X", "…"), os.environ.get("X", "…"), setdefault, Laravel env("X", "…"),
  // Java getOrDefault("X", "…"), Ruby ENV.fetch("X", "…")
  /\b(?:getenv|environ\.get|environ\.setdefault|env|getOrDefault|ENV\.fetch)\(\s*['"][^'"]*['"]\s*,\s*(?:default\s*=\s*)?$/,
  // Python os.getenv("X") or "…" / os.environ.get("X") or "…"
  /\b(?:getenv|environ\.get)\([^()]*\)\s+or\s+$/,
  // Ruby ENV["X"] || "…", ENV.fetch("X") { "…" }
  /\bENV\[\s*['"][^'"]*['"]\s*\]\s*\|\|\s*$/,
  /\bENV\.fetch\([^()]*\)\s*\{\s*(?:\|[^|]*\|\s*)?$/,
  // Shell / compose ${X:-…}, ${X-…}, ${X:=…}; Spring ${mintcash.key:…}
  /\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]$/,
  /\$\{[A-Za-z_][\w.-]*:$/,
  // Rust env::var("X").unwrap_or("…") / .unwrap_or_else(|_| "…"); Go cmp.Or(os.Getenv("X"), "…")
  /\benv::var\([^()]*\)\s*\.unwrap_or(?:_else)?\(\s*(?:\|[^|]*\|\s*)?(?:String::from\(\s*)?$/,
  /\bcmp\.Or\(\s*os\.Getenv\([^()]*\)\s*,\s*$/,
];

/** `const { X = '…' } = process.env`: a destructuring default. */
const DESTRUCTURE_DEFAULT = /[{,]\s*[A-Za-z_$][\w$]*\s*=\s*$/;
const DESTRUCTURE_FROM_ENV = /}\s*=\s*(?:process\.env|import\.meta\.env)\b/;

const COMMENT_LINE = /^\s*(?:\/\/|#|\*|\/\*|<!--|;|REM\b)/i;
/** A `//` or ` #` comment earlier on the line (but not `://` in a URL or Ruby `#{`). */
const TRAILING_COMMENT = /(?:^|[^:])\/\/|(?:^|\s)#(?!\{)/;
const DOC_FILE = /\.(?:md|mdx|markdown|rst|adoc|txt)$/i;
const EXAMPLE_ENV = /(?:^|\/)\.env\.(?:example|sample|template|dist|test|testing|development|dev|local)$|(?:^|\/)[^/]*\.(?:example|sample|template)$/i;

/** Text before the literal with its opening quote (and a URL scheme) removed. */
function textBefore(lineText: string, index: number, isUrl: boolean): string {
  let before = lineText.slice(0, index);
  if (isUrl) before = before.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/$/, '');
  return before.replace(/['"`]$/, '');
}

export function isFallback(lineText: string, index: number, isUrl: boolean): boolean {
  if (COMMENT_LINE.test(lineText)) return false;
  const before = textBefore(lineText, index, isUrl);
  if (TRAILING_COMMENT.test(before.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""'))) return false;
  if (FALLBACKS.some((re) => re.test(before))) return true;
  return DESTRUCTURE_DEFAULT.test(before) && DESTRUCTURE_FROM_ENV.test(lineText.slice(index));
}

/**
 * Where the literal starts in the capped line. Collectors may count columns from 0 or 1, so the
 * occurrence nearest the reported column wins; a literal past the cap cannot be judged.
 */
function locate(lineText: string, needle: string, column: number): number {
  let best = -1;
  const hay = lineText.toLowerCase();
  for (let i = hay.indexOf(needle.toLowerCase()); i >= 0; i = hay.indexOf(needle.toLowerCase(), i + 1)) {
    if (best < 0 || Math.abs(i - (column - 1)) < Math.abs(best - (column - 1))) best = i;
  }
  return best;
}

function sandboxUrlAt(lineText: string, index: number): string {
  const scheme = /[A-Za-z][A-Za-z0-9+.-]*:\/\/$/.exec(lineText.slice(0, index))?.[0] ?? '';
  return /^[^\s"'`,;)}]+/.exec(lineText.slice(index - scheme.length))?.[0] ?? SANDBOX_HOST;
}

function where(item: CredentialItem): string {
  return item.source === 'env' ? `environment variable ${item.name}` : `${item.name} in ${item.file}${item.line ? `:${item.line}` : ''}`;
}

function configFindings(items: CredentialItem[]): FindingInput[] {
  const out: FindingInput[] = [];
  for (const item of items) {
    const loc = item.source === 'env' || !item.file ? {} : { file: item.file, line: item.line, column: item.column };
    const d = diagnoseKey(item.value);
    if (d.parsed?.env === 'test') {
      const masked = maskSecret(d.cleaned);
      out.push({
        messageId: 'test-key-in-production-config',
        message: `${where(item)} holds test key ${masked} in production config; replace it with the ${d.parsed.kind}_live_… key.`,
        ...loc,
        fingerprintOf: item.value,
        evidence: { key: masked, source: item.source, name: item.name },
      });
    } else if (mentionsSandbox(item.value)) {
      out.push({
        messageId: 'sandbox-url-in-production-config',
        message: `${where(item)} points at the sandbox (${SANDBOX_HOST}) in production config; use https://api.mintcash.me.`,
        ...loc,
        fingerprintOf: item.value,
        evidence: { source: item.source, name: item.name },
      });
    }
  }
  return out;
}

export default defineCheck({
  id: 'credentials.no-test-keys-in-prod',
  section: 'credentials',
  kind: 'static',
  title: 'No test keys or sandbox URL in production',
  failureTitle: 'Production can use test keys or the sandbox',
  why: 'A test key or sandbox URL in production, or as a fallback when a variable is missing, makes checkout look healthy while no real money moves.',
  fix: 'Put only pk_live_/sk_live_ keys and https://api.mintcash.me in production config, and remove defaults from env lookups so a missing variable fails at startup.',
  defaultSeverity: 'error',
  requires: ['keys', 'secrets'],
  run({ evidence, config }) {
    if (config.environment === 'test') return { status: 'skip', summary: 'Target is test; nothing to compare.' };
    const { keys, secrets } = evidence;
    const findings = configFindings(keys.items);
    const seen = new Set(findings.filter((f) => f.file).map((f) => `${f.file}\0${f.line}`));

    const prodFiles = new Set(keys.productionFiles);
    for (const s of secrets.sandboxUrls) {
      if (!prodFiles.has(s.file) || COMMENT_LINE.test(s.lineText) || seen.has(`${s.file}\0${s.line}`)) continue;
      seen.add(`${s.file}\0${s.line}`);
      const i = locate(s.lineText, SANDBOX_HOST, s.column);
      findings.push({
        messageId: 'sandbox-url-in-production-config',
        message: `${s.file}:${s.line} points at the sandbox (${SANDBOX_HOST}) in production config; use https://api.mintcash.me.`,
        file: s.file,
        line: s.line,
        column: s.column,
        fingerprintOf: i >= 0 ? sandboxUrlAt(s.lineText, i) : SANDBOX_HOST,
      });
    }

    // Fallbacks in code anywhere in the repo, except tests, docs and example env files.
    const isTestFile = config.testFiles.length > 0 ? picomatch(config.testFiles, { dot: true }) : () => false;
    const skipFile = (f: string) => isTestFile(f) || DOC_FILE.test(f) || EXAMPLE_ENV.test(f);
    let fallbacks = 0;
    for (const k of secrets.keys) {
      if (k.env !== 'test' || skipFile(k.file) || isPlaceholderKey(k.value)) continue;
      const i = locate(k.lineText, k.value, k.column);
      if (i < 0 || !isFallback(k.lineText, i, false) || seen.has(`${k.file}\0${k.line}`)) continue;
      seen.add(`${k.file}\0${k.line}`);
      fallbacks++;
      const masked = maskSecret(k.value);
      findings.push({
        messageId: 'test-key-fallback',
        message: `${k.file}:${k.line} falls back to test key ${masked} when the variable is unset; remove the default so a missing key fails at startup.`,
        file: k.file,
        line: k.line,
        column: k.column,
        fingerprintOf: k.value,
        evidence: { key: masked },
      });
    }
    for (const s of secrets.sandboxUrls) {
      if (skipFile(s.file)) continue;
      const i = locate(s.lineText, SANDBOX_HOST, s.column);
      if (i < 0 || !isFallback(s.lineText, i, true) || seen.has(`${s.file}\0${s.line}`)) continue;
      seen.add(`${s.file}\0${s.line}`);
      fallbacks++;
      findings.push({
        messageId: 'sandbox-url-fallback',
        message: `${s.file}:${s.line} falls back to the sandbox URL when the variable is unset; remove the default or make it https://api.mintcash.me.`,
        file: s.file,
        line: s.line,
        column: s.column,
        fingerprintOf: sandboxUrlAt(s.lineText, i),
      });
    }

    const n = keys.productionFiles.length;
    return {
      findings,
      summary: `Checked ${keys.items.length} production credential${keys.items.length === 1 ? '' : 's'} (${n} production config file${n === 1 ? '' : 's'}) and ${secrets.filesScanned} files for fallbacks; ${fallbacks} fallback${fallbacks === 1 ? '' : 's'} found.`,
    };
  },
});
