import { householdHash, identityProblem, keyMaterial, maskedLabel, normaliseAddress, normaliseHeadName, normaliseHouseholdCode } from './household-key';

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
    expect(identityProblem({ code: '4800123456', address: '12 Lê Lợi' })?.[0]).toBe('code');
    expect(identityProblem({ address: 'Lê Lợi', headName: 'Nguyễn Văn An' })?.[0]).toBe('address');
    expect(identityProblem({ address: '12 Lê Lợi', headName: '' })?.[0]).toBe('headName');
    expect(identityProblem({})?.[0]).toBe('code');
    expect(keyMaterial({ address: '12 Lê Lợi, tổ 5', headName: 'Nguyễn Văn An' })).toEqual({ kind: 'address', material: 'address|12 le loi to 5|nguyen van an' });
  });

  it('hashes with a versioned secret: different secrets, different hashes; nothing of the input shows', () => {
    const material = 'address|12 le loi to 5|nguyen van an';
    const v1 = householdHash(material, { version: 1, secret: 'a'.repeat(32) });
    const v2 = householdHash(material, { version: 2, secret: 'b'.repeat(32) });
    expect(v1).toMatch(/^1\.[A-Za-z0-9_-]{43}$/);
    expect(v2.startsWith('2.')).toBe(true);
    expect(v1.slice(2)).not.toBe(v2.slice(2));
    expect(householdHash(material, { version: 1, secret: 'a'.repeat(32) })).toBe(v1);
  });

  it('labels a household with initials and its residential group only', () => {
    expect(maskedLabel({ headName: 'ông Nguyễn Văn An' }, { name: 'Tổ dân phố 12', typeWord: 'Tổ dân phố' })).toBe('Ng… V… A…, tổ 12');
    expect(maskedLabel({ headName: 'Trương Thị Phương' }, { name: 'Thôn 3', typeWord: 'Thôn' })).toBe('Tr… Th… Ph…, thôn 3');
    expect(maskedLabel({ code: '4800123456' }, { name: 'Phường Hải Châu', typeWord: 'Phường' })).toBe('Mã hộ …456, Phường Hải Châu');
  });
});
