import { normaliseVietnamesePhone } from './phone';

/** Numbers that identify a citizen and must never be stored in free text. */
export type PersonalNumberKind = 'national-id' | 'phone';

/** Runs of digits, optionally grouped by spaces, dots or dashes (e.g. 079 095 012 345, 0905.123.456, +84 905 123 456). */
const DIGIT_RUNS = /(?<![\d])\+?\d(?:[ .-]?\d){7,}(?![\d])/g;
/** Money written with thousands separators (1.500.000, 250,000,000) is not an identifier. */
const MONEY = /^\d{1,3}([.,]\d{3})+$/;

/**
 * Finds national ID numbers (12-digit CCCD, 9-digit CMND) and Vietnamese phone numbers in free text. Used to refuse
 * notes that would store a citizen's identifiers.
 */
export function findPersonalNumbers(text: string): PersonalNumberKind[] {
  const found = new Set<PersonalNumberKind>();
  for (const match of text.matchAll(DIGIT_RUNS)) {
    const raw = match[0].trim();
    if (MONEY.test(raw)) continue;
    const digits = raw.replace(/[^\d]/g, '');
    if (normaliseVietnamesePhone(raw)) found.add('phone');
    else if (digits.length === 12 || digits.length === 9) found.add('national-id');
  }
  return [...found];
}
