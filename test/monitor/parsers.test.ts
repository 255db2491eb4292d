// The monitor's inputs: every access log format (combined, nginx log_format strings of all three
// kinds, ALB, Cloudflare/JSON lines), the app log field map, CSV and NDJSON exports; and through
// the CLI: globs of rotated .gz files, stdin, over-long and malformed lines, the --since/--until
// window and a broken --access-log-format (one line, exit 2).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessParser, COMBINED, compileNginxFormat, parseAlb, parseCombined, parseTimeLocal, RECOMMENDED_LOG_FORMAT } from '../../src/monitor/access-formats.js';
import { seeded } from '../helpers/seeded.js';
import { appLineParser, DEFAULT_APP_FIELDS } from '../../src/monitor/app-log.js';
import type { MonitorReport } from '../../src/monitor/types.js';
import { BIN, cleanEnv, golive } from '../e2e/cli.js';

const T = Date.UTC(2026, 11, 8, 13, 55, 36);

describe('access log formats', () => {
  it('combined (nginx and Apache): time zone, query string cut, golive probe by its User-Agent', () => {
    expect(parseCombined('203.0.113.5 - - [08/Dec/2026:14:55:36 +0100] "POST /webhooks/mintcash?x=1 HTTP/1.1" 200 17 "-" "MintCash/1"')).toEqual({ t: T, method: 'POST', path: '/webhooks/mintcash', status: 200, durMs: null, probe: false });
    expect(parseCombined('::1 - alice [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/2.0" 401 0 "-" "golive/0.1.0 (go-live probe; https://x)"')).toMatchObject({ status: 401, probe: true });
    expect(parseCombined('1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"')).toBe('unreadable request line');
    expect(parseCombined('not a log line')).toBe('not in combined format');
  });

  it("golive's recommended log_format: answer time and the probe header", () => {
    const p = compileNginxFormat(RECOMMENDED_LOG_FORMAT);
    expect(p('10.0.0.1 - - [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/1.1" 200 17 "-" "MintCash/1" 2.501 4f1c "-"')).toMatchObject({ t: T, durMs: 2501, probe: false });
    expect(p('10.0.0.1 - - [08/Dec/2026:13:55:36 +0000] "POST /webhooks/mintcash HTTP/1.1" 401 17 "-" "curl/8" 0.003 4f1c "1"')).toMatchObject({ status: 401, probe: true });
  });

  it('any nginx log_format as written in nginx.conf: quoted pieces, $time_iso8601, several upstream times', () => {
    const p = compileNginxFormat(`'$time_iso8601 $request_method $request_uri ' '$status up=$upstream_response_time';`);
    expect(p('2026-12-08T13:55:36+00:00 POST /webhooks/mintcash 502 up=0.010, 0.020')).toEqual({ t: T, method: 'POST', path: '/webhooks/mintcash', status: 502, durMs: 30, probe: false });
    expect(p('2026-12-08T13:55:36+00:00 POST /webhooks/mintcash 200 up=-')).toMatchObject({ durMs: null });
    expect(p('garbage')).toBe('does not match the log_format');
  });

  it('an escape=json log_format reads its keys', () => {
    const p = compileNginxFormat(`escape=json '{"ts":"$time_iso8601","req":"$request","code":$status,"rt":$request_time}'`);
    expect(p('{"ts":"2026-12-08T13:55:36Z","req":"POST /webhooks/mintcash HTTP/1.1","code":200,"rt":0.120}')).toEqual({ t: T, method: 'POST', path: '/webhooks/mintcash', status: 200, durMs: 120, probe: false });
  });

  it('refuses a log_format it cannot use, saying what is missing', () => {
    expect(() => compileNginxFormat('$remote_addr [$time_local] "$request"')).toThrow(/no \$status/);
    expect(() => accessParser('$remote_addr $status')).toThrow(/--access-log-format: the log_format has neither/);
  });

  it('AWS ALB: the status MintCash saw and the three processing times added; -1 means no answer', () => {
    const line = (t: string, status: string) => `https 2026-12-08T13:55:36.000000Z app/my-lb/50dc6c495c0c9188 203.0.113.5:46532 10.0.0.66:443 0.001 ${t} 0.000 ${status} ${status} 254 17 "POST https://shop.example.com:443/webhooks/mintcash HTTP/1.1" "MintCash/1" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "shop.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 2026-12-08T13:55:36.000000Z "forward" "-" "-" "10.0.0.66:443" "200" "-" "-" TID_1234`;
    expect(parseAlb(line('0.119', '200'))).toEqual({ t: T, method: 'POST', path: '/webhooks/mintcash', status: 200, durMs: 120, probe: false });
    expect(parseAlb(line('-1', '504'))).toMatchObject({ status: 504, durMs: null });
  });

  it('Cloudflare Logpush (http_requests) and plain JSON lines', () => {
    const { parse, name } = accessParser('auto', [JSON.stringify({ EdgeStartTimestamp: '2026-12-08T13:55:36Z', ClientRequestMethod: 'POST', ClientRequestPath: '/webhooks/mintcash', EdgeResponseStatus: 200, OriginResponseDurationMs: 87 })]);
    expect(name).toBe('json');
    expect(parse(JSON.stringify({ EdgeStartTimestamp: 1796738136000000000, ClientRequestMethod: 'POST', ClientRequestURI: '/webhooks/mintcash?a=b', EdgeResponseStatus: 520, OriginResponseDurationMs: 30001, RequestHeaders: { 'x-golive-probe': '1' } }))).toEqual({ t: T, method: 'POST', path: '/webhooks/mintcash', status: 520, durMs: 30001, probe: true });
    expect(parse('{"broken"')).toBe('not valid JSON');
  });

  it('auto picks the format the first lines are in', () => {
    expect(accessParser('auto', ['1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x"']).name).toBe('combined');
    expect(accessParser('auto', ['1.2.3.4 - - [08/Dec/2026:13:55:36 +0000] "POST /a HTTP/1.1" 200 1 "-" "x" 0.004 abc "-"']).name).toBe('nginx (recommended log_format)');
  });
});

describe('the combined parser\'s fast paths = their plain versions', () => {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** parseTimeLocal before its minute cache: one regex and Date.UTC per call. */
  const plainTime = (s: string): number => {
    const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? ([+-])(\d{2})(\d{2})$/.exec(s);
    const mon = m ? MONTHS.indexOf(m[2]!) : -1;
    if (!m || mon < 0) return NaN;
    const off = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000;
    return Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0'))) - off;
  };
  /** The combined regex before its quoted fields were unrolled. */
  const PLAIN = /^\S+ \S+ .*?\[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) \S+(?: "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)")?/;
  const plainCombined = (line: string) => {
    const m = PLAIN.exec(line);
    return m ? [m[1], m[2], m[3], m[4]] : null;
  };

  it('the time: runs of seconds in one minute and zone, minute and zone changes, odd seconds, milliseconds and broken times', () => {
    const rnd = seeded(9);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const wrong: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const r = rnd();
      const zone = r < 0.8 ? ' +0000' : r < 0.9 ? ' -0700' : ' +0530';
      // Few distinct minutes, so the next time often shares the cached minute with another zone.
      let s = `${pad(1 + Math.floor(rnd() * (rnd() < 0.1 ? 31 : 2)))}/${MONTHS[rnd() < 0.1 ? Math.floor(rnd() * 12) : 11]}/${rnd() < 0.05 ? '0026' : '2026'}:${pad(Math.floor(rnd() * (rnd() < 0.1 ? 24 : 2)))}:${pad(Math.floor(rnd() * 3))}:${pad(Math.floor(rnd() * (rnd() < 0.1 ? 100 : 60)))}${rnd() < 0.05 ? `.${pad(Math.floor(rnd() * 1000), 3)}` : ''}${zone}`;
      const k = rnd();
      if (k < 0.03) s = s.replace(/:(\d)(\d) /, ':$1x ');
      else if (k < 0.05) s = s.replace('/', '-');
      else if (k < 0.06) s = `${s} `;
      else if (k < 0.07) s = s.replace(/:(\d\d) /, ':$1  ');
      // Repeat the minute so most calls take the cached path.
      for (const t of [s, s.replace(/:(\d\d)( |\.)/, `:${pad(Math.floor(rnd() * 60))}$2`), s]) {
        const a = parseTimeLocal(t);
        const b = plainTime(t);
        if (!Object.is(a, b)) wrong.push(`${t}: ${a} ≠ ${b}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the line: escaped quotes, missing referrer and agent, extra fields, brackets and quotes in odd places', () => {
    const rnd = seeded(13);
    const pieces = ['"', '\\', '\\"', ' ', '[', ']', 'a', '-', '"-"', '200', '1.2.3.4', '[08/Dec/2026:13:55:36 +0000]', '"POST /webhooks/mintcash HTTP/1.1"'];
    const base = '203.0.113.5 - - [08/Dec/2026:14:55:36 +0100] "POST /webhooks/mintcash?x=\\"1\\" HTTP/1.1" 200 17 "https://a.example/\\"q\\"" "Mozilla \\"x\\" (compatible)"';
    const wrong: string[] = [];
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      let line = base;
      const edits = Math.floor(rnd() * 4);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * line.length);
        line = rnd() < 0.5 ? line.slice(0, at) + pieces[Math.floor(rnd() * pieces.length)]! + line.slice(at) : line.slice(0, at) + line.slice(at + 1 + Math.floor(rnd() * 5));
      }
      const m = COMBINED.exec(line);
      if (m) matched++;
      if (JSON.stringify(m ? [m[1], m[2], m[3], m[4]] : null) !== JSON.stringify(plainCombined(line))) wrong.push(line);
    }
    // The mutations reach both outcomes.
    expect(matched).toBeGreaterThan(2000);
    expect(matched).toBeLessThan(19_000);
    expect(wrong).toEqual([]);
  });
});

describe('app log lines', () => {
  const parse = appLineParser(DEFAULT_APP_FIELDS, /mintcash/i);
  it('pino-http defaults: processed events, MintCash errors with their requestId, created payments', () => {
    expect(parse(JSON.stringify({ level: 30, time: T, eventId: 'e1', event: 'payment.failed', objectId: 'p1', externalId: 'order_1', failureCode: 'card_declined', msg: 'webhook processed' }))).toMatchObject({ kind: 'event', event: { eventId: 'e1', failureCode: 'card_declined', acknowledged: true } });
    expect(parse(JSON.stringify({ level: 50, time: T, req: { id: 7 }, orderId: '1', err: { type: 'MintcashError', code: 'invalid_argument', status: 400, details: { requestId: 'req_01HXX' } } }))).toEqual({ kind: 'mintcash-error', error: { t: T, code: 'invalid_argument', httpStatus: 400, requestId: 'req_01HXX', appRequestId: '7', orderId: '1' } });
    // Redacted details, or pino's own numeric request counter, are no MintCash requestId.
    expect(parse(JSON.stringify({ level: 50, time: T, err: { code: 'unavailable', details: '[Redacted]' } }))).toMatchObject({ error: { requestId: null } });
    expect(parse(JSON.stringify({ level: 50, time: T, msg: 'MintCash call failed', requestId: 12 }))).toMatchObject({ kind: 'mintcash-error', error: { requestId: null, code: null } });
    expect(parse(JSON.stringify({ level: 30, time: T, paymentId: 'p9', msg: 'payment created' }))).toEqual({ kind: 'object', object: { kind: 'payment', id: 'p9', t: T } });
    // An error of another API is not MintCash's.
    expect(parse(JSON.stringify({ level: 50, time: T, msg: 'S3 upload failed', err: { code: 'AccessDenied' } }))).toEqual({ kind: 'other' });
  });

  it('a field map fits winston', () => {
    const p = appLineParser({ ...DEFAULT_APP_FIELDS, requestId: ['meta.mintcash.requestId'], mintcashCode: ['meta.mintcash.code'] }, /mintcash/i);
    expect(p(JSON.stringify({ level: 'error', timestamp: '2026-12-08T13:55:36Z', message: 'charge failed', meta: { mintcash: { code: 'aborted', requestId: 'req_W' } } }))).toMatchObject({ kind: 'mintcash-error', error: { t: T, code: 'aborted', requestId: 'req_W' } });
  });
});

describe('inputs through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'golive-inputs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const line = (day: number, status: number) => `10.0.0.1 - - [0${day}/Dec/2026:10:00:00 +0000] "POST /webhooks/mintcash HTTP/1.1" ${status} 17 "-" "MintCash/1"`;
  const run = async (args: string[], input?: string) => {
    const r = await execa('node', [BIN, 'monitor', dir, '--webhook-path', '/webhooks/mintcash', '--format', 'json', ...args], { env: cleanEnv(), extendEnv: false, reject: false, ...(input !== undefined ? { input } : {}) });
    return { code: r.exitCode, report: r.exitCode === 2 ? undefined : (JSON.parse(String(r.stdout)) as MonitorReport), stderr: String(r.stderr) };
  };

  it('reads a glob of rotated logs, gzipped or not, oldest first', async () => {
    await writeFile(path.join(dir, 'access.log.2.gz'), gzipSync(`${line(1, 200)}\n${line(2, 200)}\n`));
    await writeFile(path.join(dir, 'access.log.1'), `${line(3, 200)}\n`);
    await writeFile(path.join(dir, 'access.log'), `${line(4, 500)}\n${'x'.repeat(70_000)}\n${line(5, 200)}\n`);
    const { report } = await run(['--access-log', path.join(dir, 'access.log*')]);
    const input = report!.inputs[0]!;
    expect(input.files.map((f) => path.basename(f))).toEqual(['access.log.2.gz', 'access.log.1', 'access.log']);
    expect(input).toMatchObject({ lines: 6, records: 5, malformed: 1 });
    expect(input.examples[0]).toMatchObject({ reason: 'line longer than 64 KiB', line: 2 });
    expect(report!.metrics[0]!.values).toMatchObject({ attempts: 5, attemptsOk: 4 });
  });

  it('reads stdin, and keeps to the --since/--until window', async () => {
    const { report } = await run(['--access-log', '-', '--since', '2026-12-02', '--until', '2026-12-04'], `${line(1, 200)}\n${line(2, 500)}\n${line(3, 200)}\n${line(4, 200)}\n`);
    expect(report!.inputs[0]).toMatchObject({ files: ['-'], records: 4, outsideWindow: 2 });
    expect(report!.metrics[0]!.values).toMatchObject({ attempts: 2, attemptsOk: 1 });
  });

  it('reads CSV exports: a JSON data column, and a broken row counted', async () => {
    const csv = ['eventId,event,type,environment,createdAt,data', `e1,payment.failed,payment,live,2026-12-08T10:00:00Z,"{""id"":""p1"",""externalId"":""o1"",""failureCode"":""card_declined""}"`, 'e2,payment.succeeded,payment', `e3,payment.succeeded,payment,live,2026-12-08T11:00:00Z,"{""id"":""p2"",""externalId"":""o2""}"`].join('\n');
    await writeFile(path.join(dir, 'ledger.csv'), `${csv}\n`);
    await writeFile(path.join(dir, 'subs.csv'), 'id,status,failedAttempts,pastDueSince\ns1,past_due,2,2026-12-06T00:00:00Z\ns2,cancelled,1,2026-12-05T00:00:00Z\n');
    const { report } = await run(['--events', path.join(dir, 'ledger.csv'), '--subscriptions', path.join(dir, 'subs.csv')]);
    const ledger = report!.inputs.find((i) => i.name === 'events')!;
    expect(ledger).toMatchObject({ format: 'CSV', records: 2, malformed: 1 });
    expect(ledger.examples[0]!.reason).toMatch(/column/);
    expect(report!.metrics[1]!.values).toMatchObject({ payments: 2, failed: 1 });
    expect(report!.metrics[2]!.values).toMatchObject({ pastDue: 2, cancelled: 1, open: 1 });
  });

  it('a broken CSV row is masked before its excerpt is cut: a key across the cut shows no characters of its middle', async () => {
    const body = 'aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW3xY5zA7bC9d';
    const key = 'sk_' + 'live_' + body;
    // The key starts 100 characters in: cut at 120 first, the masker saw only its first 20
    // characters and kept their tail, characters from the middle of the secret.
    const row = `e2,${'p'.repeat(94)},${key}`;
    await writeFile(path.join(dir, 'cut.csv'), `eventId,event,type,environment,createdAt,data\n${row}\n`);
    const { report } = await run(['--events', path.join(dir, 'cut.csv')]);
    const excerpt = report!.inputs.find((i) => i.name === 'events')!.examples[0]!.excerpt;
    for (let i = 0; i + 4 <= body.length - 4; i++) expect(excerpt).not.toContain(body.slice(i, i + 4));
  });

  it('a bad --access-log-format or a missing file is one line and exit 2', async () => {
    await writeFile(path.join(dir, 'a.log'), `${line(1, 200)}\n`);
    const bad = await run(['--access-log', path.join(dir, 'a.log'), '--access-log-format', '$remote_addr [$time_local]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^golive: --access-log-format: the log_format has no \$status\n/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const missing = await golive(['monitor', dir, '--app-log', path.join(dir, 'nope.ndjson')], { env: cleanEnv() });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/--app-log: file not found/);
  });
});
