// The MintCash API client: Basic auth, every documented endpoint, tolerant response parsing,
// typed errors, timeouts and safe retries. It never logs, and no error it raises carries the
// Authorization header or the secret key. It sends only to a target hosts.ts approved for this
// key pair (decideSend): there is no way to hand it a bare URL.
import type { z } from 'zod';
import { redactText } from '../engine/mask.js';
import { ApiError } from './errors.js';
import { isApproved, parseApiUrl, type ApprovedSend } from './hosts.js';
import {
  apiKeysResponseSchema,
  errorEnvelopeSchema,
  paymentSchema,
  refundSchema,
  subscriptionSchema,
  type ApiKeyRecord,
  type Payment,
  type Refund,
  type Subscription,
} from './schemas.js';

export interface ClientOptions {
  /** Where to send, as decideSend approved it for this very key pair. */
  target: ApprovedSend;
  publicKey: string;
  secretKey: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts after the first, for retryable failures only. */
  retries?: number;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Hears every 2xx with its `x-request-id` (when MintCash sends one), so callers can record it. */
  onResponse?: (r: { method: string; path: string; status: number; requestId: string | null; date: string | null }) => void;
}

export interface Customer {
  externalId?: string;
  email?: string;
  name?: string;
  phone?: string;
}

/** What a payment and a subscription create share. Amounts are integer minor units, as MintCash wants them in requests (API-FACTS §3). */
export interface CreateChargeInput {
  amount: number;
  currency: string;
  externalId: string;
  returnUrl?: string;
  cardToken?: string;
  billing?: Record<string, unknown>;
  callbackUrl?: string;
  description?: string;
  metadata?: Record<string, unknown>;
}

export interface CreatePaymentInput extends CreateChargeInput {
  customer: Customer;
}

export interface CreateSubscriptionInput extends CreateChargeInput {
  billingIntervalDays: number;
  customer?: Customer;
}

export interface RefundInput {
  externalId: string;
  /** Minor units; omit for the whole remaining balance. */
  amount?: number | null;
  reason?: string;
}

const MAX_RESPONSE_BYTES = 1_000_000;

type Method = 'GET' | 'POST' | 'DELETE';

export class MintcashClient {
  readonly baseUrl: string;
  private readonly host: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly doFetch: typeof fetch;
  private readonly secrets: string[];
  private readonly onResponse: ClientOptions['onResponse'];

  constructor(opts: ClientOptions) {
    // The same rule, checked where the keys are used: a target approved for test keys cannot carry live ones.
    if (!isApproved(opts.target, [opts.publicKey, opts.secretKey])) throw new TypeError('MintCash client: this key pair was not approved for that URL (hosts.decideSend)');
    this.baseUrl = opts.target.url.href;
    this.host = opts.target.url.host;
    // Basic auth: public key is the username, secret key the password (API-FACTS §2).
    this.auth = `Basic ${Buffer.from(`${opts.publicKey}:${opts.secretKey}`, 'utf8').toString('base64')}`;
    this.secrets = [opts.secretKey, this.auth.slice(6)];
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.retries = opts.retries ?? 2;
    this.backoffMs = opts.backoffMs ?? 250;
    this.doFetch = opts.fetch ?? fetch;
    this.onResponse = opts.onResponse;
  }

  /** Keep the secret out of `console.log(client)` and `JSON.stringify(client)`. */
  toJSON(): Record<string, string> {
    return { baseUrl: this.baseUrl };
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MintcashClient { baseUrl: '${this.baseUrl}' }`;
  }

  createPayment(input: CreatePaymentInput): Promise<Payment> {
    return this.call('POST', '/payments', paymentSchema, input);
  }
  getPayment(paymentId: string): Promise<Payment> {
    return this.call('GET', `/payments/${encodeURIComponent(paymentId)}`, paymentSchema);
  }
  refundPayment(paymentId: string, input: RefundInput): Promise<Refund> {
    return this.call('POST', `/payments/${encodeURIComponent(paymentId)}/refund`, refundSchema, input);
  }
  createSubscription(input: CreateSubscriptionInput): Promise<Subscription> {
    return this.call('POST', '/subscriptions', subscriptionSchema, input);
  }
  getSubscription(subscriptionId: string): Promise<Subscription> {
    return this.call('GET', `/subscriptions/${encodeURIComponent(subscriptionId)}`, subscriptionSchema);
  }
  /** Query parameter names are not documented (API-FACTS §4.6); pass-through for when they are known. */
  cancelSubscription(subscriptionId: string, query: Record<string, string> = {}): Promise<Subscription> {
    const qs = new URLSearchParams(query).toString();
    return this.call('DELETE', `/subscriptions/${encodeURIComponent(subscriptionId)}${qs ? `?${qs}` : ''}`, subscriptionSchema);
  }
  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.call('GET', '/merchant/api-keys', apiKeysResponseSchema)).apiKeys;
  }

  /**
   * Retry rule. A network failure or timeout means we do not know whether MintCash acted, so we
   * resend: for GET that is harmless, and every POST create carries an `externalId`, so MintCash
   * replays the original instead of charging twice (API-FACTS §6). 4xx is never retried (the same
   * request will fail the same way, and 409 is a real conflict). Of 5xx only 502/503/504 are
   * retried, and only for GET and for POSTs with an `externalId`; 500 (`providerNotConfigured`)
   * is permanent. DELETE (cancel) is retried only on network failures.
   */
  private retryable(err: ApiError, method: Method, hasExternalId: boolean): boolean {
    if (err.isTransport) return err.code !== 'invalid_response' && err.code !== 'invalid_request';
    if (err.status === 502 || err.status === 503 || err.status === 504) {
      return method === 'GET' || (method === 'POST' && hasExternalId);
    }
    return false;
  }

  private async call<S extends z.ZodType>(method: Method, path: string, schema: S, body?: object): Promise<z.output<S>> {
    const hasExternalId = !!body && typeof (body as { externalId?: unknown }).externalId === 'string';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let attempt = 0;
    for (;;) {
      try {
        const json = await this.once(method, path, payload);
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const first = parsed.error.issues[0];
          const where = first?.path.length ? first.path.join('.') : 'body';
          throw new ApiError({ code: 'invalid_response', status: 0, method, path, apiMessage: `unexpected response shape at ${where}` });
        }
        return parsed.data;
      } catch (e) {
        if (!(e instanceof ApiError) || attempt >= this.retries || !this.retryable(e, method, hasExternalId)) throw e;
        attempt++;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async once(method: Method, path: string, payload: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = { authorization: this.auth, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    const url = `${this.baseUrl}${path}`;
    // A path can never move the request to another host; checked anyway, where the keys leave.
    if (parseApiUrl(url)?.host !== this.host) throw new ApiError({ code: 'invalid_request', status: 0, method, path, apiMessage: 'the request would leave the approved host' });
    try {
      res = await this.doFetch(url, {
        method,
        headers,
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The timeout covers the body too: a server that trickles it is a transport failure like any other.
      text = await readCapped(res);
    } catch (e) {
      throw this.transportError(e, method, path);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 200 && res.status < 300) {
      if (json === undefined) throw new ApiError({ code: 'invalid_response', status: 0, method, path, apiMessage: 'response is not JSON' });
      this.onResponse?.({ method, path, status: res.status, requestId: res.headers.get('x-request-id'), date: res.headers.get('date') });
      return json;
    }
    const env = errorEnvelopeSchema.safeParse(json);
    const headerRequestId = res.headers.get('x-request-id');
    if (env.success) {
      throw new ApiError({
        code: env.data.code,
        status: res.status,
        method,
        path,
        requestId: env.data.details?.requestId ?? headerRequestId,
        reason: env.data.details?.reason ?? null,
        apiMessage: env.data.message ? this.clean(env.data.message) : null,
      });
    }
    // Not an envelope (a proxy's HTML page, a redirect): keep the status, invent nothing.
    throw new ApiError({ code: `http_${res.status}`, status: res.status, method, path, requestId: headerRequestId });
  }

  private transportError(e: unknown, method: string, path: string): ApiError {
    const err = e as { name?: string; cause?: { code?: string }; code?: string };
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
      return new ApiError({ code: 'timeout', status: 0, method, path, apiMessage: `no answer within ${this.timeoutMs} ms` });
    }
    // Only the errno-style code: fetch's own messages can quote the request.
    const code = err?.cause?.code ?? err?.code;
    return new ApiError({ code: 'network_error', status: 0, method, path, apiMessage: code ? `connection failed (${code})` : 'connection failed' });
  }

  /** Server prose is shown to users: make sure it cannot echo our credentials back. */
  private clean(text: string): string {
    return redactText(text.slice(0, 300), this.secrets);
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw Object.assign(new Error('response too large'), { code: 'ERESPONSE_TOO_LARGE' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createClient(opts: ClientOptions): MintcashClient {
  return new MintcashClient(opts);
}
