// Typed errors: every failure a user can cause carries a stable code and a suggestion.
// The CLI prints them as one line (plus the suggestion) and maps them to exit codes; never a stack.

export type ErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_PARSE'
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'TARGET_NOT_FOUND'
  | 'REPORT_INVALID'
  | 'IO'
  | 'NETWORK'
  | 'API'
  | 'INTERRUPTED'
  | 'INTERNAL';

export class GoliveError extends Error {
  readonly code: ErrorCode;
  readonly suggestion?: string;
  /** Extra lines (e.g. every config problem) shown under the message. */
  readonly details: string[];
  readonly exitCode: number;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { suggestion?: string; details?: string[]; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GoliveError';
    this.code = code;
    this.suggestion = opts.suggestion;
    this.details = opts.details ?? [];
    this.exitCode = opts.exitCode ?? (code === 'INTERRUPTED' ? 130 : 2);
  }
}

export function isGoliveError(e: unknown): e is GoliveError {
  return e instanceof GoliveError;
}

/** A short, stack-free description of any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}
