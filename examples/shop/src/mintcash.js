// MintCash API calls. Every create call sends an externalId derived from our own record, so a
// retry after a timeout replays the original instead of charging twice. An error answer becomes a
// MintcashError that keeps MintCash's code, status and details (details.requestId is what support
// needs to trace the call), so whoever logs it logs the requestId too.
const baseUrl = process.env.MINTCASH_API_URL ?? 'https://api.mintcash.me';

export class MintcashError extends Error {
  constructor(status, body) {
    super(body?.message ?? `MintCash answered ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.details = body?.details ?? {};
  }
}

function auth() {
  const token = Buffer.from(`${process.env.MINTCASH_PUBLIC_KEY}:${process.env.MINTCASH_SECRET_KEY}`).toString('base64');
  return { authorization: `Basic ${token}`, 'content-type': 'application/json' };
}

async function answer(res) {
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new MintcashError(res.status, body);
  return body;
}

export async function createPayment(order, returnUrl) {
  const externalId = `order_${order.id}`;
  const res = await fetch(`${baseUrl}/payments`, {
    method: 'POST',
    headers: auth(),
    body: JSON.stringify({
      amount: order.totalCents,
      currency: order.currency,
      externalId,
      customer: { externalId: order.customerId, email: order.email },
      returnUrl,
    }),
  });
  return answer(res);
}

export async function createSubscription(customer, plan, returnUrl) {
  const body = {
    amount: plan.amountCents,
    currency: plan.currency,
    billingIntervalDays: plan.intervalDays,
    externalId: `sub_${customer.id}_${plan.id}`,
    customer: { externalId: customer.id, email: customer.email },
    returnUrl,
  };
  const res = await fetch(`${baseUrl}/subscriptions`, { method: 'POST', headers: auth(), body: JSON.stringify(body) });
  return answer(res);
}

export async function refundPayment(paymentId, refundRequest) {
  const res = await fetch(`${baseUrl}/payments/${paymentId}/refund`, {
    method: 'POST',
    headers: auth(),
    body: JSON.stringify({ externalId: `refund_${refundRequest.id}`, amount: refundRequest.amountCents, reason: 'customer_request' }),
  });
  return answer(res);
}
