// Typed MintCash API errors. `code` is MintCash's stable envelope code (never its prose), plus the
// HTTP status and requestId to quote to support. Messages are built only from those fields, the
// method and the path: never from headers, so the Authorization header cannot leak into one.

/** Codes golive adds for failures that never reached a MintCash error envelope. */
export type TransportCode = 'network_error' | 'timeout' | 'invalid_response' | 'invalid_request';

export class ApiError extends Error {
  /** MintCash `code` (e.g. `unauthenticated`) or a TransportCode. */
  readonly code: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly requestId: string | null;
  /** `details.reason` (e.g. `ip_not_allowed`, `invalidAmount`) when MintCash gives one. */
  readonly reason: string | null;
  readonly method: string;
  readonly path: string;
  /** MintCash's human message; may be reworded by MintCash at any time, so never branch on it. */
  readonly apiMessage: string | null;

  constructor(init: {
    code: string;
    status: number;
    method: string;
    path: string;
    requestId?: string | null;
    reason?: string | null;
    apiMessage?: string | null;
  }) {
    const where = `${init.method} ${init.path}`;
    const head = init.status ? `${where} failed: ${init.status} ${init.code}` : `${where} failed: ${init.code}`;
    const tail = [init.apiMessage, init.requestId ? `requestId ${init.requestId}` : null].filter(Boolean).join('; ');
    super(tail ? `${head} (${tail})` : head);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.reason = init.reason ?? null;
    this.method = init.method;
    this.path = init.path;
    this.apiMessage = init.apiMessage ?? null;
  }

  /** True for failures where no response was seen, so the request may or may not have landed. */
  get isTransport(): boolean {
    return this.status === 0;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
