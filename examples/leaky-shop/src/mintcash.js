// DON'T COPY: the classic idempotency and configuration mistakes, on purpose (see README.md).
import { randomUUID } from 'node:crypto';

// Mistake: a silent fallback to the sandbox when the variable is missing in production.
const baseUrl = process.env.MINTCASH_API_URL || 'https://sandbox.mintcash.me';

function auth() {
  const token = Buffer.from(`${process.env.MINTCASH_PUBLIC_KEY}:${process.env.MINTCASH_SECRET_KEY}`).toString('base64');
  return { authorization: `Basic ${token}`, 'content-type': 'application/json' };
}

export async function createPayment(order, returnUrl) {
  // Mistake: no externalId, so a retry after a timeout charges the customer twice.
  const res = await fetch(`${baseUrl}/payments`, {
    method: 'POST',
    headers: auth(),
    body: JSON.stringify({ amount: order.totalCents, currency: order.currency, customer: { email: order.email }, returnUrl }),
  });
  return res.json();
}

export async function createSubscription(customer, plan) {
  // Mistake: one key per customer, so a second plan for the same customer is refused or replayed.
  const res = await fetch(`${baseUrl}/subscriptions`, {
    method: 'POST',
    headers: auth(),
    body: JSON.stringify({ amount: plan.amountCents, currency: plan.currency, billingIntervalDays: 30, externalId: customer.id }),
  });
  return res.json();
}

export async function refundPayment(paymentId, amountCents) {
  // Mistake: a fresh random key on every call defeats retries.
  const res = await fetch(`${baseUrl}/payments/${paymentId}/refund`, {
    method: 'POST',
    headers: auth(),
    body: JSON.stringify({ externalId: randomUUID(), amount: amountCents }),
  });
  return res.json();
}
