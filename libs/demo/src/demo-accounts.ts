import { DataSource } from 'typeorm';
import { argon2idHasher } from '@cdtg/accounts';
import { foldVietnamese } from '@cdtg/text';

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
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('cdtg:demo-accounts'))`);
    if ((await manager.query(`SELECT 1 FROM user_account LIMIT 1`)).length) return null;
    const [city] = (await manager.query(`SELECT id FROM admin_unit WHERE code = '48' AND valid_to IS NULL`)) as { id: string }[];
    const [ward] = (await manager.query(`SELECT id, name, path FROM admin_unit WHERE code = '20242' AND valid_to IS NULL`)) as {
      id: string;
      name: string;
      path: string;
    }[];
    if (!city || !ward) return null;
    // A group the ward officer can see (its unit may be a pre-reform version whose territory is now in the ward).
    const [group] = (await manager.query(
      `SELECT g.id, g.name FROM volunteer_group g WHERE g.unit_id IN (SELECT id FROM geography_units_under($1::text[])) ORDER BY g.name LIMIT 1`,
      [[ward.path]],
    )) as { id: string; name: string }[];
    // The volunteer account is the group's first member (leader first), so its agenda shows the demo sessions.
    const [member] = group
      ? ((await manager.query(
          `SELECT m.id, m.full_name FROM membership ms JOIN member m ON m.id = ms.member_id WHERE ms.group_id = $1 AND ms.to_date IS NULL ORDER BY ms.role, m.name_search LIMIT 1`,
          [group.id],
        )) as { id: string; full_name: string }[])
      : [];
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
      const [user] = (await manager.query(
        `INSERT INTO user_account (email, display_name, name_search, password_hash, status, member_id) VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id`,
        [a.email, a.name, foldVietnamese(`${a.name} ${a.email}`), hash, a.memberId ?? null],
      )) as { id: string }[];
      await manager.query(`INSERT INTO role_grant (user_id, role, unit_id, group_id) VALUES ($1, $2, $3, $4)`, [user.id, a.role, a.unitId, a.groupId]);
    }
    return accounts.map((a) => ({ email: a.email, role: a.role, scope: a.scope }));
  });
}
