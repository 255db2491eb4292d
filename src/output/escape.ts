// Escaping at the output boundary: untrusted text made one visible line (no terminal escapes, no
// line breaks), and the one rule that keeps CI runners from taking golive's output for commands.
//
// The rule, from the runners' own parsers (actions/runner ActionCommand.TryParseV2/TryParse,
// microsoft/azure-pipelines-agent Command.TryParse; test/helpers/ci-parsers.ts models them):
// - GitHub Actions runs a line as a command when, after its leading whitespace, it starts with
//   `::`, or when it holds `##[` anywhere (the legacy form, which still honours stop-commands,
//   add-mask and the rest). Azure Pipelines runs `##vso[` anywhere; TeamCity `##teamcity[`.
// - Both runners are .NET and match with culture-sensitive IndexOf/StartsWith under ICU, which
//   skips ignorable code points: `:\u200b:` and `#\u200b#[` still match. So a zero-width space
//   neutralises nothing; the rule allows any ignorable or control character inside the patterns
//   and inserts a visible, non-ignorable escape before the pattern's last character instead.
// - Lines end at \n, \r (the runners' ReadLine) and, to be safe, NEL, LS and PS.
// How the escape looks depends on what is printed, so that it changes no meaning: `\:` `\[` in text
// and Markdown (CommonMark renders them as `:` `[`), `\u003a` `\u005b` inside JSON strings, and
// `&#58;` `&#91;` in XML and HTML.

// C0 controls, DEL, C1 controls, line/paragraph separators and bidirectional overrides (matching
// control characters is the point here).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_KEEP_NL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** One line of untrusted text, safe for a terminal and a CI log: controls and line breaks made visible. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, visible);
}

/** Untrusted text that may span lines: every control but the newline made visible. */
export function plainLines(text: string): string {
  return text.replace(CONTROL_KEEP_NL, visible);
}

// Source text keeps its newlines and tabs (a diff or a replacement must stay exact); every other control is made visible.
// eslint-disable-next-line no-control-regex
const CONTROL_KEEP_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Source code as text (a fix's diff): newlines and tabs kept, every other control made visible. */
export function sourceText(text: string): string {
  return text.replace(CONTROL_KEEP_TEXT, visible);
}

/**
 * A deep copy of a JSON-like value (a report, evidence for a plugin) with every string and key
 * masked and made one line; under a finding's `fixes` (diffs, replacements: source code that must
 * stay exact) strings keep their newlines and tabs, and each renderer escapes them for its format.
 */
export function cleanDeep<T>(value: T, mask: (text: string) => string): T {
  const walk = (v: unknown, source: boolean): unknown => {
    if (typeof v === 'string') return source ? sourceText(mask(v)) : oneLine(mask(v));
    if (Array.isArray(v)) return v.map((x) => walk(x, source));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[oneLine(mask(k))] = walk(x, source || k === 'fixes');
      return out;
    }
    return v;
  };
  return walk(value, false) as T;
}

export type LogFormat = 'text' | 'markdown' | 'json' | 'xml' | 'html';

const LB = '\\n\\r\\u0085\\u2028\\u2029';
// Ignored by ICU collation (default-ignorable code points, controls), never a line break.
const IGN = `(?:(?![${LB}])[\\p{Default_Ignorable_Code_Point}\\p{Cc}])`;
// What .NET's TrimStart removes, plus what ICU then skips.
const LEAD = `(?:(?![${LB}])[\\s\\u0085\\p{Default_Ignorable_Code_Point}\\p{Cc}])`;
/** `::` at a line start after whitespace (the lookbehind needs a line break, or the sentinel before the text). */
const LINE_START = new RegExp(`(?<=[${LB}])${LEAD}*:${IGN}*:`, 'gu');
/** `##[`, `##vso[`, `##teamcity[`…, any case, anywhere on a line. */
const HASH = new RegExp(`#${IGN}*#(?:${IGN}*[A-Za-z]){0,32}${IGN}*\\[`, 'gu');
const IS_LB = new Set(['\n', '\r', '\u0085', '\u2028', '\u2029']);
const PREFIX_ONLY = new RegExp(`^${LEAD}*(?::${IGN}*)?$`, 'u');

const ESCAPES: Record<LogFormat, Record<':' | '[', string>> = {
  text: { ':': '\\:', '[': '\\[' },
  markdown: { ':': '\\:', '[': '\\[' },
  json: { ':': '\\u003a', '[': '\\u005b' },
  xml: { ':': '&#58;', '[': '&#91;' },
  html: { ':': '&#58;', '[': '&#91;' },
};

/**
 * Neutralises workflow commands in text written in pieces: a pattern split across two writes is
 * caught too (what came before is remembered, up to the start of its line).
 */
export class CommandGuard {
  private carry = '';
  private atLineStart = true;
  private lastChar = '\n';

  /** True when the text so far ends inside a line. */
  get midLine(): boolean {
    return !IS_LB.has(this.lastChar);
  }

  /** Someone else wrote a line break (a command line of golive's own). */
  endLine(): void {
    this.carry = '';
    this.atLineStart = true;
    this.lastChar = '\n';
  }

  push(chunk: string, format: LogFormat = 'text'): string {
    if (!chunk) return chunk;
    // A sentinel before the text: a line break when the remembered text starts a line, else not.
    const lead = this.atLineStart ? '\n' : 'x';
    const text = lead + this.carry + chunk;
    const from = lead.length + this.carry.length;
    const marks = new Set<number>();
    for (const re of [LINE_START, HASH]) {
      for (const m of text.matchAll(re)) {
        // The pattern's last character, moved into this chunk if the match began in an earlier one:
        // an escape anywhere inside a match breaks it.
        const last = m.index + m[0].length - 1;
        if (last >= from) marks.add(last);
      }
    }
    let out = '';
    let start = from;
    for (const i of [...marks].sort((a, b) => a - b)) {
      out += text.slice(start, i) + ESCAPES[format][text[i] as ':' | '['];
      start = i + 1;
    }
    out += text.slice(start);
    this.remember(text);
    this.lastChar = text[text.length - 1]!;
    return out;
  }

  private remember(text: string): void {
    let lb = text.length - 1;
    while (lb > 0 && !IS_LB.has(text[lb]!)) lb--;
    // Index 0 is the sentinel: no line break in the real text means the line goes on.
    const line = text.slice(lb + 1);
    const startsLine = lb > 0 || this.atLineStart;
    if (startsLine && PREFIX_ONLY.test(line)) {
      // Only the shape matters: blank so far, or blank and one colon.
      this.carry = line.includes(':') ? ':' : '';
      this.atLineStart = true;
    } else {
      this.carry = line.slice(-256);
      this.atLineStart = startsLine && line.length <= 256;
    }
  }
}

/** The rule over a whole text (one write). */
export function neutraliseCommands(text: string, format: LogFormat = 'text'): string {
  return new CommandGuard().push(text, format);
}
