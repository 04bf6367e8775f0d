import { CsvFormatError, readCsv, safeCell, writeCsv } from './csv';
import { findPersonalNumbers } from './personal-data';
import { maskPhone, normaliseVietnamesePhone } from './phone';
import { foldVietnamese, tidyName } from './vietnamese';

describe('Vietnamese text', () => {
  it('folds diacritics, đ, case and spacing', () => {
    expect(foldVietnamese('  Nguyễn   Văn AN ')).toBe('nguyen van an');
    expect(foldVietnamese('Đặng Thị Hường')).toBe('dang thi huong');
    expect(foldVietnamese('Phường Hòa Hiệp Bắc')).toBe(foldVietnamese('phuong hoa hiep bac'));
    // Decomposed input (NFD, as some phones send) folds the same way.
    expect(foldVietnamese('Nguye\u0302\u0303n')).toBe('nguyen');
  });

  it('tidies names without losing diacritics', () => {
    expect(tidyName(' Trần\tThị  Mai\u0000 ')).toBe('Trần Thị Mai');
    expect(tidyName('Nguye\u0302\u0303n')).toBe('Nguyễn');
  });
});

describe('Vietnamese phone numbers', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['0912 345 678', '+84912345678'],
    ['0912.345.678', '+84912345678'],
    ['+84 912 345 678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['0386-123-456', '+84386123456'],
    ['02363822123', '+842363822123'],
  ])('%s → %s', (input, expected) => expect(normaliseVietnamesePhone(input)).toBe(expected));

  it.each(['12345', '0112345678', '091234567', '09123456789', '+1 415 555 0100', 'abc', ''])('refuses %s', (input) =>
    expect(normaliseVietnamesePhone(input)).toBeNull(),
  );

  it('masks', () => expect(maskPhone('+84912345678')).toBe('0912 *** 678'));
});

describe('CSV', () => {
  it('reads comma CSV with BOM and quotes', () => {
    const t = readCsv('\uFEFFcode,name\n1,"Phường Hải Châu, Đà Nẵng"\r\n2,Xã Hòa Vang\n');
    expect(t.header).toEqual(['code', 'name']);
    expect(t.rows).toEqual([
      { line: 2, values: { code: '1', name: 'Phường Hải Châu, Đà Nẵng' } },
      { line: 3, values: { code: '2', name: 'Xã Hòa Vang' } },
    ]);
  });

  it("reads the semicolon CSV Excel writes in Vietnamese locales", () => {
    expect(readCsv('code;name\n1;Tổ 5\n').rows[0].values).toEqual({ code: '1', name: 'Tổ 5' });
  });

  it('refuses text that is not UTF-8, broken quotes and oversized files', () => {
    expect(() => readCsv(Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xe0, 0x20, 0xff]))).toThrow(CsvFormatError);
    expect(() => readCsv('a,b\n"unterminated,1\n')).toThrow(CsvFormatError);
    // Text that already went through a wrong decoding (latin1 read as UTF-8), and UTF-16 (NUL between letters).
    expect(() => readCsv('code,name\n1,T\uFFFDnh\n')).toThrow('not UTF-8');
    expect(() => readCsv(Buffer.from('code,name\n1,Tổ 5\n', 'utf16le').toString('latin1'))).toThrow('not UTF-8');
    expect(() => readCsv('a\n1\n2\n3\n', { maxRows: 2 })).toThrow('at most 2');
  });

  it('neutralises formulas in exports', () => {
    expect(safeCell('=cmd|\' /C calc\'!A0')).toBe("'=cmd|' /C calc'!A0");
    expect(safeCell('-5')).toBe("'-5");
    expect(writeCsv(['a'], [['@SUM(A1)'], [-12]])).toBe("\uFEFFa\n'@SUM(A1)\n-12\n");
  });
});

describe('personal numbers in free text', () => {
  it.each([
    ['CCCD 079095012345', ['national-id']],
    ['số định danh 079 095 012 345', ['national-id']],
    ['CMND 201234567', ['national-id']],
    ['gọi 0905.123.456 hoặc +84 912 345 678', ['phone']],
    ['Thanh toán 1.500.000 đ, hẹn 12/05', []],
    ['Mã hồ sơ 2025-001234', []],
    ['tổ 12, kiệt 45/7', []],
  ])('%s', (text, kinds) => expect(findPersonalNumbers(text)).toEqual(kinds));
});
