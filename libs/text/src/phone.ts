/**
 * Vietnamese phone numbers as people write them: 0912 345 678, 0912.345.678, +84 912 345 678, 84912345678,
 * landlines 0236 3822 123. Stored normalised as E.164 (+84…). Returns null when it is not a Vietnamese number.
 */
export function normaliseVietnamesePhone(input: string): string | null {
  let digits = input.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (/^84\d{9,10}$/.test(digits)) digits = `0${digits.slice(2)}`;
  if (!/^0\d+$/.test(digits)) return null;
  const mobile = /^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$/.test(digits);
  const landline = /^02\d{9}$/.test(digits);
  return mobile || landline ? `+84${digits.slice(1)}` : null;
}

/** 0912 *** 678: for places where a number is shown but should not be exposed whole. */
export function maskPhone(e164: string): string {
  const local = `0${e164.replace(/^\+84/, '')}`;
  return `${local.slice(0, 4)} *** ${local.slice(-3)}`;
}
