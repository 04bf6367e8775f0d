import { Reason } from '@cdtg/errors';
import {
  householdHash,
  identityProblem,
  placedHash,
  keyMaterial,
  maskedLabel,
  normaliseAddress,
  normaliseHeadName,
  normaliseHouseholdCode,
} from './household-key';

describe('household keys', () => {
  it.each([
    ['Số 12 Lê Lợi, Tổ 5, P. Thanh Khê, TP Đà Nẵng', '12 le loi to 5'],
    ['12  le loi - to 5', '12 le loi to 5'],
    ['SN 12 đường Lê Lợi, tổ dân phố 5', '12 le loi to 5'],
    ['K12/5 Hùng Vương, TDP 3, phường Hải Châu', 'kiet 12/5 hung vuong to 3'],
    ['kiệt 12/5 Hùng Vương, tdp 3', 'kiet 12/5 hung vuong to 3'],
    ['Thôn Phú Sơn 2, xã Hòa Phú', 'thon phu son 2'],
  ])('normalises the address %s', (input, expected) => expect(normaliseAddress(input)).toBe(expected));

  it('normalises names and codes', () => {
    expect(normaliseHeadName('ông  Nguyễn Văn AN')).toBe('nguyen van an');
    expect(normaliseHeadName('Bà Đặng Thị Hường')).toBe('dang thi huong');
    expect(normaliseHouseholdCode(' 48-0012 3456a ')).toBe('4800123456A');
  });

  it('keys a household by code or by address and name, never both', () => {
    expect(identityProblem({ code: '4800123456' })).toBeNull();
    expect(identityProblem({ code: '4800123456', address: '12 Lê Lợi' })).toEqual(['code', Reason.HouseholdCodeAndAddress]);
    expect(identityProblem({ code: '48-01' })).toEqual(['code', Reason.Length, { min: 6, max: 20 }]);
    expect(identityProblem({ address: 'Lê Lợi', headName: 'Nguyễn Văn An' })).toEqual(['address', Reason.AddressIncomplete, { max: 300 }]);
    expect(identityProblem({ address: '12 Lê Lợi', headName: '' })).toEqual(['headName', Reason.Length, { min: 2, max: 100 }]);
    expect(identityProblem({})).toEqual(['code', Reason.HouseholdIncomplete]);
    expect(keyMaterial({ address: '12 Lê Lợi, tổ 5', headName: 'Nguyễn Văn An' })).toEqual({
      kind: 'address',
      material: 'address|12 le loi to 5|nguyen van an',
    });
  });

  it('hashes with a versioned secret: different secrets, different hashes; nothing of the input shows', () => {
    const material = 'address|12 le loi to 5|nguyen van an';
    const v1 = householdHash(material, { version: 1, secret: 'a'.repeat(32) }, null);
    const v2 = householdHash(material, { version: 2, secret: 'b'.repeat(32) }, null);
    expect(v1).toMatch(/^1\.[A-Za-z0-9_-]{43}$/);
    expect(v2.startsWith('2.')).toBe(true);
    expect(v1.slice(2)).not.toBe(v2.slice(2));
    expect(householdHash(material, { version: 1, secret: 'a'.repeat(32) }, null)).toBe(v1);
  });

  it('keys an address with its place: the same address and name in two places are two keys, and a stored key gains its place without the address', () => {
    const secret = { version: 1, secret: 'a'.repeat(32) };
    const material = keyMaterial({ address: 'Tổ 5, P. Hòa Khánh Bắc', headName: 'Nguyễn Văn An' }).material;
    const [hoaKhanh, haiChau] = ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '9b2c1d4e-0000-4000-8000-000000000001'];
    expect(householdHash(material, secret, hoaKhanh)).not.toBe(householdHash(material, secret, haiChau));
    expect(householdHash(material, secret, hoaKhanh)).toMatch(/^1\.[A-Za-z0-9_-]{43}$/);
    // The ward written in the address, or not, with or without "P." or diacritics: one key in one place.
    const spellings = ['Tổ 5, P. Hòa Khánh Bắc', 'tổ dân phố 5, phường Hòa Khánh Bắc', 'TO 5  PHUONG HOA KHANH BAC', 'Tổ 5'];
    expect(new Set(spellings.map((a) => householdHash(keyMaterial({ address: a, headName: 'nguyễn văn an' }).material, secret, hoaKhanh))).size).toBe(1);
    // A key stored without its place (before places were part of it) becomes the placed key.
    expect(placedHash(householdHash(material, secret, null), hoaKhanh, [secret])).toBe(householdHash(material, secret, hoaKhanh));
    expect(placedHash('9.unknown-secret-version', hoaKhanh, [secret])).toBeNull();
  });

  it('labels a household with initials and its residential group only', () => {
    expect(maskedLabel({ headName: 'ông Nguyễn Văn An' }, { name: 'Tổ dân phố 12', typeWord: 'Tổ dân phố' })).toBe('Ng… V… A…, tổ 12');
    expect(maskedLabel({ headName: 'Trương Thị Phương' }, { name: 'Thôn 3', typeWord: 'Thôn' })).toBe('Tr… Th… Ph…, thôn 3');
    expect(maskedLabel({ code: '4800123456' }, { name: 'Phường Hải Châu', typeWord: 'Phường' })).toBe('Mã hộ …456, Phường Hải Châu');
  });
});
