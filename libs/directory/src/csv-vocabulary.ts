import { foldVietnamese } from '@cdtg/text';
import { Affiliation, Gender, GroupStatus, MemberRole } from './directory.enums';

/** Words accepted in CSV cells: the API's codes, or the Vietnamese (and English) words people type. */
const vocabulary = <T extends string>(entries: Record<T, string[]>) => {
  const map = new Map<string, T>();
  for (const [code, words] of Object.entries(entries) as [T, string[]][]) for (const w of [code, ...words]) map.set(foldVietnamese(w), code);
  return (value: string): T | undefined => map.get(foldVietnamese(value));
};

const GENDERS: Record<Gender, string[]> = { female: ['Nữ', 'F', 'nu'], male: ['Nam', 'M'], other: ['Khác'] };
const ROLES: Record<MemberRole, string[]> = { leader: ['Tổ trưởng'], deputy: ['Tổ phó'], member: ['Thành viên', 'Tổ viên'] };
const AFFILIATIONS: Record<Affiliation, string[]> = {
  youth_union: ['Đoàn thanh niên', 'Đoàn TN', 'Youth union'],
  police: ['Công an'],
  womens_union: ['Hội phụ nữ', 'Hội LHPN', "Women's union"],
  veterans: ['Cựu chiến binh', 'Hội CCB'],
  enterprise: ['Doanh nghiệp'],
  school: ['Trường học', 'Nhà trường'],
  other: ['Khác'],
};

export const parseGender = vocabulary<Gender>(GENDERS);
export const parseRole = vocabulary<MemberRole>(ROLES);
export const parseGroupStatus = vocabulary<GroupStatus>({ active: ['Hoạt động'], suspended: ['Tạm dừng'], dissolved: ['Giải thể'] });
export const parseAffiliation = vocabulary<Affiliation>(AFFILIATIONS);

/** What a cell may say, for a refused one (Reason.CsvNotOneOf): the codes, and the first Vietnamese word of each. */
const choices = (entries: Record<string, string[]>) => ({ allowed: Object.keys(entries), words: Object.values(entries).map((w) => w[0]) });
export const GENDER_CHOICES = choices(GENDERS);
export const ROLE_CHOICES = choices(ROLES);
export const AFFILIATION_CHOICES = choices(AFFILIATIONS);
