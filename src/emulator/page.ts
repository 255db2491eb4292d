// The emulator's hosted payment page: where a person (or a test posting the form) pays with a test
// card or declines, then returns to the merchant's `returnUrl`.
import { DECLINE_CARD, SUCCESS_CARD, TEST_CARDS } from './cards.js';
import { formatMinor } from '../mintcash/amounts.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function hostedPage(opts: { id: string; kind: 'payment' | 'subscription'; amount: number; currency: string; status: string; environment: string }): string {
  const waiting = opts.status === 'created';
  const cards = Object.entries(TEST_CARDS)
    .map(([n, c]) => `<li><code>${n}</code> ${esc(c.outcome)}${c.failureCode ? ` (${esc(c.failureCode)})` : ''}</li>`)
    .join('');
  const form = waiting
    ? `<form method="post">
  <label>Card number <input name="card" value="${SUCCESS_CARD}" autocomplete="off"></label>
  <button type="submit" name="action" value="pay">Pay ${esc(formatMinor(opts.amount, opts.currency))}</button>
  <button type="submit" name="action" value="decline">Decline</button>
</form>
<p>Test cards:</p><ul>${cards}</ul>`
    : `<p>This ${opts.kind} is already <strong>${esc(opts.status)}</strong>.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MintCash emulator: pay</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}input{width:14rem}button{margin:.5rem .5rem 0 0}</style></head>
<body><h1>MintCash emulator</h1>
<p>${esc(opts.kind)} <code>${esc(opts.id)}</code> (${esc(opts.environment)}): ${esc(formatMinor(opts.amount, opts.currency))}</p>
${form}
<p><small>Local emulator: no money moves. Decline uses <code>${DECLINE_CARD}</code>.</small></p>
</body></html>`;
}

/** Where the browser goes after the page: the merchant's returnUrl with the id appended. */
export function returnTarget(returnUrl: string | null, kind: 'payment' | 'subscription', id: string): string | null {
  if (!returnUrl) return null;
  try {
    const u = new URL(returnUrl);
    u.searchParams.set(kind === 'payment' ? 'paymentId' : 'subscriptionId', id);
    return u.href;
  } catch {
    return null;
  }
}
