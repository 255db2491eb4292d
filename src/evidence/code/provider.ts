// Provider attribution (issue 12): whose webhooks a handler verifies, and whether a create call
// reaches MintCash. Generic crypto checks judge every HMAC verification; MintCash-only checks
// (environment guard, eventId dedup, externalId) need to know the code is MintCash's. Works on
// a file's whole source text, so every language shares it; records the reasons it found.
import { escapeRegExp } from '../../regexp.js';

/** What the merchant's config says about their MintCash setup (api.baseUrl, env names, webhook URL). */
export interface MintCashHints {
  /** Hosts that are MintCash: its own plus the configured api.baseUrl's. */
  hosts: string[];
  /** Environment variable names of the MintCash keys and webhook secret. */
  envNames: string[];
  /** Path of the configured webhook URL (e.g. `/hooks/pay`), when one is configured. */
  webhookPath?: string;
}

export const DEFAULT_HINTS: MintCashHints = {
  hosts: ['api.mintcash.me', 'sandbox.mintcash.me'],
  envNames: ['MINTCASH_PUBLIC_KEY', 'MINTCASH_SECRET_KEY', 'MINTCASH_WEBHOOK_SECRET'],
};

export function hintsFrom(config: { api?: { baseUrl?: string }; env?: Record<string, string>; webhook?: { url?: string } }): MintCashHints {
  const hosts = new Set(DEFAULT_HINTS.hosts);
  const host = (u: string | undefined): string | undefined => {
    try {
      return u ? new URL(u).host : undefined;
    } catch {
      return undefined;
    }
  };
  const base = host(config.api?.baseUrl);
  if (base) hosts.add(base);
  let webhookPath: string | undefined;
  try {
    const p = config.webhook?.url ? new URL(config.webhook.url).pathname.replace(/\/+$/, '') : '';
    if (p.length > 1) webhookPath = p;
  } catch {
    webhookPath = undefined;
  }
  return { hosts: [...hosts], envNames: [...new Set([...DEFAULT_HINTS.envNames, ...Object.values(config.env ?? {})])], ...(webhookPath ? { webhookPath } : {}) };
}

interface Provider {
  id: string;
  label: string;
  /** Its signature header(s), lower-case, as they appear in code (`X-Hub-Signature-256`, `HTTP_X_...`). */
  header?: RegExp;
  /** Its name as code spells it: SDK imports, env names, URLs. */
  name: RegExp;
  /** Also signs with an `X-Signature` header, so its name outweighs that MintCash cue. */
  xSignature?: boolean;
}

// Headers are matched in any case and with `-` or `_` (PHP/Rack spell them HTTP_X_HUB_SIGNATURE).
const PROVIDERS: Provider[] = [
  { id: 'github', label: 'GitHub', header: /x[-_]hub[-_]signature/i, name: /\bgithub|octokit/i },
  { id: 'shopify', label: 'Shopify', header: /x[-_]shopify[-_]hmac/i, name: /shopify/i },
  { id: 'stripe', label: 'Stripe', header: /\bstripe[-_]signature/i, name: /\bstripe/i },
  { id: 'paystack', label: 'Paystack', header: /x[-_]paystack[-_]signature/i, name: /paystack/i },
  { id: 'lemonsqueezy', label: 'Lemon Squeezy', name: /lemon[-_ ]?squeezy|lmsqueezy/i, xSignature: true },
  { id: 'slack', label: 'Slack', header: /x[-_]slack[-_]signature/i, name: /\bslack/i },
  { id: 'twilio', label: 'Twilio', header: /x[-_]twilio[-_]signature/i, name: /twilio/i },
  { id: 'svix', label: 'Svix', header: /\b(svix|webhook)[-_]signature/i, name: /\bsvix|\bclerk|\bresend/i },
  { id: 'square', label: 'Square', header: /x[-_]square[-_](hmacsha256[-_])?signature/i, name: /squareup/i },
  { id: 'razorpay', label: 'Razorpay', header: /x[-_]razorpay[-_]signature/i, name: /razorpay/i },
  { id: 'paddle', label: 'Paddle', header: /\bpaddle[-_]signature/i, name: /\bpaddle/i },
  { id: 'flutterwave', label: 'Flutterwave', header: /\bverif[-_]hash/i, name: /flutterwave/i },
  { id: 'intercom', label: 'Intercom', name: /intercom/i },
  { id: 'meta', label: 'Meta', name: /facebook|whatsapp|instagram/i },
  { id: 'gitlab', label: 'GitLab', header: /x[-_]gitlab[-_]token/i, name: /gitlab/i },
  { id: 'hubspot', label: 'HubSpot', header: /x[-_]hubspot[-_]signature/i, name: /hubspot/i },
  { id: 'mailgun', label: 'Mailgun', name: /mailgun/i },
  { id: 'sendgrid', label: 'SendGrid', name: /sendgrid/i },
  { id: 'zoom', label: 'Zoom', header: /x[-_]zm[-_]signature/i, name: /\bzoom/i },
  { id: 'woocommerce', label: 'WooCommerce', header: /x[-_]wc[-_]webhook[-_]signature/i, name: /woocommerce/i },
  { id: 'calcom', label: 'Cal.com', header: /x[-_]cal[-_]signature/i, name: /\bcal\.com|calcom/i },
  { id: 'veriff', label: 'Veriff', header: /x[-_]hmac[-_]signature/i, name: /veriff/i },
  { id: 'coinbase', label: 'Coinbase', header: /x[-_]cc[-_]webhook[-_]signature/i, name: /coinbase/i },
  { id: 'paypal', label: 'PayPal', header: /paypal[-_]transmission[-_]sig/i, name: /paypal/i },
  { id: 'adyen', label: 'Adyen', name: /adyen/i },
  { id: 'mollie', label: 'Mollie', name: /mollie/i },
  { id: 'braintree', label: 'Braintree', name: /braintree/i },
];

const MINTCASH_WORD = /mint[-_ ]?cash/i;
const X_SIGNATURE = /(['"`])(x-signature|HTTP_X_SIGNATURE|X_SIGNATURE)\1/i;
/**
 * MintCash's event envelope, beyond field names every provider uses: an eventId with its
 * apiVersion, the schema version itself, or an eventId next to one of MintCash's own event names.
 */
const ENVELOPE = /\beventId\b[\s\S]*\bapiVersion\b|\bapiVersion\b[\s\S]*\beventId\b|['"`]2026-05-01['"`]/;
const MINTCASH_EVENTS = /['"`](payment\.(?:partially_refunded|refund_failed|voided)|subscription\.(?:succeeded|failed))['"`]/;
/** A repository URL in an import (`github.com/acme/billing/...`) names where code lives, not who signs webhooks. */
const REPO_URL = /\b(?:github|gitlab|bitbucket)\.(?:com|org)\/[\w.-]+(?:\/[\w.-]+)*/gi;

/** The strongest reason to say this source is about MintCash, or undefined. */
export function mintcashCue(source: string, hints: MintCashHints): string | undefined {
  // Most specific first, so the recorded reason says the most.
  for (const h of hints.hosts) if (source.includes(h)) return `uses the MintCash host ${h}`;
  for (const e of hints.envNames) if (new RegExp(`\\b${escapeRegExp(e)}\\b`).test(source)) return `reads ${e}`;
  if (hints.webhookPath && new RegExp(`(['"\`])${escapeRegExp(hints.webhookPath)}/?\\1`).test(source)) return `serves the configured webhook path ${hints.webhookPath}`;
  const word = MINTCASH_WORD.exec(source);
  return word ? `names MintCash (\`${word[0]}\`)` : undefined;
}

/** MintCash's envelope or event names in a handler that names nothing else of MintCash. */
function envelopeCue(source: string): string | undefined {
  if (ENVELOPE.test(source)) return "reads MintCash's event envelope (eventId with apiVersion)";
  const event = MINTCASH_EVENTS.exec(source);
  return event && /\beventId\b/.test(source) ? `handles MintCash's event \`${event[1]}\` with its eventId` : undefined;
}

/**
 * Decides whose webhooks the code in `source` verifies (one handler per file). MintCash only on
 * MintCash's own evidence (its host, env names, configured path, name, envelope or event names):
 * `x-signature` alone is a header many providers use, so by itself it says "the sender".
 */
export function attributeHandler(source: string, hints: MintCashHints): { provider: string; label: string; header?: string; reasons: string[] } {
  const strong = mintcashCue(source, hints) ?? envelopeCue(source);
  const xsig = X_SIGNATURE.test(source);
  if (strong) return { provider: 'mintcash', label: 'MintCash', ...(xsig ? { header: 'x-signature' } : {}), reasons: [strong, ...(xsig ? ['reads the x-signature header'] : [])] };
  const named = source.replace(REPO_URL, '');
  // A provider's own header wins when the file also names it; a shared header (Intercom and Meta
  // send X-Hub-Signature like GitHub) yields to the provider the file names.
  const headed = PROVIDERS.map((p) => ({ p, m: p.header?.exec(source) })).find((x) => x.m);
  // With x-signature read and no provider's own header, only a provider that signs with x-signature
  // takes the handler by name: a handler that notifies Slack is not Slack's.
  const naming = PROVIDERS.map((p) => ({ p, m: p.name.exec(named) })).filter((x) => x.m && (!xsig || headed || x.p.xSignature));
  // The whole header name, e.g. `X-Hub-Signature-256` from a match of `X-Hub-Signature`.
  const whole = headed ? (/^[\w-]+/.exec(source.slice(headed.m!.index))?.[0] ?? headed.m![0]) : undefined;
  const generic = /(['"`])([A-Za-z][\w-]*(?:signature|hmac)[\w-]*)\1/i.exec(source)?.[2];
  const headerName = whole ? whole.toLowerCase().replace(/_/g, '-').replace(/^http-/, '') : xsig ? 'x-signature' : generic?.toLowerCase();
  const pick = headed && (naming.length === 0 || naming.some((x) => x.p === headed.p)) ? headed : naming[0];
  if (pick) {
    const reasons = [
      ...(pick === headed ? [`reads ${pick.p.label}'s signature header ${pick.m![0]}`] : [`names ${pick.p.label} (\`${pick.m![0]}\`)`]),
      ...(headerName && pick !== headed ? [`reads ${headerName}, which other providers use too`] : []),
    ];
    return { provider: pick.p.id, label: pick.p.label, ...(headerName ? { header: headerName } : {}), reasons };
  }
  // Unknown sender: still name the header it reads (`Dub-Signature`, `x-signature`), so messages can quote it.
  return {
    provider: 'unknown',
    label: 'the sender',
    ...(headerName ? { header: headerName } : {}),
    reasons: [xsig ? 'reads x-signature, a header several providers use, and names no provider: judged only as an HMAC verification' : 'no provider named: judged only as an HMAC verification'],
  };
}

/**
 * Whether a create-shaped call reaches MintCash: an absolute URL must be a MintCash host (or the
 * configured api.baseUrl); a relative or variable URL counts when the URL, the client, or the
 * file names MintCash (a client built with its host or keys). Returns the reason, or undefined.
 */
export function callReachesMintCash(url: string, client: string, source: string, hints: MintCashHints): string | undefined {
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/{}?#]+)/i.exec(url)?.[1];
  if (host) {
    const h = host.toLowerCase();
    if (hints.hosts.includes(h) || /(^|\.)mintcash\.me$/.test(h.replace(/:\d+$/, ''))) return `calls ${h}`;
    // Loopback may be the local MintCash emulator: it counts when the file is about MintCash.
    if (!/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(h)) return undefined;
  }
  if (MINTCASH_WORD.test(client)) return `sent through the MintCash client \`${client}\``;
  const cue = mintcashCue(source, hints);
  return cue ? `the file ${cue}` : undefined;
}
