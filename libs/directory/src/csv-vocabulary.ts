import { foldVietnamese } from '@cdtg/text';
import { Affiliation, Gender, GroupStatus, MemberRole } from './directory.enums';

/** Words accepted in CSV cells: the API's codes, or the Vietnamese (and English) words people type. */
const vocabulary = <T extends string>(entries: Record<T, string[]>) => {
  const map = new Map<string, T>();
  for (const [code, words] of Object.entries(entries) as [T, string[]][]) for (const w of [code, ...words]) map.set(foldVietnamese(w), code);
  return (value: string): T | undefined => map.get(foldVietnamese(value));
};

export const parseGender = vocabulary<Gender>({ female: ['Nữ', 'F', 'nu'], male: ['Nam', 'M'], other: ['Khác'] });
export const parseRole = vocabulary<MemberRole>({ leader: ['Tổ trưởng'], deputy: ['Tổ phó'], member: ['Thành viên', 'Tổ viên'] });
export const parseGroupStatus = vocabulary<GroupStatus>({ active: ['Hoạt động'], suspended: ['Tạm dừng'], dissolved: ['Giải thể'] });
export const parseAffiliation = vocabulary<Affiliation>({
  youth_union: ['Đoàn thanh niên', 'Đoàn TN', 'Youth union'],
  police: ['Công an'],
  womens_union: ['Hội phụ nữ', 'Hội LHPN', "Women's union"],
  veterans: ['Cựu chiến binh', 'Hội CCB'],
  enterprise: ['Doanh nghiệp'],
  school: ['Trường học', 'Nhà trường'],
  other: ['Khác'],
});
