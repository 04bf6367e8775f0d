import { isScientificNotation, normaliseSpreadsheetPhone, normaliseVietnamesePhone } from './phone';

describe('Vietnamese phone numbers as people type them', () => {
  it('reads the trunk prefix kept after the country code, "(0)" or a plain 0, and the 0084 prefix', () => {
    for (const [input, expected] of [
      ['+84 (0) 905-123-456', '+84905123456'],
      ['+84 (0)905 123 456', '+84905123456'],
      ['84 (0) 905 123 456', '+84905123456'],
      ['+84 0905 123 456', '+84905123456'],
      ['0084 905 123 456', '+84905123456'],
      ['+84 (0) 236 3822 123', '+842363822123'],
    ])
      expect([input, normaliseVietnamesePhone(input)]).toEqual([input, expected]);
    // Only one 0, and only a 0, may stand between the country code and the number.
    for (const input of ['+84 (1) 905 123 456', '+84 00905 123 456', '+84 (0) 05 123 456', '00905123456'])
      expect([input, normaliseVietnamesePhone(input)]).toEqual([input, null]);
  });

  it('reads full-width digits and any space or dash between groups', () => {
    for (const [input, expected] of [
      ['０９０５ １２３ ４５６', '+84905123456'], // full-width digits (an IME)
      ['＋８４ ９０５ １２３ ４５６', '+84905123456'],
      ['0905–123–456', '+84905123456'], // en dash
      ['0905\u00a0123\u00a0456', '+84905123456'], // NBSP, as Excel and Word put between groups
      ['(0236) 3822 123', '+842363822123'],
    ])
      expect([input, normaliseVietnamesePhone(input)]).toEqual([input, expected]);
  });
});

describe('phone numbers as a spreadsheet saved them', () => {
  it.each([
    ['905123456', '+84905123456'], // 0905123456 typed into a "General" cell: Excel keeps the number, the 0 is lost
    ['2363822123', '+842363822123'], // a landline without its 0
    ['84905123456', '+84905123456'],
    ['9.05123456E+8', '+84905123456'], // scientific notation with every digit
    ['9,05123456E+08', '+84905123456'], // the same in vi-VN (decimal comma)
    ['8.4905123456E+10', '+84905123456'],
    ['905.123.456', '+84905123456'], // a number shown with vi-VN thousands separators
    ["'0905123456", '+84905123456'], // the apostrophe that keeps a cell as text
    ['+84 (0) 905-123-456', '+84905123456'],
    [' 0905 123 456 ', '+84905123456'],
    ['０９０５１２３４５６', '+84905123456'],
    ['841234567', '+84841234567'], // 084 1234567 (VinaPhone) without its 0
  ])('%s → %s', (input, expected) => expect(normaliseSpreadsheetPhone(input)).toBe(expected));

  it.each([
    '9.0512345E+8', // a digit short: 0905123450, or 0905123456 rounded? Refused.
    '9.051234567E+8', // not a whole number
    '9E+8',
    '12345',
    '123456789', // 0123456789 is no Vietnamese number
    '9051234567', // 10 digits starting 9: no landline
    '',
    'không có',
  ])('refuses %s', (input) => expect(normaliseSpreadsheetPhone(input)).toBeNull());

  it('tells scientific notation apart', () => {
    expect(isScientificNotation('9.0512345E+8')).toBe(true);
    expect(isScientificNotation(' 9,0512345E+08 ')).toBe(true);
    expect(isScientificNotation('0905123456')).toBe(false);
  });

  it('restores a lost 0 only in spreadsheet cells: the plain reader stays strict, so 9-digit ID numbers in free text stay ID numbers', () => {
    expect(normaliseSpreadsheetPhone('905123456')).toBe('+84905123456');
    expect(normaliseVietnamesePhone('905123456')).toBeNull();
    expect(normaliseVietnamesePhone('9.05123456E+8')).toBeNull();
    expect(normaliseVietnamesePhone('201234567')).toBeNull();
  });
});
