// Emulator test cards. MintCash's own test-card page could not be read (API-FACTS §14), so these
// follow the widely known 4242 convention; outcomes and failure codes echo what was observed
// (`expired`, `general_fatal_error`, §18). Unknown numbers are declined, so nothing passes by accident.
import type { CardRec, Outcome } from './model.js';

export interface TestCard {
  outcome: Outcome;
  brand: string;
  failureCode?: string;
  failureMessage?: string | null;
}

export const TEST_CARDS: Record<string, TestCard> = {
  '4242424242424242': { outcome: 'succeed', brand: 'visa' },
  '5555555555554444': { outcome: 'succeed', brand: 'mastercard' },
  '4000000000000002': { outcome: 'decline', brand: 'visa', failureCode: 'card_declined', failureMessage: 'The card was declined.' },
  '4000000000009995': { outcome: 'decline', brand: 'visa', failureCode: 'insufficient_funds', failureMessage: 'Insufficient funds.' },
  '4000000000000069': { outcome: 'decline', brand: 'visa', failureCode: 'expired', failureMessage: null },
  '4000000000000119': { outcome: 'decline', brand: 'visa', failureCode: 'general_fatal_error' },
};

export const SUCCESS_CARD = '4242424242424242';
export const DECLINE_CARD = '4000000000000002';

/** Saved-card tokens every emulator merchant has, for the token flow without a hosted page first. */
export const BUILTIN_TOKENS: Record<string, { outcome: Outcome; card: string }> = {
  tok_emulator_visa: { outcome: 'succeed', card: '4242424242424242' },
  tok_emulator_declined: { outcome: 'decline', card: '4000000000000002' },
};

export function lookupCard(number: string): TestCard {
  const digits = number.replace(/[\s-]/g, '');
  return TEST_CARDS[digits] ?? { outcome: 'decline', brand: 'unknown', failureCode: 'invalid_card', failureMessage: 'Not an emulator test card.' };
}

export function cardRecord(number: string): CardRec {
  const digits = number.replace(/[\s-]/g, '');
  const card = lookupCard(digits);
  return {
    brand: card.brand,
    last4: digits.slice(-4),
    first6: digits.slice(0, 6),
    mask: `${digits.slice(0, 6)}${'*'.repeat(Math.max(digits.length - 10, 0))}${digits.slice(-4)}`,
    // Observed as two-character strings (API-FACTS §18), so that is what the emulator sends.
    expMonth: '12',
    expYear: '34',
  };
}
