// Money units. MintCash takes integer minor units in requests but shows major-unit decimals in
// responses and webhooks (API-FACTS §3, §19.1). Inside golive every amount is an integer in minor
// units; this module is the one place that converts.

/** ISO 4217 currencies whose minor unit is not 1/100. Everything else uses two decimals. */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export function minorDigits(currency: string): number {
  const c = currency.toUpperCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** 49.99 USD -> 4999. Rounds to the nearest unit so binary float noise (0.1 + 0.2) cannot leak in. */
export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

/** 4999 USD -> 49.99, as MintCash shows it in responses. */
export function toMajor(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}

/** "49.99 USD", for people. */
export function formatMinor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
}
