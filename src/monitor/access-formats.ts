// Access log formats, each compiled once to a function from a line to a record (or the reason it is
// malformed): nginx/Apache `combined`, any nginx `log_format` string (its variables become a regex,
// or a key map for `escape=json` formats), AWS ALB and Cloudflare/JSON lines. Parsing is by hand
// where it is hot: a week of access log is millions of lines.
import { GoliveError } from '../errors.js';
import type { AccessRecord } from './types.js';
import { escapeRegExp } from '../regexp.js';

export type AccessParser = (line: string) => AccessRecord | string | null;

/** The log_format golive recommends: combined plus answer time, request id and golive's probe marker. */
export const RECOMMENDED_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $request_id "$http_x_golive_probe"';

export const NGINX_SNIPPET = `# nginx: log MintCash webhook deliveries with their answer time and request id, and mark golive's probes
log_format golive '${RECOMMENDED_LOG_FORMAT}';
access_log /var/log/nginx/webhooks.log golive;   # in the server or location that receives /webhooks/mintcash
`;

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

let lastLocal = '';
let lastLocalMs = NaN;
/** The last full parse's minute (`10/Oct/2026:13:55`), its zone (` -0700`) and that minute's epoch ms. */
let minute = '';
let zone = '';
let minuteMs = NaN;
const TIME_LOCAL = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? ([+-])(\d{2})(\d{2})$/;
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/**
 * `10/Oct/2026:13:55:36 -0700` → epoch ms. Cached: consecutive lines share their second, and a
 * busy log's lines their minute and zone, when only the two digits of the seconds are read.
 */
export function parseTimeLocal(s: string): number {
  if (s === lastLocal) return lastLocalMs;
  let ms = NaN;
  const s1 = digit(s, 18);
  const s2 = digit(s, 19);
  if (s.length === 26 && s.charCodeAt(17) === 58 && s1 >= 0 && s1 <= 9 && s2 >= 0 && s2 <= 9 && s.startsWith(minute) && s.endsWith(zone) && minute !== '') {
    // Date.UTC(…, sec, 0) is the minute's value plus sec * 1000, for any two digits (60-99 roll over).
    ms = minuteMs + (s1 * 10 + s2) * 1000;
  } else {
    const m = TIME_LOCAL.exec(s);
    const mon = m ? MONTHS[m[2]!] : undefined;
    if (m && mon !== undefined) {
      const off = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000;
      const base = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), 0, 0) - off;
      ms = base + Number(m[6]) * 1000 + Number((m[7] ?? '0').padEnd(3, '0'));
      if (m[7] === undefined && s.length === 26) {
        minute = s.slice(0, 17);
        zone = s.slice(20);
        minuteMs = base;
      }
    }
  }
  lastLocal = s;
  lastLocalMs = ms;
  return ms;
}

/** ISO 8601, epoch seconds (`$msec`, 1.7e9) or epoch ms/ns numbers. */
export function parseAnyTime(v: unknown): number {
  if (typeof v === 'number') return v > 1e17 ? v / 1e6 : v > 1e11 ? v : v * 1000;
  if (typeof v !== 'string' || v === '' || v === '-') return NaN;
  if (/^\d+(\.\d+)?$/.test(v)) return parseAnyTime(Number(v));
  if (/^\d{2}\/\w{3}\/\d{4}:/.test(v)) return parseTimeLocal(v);
  return Date.parse(v);
}

const GOLIVE_UA = /^golive\/\S+ \(go-live probe/;

function pathOnly(target: string): string {
  let p = target;
  if (/^https?:\/\//i.test(p)) {
    const slash = p.indexOf('/', p.indexOf('//') + 2);
    p = slash === -1 ? '/' : p.slice(slash);
  }
  const q = p.search(/[?#]/);
  return q === -1 ? p : p.slice(0, q);
}

function secondsToMs(v: string | undefined): number | null {
  if (!v || v === '-') return null;
  // $upstream_response_time may list several upstreams: "0.010, 0.020"; the answer took their sum.
  let sum = 0;
  for (const part of v.split(/[,:]\s*/)) {
    const n = Number(part);
    if (!Number.isFinite(n) || n < 0) return null;
    sum += n;
  }
  return Math.round(sum * 1000);
}

// `"$request"`: METHOD target PROTOCOL; anything else (a bare "-", a TLS handshake on port 80) is malformed.
const REQUEST = /^([A-Z]{3,10}) (\S+)(?: [A-Z]+\/[\d.]+)?$/;

function record(t: number, request: string, status: string, durMs: number | null, probe: boolean): AccessRecord | string {
  if (!Number.isFinite(t)) return 'unreadable time';
  const r = REQUEST.exec(request);
  if (!r) return 'unreadable request line';
  const code = Number(status);
  if (!(code >= 100 && code <= 599)) return 'unreadable status';
  return { t, method: r[1]!, path: pathOnly(r[2]!), status: code, durMs, probe };
}

// combined: $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
// A quoted field is `[^"\\]*(?:\\.[^"\\]*)*`: the same strings as `(?:[^"\\]|\\.)*`, matched a run at a
// time instead of an alternation per character (a third of the parse on a busy log).
export const COMBINED = /^\S+ \S+ .*?\[([^\]]+)\] "([^"\\]*(?:\\.[^"\\]*)*)" (\d{3}) \S+(?: "[^"\\]*(?:\\.[^"\\]*)*" "([^"\\]*(?:\\.[^"\\]*)*)")?/;

export const parseCombined: AccessParser = (line) => {
  if (line === '') return null;
  const m = COMBINED.exec(line);
  if (!m) return 'not in combined format';
  return record(parseTimeLocal(m[1]!), m[2]!, m[3]!, null, GOLIVE_UA.test(m[4] ?? ''));
};

/** Joins nginx's quoted pieces (`'$a ' '$b'`) and drops `escape=…`; a bare format is taken as is. */
function unquoteFormat(format: string): { text: string; json: boolean } {
  let f = format.trim().replace(/;$/, '');
  const json = /^escape=json\b/.test(f);
  f = f.replace(/^escape=\w+\s+/, '');
  if (/^'/.test(f)) {
    const parts = [...f.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]);
    f = parts.join('');
  }
  return { text: f, json: json || /^\s*\{/.test(f) };
}

/** Compiles an nginx log_format string to a parser (or throws with what is wrong with it). */
export function compileNginxFormat(format: string): AccessParser {
  const { text, json } = unquoteFormat(format);
  if (json) return compileJsonFormat(text);
  const vars: string[] = [];
  let re = '^';
  const tokens = [...text.matchAll(/\$\{?([a-z0-9_]+)\}?|([^$]+)/gi)];
  tokens.forEach((tok, i) => {
    if (tok[2] !== undefined) {
      re += escapeRegExp(tok[2]);
      return;
    }
    const name = tok[1]!.toLowerCase();
    const next = tokens[i + 1]?.[2]?.[0];
    vars.push(name);
    if (name === 'time_local' && next !== ']') re += '(\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})';
    else re += next === undefined ? '(.*)' : `([^${escapeRegExp(next)}]*)`;
  });
  const has = (v: string) => vars.includes(v);
  if (!has('status')) throw new Error('the log_format has no $status');
  if (!has('request') && !(has('request_method') && (has('request_uri') || has('uri')))) throw new Error('the log_format has neither $request nor $request_method with $request_uri');
  if (!has('time_local') && !has('time_iso8601') && !has('msec')) throw new Error('the log_format has no time ($time_local, $time_iso8601 or $msec)');
  const rx = new RegExp(re);
  const at = (v: string) => vars.indexOf(v) + 1;
  const [iTime, iRequest, iMethod, iUri, iUri2, iStatus, iReqTime, iUpTime, iProbe, iUa] = [
    at('time_local') || at('time_iso8601') || at('msec'),
    at('request'),
    at('request_method'),
    at('request_uri'),
    at('uri'),
    at('status'),
    at('request_time'),
    at('upstream_response_time'),
    at('http_x_golive_probe'),
    at('http_user_agent'),
  ];
  const timeOf = has('time_local') ? (s: string) => parseTimeLocal(s) : parseAnyTime;
  return (line) => {
    if (line === '') return null;
    const m = rx.exec(line);
    if (!m) return 'does not match the log_format';
    const request = iRequest ? m[iRequest]! : `${m[iMethod]} ${m[iUri || iUri2]}`;
    const dur = iReqTime ? secondsToMs(m[iReqTime]) : iUpTime ? secondsToMs(m[iUpTime]) : null;
    const probe = (iProbe > 0 && m[iProbe] !== '' && m[iProbe] !== '-') || (iUa > 0 && GOLIVE_UA.test(m[iUa]!));
    return record(timeOf(m[iTime]!), request, m[iStatus]!, dur, probe);
  };
}

/** `escape=json` formats: `{"time":"$time_iso8601","status":$status,…}` → key per variable. */
function compileJsonFormat(text: string): AccessParser {
  const keyOf: Record<string, string> = {};
  for (const m of text.matchAll(/"([^"]+)"\s*:\s*"?\$\{?([a-z0-9_]+)\}?/gi)) keyOf[m[2]!.toLowerCase()] = m[1]!;
  const fields: JsonFields = {
    time: [keyOf.time_iso8601 ?? keyOf.time_local ?? keyOf.msec ?? 'time'],
    request: keyOf.request ? [keyOf.request] : [],
    method: keyOf.request_method ? [keyOf.request_method] : [],
    path: [keyOf.request_uri ?? keyOf.uri ?? 'path'],
    status: [keyOf.status ?? 'status'],
    seconds: [keyOf.request_time ?? keyOf.upstream_response_time ?? 'request_time'],
    ms: [],
    probe: keyOf.http_x_golive_probe ? [keyOf.http_x_golive_probe] : [],
    ua: keyOf.http_user_agent ? [keyOf.http_user_agent] : [],
  };
  return jsonParser(fields);
}

export interface JsonFields {
  time: string[];
  request: string[];
  method: string[];
  path: string[];
  status: string[];
  /** Answer time in seconds. */
  seconds: string[];
  /** Answer time in ms (Cloudflare's OriginResponseDurationMs). */
  ms: string[];
  probe: string[];
  ua: string[];
}

/** Cloudflare Logpush http_requests names first, then common JSON log names. */
export const DEFAULT_JSON_FIELDS: JsonFields = {
  time: ['EdgeStartTimestamp', 'time', 'timestamp', '@timestamp', 'time_iso8601', 'ts'],
  request: ['request'],
  method: ['ClientRequestMethod', 'method', 'request_method', 'http.method'],
  path: ['ClientRequestPath', 'ClientRequestURI', 'path', 'uri', 'request_uri', 'url', 'http.url'],
  status: ['EdgeResponseStatus', 'OriginResponseStatus', 'status', 'status_code', 'statusCode', 'http.status_code'],
  seconds: ['request_time', 'duration_s'],
  ms: ['OriginResponseDurationMs', 'OriginResponseTime', 'duration_ms', 'responseTime', 'duration'],
  probe: ['RequestHeaders.x-golive-probe', 'x-golive-probe', 'http_x_golive_probe'],
  ua: ['ClientRequestUserAgent', 'user_agent', 'http_user_agent', 'userAgent'],
};

/** A dotted path into parsed JSON; a key containing dots is tried whole first. */
export function dig(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (key in o) return o[key];
  const dot = key.indexOf('.');
  if (dot === -1) return undefined;
  // Longest own key first: `RequestHeaders.x-golive-probe` or `http.status_code` as one key.
  return dig(o[key.slice(0, dot)], key.slice(dot + 1));
}

export function first(obj: unknown, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = dig(obj, k);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A JSON-lines line as an object; null for a blank line, the reason for anything else. */
export function jsonObject(line: string): Record<string, unknown> | string | null {
  if (line.trim() === '') return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : 'not a JSON object';
}

export function jsonParser(f: JsonFields): AccessParser {
  return (line) => {
    const o = jsonObject(line);
    if (o === null || typeof o === 'string') return o;
    const req = first(o, f.request);
    const method = first(o, f.method);
    const target = first(o, f.path);
    const request = typeof req === 'string' ? req : `${String(method ?? '')} ${String(target ?? '')}`;
    const secs = first(o, f.seconds);
    const ms = first(o, f.ms);
    const dur = ms !== undefined && Number.isFinite(Number(ms)) ? Math.round(Number(ms)) : secs !== undefined ? secondsToMs(String(secs)) : null;
    const probeVal = first(o, f.probe);
    const ua = first(o, f.ua);
    const probe = (probeVal !== undefined && probeVal !== '-' && probeVal !== '') || (typeof ua === 'string' && GOLIVE_UA.test(ua));
    return record(parseAnyTime(first(o, f.time)), request, String(first(o, f.status) ?? ''), dur, probe);
  };
}

/** Splits an ALB line: space-separated, with "quoted" fields. */
function albFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end === -1) return out;
      out.push(line.slice(i + 1, end));
      i = end + 2;
    } else {
      let end = line.indexOf(' ', i);
      if (end === -1) end = line.length;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * AWS ALB access logs (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html):
 * the status MintCash saw is elb_status_code; the answer time is the three processing times added
 * (-1 in any of them: the target never answered).
 */
export const parseAlb: AccessParser = (line) => {
  if (line === '') return null;
  const f = albFields(line);
  if (f.length < 14 || !/^(http|https|h2|grpcs|ws|wss)$/.test(f[0]!)) return 'not an ALB log line';
  const times = [f[5], f[6], f[7]].map(Number);
  const dur = times.some((x) => !(x >= 0)) ? null : Math.round((times[0]! + times[1]! + times[2]!) * 1000);
  return record(Date.parse(f[1]!), f[12]!, f[8]!, dur, GOLIVE_UA.test(f[13] ?? ''));
};

export type AccessFormatName = 'combined' | 'alb' | 'json' | 'nginx';

/** Picks a parser: a named format, an nginx log_format string, or `auto` (sniffed from the first lines). */
export function accessParser(format: string, sample: readonly string[] = []): { name: string; parse: AccessParser } {
  try {
    return pickParser(format, sample);
  } catch (e) {
    throw new GoliveError('USAGE', `--access-log-format: ${e instanceof Error ? e.message : String(e)}`, {
      suggestion: "Give combined, alb, json, recommended, or the log_format string from nginx.conf, e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time'.",
    });
  }
}

function pickParser(format: string, sample: readonly string[]): { name: string; parse: AccessParser } {
  if (format === 'combined') return { name: 'combined', parse: parseCombined };
  if (format === 'alb') return { name: 'alb', parse: parseAlb };
  if (format === 'json' || format === 'cloudflare') return { name: 'json', parse: jsonParser(DEFAULT_JSON_FIELDS) };
  if (format === 'recommended') return { name: 'nginx (recommended log_format)', parse: compileNginxFormat(RECOMMENDED_LOG_FORMAT) };
  if (format !== 'auto') return { name: 'nginx log_format', parse: compileNginxFormat(format) };
  const lines = sample.filter((l) => l.trim() !== '').slice(0, 20);
  const candidates: Array<{ name: string; parse: AccessParser }> = [
    { name: 'nginx (recommended log_format)', parse: compileNginxFormat(RECOMMENDED_LOG_FORMAT) },
    { name: 'json', parse: jsonParser(DEFAULT_JSON_FIELDS) },
    { name: 'alb', parse: parseAlb },
    { name: 'combined', parse: parseCombined },
  ];
  let best = candidates[3]!;
  let bestScore = -1;
  for (const c of candidates) {
    const score = lines.filter((l) => typeof c.parse(l) === 'object').length;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
