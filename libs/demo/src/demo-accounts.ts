import { DataSource } from 'typeorm';
import { argon2idHasher, hasUserAccounts, insertDemoAccount } from '@cdtg/accounts';
import { demoFirstMemberOf, demoGroupsIn } from '@cdtg/directory';
import { currentUnitByCode } from '@cdtg/geography';
import { foldVietnamese } from '@cdtg/text';
import { lockSeed } from './lock';

/** The published password of the demo accounts (development only: `npm start` never seeds them in production). */
export const DEMO_PASSWORD = 'cdtg-demo-2026';

export interface DemoAccount {
  email: string;
  role: string;
  scope: string;
}

/**
 * One account per kind of user, for trying the demo city: an administrator, the city department, the officer of
 * Phường Hải Châu, the lead of one of its groups, and a volunteer of that group (the account of one of its members). Written once, into a database without accounts.
 */
export async function seedDemoAccounts(dataSource: DataSource, passwordMemoryKiB: number): Promise<DemoAccount[] | null> {
  return dataSource.transaction(async (manager) => {
    await lockSeed(manager, 'cdtg:demo-accounts');
    if (await hasUserAccounts(manager)) return null;
    const city = await currentUnitByCode(manager, '48');
    const ward = await currentUnitByCode(manager, '20242');
    if (!city || !ward) return null;
    // A group the ward officer can see (its unit may be a pre-reform version whose territory is now in the ward).
    const [group] = await demoGroupsIn(manager, { all: false, unitPaths: [ward.path], groupIds: [] }, { activeOnly: false, limit: 1 });
    // The volunteer account is the group's first member (leader first), so its agenda shows the demo sessions.
    const member = group ? await demoFirstMemberOf(manager, group.id) : undefined;
    const hash = await argon2idHasher(passwordMemoryKiB).hash(DEMO_PASSWORD);
    const accounts = [
      { email: 'admin@cdtg.local', name: 'Quản trị hệ thống', role: 'ADMIN', unitId: null, groupId: null, scope: 'toàn hệ thống' },
      { email: 'so@cdtg.local', name: 'Cán bộ Sở Khoa học và Công nghệ', role: 'DEPARTMENT', unitId: city.id, groupId: null, scope: 'Thành phố Đà Nẵng' },
      { email: 'phuong@cdtg.local', name: 'Cán bộ phường Hải Châu', role: 'WARD_OFFICER', unitId: ward.id, groupId: null, scope: ward.name },
      ...(group
        ? [{ email: 'totruong@cdtg.local', name: 'Tổ trưởng tổ công nghệ số', role: 'GROUP_LEAD', unitId: null, groupId: group.id, scope: group.name }]
        : []),
      ...(group && member
        ? [{ email: 'tnv@cdtg.local', name: member.full_name, role: 'VOLUNTEER', unitId: null, groupId: group.id, scope: group.name, memberId: member.id }]
        : []),
    ] as { email: string; name: string; role: string; unitId: string | null; groupId: string | null; scope: string; memberId?: string }[];
    for (const a of accounts) {
      await insertDemoAccount(manager, {
        email: a.email,
        displayName: a.name,
        nameSearch: foldVietnamese(`${a.name} ${a.email}`),
        passwordHash: hash,
        memberId: a.memberId ?? null,
        role: a.role,
        unitId: a.unitId,
        groupId: a.groupId,
      });
    }
    return accounts.map((a) => ({ email: a.email, role: a.role, scope: a.scope }));
  });
}
