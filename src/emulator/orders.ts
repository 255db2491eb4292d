// What payment and subscription creation share (API-FACTS §4.2, §4.4): a record belongs to one
// merchant and one environment, and the first charge runs either on a saved card token or on the
// hosted page (which then saves the card as a new token).
import type { CardRec, CustomerRec, Env, OrderRec, TokenRec } from './model.js';
import type { Caller, Core } from './core.js';
import { BUILTIN_TOKENS, cardRecord } from './cards.js';
import { invalid, optString, optUrl, type Body } from './validate.js';

/** The record when it is this caller's (merchant and environment); another's reads as missing. */
export function ownedBy<T extends { merchantId: string; environment: Env }>(rec: T | undefined, c: Caller): T | undefined {
  return rec && rec.merchantId === c.merchant.id && rec.environment === c.environment ? rec : undefined;
}

/** A token this merchant may charge in this environment: a built-in one or one saved by a hosted payment. */
function findToken(core: Core, c: Caller, token: string): TokenRec | undefined {
  const builtin = BUILTIN_TOKENS[token];
  if (builtin) {
    return { token, merchantId: c.merchant.id, environment: c.environment, card: cardRecord(builtin.card), outcome: builtin.outcome };
  }
  return ownedBy(core.state.tokens[token], c);
}

/** `cardToken` or `returnUrl`: without a token the customer pays on the hosted page, which needs a way back. */
export function cardOrReturnUrl(body: Body, hostedWhat: string): { cardToken: string | null; returnUrl: string | null } {
  const cardToken = optString(body, 'cardToken');
  const returnUrl = optUrl(body, 'returnUrl');
  if (!cardToken && !returnUrl) throw invalid(`returnUrl is required for ${hostedWhat}`, 'missingReturnUrl');
  return { cardToken, returnUrl };
}

/** The token a create call names, checked only after an idempotent replay had its chance to answer. */
export function chargeableToken(core: Core, c: Caller, cardToken: string | null): TokenRec | undefined {
  const token = cardToken ? findToken(core, c, cardToken) : undefined;
  if (cardToken && !token) throw invalid('cardToken is unknown, inactive or not yours', 'invalidCardToken');
  return token;
}

/** The hosted page saves a card that charged successfully, so later charges can use the token. */
export function saveCard(core: Core, owner: { merchantId: string; environment: Env }, card: CardRec): string {
  const token = `tok_${core.newId()}`;
  core.state.tokens[token] = { token, merchantId: owner.merchantId, environment: owner.environment, card, outcome: 'succeed' };
  return token;
}

export interface NewOrder {
  externalId: string;
  requestHash: string;
  amount: number;
  currency: string;
  customer: CustomerRec | null;
  returnUrl: string | null;
  /** Charged on the hosted page (no card token): the record gets the page's URL to redirect to. */
  hosted: boolean;
}

/** The fields a new payment or subscription starts with, in `created` and not yet charged. */
export function newOrder(core: Core, c: Caller, body: Body, o: NewOrder): OrderRec {
  const now = core.nowIso();
  const id = core.newId();
  return {
    id,
    merchantId: c.merchant.id,
    environment: c.environment,
    externalId: o.externalId,
    requestHash: o.requestHash,
    status: 'created',
    amount: o.amount,
    currency: o.currency,
    customer: o.customer,
    returnUrl: o.returnUrl,
    redirectUrl: o.hosted ? `${core.baseUrl}/__emulator/pay/${id}` : null,
    cardToken: null,
    description: optString(body, 'description'),
    metadata: body.metadata ?? null,
    createdAt: now,
    updatedAt: now,
  };
}
