// The emulator's write-ahead log format. A file header, then records, each length-prefixed and
// checksummed: uint32 BE payload length, uint32 BE CRC-32 of the payload (zlib.crc32), then the
// payload (one JSON object). Reading stops at the first record that is truncated, fails its
// checksum or is not a log record, and says at which byte: the log is never read past damage, so
// a damaged middle record can neither be skipped silently nor let later records apply without it.
// Logs written before this format (JSON lines) are still read, with the same strictness.
import { crc32 } from 'node:zlib';

export const WAL_MAGIC = Buffer.from('golive-emulator-wal 2\n', 'utf8');
const HEADER = 8;
/** Far above any real record (a record holds one request's changes); a bigger length is damage. */
const MAX_RECORD = 256 * 1024 * 1024;

export interface WalProblem {
  /** Byte offset of the first bad record (everything before it is good). */
  offset: number;
  /** 1-based index of the bad record. */
  record: number;
  why: string;
  /** Bytes from `offset` to the end of the file: what a repair drops. */
  droppedBytes: number;
  /** True when the bad record is the last thing in the file (a torn final write). */
  atEnd: boolean;
}

export interface WalRead<T> {
  records: T[];
  /** Byte length of the good prefix (header included). */
  goodEnd: number;
  problem?: WalProblem;
}

export function encodeRecord(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.alloc(HEADER);
  head.writeUInt32BE(payload.length, 0);
  head.writeUInt32BE(crc32(payload) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

/**
 * Decodes a whole log. `valid` decides whether a parsed payload is a record of this log (a `null`
 * or a number is damage, not an internal error later).
 */
export function decodeWal<T>(buf: Buffer, valid: (v: unknown) => v is T): WalRead<T> {
  if (buf.length === 0) return { records: [], goodEnd: 0 };
  if (buf.subarray(0, WAL_MAGIC.length).equals(WAL_MAGIC)) return decodeRecords(buf, valid);
  if (WAL_MAGIC.subarray(0, buf.length).equals(buf.subarray(0, WAL_MAGIC.length))) {
    return { records: [], goodEnd: 0, problem: { offset: 0, record: 0, why: 'the file header is incomplete', droppedBytes: buf.length, atEnd: true } };
  }
  return decodeLegacy(buf, valid);
}

function decodeRecords<T>(buf: Buffer, valid: (v: unknown) => v is T): WalRead<T> {
  const records: T[] = [];
  let off = WAL_MAGIC.length;
  const fail = (why: string, atEnd: boolean): WalRead<T> => ({ records, goodEnd: off, problem: { offset: off, record: records.length + 1, why, droppedBytes: buf.length - off, atEnd } });
  while (off < buf.length) {
    if (buf.length - off < HEADER) return fail(`its header is cut short (${buf.length - off} of ${HEADER} bytes)`, true);
    const len = buf.readUInt32BE(off);
    const sum = buf.readUInt32BE(off + 4);
    if (len > MAX_RECORD) return fail(`its length field says ${len} bytes, which no record has (a damaged header)`, false);
    if (off + HEADER + len > buf.length) return fail(`it is cut short (${buf.length - off - HEADER} of ${len} bytes)`, true);
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    const end = off + HEADER + len === buf.length;
    if ((crc32(payload) >>> 0) !== sum) return fail('its checksum does not match its bytes', end);
    let v: unknown;
    try {
      v = JSON.parse(payload.toString('utf8'));
    } catch {
      return fail('its checksum matches but it is not JSON', end);
    }
    if (!valid(v)) return fail('it is not an emulator log record', end);
    records.push(v);
    off += HEADER + len;
  }
  return { records, goodEnd: off };
}

/** The JSON-lines log of earlier versions: one record per line, read strictly too. */
function decodeLegacy<T>(buf: Buffer, valid: (v: unknown) => v is T): WalRead<T> {
  const records: T[] = [];
  let off = 0;
  while (off < buf.length) {
    const nl = buf.indexOf(0x0a, off);
    const end = nl < 0 ? buf.length : nl + 1;
    const line = buf.subarray(off, nl < 0 ? buf.length : nl).toString('utf8');
    if (line.trim() !== '') {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        v = undefined;
      }
      if (v === undefined || !valid(v) || nl < 0) {
        const why = nl < 0 ? 'it is cut short (no line end)' : v === undefined ? 'it is not JSON' : 'it is not an emulator log record';
        return { records, goodEnd: off, problem: { offset: off, record: records.length + 1, why, droppedBytes: buf.length - off, atEnd: end === buf.length } };
      }
      records.push(v);
    }
    off = end;
  }
  return { records, goodEnd: off };
}
