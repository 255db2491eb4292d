// The monitor's engine: reads every input once, streaming, into the four metrics, and builds the
// report. Holds the running state, so `--follow` feeds it new lines and asks for a fresh report.
// Malformed lines are counted per input with a few masked examples, never dropped silently.
import { redactText } from '../engine/mask.js';
import { accessParser, parseCombined, type AccessParser } from './access-formats.js';
import { appLineParser, DEFAULT_APP_FIELDS, type AppLogFields } from './app-log.js';
import { ChurnMetric } from './churn.js';
import { CombinedScan, scanCombined } from './combined-scan.js';
import type { MonitorConfig } from './config.js';
import { DeliveryMetric } from './delivery.js';
import { FailuresMetric } from './failures.js';
import { forEachCsvRow, ledgerRecord, ledgerRecordFromBytes, looksLikeJson, subscriptionRecord } from './exports.js';
import { forEachLine, forEachLineBytes, longLineExcerpt, openSource, readError, type Chunks, type Source } from './lines.js';
import { RequestIdMetric } from './request-ids.js';
import { daysBetween, hoursBetween, iso } from './time.js';
import type { AccessRecord, EventRecord, InputName, InputSummary, MetricResult, MonitorReport, ReconcileFinding, SubscriptionRow } from './types.js';

const MAX_EXAMPLES = 5;

export interface MonitorOptions {
  config: MonitorConfig;
  webhookPaths: readonly string[];
  since?: number;
  until?: number;
  version: string;
  /** Keep every payment and subscription id seen (memory per object): only --reconcile needs them. */
  trackObjects?: boolean;
  /**
   * The output boundary's masking (the run's Secrets), applied to a malformed line before it is cut
   * to an excerpt: cut first, half a key would no longer look like one. Key shapes by default.
   */
  mask?: (text: string) => string;
  /**
   * false: every ledger line through JSON.parse, never the byte scan (envelope-scan.ts). Only tests
   * set it, to prove both give the same report.
   */
  ledgerScan?: boolean;
  /** false: every combined access log line through parseCombined, never combined-scan.ts (tests only). */
  accessScan?: boolean;
}

/** What --reconcile asks MintCash about: objects the merchant's data still has open. */
export interface OpenObjects {
  payments: Array<{ id: string; status: string | null }>;
  subscriptions: Array<{ id: string; status: string | null }>;
}

export interface ReconcileOutcome {
  checked: number;
  findings: ReconcileFinding[];
  errors: string[];
  note?: string;
}

const noRaw = () => '';
const TERMINAL_PAYMENT = new Set(['payment.succeeded', 'payment.failed', 'payment.refunded', 'payment.partially_refunded', 'payment.voided']);

export class Monitor {
  readonly delivery: DeliveryMetric;
  readonly failures: FailuresMetric;
  readonly churn: ChurnMetric;
  readonly requestIds: RequestIdMetric;
  readonly inputs = new Map<InputName, InputSummary>();
  private readonly paths: Set<string>;
  /** The webhook paths as UTF-8 bytes, for combined-scan's lines. */
  private readonly pathBytes: Array<[Buffer, string]>;
  private first = Infinity;
  private last = -Infinity;
  private accessParse: AccessParser | undefined;
  private accessFormat = '';
  /** Set while the access format waits for its first 20 lines. */
  private readonly pendingFormat = new Set<() => void>();
  private readonly appParse: ReturnType<typeof appLineParser>;
  /** Payments and subscriptions the merchant's data knows, with the last status it saw. */
  readonly payments = new Map<string, string | null>();
  readonly subscriptions = new Map<string, string | null>();
  reconcile: ReconcileOutcome | undefined;
  /** Hears how many lines were read, in batches (progress on a terminal and off it). */
  progress: ((lines: number) => void) | undefined;
  private unreported = 0;

  constructor(private readonly opts: MonitorOptions) {
    const c = opts.config;
    this.delivery = new DeliveryMetric(c.delivery);
    this.failures = new FailuresMetric(c.failures);
    this.churn = new ChurnMetric(c.churn);
    this.requestIds = new RequestIdMetric(c.requestId);
    this.paths = new Set(opts.webhookPaths);
    this.pathBytes = [...this.paths].map((p) => [Buffer.from(p), p]);
    const fields = { ...DEFAULT_APP_FIELDS } as AppLogFields;
    for (const [k, v] of Object.entries(c.appLogFields ?? {})) if (k in fields) fields[k as keyof AppLogFields] = Array.isArray(v) ? v : [v];
    this.appParse = appLineParser(fields, new RegExp(c.mintcashErrorPattern, 'i'));
  }

  private counted(s: InputSummary): void {
    s.lines++;
    if (++this.unreported >= 50_000) this.flushProgress();
  }

  flushProgress(): void {
    if (this.unreported > 0) this.progress?.(this.unreported);
    this.unreported = 0;
  }

  private summary(name: InputName, format: string): InputSummary {
    let s = this.inputs.get(name);
    if (!s) this.inputs.set(name, (s = { name, files: [], format, lines: 0, records: 0, malformed: 0, examples: [], outsideWindow: 0, notes: [] }));
    return s;
  }

  private bad(s: InputSummary, file: string, line: number, reason: string, text: string): void {
    s.malformed++;
    if (s.examples.length < MAX_EXAMPLES) s.examples.push({ file, line, reason, excerpt: (this.opts.mask ?? redactText)(text).slice(0, 160) });
  }

  /** True when t falls in the window; counts it otherwise. */
  private inWindow(s: InputSummary, t: number): boolean {
    if ((this.opts.since !== undefined && t < this.opts.since) || (this.opts.until !== undefined && t >= this.opts.until)) {
      s.outsideWindow++;
      return false;
    }
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    return true;
  }

  /** The webhook path b[start, end) is, if it is one (its bytes are ASCII: see combined-scan.ts). */
  private webhookPathAt(b: Buffer, start: number, end: number): string | undefined {
    for (const [bytes, p] of this.pathBytes) {
      if (bytes.length !== end - start) continue;
      let k = 0;
      while (k < bytes.length && bytes[k] === b[start + k]) k++;
      if (k === bytes.length) return p;
    }
    return undefined;
  }

  /** Reads access log lines; returns the bytes consumed (--follow resumes there) and lines read. */
  async readAccess(src: Source, stream: Chunks, format: string, startLine = 1, follow = false): Promise<{ bytes: number; lines: number }> {
    const s = this.summary('accessLog', format);
    if (!s.files.includes(src.label)) s.files.push(src.label);
    s.probesExcluded ??= 0;
    const pending: Array<[string, number, boolean]> = [];
    const handle = (line: string, no: number, tooLong: boolean) => {
      this.counted(s);
      if (tooLong) return this.bad(s, src.label, no, 'line longer than 64 KiB', line);
      const r = this.accessParse!(line);
      if (r === null) return;
      if (typeof r === 'string') return this.bad(s, src.label, no, r, line);
      s.records++;
      if (r.probe) {
        s.probesExcluded!++;
        return;
      }
      if (r.method !== 'POST' || !this.paths.has(r.path)) return;
      if (!this.inWindow(s, r.t)) return;
      this.delivery.accessSeen = true;
      this.delivery.addAttempt(r);
    };
    // Lines wait until the format is known (`auto` looks at the first 20); then in order.
    const decide = () => {
      this.pendingFormat.delete(decide);
      if (!this.accessParse) {
        const chosen = accessParser(format, pending.map((p) => p[0]));
        this.accessParse = chosen.parse;
        this.accessFormat = chosen.name;
      }
      s.format = this.accessFormat;
      for (const p of pending.splice(0)) handle(...p);
    };
    const take = (line: string, no: number, tooLong: boolean) => {
      if (this.accessParse) {
        // Another input (stdin read beside a followed file) may have picked the format meanwhile.
        if (pending.length > 0) decide();
        return handle(line, no, tooLong);
      }
      pending.push([line, no, tooLong]);
      this.pendingFormat.add(decide);
      if (pending.filter((p) => p[0].trim() !== '').length >= 20) decide();
    };
    // A combined line is read from its bytes: no string per chunk or line, no match, no record (a
    // week is millions of lines; that garbage kept 40-50 MB of chunk strings alive between
    // collections, and Node 26 grew its heap to 83 MB under it, Node 20 to 57 MB). Any line the
    // scan leaves, and other formats, go to the parser as strings.
    const scan = new CombinedScan();
    const attempt: AccessRecord = { t: 0, method: 'POST', path: '', status: 0, durMs: null, probe: false };
    const scanning = this.opts.accessScan !== false;
    const r = await forEachLineBytes(
      stream,
      (buf, start, end, no, tooLong) => {
        if (tooLong) return take(longLineExcerpt(buf, start, end), no, true);
        if (!scanning || this.accessParse !== parseCombined || pending.length > 0 || !scanCombined(buf, start, end, scan)) return take(buf.toString('utf8', start, end), no, false);
        this.counted(s);
        s.records++;
        const m = scan.methodStart;
        if (scan.methodEnd - m !== 4 || buf[m] !== 0x50 || buf[m + 1] !== 0x4f || buf[m + 2] !== 0x53 || buf[m + 3] !== 0x54) return;
        const path = this.webhookPathAt(buf, scan.pathStart, scan.pathEnd);
        if (path === undefined || !this.inWindow(s, scan.t)) return;
        this.delivery.accessSeen = true;
        attempt.t = scan.t;
        attempt.path = path;
        attempt.status = scan.status;
        this.delivery.addAttempt(attempt);
      },
      startLine,
      follow,
    );
    if (pending.length > 0) decide();
    this.flushProgress();
    return r;
  }

  /**
   * Picks the access log format from the lines seen so far, if it is still waiting for more (a slow
   * stdin under --follow): a report counts those lines instead of holding them back.
   */
  settle(): void {
    for (const decide of [...this.pendingFormat]) decide();
  }

  private addEvent(e: EventRecord): void {
    this.delivery.eventsSeen = true;
    this.delivery.addEvent(e);
    this.failures.addEvent(e);
    this.churn.addEvent(e);
    if (!this.opts.trackObjects) return;
    if (e.objectId && e.event.startsWith('payment.')) {
      const prev = this.payments.get(e.objectId);
      if (!prev || !TERMINAL_PAYMENT.has(prev)) this.payments.set(e.objectId, e.event);
    }
    if (e.objectId && e.event.startsWith('subscription.')) this.subscriptions.set(e.objectId, e.status ?? e.event);
  }

  async readApp(src: Source, stream: Chunks, startLine = 1, follow = false): Promise<{ bytes: number; lines: number }> {
    const s = this.summary('appLog', 'NDJSON');
    if (!s.files.includes(src.label)) s.files.push(src.label);
    const r = await forEachLine(
      stream,
      (line, no, tooLong) => {
        this.counted(s);
        if (tooLong) return this.bad(s, src.label, no, 'line longer than 64 KiB', line);
        const rec = this.appParse(line);
        if (rec === null) return;
        if (typeof rec === 'string') return this.bad(s, src.label, no, rec, line);
        s.records++;
        if (rec.kind === 'event') {
          if (this.inWindow(s, rec.event.t)) this.addEvent(rec.event);
        } else if (rec.kind === 'mintcash-error') {
          if (this.inWindow(s, rec.error.t)) this.requestIds.add(rec.error);
        } else if (rec.kind === 'object') {
          if (!this.inWindow(s, rec.object.t) || !this.opts.trackObjects) return;
          const map = rec.object.kind === 'payment' ? this.payments : this.subscriptions;
          if (!map.has(rec.object.id)) map.set(rec.object.id, null);
        }
      },
      startLine,
      follow,
    );
    this.flushProgress();
    return r;
  }

  /** The event ledger or the subscriptions table, NDJSON or CSV (sniffed from the first line). */
  async readExport(which: 'events' | 'subscriptions', src: Source, stdin: NodeJS.ReadableStream): Promise<void> {
    const s = this.summary(which, 'NDJSON');
    s.files.push(src.label);
    const accept = (rec: EventRecord | SubscriptionRow | string, line: number, raw: () => string) => {
      if (typeof rec === 'string') return this.bad(s, src.label, line, rec, raw());
      s.records++;
      if (which === 'events') {
        const e = rec as EventRecord;
        if (this.inWindow(s, e.t)) this.addEvent(e);
      } else {
        const row = rec as SubscriptionRow;
        this.churn.addRow(row);
        this.subscriptions.set(row.id, row.status);
      }
    };
    const take = (o: unknown, line: number, raw: string) => accept(which === 'events' ? ledgerRecord(o) : subscriptionRecord(o), line, () => raw);
    // Sniff the format from the first bytes without consuming the stream twice.
    const head = await firstLine(src, stdin);
    const stream = head.stream;
    if (looksLikeJson(head.line)) {
      const scan = which === 'events' && this.opts.ledgerScan !== false;
      await forEachLineBytes(stream, (buf, start, end, no, tooLong) => {
        this.counted(s);
        if (tooLong) return this.bad(s, src.label, no, 'line longer than 64 KiB', buf.toString('utf8', start, end));
        // The ledger's envelopes are read from the bytes; anything unusual goes to JSON.parse.
        const fast = scan ? ledgerRecordFromBytes(buf, start, end) : undefined;
        if (typeof fast === 'string') return this.bad(s, src.label, no, fast, buf.toString('utf8', start, end));
        if (fast !== undefined) return accept(fast, no, noRaw);
        const line = buf.toString('utf8', start, end);
        if (line.trim() === '') return;
        let o: unknown;
        try {
          o = JSON.parse(line);
        } catch {
          return this.bad(s, src.label, no, 'not valid JSON', line);
        }
        take(o, no, line);
      });
    } else {
      s.format = 'CSV';
      const rows = await forEachCsvRow(
        stream,
        (row, line) => {
          if (++this.unreported >= 50_000) this.flushProgress();
          take(row, line, Object.values(row).join(','));
        },
        (line, reason, excerpt) => this.bad(s, src.label, line, reason, excerpt),
      );
      s.lines = rows + s.malformed + 1;
    }
  }

  /** The objects --reconcile asks about: payments without an outcome, subscriptions not settled. */
  openObjects(): OpenObjects {
    return {
      payments: [...this.payments].filter(([, st]) => !st || !TERMINAL_PAYMENT.has(st)).map(([id, status]) => ({ id, status })),
      subscriptions: [...this.subscriptions].filter(([, st]) => st === null || /past_due|created|pending|subscription\.failed/.test(st)).map(([id, status]) => ({ id, status })),
    };
  }

  report(now: number): MonitorReport {
    const has = (n: InputName) => this.inputs.has(n);
    const empty = this.first === Infinity;
    const first = empty ? (this.opts.since ?? now) : this.first;
    const last = empty ? (this.opts.until ?? now) : this.last;
    const until = this.opts.until ?? last;
    const days = daysBetween(first, last);
    const hours = hoursBetween(first, last);
    const delivery = this.delivery;
    delivery.lostByReconcile = this.reconcile?.findings.length ?? 0;
    const eventsIn = has('events') || (has('appLog') && this.delivery.eventsSeen);
    const d = delivery.result(until, days, { access: has('accessLog'), events: eventsIn });
    const f = this.failures.result(hours, days, { events: eventsIn || has('appLog') });
    const c = this.churn.result(days, { events: eventsIn, subscriptions: has('subscriptions') });
    const r = this.requestIds.result(days, { appLog: has('appLog') });
    const metrics: MetricResult[] = [d, f.metric, c.metric, r.metric];
    const inputs = [...this.inputs.values()];
    for (const s of inputs) {
      if (s.malformed > 0) s.notes.push(`${s.malformed} malformed line${s.malformed === 1 ? '' : 's'} skipped and counted (examples below)`);
    }
    const status = metrics.some((m) => m.status === 'alert') ? 'alert' : metrics.every((m) => m.status === 'pending') ? 'pending' : 'healthy';
    return {
      kind: 'golive-monitor-report',
      schemaVersion: 1,
      tool: { name: 'golive', version: this.opts.version },
      generatedAt: iso(now),
      window: {
        since: this.opts.since !== undefined ? iso(this.opts.since) : null,
        until: this.opts.until !== undefined ? iso(this.opts.until) : null,
        first: empty ? null : iso(this.first),
        last: empty ? null : iso(this.last),
        days: days.length,
      },
      status,
      inputs,
      metrics,
      series: { hours: hours.map(iso), delivery: delivery.hourly(hours), codes: f.codes, cohort: c.cohort, requestIds: r.rows, requestIdsOmitted: r.omitted },
      reconcile: this.reconcile ? { ran: true, ...this.reconcile } : { ran: false, checked: 0, findings: [], errors: [] },
    };
  }

  get accessFormatName(): string {
    return this.accessFormat;
  }
}

/** The first non-blank text of a source (NDJSON or CSV?), and its chunks from the start. */
async function firstLine(src: Source, stdin: NodeJS.ReadableStream): Promise<{ line: string; stream: Chunks }> {
  const it = (await openSource(src, stdin))[Symbol.asyncIterator]();
  // A file's chunks are reused buffers: the ones read ahead are kept as copies.
  const held: Buffer[] = [];
  let line = '';
  let ended = false;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      held.push(Buffer.from(chunk));
      line += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
      if (line.trimStart().length > 0) break;
    }
  } catch (e) {
    await it.return?.();
    throw readError(e);
  }
  async function* all(): AsyncGenerator<Buffer | string> {
    try {
      yield* held.splice(0);
      for (let r = ended ? undefined : await it.next(); r && !r.done; r = await it.next()) yield r.value;
    } finally {
      if (!ended) await it.return?.();
    }
  }
  return { line: line.trimStart(), stream: all() };
}
