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

  it('reads the semicolon CSV Excel writes in Vietnamese locales', () => {
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
    expect(safeCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
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

  it.each([
    // National ID numbers (12-digit CCCD, 9-digit CMND), whatever the separators.
    'Chủ hộ 048.095.001.234',
    'Chủ hộ 048,095,001,234',
    'Chủ hộ 048/095/001/234',
    'Chủ hộ 048-095-001-234',
    'Chủ hộ 048_095_001_234',
    'Chủ hộ 048·095·001·234',
    'Chủ hộ 048 095 001 234',
    'Chủ hộ 048\u00a0095\u00a0001\u00a0234',
    'Chủ hộ 048\u2009095\u202f001\u3000234',
    'Chủ hộ 0480 9500 1234',
    'Chủ hộ 048095 001234',
    'Chủ hộ 048 - 095 - 001 - 234',
    'Chủ hộ 048.095-001 234',
    'Chủ hộ 048095001234.',
    'số 048095001234, đã xong',
    'Chủ hộ ０４８.０９５.００１.２３４',
    'Chủ hộ ０４８０９５００１２３４',
    'Chủ hộ ٠٤٨٠٩٥٠٠١٢٣٤',
    'Chủ hộ ۰۴۸۰۹۵۰۰۱۲۳۴',
    'Chủ hộ ०४८०९५००१२३४',
    'Chủ hộ ๐๔๘๐๙๕๐๐๑๒๓๔',
    'Chủ hộ 𝟎𝟒𝟖𝟎𝟗𝟓𝟎𝟎𝟏𝟐𝟑𝟒',
    'Chủ hộ 048\u200b095\u200b001\u00ad234',
    'CMND 201.234.567',
    'chủ hộ 201 234 567',
    'số 201234567',
    'Chủ hộ 201.234.567 (cũ)',
    'CCCD: 0790 9501',
    'căn cước số 079095',
    'Số định danh cá nhân: 001 095 012',
    'CMT 20123456',
    'Hộ chiếu C1234567',
    'CCCD079095012345',
    // 12 digits that only look like money: no currency word.
    'nhận 100.000.000.000',
  ])('refuses the ID number in %j', (text) => expect(findPersonalNumbers(text)).toEqual(['national-id']));

  it.each([
    'Gọi 0905123456',
    'Gọi 0905 123 456',
    'Gọi 0905.123.456',
    'Gọi 0905-123-456',
    'Gọi 0905/123/456',
    'Gọi 0905,123,456',
    'Gọi 090 512 3456',
    'Gọi 09 05 12 34 56',
    'Gọi 0905.12.03.25',
    'Gọi +84 905 123 456',
    'Gọi +84-905-123-456',
    'Gọi (+84) 905 123 456',
    'Gọi +84 (0) 905 123 456',
    'Gọi 84905123456',
    'Gọi 0084 905 123 456',
    'Gọi ０９０５１２３４５６',
    'Gọi ٠٩٠٥١٢٣٤٥٦',
    'Gọi 0905\u00a0123\u00a0456',
    'Gọi 0905123456.',
    'ĐT nhà (0236) 3822 123',
    'ĐT nhà 0236.3822.123',
    'ĐT nhà +84 236 3822 123',
    'số cũ 0168 123 4567',
    'Zalo 905 123 456',
    'SĐT: 3822 123',
    'Số điện thoại của chủ hộ là 3822123',
    'tổ 5 0905 123 456',
    'nhà 12/34 0905 123 456',
    'Gọi 0905123456 - 0912345678',
  ])('refuses the phone number in %j', (text) => expect(findPersonalNumbers(text)).toEqual(['phone']));

  it('finds both kinds side by side', () => {
    expect(findPersonalNumbers('CCCD 079095012345 0905123456')).toEqual(['national-id', 'phone']);
    expect(findPersonalNumbers('079095012345; 0905 123 456')).toEqual(['national-id', 'phone']);
  });

  it.each([
    // Money with its currency, before or after.
    'Thanh toán 1.500.000 đ',
    'Hỗ trợ 250,000,000 VND',
    'Hỗ trợ 250.000.000đ',
    'Hỗ trợ 250.000.000 đồng',
    'Hỗ trợ 201.234.567 vnđ',
    'Hỗ trợ 250 000 000 ₫',
    'Số tiền 250.000.000',
    'giá: 250.000.000',
    'VND 250,000,000',
    'Chi phí 100.000.000.000 đ',
    'từ 1.500.000 - 20.000.000 đ',
    'Tổng 1.250.000.000.000 đồng',
    '1.500.000',
    '20.000.000',
    // Dates and times.
    'Hẹn 15/03/2025 lúc 09:30',
    'Hẹn 15/03/2025 120 hộ',
    'Hẹn 02/03/2025 123 người',
    'ngày 2025-03-15 2025-03-16',
    'ngày 15.3.25',
    'Họp 15-03-2025 09:00-11:00',
    'CCCD cấp ngày 15/03/2025',
    'CCCD hết hạn 03/2040',
    'CMND cấp năm 2010',
    '2025-03-15T09:30',
    // Counts, house numbers, codes, years.
    '12 hộ, 45 người',
    'số 12/34 Lê Lợi',
    'K52/14 Hùng Vương',
    'Kiệt 123/45/67 Lê Duẩn',
    'năm 2025',
    'giai đoạn 2021-2025',
    'Quyết định 1234/QĐ-UBND',
    'Mã hồ sơ 2025-001234',
    'mã 12345678',
    'đã kích hoạt định danh mức 2 cho 15 người',
    'Phòng 101, tầng 2',
    'tổ 5, 120 hộ',
    'số 1, 2, 3, 4, 5, 6, 7, 8, 9',
    '16.054407, 108.202167',
    'ĐT 1.500.000 đ',
    'ĐT tổng đài 1900 1234',
    'gọi tổng đài 1022',
    'đào tạo 15 người',
    '0905 *** 456',
    'Đt 0905***456',
    '',
  ])('accepts %j', (text) => expect(findPersonalNumbers(text)).toEqual([]));
});
