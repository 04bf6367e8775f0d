/** What people put between digit groups: spaces of every kind (NBSP too), dots, dashes, brackets, zero-width marks. */
const SEPARATORS = /[\s.\-\u2010-\u2015\u200b-\u200d\u2060()]/g;

/**
 * Vietnamese phone numbers as people write them: 0912 345 678, 0912.345.678, 0912-345-678, +84 912 345 678,
 * 84912345678, 0084 912 345 678, the trunk 0 kept after the country code (+84 (0) 912 345 678, +84 0912 345 678),
 * full-width digits (０９１２…), landlines 0236 3822 123. Stored normalised as E.164 (+84…). Returns null when it is
 * not a Vietnamese number.
 */
export function normaliseVietnamesePhone(input: string): string | null {
  const compact = input.normalize('NFKC').replace(SEPARATORS, '');
  let national: string;
  if (/^(\+|00)84/.test(compact)) national = compact.replace(/^(\+|00)84/, '');
  else if (/^840?\d{9,10}$/.test(compact)) national = compact.slice(2);
  else if (compact.startsWith('0')) national = compact;
  else return null;
  // After the country code the trunk 0 is not dialled; some write it anyway, often as "(0)". Nationally it is required.
  if (national.startsWith('0')) national = national.slice(1);
  const mobile = /^(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$/.test(national);
  const landline = /^2\d{9}$/.test(national);
  return mobile || landline ? `+84${national}` : null;
}

/** Excel's scientific notation of a long number: 9.05123456E+8, or 9,05123456E+08 where the decimal mark is a comma (vi-VN). */
const SCIENTIFIC = /^(\d)[.,](\d+)E\+?(\d{1,2})$/i;

/** True when a cell holds a number in scientific notation, as Excel writes long numbers in cells formatted "General". */
export function isScientificNotation(cell: string): boolean {
  return SCIENTIFIC.test(cell.normalize('NFKC').replace(/[\s']/g, ''));
}

/**
 * A phone cell as a spreadsheet saved it. Everything normaliseVietnamesePhone reads, plus what Excel makes of a number
 * typed into a cell not formatted as text: 0905123456 becomes the number 905123456 (its 0 is lost), 84905123456 stays
 * a number, and long numbers may be written in scientific notation (9.05123456E+8; 9,05123456E+08 in vi-VN). A
 * leading apostrophe (how a cell is kept as text) is dropped.
 * - The lost 0 is put back only to 9 digits (a mobile) or 10 (a landline, 2…) that then make a Vietnamese number.
 * - Scientific notation is read only when it writes every digit: 9.0512345E+8 may be 0905123450 or 0905123456
 *   rounded, so it is refused (see isScientificNotation for the message).
 * Returns E.164 (+84…), or null.
 */
export function normaliseSpreadsheetPhone(cell: string): string | null {
  const text = cell.normalize('NFKC').trim().replace(/^'/, '');
  const written = normaliseVietnamesePhone(text);
  if (written) return written;
  const scientific = SCIENTIFIC.exec(text.replace(/\s/g, ''));
  if (scientific && scientific[2].length !== Number(scientific[3])) return null;
  const digits = scientific ? scientific[1] + scientific[2] : text.replace(SEPARATORS, '');
  if (/^[1-9]\d{8,9}$/.test(digits)) return normaliseVietnamesePhone(`0${digits}`);
  return scientific ? normaliseVietnamesePhone(digits) : null;
}

/** 0912 *** 678: for places where a number is shown but should not be exposed whole. */
export function maskPhone(e164: string): string {
  const local = `0${e164.replace(/^\+84/, '')}`;
  return `${local.slice(0, 4)} *** ${local.slice(-3)}`;
}
