import fc from 'fast-check';
import { DomainError, ErrorCode, Reason } from '@cdtg/errors';
import { assertNoPersonalNumbers, findPersonalNumbers, personalNumberProblems } from './personal-data';

/**
 * Property tests of the detector of citizens' identifiers in free text (rules in personal-data.ts): every national
 * ID or phone number is found however it is written, and money, dates and counts as field users write them are not.
 */

/** Decimal digit scripts a keyboard, an IME or a copy-paste may bring (each the code point of its 0). */
const SCRIPTS = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xed0, 0x1040, 0x17e0, 0x1d7ce, 0x1d7ec, 0x1fbf0];
const digitIn = (script: number, d: string) => String.fromCodePoint(script + Number(d));

/** What people put between digit groups (and invisible characters pasted with them). */
const SEPARATORS = [
  '',
  ' ',
  '  ',
  '\u00a0',
  '\u2009',
  '\u202f',
  '\u3000',
  '.',
  ',',
  '/',
  '-',
  '_',
  '·',
  '•',
  '–',
  '—',
  '−',
  '|',
  "'",
  ' - ',
  ' / ',
  ' . ',
  '．',
  '，',
  '／',
  '－',
  '\u200b',
  '\u00ad',
];

/** Words of field notes (no digits and no currency word, which would make a grouped number money). */
const WORDS = [
  'Đã',
  'hướng',
  'dẫn',
  'chủ',
  'hộ',
  'cài',
  'VNeID',
  'tài',
  'khoản',
  'hẹn',
  'lại',
  'tuần',
  'sau',
  'ông',
  'bà',
  'cụ',
  'Nguyễn',
  'Văn',
  'An',
  'người',
  'cao',
  'tuổi',
  'kích',
  'hoạt',
  'mức',
  'ứng',
  'dụng',
  'ghi',
  'chú',
  'bổ',
  'sung',
  'giấy',
  'tờ',
  'nhà',
  'con',
  'trai',
  'số',
  'của',
  'là',
  'và',
  'Gọi',
  'CCCD',
  'SĐT',
  ':',
  '-',
  '(',
  ')',
  '"',
];
const words = fc.array(fc.constantFrom(...WORDS), { maxLength: 8 }).map((w) => w.join(' '));
/** The same without the words that announce an ID or phone number (after which shorter numbers are refused). */
const plainWords = fc.array(fc.constantFrom(...WORDS.filter((w) => w !== 'CCCD' && w !== 'SĐT')), { maxLength: 8 }).map((w) => w.join(' '));

/** `digits` in random groups with a random separator between each two, each digit in a random script. */
function rendered(digits: fc.Arbitrary<string>, prefix: fc.Arbitrary<string> = fc.constant('')) {
  return fc
    .tuple(
      prefix,
      digits,
      fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
      fc.array(fc.constantFrom(...SEPARATORS), { minLength: 16, maxLength: 16 }),
      fc.array(fc.constantFrom(...SCRIPTS), { minLength: 16, maxLength: 16 }),
    )
    .map(
      ([before, number, cuts, separators, scripts]) =>
        before + [...number].map((d, i) => (i > 0 && cuts[i] ? separators[i] : '') + digitIn(scripts[i], d)).join(''),
    );
}

/** A number inside a note: words before and after, with a space or punctuation around it. */
function inText(number: fc.Arbitrary<string>, around = words) {
  return fc
    .tuple(around, number, fc.constantFrom(' ', '. ', ', ', '; ', ')', '.', ''), around)
    .map(([before, n, after, rest]) => `${before} ${n}${after} ${rest}`);
}

/**
 * A part written as a date: day, month and year (or year, month, day; or month and year) joined by one of / . -.
 * The detector reads it as a date, so a rendering with one ("079095 01-01-25 34") is not asked of it.
 */
const DATE_PART = /(?<!\d)\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)|(?<!\d)\d{4}([./-])\d{1,2}\2\d{1,2}(?!\d)|(?<!\d)\d{1,2}[./-]\d{4}(?!\d)/;
const asciiOf = (text: string) =>
  [...text]
    .map((c) => {
      const z = SCRIPTS.find((z) => c.codePointAt(0)! >= z && c.codePointAt(0)! < z + 10);
      return z === undefined ? c : String(c.codePointAt(0)! - z);
    })
    .join('');
const withoutDatePart = (text: string) =>
  !DATE_PART.test(
    asciiOf(text)
      .normalize('NFKC')
      .replace(/[\u200b\u00ad]/g, ''),
  );

const digitString = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
const MOBILE_PREFIXES = [
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '38',
  '39',
  '52',
  '56',
  '58',
  '59',
  '70',
  '76',
  '77',
  '78',
  '79',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '87',
  '88',
  '89',
  '90',
  '91',
  '92',
  '93',
  '94',
  '96',
  '97',
  '98',
  '99',
];
/** A mobile number without its trunk 0, and the ways its start is written. */
const mobile = fc.tuple(fc.constantFrom(...MOBILE_PREFIXES), digitString(7)).map(([p, rest]) => p + rest);
const mobilePrefix = fc.constantFrom('0', '+84', '84', '+84 ', '(+84) ', '+84 (0) ', '0084 ');

const RUNS = { numRuns: 2000 };

describe('the detector finds every identifier however it is written', () => {
  it('any 12-digit number (CCCD)', () =>
    fc.assert(
      fc.property(inText(rendered(digitString(12)).filter(withoutDatePart)), (text) => expect(findPersonalNumbers(text)).not.toEqual([])),
      RUNS,
    ));

  it('any 9-digit number (CMND)', () =>
    fc.assert(
      fc.property(inText(rendered(digitString(9)).filter(withoutDatePart)), (text) => expect(findPersonalNumbers(text)).not.toEqual([])),
      RUNS,
    ));

  it('a CCCD as issued (a province code 001-096 first) is a national ID', () => {
    const cccd = fc.tuple(fc.integer({ min: 1, max: 96 }), digitString(9)).map(([p, rest]) => String(p).padStart(3, '0') + rest);
    // Grouped in threes or fours, as printed and as typed, with one separator.
    const grouped = fc
      .tuple(cccd, fc.constantFrom(3, 4), fc.constantFrom(...SEPARATORS.filter((s) => s !== '\u200b' && s !== '\u00ad')), fc.constantFrom(...SCRIPTS))
      .map(([n, size, sep, script]) => (n.match(new RegExp(`\\d{${size}}`, 'g')) ?? []).map((g) => [...g].map((d) => digitIn(script, d)).join('')).join(sep));
    fc.assert(
      fc.property(inText(grouped, plainWords), (text) => expect(findPersonalNumbers(text)).toEqual(['national-id'])),
      RUNS,
    );
  });

  it('a Vietnamese mobile number, with 0, +84, 84 or 0084 in front', () =>
    fc.assert(
      fc.property(
        inText(
          fc
            .tuple(mobilePrefix, rendered(mobile))
            .map(([p, n]) => p + n)
            .filter(withoutDatePart),
        ),
        (text) => expect(findPersonalNumbers(text)).not.toEqual([]),
      ),
      RUNS,
    ));

  it('a Vietnamese mobile number written 0xxx xxx xxx in any script is a phone number', () =>
    fc.assert(
      fc.property(
        inText(
          fc.tuple(mobile, fc.constantFrom(' ', '.', '-', '', '\u00a0'), fc.constantFrom(...SCRIPTS)).map(([n, sep, script]) =>
            [...`0${n}`]
              .map((d) => digitIn(script, d))
              .join('')
              .replace(/^(.{4})(.{3})/u, `$1${sep}$2${sep}`),
          ),
          plainWords,
        ),
        (text) => expect(findPersonalNumbers(text)).toEqual(['phone']),
      ),
      RUNS,
    ));

  it('an ID number after its word, even a part of one', () =>
    fc.assert(
      fc.property(
        fc.tuple(
          words,
          fc.constantFrom('CCCD', 'CMND', 'căn cước', 'Căn cước công dân số', 'số định danh', 'CMT'),
          fc.constantFrom(' ', ': ', ' số ', ' là '),
          fc.integer({ min: 6, max: 12 }).chain((n) => rendered(digitString(n)).filter(withoutDatePart)),
          words,
        ),
        ([before, word, gap, number, after]) => expect(findPersonalNumbers(`${before} ${word}${gap}${number} ${after}`)).toContain('national-id'),
      ),
      RUNS,
    ));
});

describe('the detector leaves what field users write about money, dates and counts', () => {
  const grouped = (amount: bigint, sep: string) => amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);

  it('money with its currency', () =>
    fc.assert(
      fc.property(
        fc.tuple(
          plainWords,
          fc.bigInt({ min: 1_000n, max: 999_999_999_999_999n }),
          fc.constantFrom('.', ',', ' ', '\u00a0'),
          fc.constantFrom<[string, string]>(
            ['', ' đ'],
            ['', 'đ'],
            ['', ' đồng'],
            ['', ' VND'],
            ['', ' VNĐ'],
            ['', ' vnđ'],
            ['', '₫'],
            ['', ' triệu'],
            ['Số tiền ', ''],
            ['giá ', ''],
            ['VND ', ''],
            ['phí: ', ' đ'],
          ),
          plainWords,
        ),
        ([before, amount, sep, [pre, post], after]) => expect(findPersonalNumbers(`${before} ${pre}${grouped(amount, sep)}${post} ${after}`)).toEqual([]),
      ),
      RUNS,
    ));

  it('dates and times, with counts', () => {
    const date = fc
      .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10).split('-'));
    const written = fc
      .tuple(date, fc.constantFrom('/', '-', '.'), fc.constantFrom('dmy', 'ymd', 'my', 'dmyy'), fc.boolean())
      .map(([[y, m, d], sep, form, padded]) => {
        const day = padded ? d : String(Number(d));
        const month = padded ? m : String(Number(m));
        if (form === 'ymd') return [y, m, d].join(sep === '.' ? '-' : sep);
        if (form === 'my') return [month, y].join(sep);
        if (form === 'dmyy') return [day, month, y.slice(2)].join(sep);
        return [day, month, y].join(sep);
      });
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => fc.constantFrom(` ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, ` lúc ${h}h${m}`, ''));
    fc.assert(
      fc.property(
        fc.tuple(
          plainWords,
          written,
          time.chain((t) => t),
          fc.constantFrom(' ', ', '),
          fc.integer({ min: 0, max: 99_999 }),
          fc.constantFrom(' hộ', ' người', ' lượt'),
          plainWords,
        ),
        ([before, d, t, sep, count, unit, after]) => expect(findPersonalNumbers(`${before} ${d}${t}${sep}${count}${unit} ${after}`)).toEqual([]),
      ),
      RUNS,
    );
  });

  it('counts, house numbers and codes of up to 8 digits between words', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            plainWords,
            fc.oneof(
              fc.integer({ min: 0, max: 99_999_999 }).map(String),
              fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 99 })).map(([a, b]) => `${a}/${b}`),
              fc.integer({ min: 1, max: 99 }).map((n) => `K${n}/${n + 3}`),
            ),
          ),
          { maxLength: 6 },
        ),
        (parts) => expect(findPersonalNumbers(parts.map(([w, n]) => `${w} ${n} hộ`).join(', '))).toEqual([]),
      ),
      RUNS,
    ));
});

describe('refusing a field', () => {
  it('names the field and says why, and lets clean text through', () => {
    expect(personalNumberProblems(['input', 'note'], 'Gọi 0905 123 456')).toEqual([
      { path: ['input', 'note'], message: expect.stringContaining('phone number'), reason: Reason.HoldsPhoneNumber },
    ]);
    expect(personalNumberProblems(['input', 'note'], null)).toEqual([]);
    expect(() => assertNoPersonalNumbers('input.note', 'Đã hướng dẫn 12 hộ')).not.toThrow();
    let error: unknown;
    try {
      assertNoPersonalNumbers('input.reason', 'CCCD 048.095.001.234');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: ErrorCode.InvalidInput,
      reason: Reason.HoldsIdNumber,
      fields: [{ path: ['input', 'reason'], message: expect.stringContaining('national ID number'), reason: Reason.HoldsIdNumber }],
    });
    expect(() => assertNoPersonalNumbers(['input', 'note'], 'CCCD 079095012345, SĐT 0905123456')).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ path: ['input', 'note'] }), expect.objectContaining({ path: ['input', 'note'] })] }),
    );
  });

  it('reads a long note in linear time', () => {
    const long = '1 '.repeat(1000) + '0905 123 456';
    const started = performance.now();
    expect(findPersonalNumbers(long)).toEqual(['phone']);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
