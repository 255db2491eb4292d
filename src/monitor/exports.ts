// The merchant's own data exports: the webhook event ledger (one MintCash envelope per line as
// documented: eventId, event, type, environment, createdAt, data; plus the merchant's receivedAt
// if it keeps one) and the subscriptions table. NDJSON or CSV (csv-parse, streaming); in CSV the
// envelope's `data` is a JSON column, or flattened as `data.id`, `data.failureCode`, ….
import { Readable } from 'node:stream';
import { parse as csvParse } from 'csv-parse';
import { first, parseAnyTime } from './access-formats.js';
import { F, Fields, fieldValue, isoMs, present, scanEnvelope } from './envelope-scan.js';
import { readError, type Chunks } from './lines.js';
import type { EventRecord, SubscriptionRow } from './types.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** A CSV row with a JSON `data` column becomes an envelope with that object. */
function unflatten(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  if (typeof row.data === 'string' && row.data.trim().startsWith('{')) {
    try {
      out.data = JSON.parse(row.data);
    } catch {
      out.data = undefined;
    }
  }
  return out;
}

export function ledgerRecord(o: unknown): EventRecord | string {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not an object';
  return ledgerFrom(
    first(o, ['eventId']),
    first(o, ['event']),
    parseAnyTime(first(o, ['createdAt'])),
    parseAnyTime(first(o, ['receivedAt', 'processedAt'])),
    first(o, ['data.id']),
    first(o, ['data.externalId']),
    first(o, ['data.failureCode']),
    first(o, ['data.status']),
  );
}

const EVENT_NAME = /^[a-z_]+\.[a-z_]+$/;

/** The record from the envelope's values as first() reads them (undefined when absent, null or ""). */
function ledgerFrom(eventIdV: unknown, eventV: unknown, t: number, received: number, id: unknown, externalId: unknown, failureCode: unknown, status: unknown): EventRecord | string {
  const eventId = str(eventIdV);
  const event = str(eventV);
  if (!eventId) return 'no eventId';
  if (!event || !EVENT_NAME.test(event)) return 'no event name';
  if (!Number.isFinite(t)) return 'no readable createdAt';
  return {
    eventId,
    event,
    t: Number.isFinite(received) ? received : t,
    created: t,
    receivedAt: Number.isFinite(received) ? received : null,
    objectId: str(id),
    externalId: str(externalId),
    failureCode: str(failureCode),
    status: str(status),
    // A ledger row is an event the merchant stored: its delivery was acknowledged.
    acknowledged: true,
  };
}

export function subscriptionRecord(o: unknown): SubscriptionRow | string {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'not an object';
  const id = str(first(o, ['id', 'subscriptionId', 'mintcashId']));
  const status = str(first(o, ['status']));
  if (!id) return 'no id';
  if (!status) return 'no status';
  const attempts = Number(first(o, ['failedAttempts', 'dunningAttempt', 'dunningAttempts']));
  const since = parseAnyTime(first(o, ['pastDueSince', 'pastDueAt']));
  const updated = parseAnyTime(first(o, ['updatedAt']));
  return {
    id,
    status,
    failedAttempts: Number.isFinite(attempts) ? attempts : null,
    pastDueSince: Number.isFinite(since) ? since : null,
    updatedAt: Number.isFinite(updated) ? updated : null,
  };
}

/** Sniffs NDJSON (first non-blank character `{`) or CSV. */
export function looksLikeJson(firstLine: string): boolean {
  return firstLine.trimStart().startsWith('{');
}

/**
 * Streams CSV records to `sink` (header row names the columns). Malformed rows (wrong column count,
 * broken quoting) are reported through `bad` with their line, and the parse goes on.
 */
export async function forEachCsvRow(stream: Chunks, sink: (row: Record<string, unknown>, line: number) => void, bad: (line: number, reason: string, excerpt: string) => void): Promise<number> {
  const parser = csvParse({
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    max_record_size: 64 * 1024,
    skip_records_with_error: true,
    info: true,
  });
  parser.on('skip', (err: Error & { lines?: number; record?: string[] }) => bad(err.lines ?? 0, err.message.replace(/^Invalid Record Length: /, 'wrong column count: ').slice(0, 120), (err.record ?? []).join(',').slice(0, 65_536)));
  // The excerpt is masked, then cut, by bad(): cutting first could leave half a key the masker no longer knows.
  let rows = 0;
  const done = (async () => {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      rows++;
      sink(unflatten(rec.record), rec.info.lines);
    }
  })();
  // A file's chunks are two buffers, refilled in turn: a stream may read ahead and queue several
  // (a slow consumer of csv-parse lost rows that way), so it is given copies.
  const source = Readable.from(copies(stream));
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    await done;
  } catch (e) {
    throw readError(e);
  }
  return rows;
}

async function* copies(chunks: Chunks): AsyncGenerator<Buffer> {
  for await (const c of chunks) yield Buffer.from(c);
}

const fields = new Fields();

const valueOf = (buf: Buffer, i: number): unknown => (present(fields, i) ? fieldValue(buf, fields, i) : undefined);

function timeOf(buf: Buffer, i: number): number {
  if (!present(fields, i)) return NaN;
  const t = isoMs(buf, fields, i);
  return Number.isNaN(t) ? parseAnyTime(fieldValue(buf, fields, i)) : t;
}

/**
 * The ledger's fast path: the record straight from an NDJSON line's bytes, the same as
 * ledgerRecord(JSON.parse(line)); undefined when the line needs JSON.parse (malformed, blank or
 * unusual), which then decides.
 */
export function ledgerRecordFromBytes(buf: Buffer, start: number, end: number): EventRecord | string | undefined {
  if (!scanEnvelope(buf, start, end, fields)) return undefined;
  const received = present(fields, F.receivedAt) ? timeOf(buf, F.receivedAt) : timeOf(buf, F.processedAt);
  return ledgerFrom(valueOf(buf, F.eventId), valueOf(buf, F.event), timeOf(buf, F.createdAt), received, valueOf(buf, F.id), valueOf(buf, F.externalId), valueOf(buf, F.failureCode), valueOf(buf, F.status));
}
