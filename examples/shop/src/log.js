// Structured logging in pino's NDJSON shape (level numbers, `time` in ms, `msg`, `err`), so log
// tools and `golive monitor --app-log` read it as they read pino. APP_LOG names the file (stdout
// otherwise); LOG_REDACT lists dotted paths replaced by "[Redacted]", as pino's `redact` does.
import { appendFileSync } from 'node:fs';
import { hostname } from 'node:os';

const file = process.env.APP_LOG;
const redact = (process.env.LOG_REDACT ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const LEVELS = { info: 30, warn: 40, error: 50 };

function redacted(obj) {
  if (redact.length === 0) return obj;
  const copy = JSON.parse(JSON.stringify(obj));
  for (const path of redact) {
    const keys = path.split('.');
    let at = copy;
    for (const k of keys.slice(0, -1)) at = at && typeof at === 'object' ? at[k] : undefined;
    if (at && typeof at === 'object' && keys.at(-1) in at) at[keys.at(-1)] = '[Redacted]';
  }
  return copy;
}

function write(level, fields, msg) {
  const line = JSON.stringify(redacted({ level: LEVELS[level], time: Date.now(), pid: process.pid, hostname: hostname(), ...fields, msg }));
  if (file) appendFileSync(file, `${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export const log = {
  info: (fields, msg) => write('info', fields, msg),
  warn: (fields, msg) => write('warn', fields, msg),
  error: (fields, msg) => write('error', fields, msg),
};

/** pino's err serializer: type, message, and the error's own fields (MintCash's code, status, details). */
export function serializeError(e) {
  return { type: e?.constructor?.name ?? 'Error', message: e?.message, ...(e && typeof e === 'object' ? { ...e } : {}) };
}
