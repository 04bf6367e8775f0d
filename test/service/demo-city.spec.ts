import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { loadDemoCity, DemoCityReport, seedDemoAccounts, seedDemoSessions, SYNTHETIC_REPARENT_DECISION } from '@cdtg/demo';
import { DATA_MODEL } from '@cdtg/runtime';
import { normaliseVietnamesePhone } from '@cdtg/text';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('demo city (Đà Nẵng, synthetic population)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let report: DemoCityReport;

  const count = async (sql: string, params?: unknown[]) => Number((await db.query<{ n: string }>(sql, params))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = createDataSource(db.url, DATA_MODEL);
    await dataSource.initialize();
    report = await loadDemoCity(dataSource);
  }, 60_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('loads the real units and a population of plausible size', async () => {
    expect(report.skipped).toBe(false);
    expect(report.groups).toBeGreaterThanOrEqual(2_300);
    expect(report.groups).toBeLessThanOrEqual(2_700);
    expect(report.members).toBeGreaterThanOrEqual(12_000);
    expect(report.members).toBeLessThanOrEqual(14_000);
    expect(report.residentialGroups).toBeGreaterThanOrEqual(2_000);
    expect(report.residentialGroups).toBeLessThanOrEqual(3_000);

    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE NOT synthetic`)).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM admin_unit`)).toBe(report.units);
    expect(await count(`SELECT count(*) AS n FROM volunteer_group`)).toBe(report.groups);
    expect(await count(`SELECT count(*) AS n FROM member`)).toBe(report.members);
    // Both versions of every residential group: one to 2025-06-30, one from 2025-07-01.
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE kind = 'residential_group' AND valid_to = '2025-06-30' AND valid_from IS NULL`)).toBe(
      report.residentialGroups,
    );
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE kind = 'residential_group' AND valid_from = '2025-07-01' AND valid_to IS NULL`)).toBe(
      report.residentialGroups,
    );
    // The reform itself was imported.
    expect(await count(`SELECT count(*) AS n FROM reorganisation WHERE decision = 'Nghị quyết 1659/NQ-UBTVQH15'`)).toBeGreaterThan(0);
  });

  it('places the residential groups under old Đà Nẵng communes, and links each to its post-reform version', async () => {
    // Old versions: children of communes of the old province 48.
    expect(
      await count(
        `SELECT count(*) AS n FROM admin_unit r JOIN admin_unit c ON c.id = r.parent_id JOIN admin_unit p ON r.path LIKE p.path || '%'
          WHERE r.kind = 'residential_group' AND r.valid_to = '2025-06-30'
            AND c.kind = 'commune' AND c.valid_to = '2025-06-30' AND p.code = '48' AND p.valid_to = '2025-06-30'
            AND r.depth = c.depth + 1 AND r.path = c.path || r.id || '/'`,
      ),
    ).toBe(report.residentialGroups);
    // Each old version → exactly one new version with the same code and name, under a commune the old commune went to.
    expect(
      await count(
        `SELECT count(*) AS n FROM reorganisation_link l JOIN reorganisation g ON g.id = l.reorganisation_id
           JOIN admin_unit o ON o.id = l.from_unit_id JOIN admin_unit n ON n.id = l.to_unit_id
          WHERE g.kind = 'reparent' AND g.effective_date = '2025-07-01' AND g.decision = $1
            AND l.share = 'full' AND l.fraction = 1 AND NOT l.fraction_estimated
            AND o.code = n.code AND o.name = n.name AND n.path = (SELECT path FROM admin_unit WHERE id = n.parent_id) || n.id || '/'
            AND EXISTS (SELECT 1 FROM reorganisation_link c WHERE c.from_unit_id = o.parent_id AND c.to_unit_id = n.parent_id)`,
        [SYNTHETIC_REPARENT_DECISION],
      ),
    ).toBe(report.residentialGroups);
  });

  it('splits the residential groups of Xã Hòa Liên (20296) between Hải Vân (20194) and Liên Chiểu (20197)', async () => {
    const rows = await db.query<{ parent: string; valid_from: string; n: string }>(
      `SELECT p.code || ' ' || p.name AS parent, p.valid_from::text, count(*) AS n
         FROM admin_unit r JOIN admin_unit p ON p.id = r.parent_id
        WHERE r.kind = 'residential_group' AND r.code LIKE '20296-%' AND r.valid_from = '2025-07-01'
        GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.parent, r.valid_from])).toEqual([
      ['20194 Phường Hải Vân', '2025-07-01'],
      ['20197 Phường Liên Chiểu', '2025-07-01'],
    ]);
    expect(rows.every((r) => Number(r.n) > 0)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE code LIKE '20296-%' AND valid_to = '2025-06-30'`)).toBe(
      rows.reduce((sum, r) => sum + Number(r.n), 0),
    );
  });

  it('gives every member one open membership and every group a leader and a deputy', async () => {
    expect(
      await count(`SELECT count(*) AS n FROM member m WHERE (SELECT count(*) FROM membership s WHERE s.member_id = m.id AND s.to_date IS NULL) <> 1`),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM membership`)).toBe(report.members);
    for (const role of ['leader', 'deputy'])
      expect(
        await count(`SELECT count(*) AS n FROM volunteer_group g WHERE (SELECT count(*) FROM membership s WHERE s.group_id = g.id AND s.role = $1) <> 1`, [
          role,
        ]),
      ).toBe(0);
    // Some groups fall short of the guidance of 7; some are above it.
    const sizes = await db.query<{ small: string; large: string }>(
      `SELECT count(*) FILTER (WHERE n < 7) AS small, count(*) FILTER (WHERE n >= 7) AS large
         FROM (SELECT count(*) AS n FROM membership GROUP BY group_id) s`,
    );
    expect(Number(sizes[0].small)).toBeGreaterThan(0);
    expect(Number(sizes[0].large)).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM volunteer_group WHERE status = 'suspended'`)).toBeGreaterThan(0);
    // Groups serve an old residential group or an old commune; their founding decisions predate the reform.
    expect(
      await count(
        `SELECT count(*) AS n FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id
          WHERE u.valid_to <> '2025-06-30' OR u.kind NOT IN ('residential_group', 'commune') OR g.decision_date > '2025-06-30'
             OR g.decision_number !~ '^[0-9]+/QĐ-UBND$'`,
      ),
    ).toBe(0);
  });

  it('makes unique, valid phone numbers and Vietnamese names with diacritics', async () => {
    const members = await db.query<{ phone: string; full_name: string; name_search: string; email: string | null; birth_year: number; skills: string[] }>(
      `SELECT phone, full_name, name_search, email, birth_year, skills FROM member`,
    );
    expect(new Set(members.map((m) => m.phone)).size).toBe(members.length);
    expect(members.filter((m) => normaliseVietnamesePhone(m.phone) !== m.phone)).toEqual([]);
    expect(members.filter((m) => /[ễạảăâđêôơưịữốởầ]/i.test(m.full_name)).length).toBeGreaterThan(members.length / 2);
    expect(
      members.every(
        (m) =>
          m.name_search ===
          m.name_search
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase(),
      ),
    ).toBe(true);
    expect(members.every((m) => m.birth_year >= 1960 && m.birth_year <= 2007)).toBe(true);
    expect(members.every((m) => m.skills.length >= 1 && m.skills.length <= 3)).toBe(true);
    const withEmail = members.filter((m) => m.email).length / members.length;
    expect(withEmail).toBeGreaterThan(0.3);
    expect(withEmail).toBeLessThan(0.5);
    expect(members.filter((m) => m.email && !/^[a-z.]+[0-9]+@example\.vn$/.test(m.email))).toEqual([]);
  });

  it('marks the generated units synthetic and the official ones not', async () => {
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE synthetic <> (kind = 'residential_group')`)).toBe(0);
  });

  it('is deterministic (default seed: same names, phones, groups and tree in another database)', async () => {
    const fingerprint = async (query: TestDatabase['query']) =>
      query<{ members: string; groups: string; units: string }>(
        `SELECT (SELECT md5(string_agg(concat_ws('|', m.full_name, m.phone, m.email, m.gender, m.birth_year, m.affiliation, m.skills, m.joined_on, s.role, g.name), ',' ORDER BY m.phone))
                   FROM member m JOIN membership s ON s.member_id = m.id JOIN volunteer_group g ON g.id = s.group_id) AS members,
                (SELECT md5(string_agg(concat_ws('|', g.name, u.code, g.decision_number, g.decision_date, g.status), ',' ORDER BY u.code, g.name))
                   FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id) AS groups,
                (SELECT md5(string_agg(concat_ws('|', u.code, u.name, u.valid_from, p.code, p.valid_from), ',' ORDER BY u.code, u.valid_from))
                   FROM admin_unit u LEFT JOIN admin_unit p ON p.id = u.parent_id) AS units`,
      );
    const other = await createTestDatabase();
    const otherSource = createDataSource(other.url, DATA_MODEL);
    try {
      await otherSource.initialize();
      const second = await loadDemoCity(otherSource);
      expect({ ...second, ms: 0 }).toEqual({ ...report, ms: 0 });
      expect(await fingerprint(other.query)).toEqual(await fingerprint(db.query));
    } finally {
      if (otherSource.isInitialized) await otherSource.destroy();
      await other.drop();
    }
  }, 60_000);

  it('does nothing on a second call', async () => {
    const snapshot = async () =>
      db.query(
        `SELECT (SELECT count(*) FROM admin_unit) AS units, (SELECT count(*) FROM reorganisation) AS reorganisations,
                (SELECT count(*) FROM reorganisation_link) AS links, (SELECT count(*) FROM volunteer_group) AS groups,
                (SELECT count(*) FROM member) AS members, (SELECT count(*) FROM membership) AS memberships,
                (SELECT count(*) FROM audit_event) AS audit`,
      );
    const before = await snapshot();
    const again = await loadDemoCity(dataSource, { seed: 7 });
    expect(again).toMatchObject({ skipped: true, units: 0, residentialGroups: 0, groups: 0, members: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('seeds one demo account per kind of user, once, each with its grant', async () => {
    const accounts = await seedDemoAccounts(dataSource, 8192);
    expect(accounts!.map((a) => a.role)).toEqual(['ADMIN', 'DEPARTMENT', 'WARD_OFFICER', 'GROUP_LEAD', 'VOLUNTEER']);
    expect(accounts![2].scope).toBe('Phường Hải Châu');
    expect(await count(`SELECT count(*) AS n FROM role_grant g JOIN user_account u ON u.id = g.user_id WHERE u.email LIKE '%@cdtg.local'`)).toBe(5);
    // The volunteer account is a member of the lead's group.
    expect(
      await count(
        `SELECT count(*) AS n FROM user_account u JOIN membership ms ON ms.member_id = u.member_id AND ms.to_date IS NULL JOIN role_grant g ON g.group_id = ms.group_id JOIN user_account l ON l.id = g.user_id
          WHERE u.email = 'tnv@cdtg.local' AND l.email = 'totruong@cdtg.local'`,
      ),
    ).toBe(1);
    expect(await seedDemoAccounts(dataSource, 8192)).toBeNull();
  });

  it('seeds synthetic sessions in Phường Hải Châu, held last week and planned this week, once', async () => {
    const now = new Date();
    expect(await seedDemoSessions(dataSource, now)).toBe(16);
    expect(await seedDemoSessions(dataSource, now)).toBe(0);
    const rows = await db.query<{ status: string; past: boolean; total: number | null; cells: number | null; notes: string; in_ward: boolean }>(
      `SELECT s.status, s.starts_at < now() AS past, s.participants_total AS total,
              s.female_under_35 + s.female_35_59 + s.female_60_plus + s.male_under_35 + s.male_35_59 + s.male_60_plus AS cells, s.notes,
              u.path LIKE (SELECT path || '%' FROM admin_unit WHERE code = '20242' AND valid_to IS NULL) AS in_ward
         FROM training_session s JOIN admin_unit u ON u.id = s.unit_id`,
    );
    expect(rows.every((r) => r.notes.includes('synthetic') && r.in_ward)).toBe(true);
    expect(rows.filter((r) => r.status === 'held' && r.past && r.total! >= r.cells!)).toHaveLength(8);
    expect(rows.filter((r) => r.status === 'planned' && !r.past && r.total === null)).toHaveLength(8);
    expect(await count(`SELECT count(*) AS n FROM session_assignment a JOIN training_session s ON s.id = a.session_id WHERE s.status = 'planned'`)).toBe(16);
  });
});
