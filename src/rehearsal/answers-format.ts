// The shapes of the few typed-in facts the rehearsal records (settlement's payout date and
// amount): parsed and checked the same way at a terminal and in an answers file.
import { formatMinor, minorDigits } from '../mintcash/amounts.js';

/** "1.00 USD", "1.00" or "0 usd" → minor units, within 0..max, in the payment's currency. */
export function parseMoney(text: string, currency: string, max: number): { minor?: number; problem?: string } {
  const m = /^\s*(\d+(?:\.(\d+))?)\s*([A-Za-z]{3})?\s*$/.exec(text);
  const example = `e.g. ${formatMinor(max, currency)}`;
  if (!m) return { problem: `enter an amount like ${formatMinor(max, currency)}` };
  if (m[3] && m[3].toUpperCase() !== currency.toUpperCase()) return { problem: `the payment was in ${currency.toUpperCase()}, not ${m[3].toUpperCase()} (${example})` };
  const digits = minorDigits(currency);
  if ((m[2]?.length ?? 0) > digits) return { problem: `${currency.toUpperCase()} has ${digits} decimal${digits === 1 ? '' : 's'} (${example})` };
  const minor = Math.round(Number(m[1]) * 10 ** digits);
  if (minor > max) return { problem: `more than the payment itself (${formatMinor(max, currency)})` };
  return { minor };
}

/** A payout date: YYYY-MM-DD, a real day, not before the payment was created, not after today. */
export function parsePayoutDate(text: string, paymentCreatedAt: string | undefined, now: Date): { problem?: string } {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t) || Number.isNaN(Date.parse(`${t}T00:00:00Z`)) || new Date(`${t}T00:00:00Z`).toISOString().slice(0, 10) !== t) return { problem: 'enter the payout date as YYYY-MM-DD' };
  const created = paymentCreatedAt ? paymentCreatedAt.slice(0, 10) : undefined;
  if (created && t < created) return { problem: `a payout cannot predate the payment (created ${created})` };
  // A day of slack for time zones: the operator's "today" may be UTC's tomorrow.
  if (Date.parse(`${t}T00:00:00Z`) > now.getTime() + 86_400_000) return { problem: 'that date is in the future' };
  return {};
}
