// Language-neutral pieces of the code index: which URLs are MintCash create endpoints, what an
// externalId value is made of, and offset -> line/column mapping.
import type { Endpoint, ExternalIdKind } from './types.js';

/**
 * Classifies the static shape of a URL (interpolations already replaced by `{}`). Tolerant in
 * what we accept: a trailing slash, a query string, and `/refunds` (a plausible typo the API would
 * reject) still count, so the externalId check still sees the call.
 */
export function endpointOf(url: string): Endpoint | undefined {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  // Whether the host is MintCash's is decided per call (provider.ts), so other APIs can be counted.
  if (/\/payments\/[^/]+\/refunds?$/.test(path)) return 'refund';
  if (/(^|\/|\})payments$/.test(path)) return 'payment';
  if (/(^|\/|\})subscriptions$/.test(path)) return 'subscription';
  return undefined;
}

/** A URL's last static piece may be just `/payments` while the rest is a variable. */
export function looksLikeEndpointPiece(s: string): boolean {
  return /\/(payments|subscriptions)\/?(\?.*)?$|\/refunds?\/?(\?.*)?$/.test(s);
}

export interface ValueShape {
  /** Only literals, no variable part. */
  literalOnly: boolean;
  /** Member paths read, e.g. `order.id`, `customerId`. */
  refs: string[];
  /** Callee paths, e.g. `crypto.randomUUID`, `Date.now`. */
  calls: string[];
}

// Deterministic name-based UUIDs (v3/v5) are stable per input, so they are not "random".
const RANDOM = /(randomUUID|uuid_?v?4|^uuid$|uuid\.v4|^v4$|nanoid|cuid|createId|ulid|Math\.random|^random\.|SecureRandom|uniqid|randomBytes|random_bytes|token_hex|token_urlsafe|uuid\.New(String)?$|Str::(uuid|random|orderedUuid)|mt_rand|^rand$|random_int|randomAlphanumeric)/;
const RANDOM_REF = /^SecureRandom\./;
const TIME = /(^Date\.now$|getTime$|^Date$|toISOString$|^time\.time$|^time\.Now|^Time\.now|^time$|^microtime$|currentTimeMillis$|nanoTime$|^Instant\.now|^datetime\.(datetime\.)?(utc)?now|^timestamp$|^Unix(Nano|Milli)?$|^now$|^Carbon::now)/;
const CUSTOMER = /(^|[._])(customer|user|account|client|member|buyer|email)(s?|_?id|Id|ID|_?email|Email)?$|(^|[._])(customer|user|account|buyer|client|member)[._](id|email|uuid)$/i;
const PAYMENT = /(^|[._])(payment|pmt|charge)(_?id|Id|ID)?$|^(payment|pmt|charge)[._](id|uuid)$/i;
const CONSTANTISH = /^[A-Z][A-Z0-9_]*$/;
/** A Go field named ID (`order.ID`, `invoice.UUID`) is an id, not a constant. */
const ID_FIELD = /\.(ID|UUID|GUID|ULID)$/;
const constantish = (ref: string): boolean => CONSTANTISH.test(ref.split('.').pop() ?? ref) && !ID_FIELD.test(ref);

/** Judges nothing: says what the value is made of, so the quality check can judge. */
export function classifyValue(shape: ValueShape, endpoint: Endpoint): ExternalIdKind {
  if (shape.calls.some((c) => RANDOM.test(c)) || shape.refs.some((r) => RANDOM_REF.test(r))) return 'random';
  const refs = shape.refs.filter((r) => !constantish(r) && !TIME.test(r));
  const timed = shape.calls.some((c) => TIME.test(c)) || shape.refs.some((r) => TIME.test(r));
  if (refs.length === 0) {
    if (timed) return 'timestamp';
    if (shape.literalOnly || shape.refs.length > 0) return 'constant';
    return 'derived';
  }
  if (refs.every((r) => CUSTOMER.test(r))) return 'customer-id';
  if (endpoint === 'refund' && refs.every((r) => PAYMENT.test(r))) return 'payment-id';
  return 'derived';
}

/** Offset -> 1-based line and column, with a precomputed line table. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** Names that read like a webhook signature or a digest computed to compare with it. */
export const SIGNATURE_NAME = /(sig|signature|hmac|digest|mac$|^mac|expected|computed|calculated|header_?sig)/i;

/** Callees that are constant-time comparisons, by language family. */
export const CONSTANT_TIME = /(timingSafeEqual|compare_digest|hmac\.Equal|ConstantTimeCompare|hash_equals|secure_compare|MessageDigest\.isEqual|constantTimeEquals|safeCompare|timingSafeCompare|tsscmp|subtle\.verify)$/;

export const ENVIRONMENT_NAME = /^(environment|Environment|env)$/;
export const EVENT_ID_NAME = /^(eventId|event_id|EventID|EventId|eventID)$/;

/** Calls that only print: an eventId passed to one of these is no dedup. */
export const LOGGING_CALLEE = /(^|\.)(log|info|debug|warn|warning|error|trace|print|println|printf|Printf|Println|puts|p|echo|error_log|fmt\.Sprintf|sprintf|format|console\.\w+|logger\.\w+|Log\w*)$/;

/** UTF-16 string index -> UTF-8 byte offset, for the byte spans `golive fix` edits by. */
export class ByteOffsets {
  private readonly ascii: boolean;
  private prefix: Uint32Array | undefined;
  constructor(private readonly text: string) {
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\u0000-\u007f]/.test(text);
  }
  at(index: number): number {
    if (this.ascii) return index;
    if (!this.prefix) {
      const p = new Uint32Array(this.text.length + 1);
      for (let i = 0; i < this.text.length; i++) {
        const c = this.text.charCodeAt(i);
        // A surrogate pair is 4 bytes in all: 2 for each half.
        p[i + 1] = p[i]! + (c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3);
      }
      this.prefix = p;
    }
    return this.prefix[Math.min(index, this.text.length)]!;
  }
  span(start: number, end: number): { start: number; end: number } {
    return { start: this.at(start), end: this.at(end) };
  }
}

// A computed signature put into an outgoing request, and a signature read from an incoming one.
const WRITES_SIGNATURE = /\[\s*['"`][\w-]*(?:signature|hmac)[\w-]*['"`]\s*\]\s*=(?!=)|\.(?:set|add|Set|Add|setHeader|set_header|append|withHeader|addHeader|putHeader)\(\s*['"`][\w-]*(?:signature|hmac)[\w-]*['"`]\s*,|['"`][\w-]*(?:signature|hmac)[\w-]*['"`]\s*(?::|=>)\s*(?![\s'"`])|['"`]X-[\w-]*(?:signature|hmac)[\w-]*:\s/i;
const READS_SIGNATURE = /\b(?:get|getHeader|get_header|header|Get|fetch|headers\.get)\(\s*['"`][\w-]*(?:signature|hmac|sig)[\w-]*['"`]\s*\)|\[\s*['"`][\w-]*(?:signature|hmac)[\w-]*['"`]\s*\](?!\s*=[^=])|HTTP_X_[A-Z0-9_]*(?:SIGNATURE|HMAC)|@(?:Request)?Headers?\(\s*['"`][\w-]*(?:signature|hmac)|\w*(?:signature|hmac)\w*\s*:\s*[\w[\]|. ]+=\s*Header\(/i;

/**
 * Code that computes an HMAC, puts it into what it sends and compares nothing signs outgoing
 * payloads (its own webhooks, a request to another API): it is no handler, and serialising its own
 * payload is right. Anything else that computes or checks an HMAC is taken to verify.
 */
export function directionOf(source: string, compares: number): 'verifies' | 'signs' {
  return compares === 0 && WRITES_SIGNATURE.test(source) && !READS_SIGNATURE.test(source) ? 'signs' : 'verifies';
}
