// What a Python, Go, Ruby, PHP or Java MintCash call does with an error answer, for
// firstweek.request-id-logged: the token-level twin of js-errors.ts, with the same four answers.
// Within the function around the call (and a helper the response is handed to, one level deep):
// an error log or a raise that reads MintCash's `details`/`requestId` logs it; one that carries the
// whole response or its body keeps it; any other error log or raise drops it; no status check with
// a client that does not raise on 4xx/5xx by itself (requests, net/http, Net::HTTP, curl,
// java.net.http…) is unchecked; anything else (raise_for_status, Guzzle, RestTemplate, a response
// returned to the caller) propagates. Facts only; the check judges.
import type { Token } from './tokenize.js';
import type { Tokens } from './tokens.js';
import type { CodeLanguage, ErrorHandlingFact } from './types.js';

type Range = [number, number];

const LOG_LEVEL = /^(error|exception|warn|warning|fatal|critical|crit|severe|alert|emergency|err|Error|Errorf|Errorw|Errorln|Warn|Warnf|Warnw|Warning|Warningf|Fatal|Fatalf|Fatalln|capture_exception|capture_message|captureException|captureMessage)$/;
/** The object a log method is called on: `logger`, `self.log`, `$this->logger`, `Rails.logger`, `LOG`, `slog`, `Log::`. */
const LOGGER = /(^|[.:$])_?(log|logger|logging|slog|logrus|zap|sugar|zerolog|sentry|sentry_sdk|Sentry)$/i;
/** Bare error-output calls: PHP `error_log`, Ruby `warn`, Java `System.err.println`, Go's level-less `log.Print*`. */
const BARE_LOG: Record<string, RegExp> = { php: /^(error_log|trigger_error)$/, ruby: /^warn$/, java: /^System\.err\.(println|print|printf)$|\.printStackTrace$/, go: /^log\.(Print|Printf|Println|Fatal|Fatalf|Fatalln|Panic|Panicf)$/, python: /^$/ };
/** Reading the status of an answer (or asking the client to raise on an error status). */
const STATUS_FIELD = /^(status_code|status|ok|ok\?|StatusCode|Status|statusCode|getStatusCode|code|successful|failed|success\?|is_success|is_success\?|isSuccessful|isSuccess|is_error|is_client_error|is_server_error|getStatusLine|getReasonPhrase|reason|reason_phrase|message|raise_for_status|throw|throwIf|ensure_success)$/;
/** The client raises its own error (carrying the answer) for 4xx/5xx: the caller gets it. */
const SELF_RAISING = /^(raise_for_status|throw|throwIf|throwUnlessStatus|retrieve|onStatus|ensure_success|raise_error)$/;
/** Accessors that hand over the whole error body of a client's own exception. */
const ERROR_BODY = /^(getResponseBodyAsString|getResponseBody|http_body|response_body|getResponse|body|text|content|json|data|getBody|getContents|read)$/;
const MINTCASH_ID = /^(details|Details|requestId|RequestID|RequestId|getDetails|getRequestId|request_id)$/;
/** Reading the body of an answer: what follows stays the whole body (`resp.json()`, `res.body`, `io.ReadAll(resp.Body)`). */
const BODY_ACCESSOR = /^(json|text|body|content|data|Body|getBody|getContents|read|parsed_response|to_s|string|bytes|body_string|toString|getEntity|entity|readEntity|__toString|object|collect|toArray|getContent)$/;
/** Calls that read a key: `.get("details")`, `dig("details", "requestId")`, `$r->json('details')`, `getJSONObject("details")`. */
const KEY_READER = /^(get|dig|fetch|path|at|json|value|Get|GetString|getString|getJSONObject|optString|optJSONObject|get_in|pluck|getAsJsonObject|getAsString)$/;
/** `details` read alone is MintCash's; a `requestId` key only under it (`MDC.get("requestId")` is the app's own). */
const MINTCASH_KEY = /^details(\.requestId)?$/;
/** Sends a request held in a variable and answers the response: `client.Do(req)`, `client.send(request, …)`, `http.request(req)`. */
const SENDER = /^(Do|send|sendAsync|execute|request|exchange|newCall|perform)$/;
/** Reads only the status: a variable set from it is not the answer. */
const STATUS_CALL = /^(curl_getinfo|getStatusCode|statusCode|status_code|getStatusLine|CURLINFO_HTTP_CODE|CURLINFO_RESPONSE_CODE)$/;
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'synchronized', 'try', 'else', 'do', 'return', 'new', 'foreach', 'elseif', 'using']);
const LINK = new Set(['.', '->', '::', '?.', '&.']);
/** PHP's `.` joins strings: only `->` and `::` reach into an object. */
const PHP_LINK = new Set(['->', '::', '?->']);

/** Clients that answer 4xx/5xx like any other answer, per language (anything else may raise). */
function nonRaising(lang: CodeLanguage, callee: string, near: string): boolean {
  switch (lang) {
    case 'go':
      return true;
    case 'python':
      return /^(requests|httpx|aiohttp)\.|(^|\.)(session|Session|client|http|async_client|AsyncClient|Client)\.(post|put|patch|request)$/.test(callee) && !/urlopen/.test(callee);
    case 'ruby':
      return !/RestClient|expects/.test(`${callee} ${near}`);
    case 'php':
      return /^curl_|Http::|wp_remote_|^\$?curl/.test(callee) || /CURLOPT_/.test(near);
    case 'java':
      return /HttpRequest|Request\.Builder|HttpPost|newCall|Unirest|HttpURLConnection/.test(`${callee} ${near}`) && !/postFor|exchange|retrieve|RestTemplate|WebClient|restTemplate|webClient/.test(`${callee} ${near}`);
    default:
      return false;
  }
}

interface Scan {
  logs: Range[];
  raises: Range[];
  statusChecked: boolean;
  selfRaising: boolean;
  handoffs: Array<{ name: string; arg: number; viaSelf: boolean }>;
}

/** `name` used whole inside an interpolation: alone or through body accessors, not `name.status` or `name["id"]`. */
function wholeIn(expr: string, name: string): boolean {
  const re = new RegExp(`(^|[^\\w.$>])${name.replace(/\$/g, '\\$')}((?:\\s*(?:\\.|->)\\s*\\w+(?:\\(\\))?)*)(?![\\w\\[])`, 'g');
  for (const m of expr.matchAll(re)) {
    const chain = [...(m[2] ?? '').matchAll(/(\w+)/g)].map((x) => x[1]!);
    if (chain.every((a) => BODY_ACCESSOR.test(a)) && !/^\s*(\.|->|\[)/.test(expr.slice(m.index + m[0].length))) return true;
  }
  return false;
}

export class TokenErrors {
  private lineFirst: number[] | undefined;
  private readonly link: ReadonlySet<string>;
  /** Go: the `err` of `resp, err := client.Do(req)` (and of the request's own constructor). */
  private readonly transportErrs = new Set<string>();
  /** Names holding the request or the response object itself (not its body): returned whole, the caller checks it. */
  private readonly raw = new Set<string>();

  constructor(
    private readonly tk: Tokens,
    private readonly src: string,
    private readonly lang: CodeLanguage,
    private readonly file: string,
  ) {
    this.link = lang === 'php' ? PHP_LINK : LINK;
  }

  private get t(): Token[] {
    return this.tk.t;
  }

  /** The fact for the call whose callee starts at token `at` (statement through `end`). */
  of(at: number, end: number, callee: string): ErrorHandlingFact {
    this.raw.clear();
    this.transportErrs.clear();
    const region = this.functionAround(at);
    const names = new Set<string>();
    const assigned = this.assignedTo(at);
    if (assigned !== undefined) names.add(assigned);
    this.followAssignments(names, [Math.max(region[0], end + 1), region[1]]);
    const scans = [this.scan(region, names)];
    for (const h of scans[0]!.handoffs) {
      const helper = this.findFunction(h.name);
      if (!helper) continue;
      const params = this.params(helper.params);
      const param = params[h.arg + (h.viaSelf && /^(self|cls)$/.test(params[0] ?? '') ? 1 : 0)];
      if (!param) continue;
      const inner = new Set([param]);
      this.followAssignments(inner, helper.body);
      scans.push(this.scan(helper.body, inner));
      for (const n of inner) names.add(n);
    }
    const logs = scans.flatMap((s) => s.logs);
    const raises = scans.flatMap((s) => s.raises);
    const keeping = [...logs, ...raises].find((r) => this.readsMintCashId(r, names));
    if (keeping) return this.fact('logs-request-id', keeping);
    const keepsBody = [...raises, ...logs].find((r) => this.carriesWhole(r, names));
    if (keepsBody) return this.fact('keeps-body', keepsBody);
    const dropped = logs[0] ?? raises[0];
    if (dropped) return this.fact('drops-request-id', dropped);
    const near = this.t.slice(at, Math.min(end + 40, this.t.length)).map((x) => x.text).join(' ');
    if (!scans.some((s) => s.statusChecked || s.selfRaising) && nonRaising(this.lang, callee, near) && !this.returnsResponse(region, at)) return { kind: 'unchecked' };
    return { kind: 'propagates' };
  }

  /** A range's last token, within the file (ranges from a broken source may overshoot). */
  private last(r: Range): number {
    return Math.min(r[1], this.t.length - 1);
  }

  private fact(kind: 'logs-request-id' | 'keeps-body' | 'drops-request-id', r: Range): ErrorHandlingFact {
    const a = this.t[r[0]]!;
    return { kind, file: this.file, line: a.line, column: a.column, text: this.tk.text(this.src, r[0], r[1]).slice(0, 160) };
  }

  // ---- where the function is -------------------------------------------------------------------

  /** Token range of the body of the innermost function around token `at` (the file when none). */
  private functionAround(at: number): Range {
    const whole: Range = [0, this.t.length - 1];
    if (this.lang === 'python' || this.lang === 'ruby') return this.indentedFunction(at) ?? whole;
    for (let o = this.tk.enclosing(at, '{'); o >= 0; o = this.tk.enclosing(o, '{')) {
      if (this.isFunctionBrace(o)) return [o + 1, this.tk.match[o]! - 1];
    }
    return whole;
  }

  private isFunctionBrace(o: number): boolean {
    const t = this.t;
    if (this.lang === 'java' && this.tk.is(o - 1, '->')) return true;
    let line = t[o]!.line;
    for (let k = o - 1, budget = 60; k >= 0 && budget > 0; k--, budget--) {
      const tok = t[k]!;
      if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']') && this.tk.match[k]! >= 0) {
        const open = this.tk.match[k]!;
        if (this.lang === 'java' && tok.text === ')') return this.isJavaMethod(open, k, o);
        k = open;
        line = t[open]!.line;
        continue;
      }
      if (tok.kind === 'op' && (tok.text === ';' || tok.text === '{' || tok.text === '}')) return false;
      // Go statements end at line ends; PHP puts a method's brace on its own line.
      if (this.lang === 'go' && tok.line < line) return false;
      line = tok.line;
      if (tok.kind === 'id' && (tok.text === 'func' || tok.text === 'function')) return true;
    }
    return false;
  }

  /** `… name(params) [throws A, B] {`: a method or constructor, not `if (…) {` or `new T() {`. */
  private isJavaMethod(open: number, close: number, brace: number): boolean {
    const t = this.t;
    for (let k = close + 1; k < brace; k++) if (!(t[k]!.kind === 'id' || this.tk.is(k, ',') || this.tk.is(k, '.'))) return false;
    const name = t[open - 1];
    if (name?.kind !== 'id' || CONTROL.has(name.text)) return false;
    return !(t[open - 2]?.kind === 'id' && t[open - 2]!.text === 'new') && !this.tk.is(open - 2, '.');
  }

  private firstTokens(): number[] {
    if (!this.lineFirst) {
      this.lineFirst = [];
      this.t.forEach((tok, i) => {
        if (i === 0 || this.t[i - 1]!.line < tok.line) this.lineFirst!.push(i);
      });
    }
    return this.lineFirst;
  }

  /** Index (into firstTokens()) of the line holding token `at`. */
  private lineOf(at: number): number {
    const firsts = this.firstTokens();
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Python `def` / Ruby `def` (or, outside any def, a Ruby `do` block such as a Sinatra route). */
  private indentedFunction(at: number): Range | undefined {
    const t = this.t;
    const firsts = this.firstTokens();
    const lo = this.lineOf(at);
    let indent = t[firsts[lo]!]!.column;
    let block: number | undefined;
    for (let l = lo - 1; l >= 0; l--) {
      const f = firsts[l]!;
      if (t[f]!.column >= indent) continue;
      indent = t[f]!.column;
      const isDef = t[f]!.text === 'def' || (t[f]!.text === 'async' && t[f + 1]?.text === 'def');
      if (isDef) return this.indentedBody(f);
      if (this.lang === 'ruby' && block === undefined && this.endsWithDo(f)) block = f;
    }
    return block === undefined ? undefined : this.indentedBody(block);
  }

  private endsWithDo(f: number): boolean {
    const t = this.t;
    let k = f;
    while (k + 1 < t.length && t[k + 1]!.line === t[f]!.line) k++;
    if (this.tk.is(k, '|')) {
      k--;
      while (k > f && !this.tk.is(k, '|')) k--;
      k--;
    }
    return t[k]?.kind === 'id' && t[k]!.text === 'do';
  }

  /** From the header at token `h` to the last line indented deeper than it. */
  private indentedBody(h: number): Range {
    const t = this.t;
    const col = t[h]!.column;
    let k = h + 1;
    while (k < t.length && t[k]!.line === t[h]!.line) {
      if (this.tk.match[k]! > k) k = this.tk.match[k]!;
      k++;
    }
    const start = k;
    for (; k < t.length; k++) {
      // Ruby's method-level `rescue`/`ensure`/`else` sit at the def's own column, inside it.
      const clause = this.lang === 'ruby' && t[k]!.column === col && /^(rescue|ensure|else)$/.test(t[k]!.text);
      if (t[k]!.line > t[k - 1]!.line && t[k]!.column <= col && !clause) break;
      if (t[k]!.kind === 'op' && ['(', '[', '{'].includes(t[k]!.text) && this.tk.match[k]! > k) k = this.tk.match[k]!;
    }
    return [start, k - 1];
  }

  /** A function of this file by name: its parameter list's `(` and its body. */
  private findFunction(name: string): { params: number; body: Range } | undefined {
    const t = this.t;
    for (let k = 0; k + 1 < t.length; k++) {
      if (t[k]!.kind !== 'id' || t[k]!.text !== name || !this.tk.is(k + 1, '(') || this.tk.match[k + 1]! < 0) continue;
      const prev = t[k - 1];
      const close = this.tk.match[k + 1]!;
      if (this.lang === 'python' || this.lang === 'ruby') {
        if (prev?.text === 'def') return { params: k + 1, body: this.indentedBody(k - 1) };
        continue;
      }
      // Go `func name(`, `func (r *T) name(`; PHP `function name(`; Java `Type name(…) {`.
      const decl = this.lang === 'java' ? prev?.kind === 'id' || this.tk.is(k - 1, '>') || this.tk.is(k - 1, ']') : prev?.text === 'func' || prev?.text === 'function' || (this.lang === 'go' && this.tk.is(k - 1, ')') && t[this.tk.match[k - 1]! - 1]?.text === 'func');
      if (!decl || prev?.text === 'new' || prev?.text === 'return') continue;
      let b = close + 1;
      while (b < t.length && !this.tk.is(b, '{') && !this.tk.is(b, ';') && b < close + 20) b++;
      if (this.tk.is(b, '{') && this.tk.match[b]! > b) return { params: k + 1, body: [b + 1, this.tk.match[b]! - 1] };
    }
    return undefined;
  }

  /** Parameter names in order: Python/Ruby/Go first identifier, Java last, PHP the `$` one. */
  private params(open: number): string[] {
    return this.tk.args(open).map(([a, b]) => {
      const ids = this.t.slice(a, b + 1).filter((x) => x.kind === 'id');
      if (this.lang === 'php') return ids.find((x) => x.text.startsWith('$'))?.text ?? '';
      if (this.lang === 'java') {
        const eq = this.t.slice(a, b + 1).findIndex((x) => x.kind === 'op' && x.text === '=');
        return (eq >= 0 ? ids.filter((x) => x.start < this.t[a + eq]!.start) : ids).filter((x) => x.text !== 'final').at(-1)?.text ?? '';
      }
      return ids[0]?.text ?? '';
    });
  }

  // ---- the response and its body ---------------------------------------------------------------

  /** The variable the call's result goes into: `resp = requests.post(…)`, `resp, err := …`, `$r = …`, `HttpResponse<String> r = …`. */
  private assignedTo(at: number): string | undefined {
    const t = this.t;
    let k = at - 1;
    while (t[k]?.kind === 'id' && /^(await|new|yield)$/.test(t[k]!.text)) k--;
    if (!(this.tk.is(k, '=') || this.tk.is(k, ':='))) return undefined;
    let lhs = k - 1;
    while (this.tk.is(lhs - 1, ',') && t[lhs - 2]?.kind === 'id') lhs -= 2;
    if (lhs < k - 1) this.transportErrs.add(t[k - 1]!.text);
    if (t[lhs]?.kind !== 'id') return undefined;
    this.raw.add(t[lhs]!.text);
    return t[lhs]!.text;
  }

  /**
   * Names that hold the answer, in source order: what a request variable is sent into
   * (`resp, err := client.Do(req)`, `$out = curl_exec($ch)`), then what the body is read into
   * (`body = resp.json()`, `b, _ := io.ReadAll(resp.Body)`, `json.NewDecoder(resp.Body).Decode(&out)`).
   */
  private followAssignments(names: Set<string>, range: Range): void {
    const t = this.t;
    for (let k = range[0]; k <= this.last(range); k++) {
      const isAssign = this.tk.is(k, '=') || this.tk.is(k, ':=');
      if (isAssign) {
        let rhsEnd = this.statementEnd(k + 1);
        // Ruby: `res = Net::HTTP.start(host, port) do |http| http.request(req) end`: the block is the value.
        if (this.lang === 'ruby') {
          const first = this.firstTokens()[this.lineOf(rhsEnd)]!;
          if (this.endsWithDo(first)) rhsEnd = this.indentedBody(first)[1] + 1;
        }
        let lhs = k - 1;
        while (this.tk.is(lhs - 1, ',') && t[lhs - 2]?.kind === 'id') lhs -= 2;
        const statusOnly = t.slice(k + 1, rhsEnd + 1).some((x) => x.kind === 'id' && STATUS_CALL.test(x.text));
        if (t[lhs]?.kind === 'id' && !this.link.has(t[lhs - 1]?.text ?? '') && !statusOnly && this.mentionsWhole([k + 1, rhsEnd], names) !== undefined) {
          names.add(t[lhs]!.text);
          if (this.passesRaw([k + 1, rhsEnd])) this.raw.add(t[lhs]!.text);
          if (lhs < k - 1 && /^err/.test(t[k - 1]!.text) && /^(Do|Post|PostForm|Get|Send|Execute)$/.test(this.lastCallIn([k + 1, rhsEnd]))) this.transportErrs.add(t[k - 1]!.text);
        }
        continue;
      }
      // Go: `Decode(&out)` / `Unmarshal(b, &out)` on something that holds the answer.
      if (this.lang === 'go' && t[k]!.kind === 'id' && /^(Decode|Unmarshal)$/.test(t[k]!.text) && this.tk.is(k + 1, '(')) {
        const chain: Range = [this.tk.chainStart(k), this.tk.match[k + 1]!];
        if (this.mentionsWhole(chain, names) === undefined) continue;
        for (const [a, b] of this.tk.args(k + 1)) if (this.tk.is(a, '&') && b === a + 1 && t[b]!.kind === 'id') names.add(t[b]!.text);
      }
    }
  }

  /** A raw name handed straight to a sender in the range: `client.Do(req)`, `client.newCall(request).execute()`, `http.request(req)`. */
  private passesRaw(r: Range): boolean {
    const t = this.t;
    for (let k = r[0]; k <= this.last(r); k++) {
      if (t[k]!.kind !== 'id' || !this.raw.has(t[k]!.text) || !(this.tk.is(k - 1, '(') || this.tk.is(k - 1, ',')) || !(this.tk.is(k + 1, ')') || this.tk.is(k + 1, ','))) continue;
      const open = this.tk.enclosing(k);
      if (open > 0 && SENDER.test(t[open - 1]?.text ?? '')) return true;
    }
    return false;
  }

  /** The last segment of the first callee in a range (`client.Do(req)` → `Do`). */
  private lastCallIn(r: Range): string {
    for (let k = r[0]; k <= this.last(r); k++) if (this.t[k]!.kind === 'id' && this.tk.is(k + 1, '(')) return this.t[k]!.text;
    return '';
  }

  /** Last token of what follows a keyword (`raise …`, `return …`); the keyword itself when nothing does (`raise`, `return;`). */
  private exprEnd(kw: number): number {
    const next = this.t[kw + 1];
    if (!next || next.line > this.t[kw]!.line || (next.kind === 'op' && [';', '}', ')'].includes(next.text))) return kw;
    return this.statementEnd(kw + 1);
  }

  /** Last token of the statement starting at `k`: to its line end, across bracket groups (and to `;` where there is one). */
  private statementEnd(k: number): number {
    const t = this.t;
    let j = k;
    while (j + 1 < t.length) {
      if (t[j]!.kind === 'op' && ['(', '[', '{'].includes(t[j]!.text) && this.tk.match[j]! > j) j = this.tk.match[j]!;
      const next = t[j + 1];
      if (!next) return j;
      if (next.kind === 'op' && (next.text === ';' || next.text === '}' || next.text === ')')) return j;
      if (next.line > t[j]!.line && !(t[j]!.kind === 'op' && ['+', '.', '->', ',', '=', '(', '&&', '||'].includes(t[j]!.text)) && !(next.kind === 'op' && ['.', '->', '?.', '&.', '+'].includes(next.text))) return j;
      j++;
    }
    return j;
  }

  /**
   * The first token where one of `names` is used as a whole (the answer, its body, or passed on),
   * not only for its status (`resp.status_code`, `$r->getStatusCode()`).
   */
  private mentionsWhole(r: Range, names: ReadonlySet<string>): number | undefined {
    const t = this.t;
    for (let k = r[0]; k <= this.last(r); k++) {
      const tok = t[k]!;
      if (tok.kind === 'str') {
        if ((tok.interp ?? []).some((e) => [...names].some((n) => wholeIn(e, n)))) return k;
        continue;
      }
      if (tok.kind !== 'id' || !names.has(tok.text) || this.link.has(t[k - 1]?.text ?? '')) continue;
      if (this.tk.is(k + 1, '=') || this.tk.is(k + 1, ':=')) continue;
      // Through body accessors only: `resp.json()`, `resp.Body`; a field (`body["id"]`, `resp.status_code`) is not the whole.
      let j = k + 1;
      while (this.link.has(t[j]?.text ?? '') && BODY_ACCESSOR.test(t[j + 1]?.text ?? '')) {
        j += 2;
        if (this.tk.is(j, '(') && this.tk.match[j]! > j) j = this.tk.match[j]! + 1;
      }
      if (this.link.has(t[j]?.text ?? '') || this.tk.is(j, '[')) continue;
      return k;
    }
    return undefined;
  }

  // ---- what the function does ------------------------------------------------------------------

  private scan(region: Range, names: ReadonlySet<string>): Scan {
    const t = this.t;
    const out: Scan = { logs: [], raises: [], statusChecked: false, selfRaising: false, handoffs: [] };
    for (let k = region[0]; k <= this.last(region); k++) {
      const tok = t[k]!;
      if (tok.kind === 'op' && this.link.has(tok.text) && t[k + 1]?.kind === 'id') {
        if (STATUS_FIELD.test(t[k + 1]!.text)) out.statusChecked = true;
        if (SELF_RAISING.test(t[k + 1]!.text)) out.selfRaising = true;
        continue;
      }
      if (tok.kind !== 'id') continue;
      if (/^(CURLINFO_HTTP_CODE|CURLINFO_RESPONSE_CODE|HTTPSuccess|HTTPOK|HTTPClientError|HTTPServerError|HttpURLConnection)$/.test(tok.text)) out.statusChecked = true;
      if (this.link.has(t[k - 1]?.text ?? '')) continue;
      const { path, end } = this.tk.path(k);
      const last = path.split(/\.|::/).pop() ?? '';
      const owner = path.slice(0, path.length - last.length).replace(/(\.|::)$/, '');
      const called = this.tk.is(end + 1, '(');
      // An error log: `logger.error(…)`, `log.Error().Str(…).Msg(…)`, Ruby `logger.error "…"`, `error_log(…)`.
      if ((LOG_LEVEL.test(last) && LOGGER.test(owner)) || BARE_LOG[this.lang]!.test(path)) {
        if (called || (this.lang === 'ruby' && t[end + 1]?.line === t[end]!.line)) {
          const stop = called ? this.tk.chainEnd(end) : this.statementEnd(end);
          if (!this.aboutTransport([k, stop])) out.logs.push([k, stop]);
          k = stop;
          continue;
        }
      }
      if (/^(raise|throw|fail|panic)$/.test(path) && !(path === 'fail' && this.lang !== 'ruby') && !(path === 'panic' && this.lang !== 'go')) {
        const stop = this.exprEnd(k);
        // `raise`, `raise e`, `throw $e`: the caught error goes on unchanged (it propagates).
        const rethrow = stop <= k + 1 && !this.tk.is(k + 1, '(');
        if (!rethrow && !this.aboutTransport([k, stop])) out.raises.push([k, stop]);
        k = stop;
        continue;
      }
      // Go has no throw: an error built on a return line is what the caller gets.
      if (this.lang === 'go' && path === 'return') {
        const stop = this.exprEnd(k);
        const builds = t.slice(k + 1, stop + 1).some((x, i, all) => x.kind === 'id' && (/^(Errorf|New|Wrap|Wrapf|Join)$/.test(x.text) ? all[i - 1]?.text === '.' : /(Error|Err)$/.test(x.text) && (all[i + 1]?.text === '{' || all[i + 1]?.text === '(')));
        if (builds && !this.aboutTransport([k, stop])) out.raises.push([k, stop]);
        continue;
      }
      // The answer handed to a helper of this file: `return check(resp)`, `self.handle(resp)`.
      if (called && !path.includes('::')) {
        const viaSelf = /^(self|this|\$this)\./.test(path);
        if (viaSelf || !path.includes('.')) {
          this.tk.args(end + 1).forEach(([a, b], i) => {
            if (a === b && t[a]!.kind === 'id' && names.has(t[a]!.text)) out.handoffs.push({ name: last, arg: i, viaSelf });
          });
        }
      }
    }
    return out;
  }

  /**
   * Go: a log or error about the request failing to reach MintCash at all (`if err != nil { return
   * nil, fmt.Errorf("post: %w", err) }`) says nothing of an error answer: there is no body to keep.
   */
  private aboutTransport(r: Range): boolean {
    if (this.lang !== 'go' || this.transportErrs.size === 0) return false;
    return this.t.slice(r[0], r[1] + 1).some((x, i, all) => x.kind === 'id' && this.transportErrs.has(x.text) && !this.link.has(all[i - 1]?.text ?? ''));
  }

  /** A log or raise that reads MintCash's details or requestId (directly or through a variable set from them). */
  private readsMintCashId(r: Range, names: ReadonlySet<string>, depth = 0): boolean {
    const t = this.t;
    for (let k = r[0]; k <= this.last(r); k++) {
      const tok = t[k]!;
      if (tok.kind === 'str') {
        // `body["details"]`, `.get("requestId")`, `dig("details", …)`; not a key written: `{"requestId": req.id}`.
        const underDetails = tok.text === 'requestId' && t.slice(Math.max(r[0], k - 6), k).some((x, i, all) => (x.kind === 'str' && x.text === 'details') || (x.kind === 'id' && /^(details|Details|getDetails)$/.test(x.text) && this.link.has(all[i - 1]?.text ?? '')));
        if ((MINTCASH_KEY.test(tok.text) || underDetails) && !this.tk.is(k + 1, ':') && !this.tk.is(k + 1, '=>') && !this.tk.is(k + 1, '=')) {
          if (this.tk.is(k - 1, '[')) return true;
          const open = this.tk.enclosing(k);
          if (open > 0 && t[open - 1]?.kind === 'id' && KEY_READER.test(t[open - 1]!.text)) return true;
        }
        if ((tok.interp ?? []).some((e) => /(\.|->|\[\s*['":]?|\(\s*['":])\s*(details|Details|getDetails\(\))\b|(\.|->)\s*(requestId|RequestID|getRequestId\(\))\b/.test(e))) return true;
        continue;
      }
      if (tok.kind !== 'id') continue;
      if (this.link.has(t[k - 1]?.text ?? '') && MINTCASH_ID.test(tok.text) && (tok.text !== 'request_id' || this.link.has(t[k - 3]?.text ?? '') && /^details$/i.test(t[k - 2]?.text ?? ''))) return true;
      // A local set from MintCash's id: `rid = body["details"]["requestId"]` … `logger.error("… %s", rid)`.
      if (depth === 0 && !this.link.has(t[k - 1]?.text ?? '') && !names.has(tok.text) && !this.tk.is(k + 1, '(')) {
        const rhs = this.assignmentBefore(tok.text, r[0]);
        if (rhs && this.readsMintCashId(rhs, names, 1)) return true;
      }
    }
    return false;
  }

  private assignmentBefore(name: string, before: number): Range | undefined {
    const t = this.t;
    for (let k = before - 1; k >= 0 && k > before - 400; k--) {
      if (t[k]!.kind !== 'id' || t[k]!.text !== name || this.link.has(t[k - 1]?.text ?? '')) continue;
      if (this.tk.is(k + 1, '=') || this.tk.is(k + 1, ':=')) return [k + 2, this.statementEnd(k + 2)];
    }
    return undefined;
  }

  /** A log or raise that carries the whole answer or body (`raise ApiError(resp.json())`, `fmt.Errorf("%s", body)`, `e.response.text`). */
  private carriesWhole(r: Range, names: ReadonlySet<string>): boolean {
    if (this.mentionsWhole(r, names) !== undefined) return true;
    const t = this.t;
    const inString = /(\.|->)\s*(getResponseBodyAsString|getResponseBody|http_body|response_body)\b|(\.|->)\s*(response|getResponse\(\))\s*(\.|->)\s*(text|json|body|content|data|getBody)\b/;
    if (t.slice(r[0], r[1] + 1).some((x) => (x.interp ?? []).some((e) => inString.test(e)))) return true;
    for (let k = r[0] + 1; k <= this.last(r); k++) {
      if (!this.link.has(t[k - 1]!.text) || t[k]!.kind !== 'id') continue;
      // A client's own error with the answer: `e.response.text`, `$e->getResponse()->getBody()`, `e.getResponseBodyAsString()`, `e.http_body`.
      if (/^(getResponseBodyAsString|getResponseBody|http_body|response_body)$/.test(t[k]!.text)) return true;
      if (/^(response|getResponse)$/.test(t[k]!.text)) {
        let j = k + 1;
        if (this.tk.is(j, '(')) j = this.tk.match[j]! + 1;
        if (this.link.has(t[j]?.text ?? '') && ERROR_BODY.test(t[j + 1]?.text ?? '')) return true;
      }
    }
    return false;
  }

  /**
   * The answer goes to the caller, who may check it: the call returned as is (`return requests.post(…)`),
   * the response returned (`return resp, nil`), or sent and returned (`return http.DefaultClient.Do(req)`).
   */
  private returnsResponse(region: Range, at: number): boolean {
    const t = this.t;
    if (t[at - 1]?.kind === 'id' && t[at - 1]!.text === 'return') return true;
    for (let k = region[0]; k <= this.last(region); k++) {
      if (t[k]!.kind !== 'id' || t[k]!.text !== 'return' || this.link.has(t[k - 1]?.text ?? '')) continue;
      const stop = this.exprEnd(k);
      const expr: Range = [k + 1, stop];
      const alone = t.slice(k + 1, stop + 1).every((x) => (x.kind === 'id' && (this.raw.has(x.text) || /^(nil|null|None|err|error)$/.test(x.text))) || (x.kind === 'op' && x.text === ','));
      if (stop > k && alone && t.slice(k + 1, stop + 1).some((x) => this.raw.has(x.text))) return true;
      if (this.passesRaw(expr)) return true;
    }
    // Ruby returns its last expression: `Net::HTTP.start(…) { |http| http.request(req) }` as a method's last line.
    if (this.lang === 'ruby' && region[1] >= region[0]) {
      const firsts = this.firstTokens();
      const last = firsts.filter((f) => f >= region[0] && f <= region[1] && t[f]!.column <= t[region[0]]!.column).at(-1);
      if (last !== undefined) {
        const expr: Range = [last, region[1]];
        if (this.passesRaw(expr)) return true;
        if (expr[0] === expr[1] && this.raw.has(t[last]!.text)) return true;
      }
    }
    return false;
  }

}
