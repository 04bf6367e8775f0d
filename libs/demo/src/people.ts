import { DemoMemberRow } from '@cdtg/directory';
import { foldVietnamese } from '@cdtg/text';
import { between, choose, pick, Random, Weighted } from './random';

/** Synthetic Vietnamese volunteers for the generators: names with diacritics, affiliation-shaped gender and age. */

const FAMILY_NAMES: Weighted<string>[] = [
  ['Nguyễn', 30],
  ['Trần', 11],
  ['Lê', 10],
  ['Phạm', 6],
  ['Huỳnh', 6],
  ['Hoàng', 3],
  ['Phan', 5],
  ['Vũ', 2],
  ['Võ', 6],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 2],
  ['Hồ', 3],
  ['Ngô', 2],
  ['Dương', 1],
  ['Lý', 1],
  ['Đoàn', 2],
  ['Trương', 2],
  ['Mai', 1],
  ['Lương', 1],
  ['Đinh', 1],
  ['Thái', 1],
];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thanh', 'Thu', 'Minh', 'Kim', 'Bích', 'Mỹ', 'Hồng', 'Phương'];
const MIDDLE_MALE = ['Văn', 'Văn', 'Hữu', 'Minh', 'Quốc', 'Đức', 'Thanh', 'Công', 'Ngọc', 'Xuân', 'Tấn', 'Anh'];
const GIVEN_FEMALE = [
  'An',
  'Anh',
  'Châu',
  'Diệu',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hoa',
  'Hương',
  'Huyền',
  'Lan',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Ngân',
  'Nga',
  'Nhung',
  'Oanh',
  'Phương',
  'Quyên',
  'Tâm',
  'Thảo',
  'Thủy',
  'Trang',
  'Trâm',
  'Uyên',
  'Vân',
  'Vy',
  'Yến',
];
const GIVEN_MALE = [
  'An',
  'Bảo',
  'Bình',
  'Cường',
  'Đạt',
  'Dũng',
  'Duy',
  'Hải',
  'Hiếu',
  'Hòa',
  'Hùng',
  'Huy',
  'Khánh',
  'Khoa',
  'Lâm',
  'Long',
  'Minh',
  'Nam',
  'Nghĩa',
  'Phong',
  'Phúc',
  'Quân',
  'Quang',
  'Sơn',
  'Tài',
  'Thắng',
  'Thành',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const AFFILIATIONS: Weighted<string>[] = [
  ['youth_union', 42],
  ['womens_union', 14],
  ['police', 9],
  ['veterans', 6],
  ['school', 12],
  ['enterprise', 7],
  ['other', 10],
];
const SKILLS: Weighted<string>[] = [
  ['vneid', 30],
  ['public_services', 25],
  ['online_payment', 15],
  ['digital_literacy', 14],
  ['online_safety', 10],
  ['ehealth', 8],
  ['ecommerce', 6],
];

// Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile).
const MOBILE_PREFIXES = [
  '090',
  '091',
  '093',
  '094',
  '096',
  '097',
  '098',
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '070',
  '076',
  '077',
  '078',
  '079',
  '081',
  '082',
  '083',
  '084',
  '085',
  '086',
  '088',
  '089',
  '052',
  '056',
  '058',
];

/** A mobile number not in `used` (added to it), on a real prefix. */
export function uniqueMobile(random: Random, used: Set<string>): string {
  let phone: string;
  do phone = `+84${choose(random, MOBILE_PREFIXES).slice(1)}${String(between(random, 0, 9_999_999)).padStart(7, '0')}`;
  while (used.has(phone));
  used.add(phone);
  return phone;
}

/** One person; `serial` makes the e-mail unique, `phoneOf` gives the phone number. */
export function makePerson(random: Random, serial: number, phoneOf: () => string) {
  const affiliation = pick(random, AFFILIATIONS);
  const roll = random();
  const gender =
    affiliation === 'womens_union'
      ? 'female'
      : affiliation === 'police'
        ? roll < 0.85
          ? 'male'
          : 'female'
        : affiliation === 'veterans'
          ? roll < 0.8
            ? 'male'
            : 'female'
          : roll < 0.005
            ? 'other'
            : roll < 0.5
              ? 'female'
              : 'male';
  const female = gender === 'female' || (gender === 'other' && random() < 0.5);
  const family = pick(random, FAMILY_NAMES);
  const middle = choose(random, female ? MIDDLE_FEMALE : MIDDLE_MALE);
  const given = choose(random, female ? GIVEN_FEMALE : GIVEN_MALE);
  const fullName = `${family} ${middle} ${given}`;
  const [from, to] =
    affiliation === 'youth_union' ? [1990, 2007] : affiliation === 'veterans' ? [1960, 1978] : affiliation === 'school' ? [1975, 2005] : [1965, 2000];
  const phone = phoneOf();
  const email = random() < 0.4 ? `${foldVietnamese(`${given}.${family}`).replace(/ /g, '')}${serial}@example.vn` : null;
  const skills = new Set<string>();
  const wanted = between(random, 1, 3);
  while (skills.size < wanted) skills.add(pick(random, SKILLS));
  return { fullName, phone, email, gender, birthYear: between(random, from, to), affiliation, skills: [...skills] };
}

export type Person = ReturnType<typeof makePerson>;

/** The member row of a generated person who joined on `joined`. */
export function memberRow(id: string, person: Person, joined: string): DemoMemberRow {
  return {
    id,
    full_name: person.fullName,
    name_search: foldVietnamese(person.fullName),
    phone: person.phone,
    email: person.email,
    gender: person.gender,
    birth_year: person.birthYear,
    affiliation: person.affiliation,
    skills: person.skills,
    joined_on: joined,
  };
}
