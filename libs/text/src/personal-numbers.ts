/* A pure module (no imports): the server checks free text with it (personal-data.ts), and the web console checks
 * notes on the phone as they are typed with the very same rules (apps/web imports this file directly). */

/** Numbers that identify a citizen and must never be stored in free text. */
export type PersonalNumberKind = 'national-id' | 'phone';

/**
 * The one detector of citizens' identifiers in free text: national ID numbers (12-digit CCCD, 9-digit CMND) and
 * phone numbers, however they are written. Every free-text field a user types that may end up holding a citizen's
 * data is checked with it, in the domain service (so GraphQL and CSV imports alike are covered):
 *
 * | field (path in the error)                                   | where                                                        |
 * |-------------------------------------------------------------|--------------------------------------------------------------|
 * | assistance entry note (input.entries.N.note; input.note)    | libs/assists entry-rules.ts checkEntry (logAssists, amend)   |
 * | correction reason (input.reason), void reason (reason)      | libs/assists assist-correction.service.ts amend, void        |
 * | session title, notes (input.title, input.notes)             | libs/sessions session.service.ts plan, updateDetails         |
 * | session place (input.place)                                 | libs/sessions session.service.ts plan, reschedule            |
 * | reschedule reason (input.reason), cancel reason (reason)    | libs/sessions session.service.ts reschedule, cancel          |
 * | attendance note (input.note)                                | libs/sessions attendance.service.ts log                      |
 * | withdrawal reason (reason), decline reason (input.reason)   | libs/sessions assignment.service.ts withdraw, respond        |
 * | member full name, group name (input.…; CSV full_name, name) | libs/directory directory.service.ts memberFields, groupFields |
 * | grant revocation reason (reason)                            | libs/accounts users.service.ts revokeGrant                   |
 *
 * Structured fields are not free text: a member's own phone is a column of its own, a household's address, name and
 * code are only kept as keyed hashes. test/service/personal-data-fields.spec.ts calls each of these: add a new field
 * there too.
 *
 * The rules, applied to a copy of the text:
 * 1. Normalised first: NFKC (full-width ０４８ and other compatibility digits), every other Unicode decimal digit
 *    (Arabic-Indic, Devanagari, Thai, …) to 0-9, invisible format characters (zero-width spaces, soft hyphens)
 *    removed, diacritics dropped (đ → d), lower case.
 * 2. Dates (15/03/2025, 15.3.25, 2025-03-15, 03/2025: valid day, month and year, one separator / . -) and "lat, lon"
 *    pairs (16.054407, 108.202167) are set aside, unless the same separator carries on to more digits (0905.12.03.25).
 * 3. Digit groups joined by a separator form one number: 1-2 spaces of any kind (NBSP, thin, ideographic…) or up
 *    to two of the same punctuation mark (. , / \ - _ · • – — − | ' …), spaced or not, and brackets around an area
 *    code. Separators may be mixed within one number. "12, 15" and "12. Gọi" (a comma or full stop, then a space)
 *    end a number, as does anything else (letters, :, ;, three or more marks as in 0905***456).
 * 4. Side by side: in a longer run of numbers, a stretch joined by one kind of separator, of groups of 2 digits or
 *    more, is read as a number too ("tổ 5 0905 123 456"), but never a part of a number grouped in thousands
 *    (1.250.000.000.000 đ is one number).
 * 5. A number is a phone number when it has 10-11 digits starting with 0 (not 00: mobiles, landlines, old 11-digit
 *    mobiles), or 84, 840, 0084 or 00840 followed by 9-10 digits (+84 …, +84 (0) …); a national ID number when it
 *    has exactly 12 or 9 digits (a 9-digit one starting like a mobile, 905 123 456, is called a phone number). The
 *    surest reading wins where readings overlap: phone with 0 or 84, then ID, then phone without its 0.
 * 6. Money is not an identifier: a number grouped in thousands (first group 1-3 digits not starting with 0, then
 *    groups of three, one kind of separator) with a currency word right after it (đ, đồng, VND, ₫, k, nghìn, ngàn,
 *    triệu, tr, tỷ, USD, $) or right before it (VND, ₫, $, USD, tiền, giá, phí, lương). Without one, a 9- or
 *    12-digit amount such as 250.000.000 looks exactly like 201.234.567 (a CMND) and is refused: write the currency.
 *    A number starting with 0 is never money (every CCCD starts with 0).
 * 7. After an ID word (CCCD, CMND, CMT, căn cước, chứng minh, định danh, hộ chiếu, passport), a number of 6 or
 *    more digits is a national ID (a part of one still identifies); after a phone word (SĐT, số điện thoại, điện
 *    thoại, ĐT, di động, Zalo, tel, phone, mobile), a number of 7 or more digits that is not grouped in thousands and
 *    not a 1800/1900 service number is a phone number (a local landline, 3822 123). The word is at most 20
 *    characters before the number (4 for the abbreviations ĐT, CMT, tel: "ĐT" is also "đào tạo"), in one sentence.
 *
 * Let through: dates, times, counts ("12 hộ"), house numbers ("12/34 Lê Lợi", "K52/14"), years and ranges
 * ("2020-2025"), numbers and codes of up to 8 digits, of 10-11 digits not starting with 0, or of 13 or more digits,
 * money with its currency, 0905 *** 456.
 * Refused on purpose although they may be harmless: 9- and 12-digit amounts without a currency ("500.000.000"),
 * 9- and 12-digit codes and receipt numbers, 10-11-digit codes starting with 0 (a company's tax code, a bank
 * account), a longitude with 6 decimals written alone (108.202167), a count written right after an amount
 * without its currency ("500.000 120 hộ"). Missed on purpose: a number of which a part reads as a date
 * ("079095 01-01-25 34"), a 9-digit number grouped in thousands followed by its currency ("201.234.567 đ").
 */
export function findPersonalNumbers(text: string): PersonalNumberKind[] {
  const kinds = new Set(scan(text).map((f) => f.kind));
  return (['national-id', 'phone'] as const).filter((k) => kinds.has(k));
}

// ---------------------------------------------------------------------------------------------------------------

interface Finding {
  kind: PersonalNumberKind;
}

/** A run of digits in the normalised text. */
interface Group {
  start: number;
  end: number;
  digits: string;
}

/** Digit groups joined into one chain, with the kind of each joint (`joints[i]` joins groups i and i + 1). */
interface Chain {
  groups: Group[];
  joints: string[];
}

const SEPARATORS = new Set([...".,/\\-_·•‧∙・'’‘`´‐‑‒–—−⁄∕|、"]);
const INLINE_SPACE = /[^\S\r\n\u2028\u2029]/;
/** Separators with which money is grouped in thousands. */
const THOUSANDS_JOINTS = new Set(['.', ',', ' ', "'", '’']);
/** The longest number classified: 0084 0 236 3822 123. */
const MAX_DIGITS = 15;

const MOBILE_WITHOUT_ZERO = /^(?:3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$/;
const CURRENCY_AFTER = /^[^\S\n]{0,2}(?:d|dong|vnd|₫|k|nghin|ngan|trieu|tr|ty|ti|usd|\$)(?![a-z])/;
const CURRENCY_BEFORE = /(?:^|[^a-z])(?:vnd|₫|\$|usd|tien|gia|phi|luong)[^\S\n]{0,2}[:=]?[^\S\n]{0,2}$/;
const ID_WORDS = /(?<![a-z])(?:cccd|cmnd|cmt|can cuoc|chung minh|dinh danh|ho chieu|passport)(?![a-z])/g;
const PHONE_WORDS = /(?<![a-z])(?:sdt|so dien thoai|dien thoai|dt|di dong|zalo|tel|phone|mobile)(?![a-z])/g;
/** Between a keyword and its number: a few characters, no digit, not across a sentence. */
const AFTER_WORD = /^[^\d.!?;\n]{0,20}?(?=\d)/;
/** Abbreviations that also mean something else ("ĐT" is also "đào tạo"): only right before their number. */
const SHORT_WORDS = new Set(['dt', 'cmt', 'tel']);

function scan(text: string): Finding[] {
  const normalised = normalise(text);
  if (!/\d/.test(normalised)) return [];
  const s = maskDatesAndCoordinates(normalised);
  const chains = chainsOf(s);
  const findings: Finding[] = [];
  for (const chain of chains) findings.push(...inChain(s, chain));
  findings.push(...afterKeywords(s, chains));
  return findings;
}

const digitCache = new Map<string, string>();

/** The ASCII digit of any Unicode decimal digit: they come in runs of ten, 0 to 9 (checked over all of Unicode). */
function asciiDigit(c: string): string {
  if (c >= '0' && c <= '9') return c;
  let value = digitCache.get(c);
  if (value === undefined) {
    let cp = c.codePointAt(0)!;
    let n = 0;
    while (n < 100 && /\p{Nd}/u.test(String.fromCodePoint(cp - 1))) {
      cp--;
      n++;
    }
    value = String(n % 10);
    digitCache.set(c, value);
  }
  return value;
}

function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\p{Nd}/gu, asciiDigit)
    .replace(/\p{Cf}/gu, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

const DATES: { pattern: RegExp; valid: (m: RegExpExecArray) => boolean; separator: (m: RegExpExecArray) => string }[] = [
  // 15/03/2025, 15.3.25, 03-15-2025
  {
    pattern: /(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/g,
    valid: (m) => ((day(m[1]) && month(m[3])) || (month(m[1]) && day(m[3])) ? m[4].length === 2 || year(m[4]) : false),
    separator: (m) => m[2],
  },
  // 2025-03-15
  { pattern: /(?<!\d)(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?!\d)/g, valid: (m) => year(m[1]) && month(m[3]) && day(m[4]), separator: (m) => m[2] },
  // 03/2025
  { pattern: /(?<!\d)(\d{1,2})([./-])(\d{4})(?!\d)/g, valid: (m) => month(m[1]) && year(m[3]), separator: (m) => m[2] },
];
const day = (d: string) => Number(d) >= 1 && Number(d) <= 31;
const month = (d: string) => Number(d) >= 1 && Number(d) <= 12;
const year = (d: string) => Number(d) >= 1900 && Number(d) <= 2099;
/** "16.054407, 108.202167" as a map gives it (a comma and a space between). */
const COORDINATES = /(?<![\d.,])-?\d{1,2}\.\d{4,8},\s+-?\d{1,3}\.\d{4,8}(?![\d.,])/g;

/**
 * Dates and coordinate pairs replaced by '#' (not a digit, not a separator). A date-shaped part of a longer number
 * grouped with the same separator (0905.12.03.25) is left alone.
 */
function maskDatesAndCoordinates(s: string): string {
  const blank = (text: string, start: number, length: number) => text.slice(0, start) + '#'.repeat(length) + text.slice(start + length);
  for (const { pattern, valid, separator } of DATES) {
    for (const m of [...s.matchAll(pattern)]) {
      const sep = separator(m);
      const end = m.index + m[0].length;
      const joinedBefore = s[m.index - 1] === sep && /\d/.test(s[m.index - 2] ?? '');
      const joinedAfter = s[end] === sep && /\d/.test(s[end + 1] ?? '');
      if (valid(m) && !joinedBefore && !joinedAfter) s = blank(s, m.index, m[0].length);
    }
  }
  for (const m of [...s.matchAll(COORDINATES)]) s = blank(s, m.index, m[0].length);
  return s;
}

/** The kind of joint between two digit groups, or null when the gap ends a number. */
function jointOf(gap: string): string | null {
  if (gap.length === 0 || gap.length > 4) return null;
  if (/^[.,]\s/.test(gap)) return null; // "12, 15", "… tổ 12. Gọi": a list or a sentence, not a grouping
  let marks = '';
  for (const c of gap) {
    if (c === '(' || c === ')' || INLINE_SPACE.test(c)) continue;
    if (!SEPARATORS.has(c)) return null;
    marks += c;
  }
  if (marks.length > 2 || (marks.length === 2 && marks[0] !== marks[1])) return null;
  return marks ? marks[0] : ' ';
}

function chainsOf(s: string): Chain[] {
  const chains: Chain[] = [];
  let current: Chain | null = null;
  for (const m of s.matchAll(/\d+/g)) {
    const group = { start: m.index, end: m.index + m[0].length, digits: m[0] };
    const last = current?.groups.at(-1);
    const joint = last ? jointOf(s.slice(last.end, group.start)) : null;
    if (current && joint !== null) {
      current.groups.push(group);
      current.joints.push(joint);
    } else {
      current = { groups: [group], joints: [] };
      chains.push(current);
    }
  }
  return chains;
}

const digitsOf = (chain: Chain, from: number, to: number) =>
  chain.groups
    .slice(from, to + 1)
    .map((g) => g.digits)
    .join('');

/** Groups from..to, joined by one kind of joint, grouped in thousands as money is. */
function inThousands(chain: Chain, from: number, to: number): boolean {
  if (to === from) return false;
  const joint = chain.joints[from];
  if (!THOUSANDS_JOINTS.has(joint)) return false;
  for (let i = from; i < to; i++) if (chain.joints[i] !== joint) return false;
  if (!/^[1-9]\d{0,2}$/.test(chain.groups[from].digits)) return false;
  for (let i = from + 1; i <= to; i++) if (chain.groups[i].digits.length !== 3) return false;
  return true;
}

function isMoney(s: string, chain: Chain, from: number, to: number): boolean {
  if (!inThousands(chain, from, to)) return false;
  return (
    CURRENCY_AFTER.test(s.slice(chain.groups[to].end, chain.groups[to].end + 12)) ||
    CURRENCY_BEFORE.test(s.slice(Math.max(0, chain.groups[from].start - 12), chain.groups[from].start))
  );
}

/**
 * What a number is, and how sure the reading is (1 first): a phone number with its 0 or country code, then an ID
 * number, then a mobile number without its 0 (the last 9 digits of a CCCD often look like one).
 */
function classify(digits: string): { kind: PersonalNumberKind; rank: number } | null {
  if (/^0[1-9]\d{8,9}$/.test(digits) || /^(?:00)?840?[1-9]\d{8,9}$/.test(digits)) return { kind: 'phone', rank: 1 };
  if (digits.length === 12) return { kind: 'national-id', rank: 2 };
  if (digits.length === 9) return MOBILE_WITHOUT_ZERO.test(digits) ? { kind: 'phone', rank: 3 } : { kind: 'national-id', rank: 2 };
  return null;
}

/**
 * Numbers in one chain: the whole chain (any mix of separators), and any stretch of it joined by one kind of
 * separator (two numbers side by side), but not a part of a number grouped in thousands (1.250.000.000.000 is one
 * number). The surest readings are taken first (see classify), longest first, then others among the groups left.
 */
function inChain(s: string, chain: Chain): Finding[] {
  const n = chain.groups.length;
  // left[i]..right[i]: the joints around joint i that are of its kind.
  const left: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < n - 1; i++) left[i] = i > 0 && chain.joints[i - 1] === chain.joints[i] ? left[i - 1] : i;
  for (let i = n - 2; i >= 0; i--) right[i] = i < n - 2 && chain.joints[i + 1] === chain.joints[i] ? right[i + 1] : i;
  const thousands = new Map<number, boolean>();
  const partOfThousands = (from: number, to: number) => {
    const [a, b] = [left[from], right[from] + 1];
    if (a === from && b === to) return false;
    if (!thousands.has(a)) thousands.set(a, inThousands(chain, a, b));
    return thousands.get(a)!;
  };
  const short = (from: number, to: number) => chain.groups.slice(from, to + 1).some((g) => g.digits.length < 2);
  const hits: { from: number; to: number; kind: PersonalNumberKind; rank: number; length: number }[] = [];
  for (let from = 0; from < n; from++) {
    let length = 0;
    for (let to = from; to < n; to++) {
      length += chain.groups[to].digits.length;
      if (length > MAX_DIGITS) break;
      const whole = from === 0 && to === n - 1;
      const uniform = to === from || right[from] >= to - 1;
      // A stretch: one kind of separator, groups of 2 digits or more ("1 1 1 1 1 1 1 1 1" is not a number), not part of money.
      if (!whole && to > from && (!uniform || short(from, to) || partOfThousands(from, to))) continue;
      const reading = classify(digitsOf(chain, from, to));
      if (reading && !isMoney(s, chain, from, to)) hits.push({ from, to, ...reading, length });
    }
  }
  hits.sort((x, y) => x.rank - y.rank || y.length - x.length);
  const taken = new Array<boolean>(n).fill(false);
  const found: Finding[] = [];
  for (const hit of hits) {
    if (taken.slice(hit.from, hit.to + 1).some(Boolean)) continue;
    taken.fill(true, hit.from, hit.to + 1);
    found.push({ kind: hit.kind });
  }
  return found;
}

/** Numbers right after an ID or phone word, shorter ones included. */
function afterKeywords(s: string, chains: Chain[]): Finding[] {
  const found: Finding[] = [];
  const numberAfter = (index: number, word: string) => {
    const gap = AFTER_WORD.exec(s.slice(index, index + (SHORT_WORDS.has(word) ? 5 : 21)));
    if (!gap) return null;
    const start = index + gap[0].length;
    for (const chain of chains) {
      const from = chain.groups.findIndex((g) => g.start === start);
      if (from >= 0) return { chain, from, to: chain.groups.length - 1, digits: digitsOf(chain, from, chain.groups.length - 1) };
    }
    return null;
  };
  for (const m of s.matchAll(ID_WORDS)) {
    const number = numberAfter(m.index + m[0].length, m[0]);
    if (number && number.digits.length >= 6) found.push({ kind: 'national-id' });
  }
  for (const m of s.matchAll(PHONE_WORDS)) {
    const number = numberAfter(m.index + m[0].length, m[0]);
    if (!number || number.digits.length < 7 || /^1[89]00/.test(number.digits)) continue;
    if (inThousands(number.chain, number.from, number.to) || isMoney(s, number.chain, number.from, number.to)) continue;
    found.push({ kind: 'phone' });
  }
  return found;
}
