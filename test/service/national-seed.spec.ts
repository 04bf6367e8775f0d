import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { NationalSeedReport, seedNational } from '@cdtg/demo';
import { DATA_MODEL } from '@cdtg/runtime';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('synthetic national seed (tiny scale)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let report: NationalSeedReport;

  const count = async (sql: string, params?: unknown[]) => Number((await db.query<{ n: string }>(sql, params))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = createDataSource(db.url, DATA_MODEL);
    await dataSource.initialize();
    report = await seedNational(dataSource, { scale: 'tiny', seed: 7 });
  }, 60_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('writes 2 provinces × 5 communes × 4 residential groups, all synthetic and in force from 2025-07-01', async () => {
    expect(report.skipped).toBe(false);
    expect(report.units).toBe(2 + 10 + 40);
    expect(await count(`SELECT count(*) AS n FROM admin_unit`)).toBe(52);
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE kind = 'province' AND code IN ('P01', 'P02') AND type_word IN ('Tỉnh', 'Thành phố')`)).toBe(
      2,
    );
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE kind = 'commune' AND code ~ '^P0[12]C00[1-5]$' AND type_word IN ('Xã', 'Phường')`)).toBe(10);
    expect(
      await count(
        `SELECT count(*) AS n FROM admin_unit WHERE kind = 'residential_group' AND code ~ '^P0[12]C00[1-5]R0[1-4]$' AND type_word IN ('Thôn', 'Tổ dân phố')`,
      ),
    ).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE synthetic AND valid_from = '2025-07-01' AND valid_to IS NULL`)).toBe(52);
  });

  it('builds a consistent tree: each path ends with the unit id and extends its parent path', async () => {
    expect(await count(`SELECT count(*) AS n FROM admin_unit WHERE parent_id IS NULL AND path = '/' || id || '/' AND depth = 0`)).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM admin_unit u JOIN admin_unit p ON p.id = u.parent_id
          WHERE u.path = p.path || u.id || '/' AND u.depth = p.depth + 1`,
      ),
    ).toBe(50);
    // Kinds follow depth, and every commune has its residential groups.
    expect(await count(`SELECT count(*) AS n FROM admin_unit u JOIN admin_unit p ON p.id = u.parent_id WHERE u.kind = 'commune' AND p.kind = 'province'`)).toBe(
      10,
    );
    expect(
      await count(`SELECT count(*) AS n FROM admin_unit u JOIN admin_unit p ON p.id = u.parent_id WHERE u.kind = 'residential_group' AND p.kind = 'commune'`),
    ).toBe(40);
  });

  it('writes a volunteer group per residential group and per commune, each with a few members', async () => {
    expect(report.groups).toBe(50);
    expect(await count(`SELECT count(*) AS n FROM volunteer_group`)).toBe(50);
    expect(await count(`SELECT count(*) AS n FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id WHERE u.kind = 'residential_group'`)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM volunteer_group WHERE name_search <> lower(name) AND name_search ~ '^[a-z0-9 ,/]+$'`)).toBe(50);
    expect(report.members).toBeGreaterThanOrEqual(100);
    expect(report.members).toBeLessThanOrEqual(200);
    expect(await count(`SELECT count(*) AS n FROM member`)).toBe(report.members);
    // Every group has a leader and 2–4 people.
    expect(
      await count(
        `SELECT count(*) AS n FROM (SELECT group_id FROM membership GROUP BY group_id HAVING count(*) BETWEEN 2 AND 4 AND count(*) FILTER (WHERE role = 'leader') = 1) g`,
      ),
    ).toBe(50);
  });

  it('gives every member exactly one open membership and a unique phone', async () => {
    expect(await count(`SELECT count(*) AS n FROM membership WHERE to_date IS NULL`)).toBe(report.members);
    expect(await count(`SELECT count(DISTINCT member_id) AS n FROM membership WHERE to_date IS NULL`)).toBe(report.members);
    expect(await count(`SELECT count(DISTINCT phone) AS n FROM member`)).toBe(report.members);
    expect(await count(`SELECT count(*) AS n FROM member WHERE phone ~ '^\\+849[0-9]{8}$'`)).toBe(report.members);
    expect(await count(`SELECT count(*) AS n FROM member m JOIN membership s ON s.member_id = m.id WHERE s.from_date <> m.joined_on`)).toBe(0);
  });

  it('is a no-op the second time', async () => {
    const again = await seedNational(dataSource, { scale: 'tiny', seed: 7 });
    expect(again).toMatchObject({ skipped: true, units: 0, groups: 0, members: 0 });
    expect(await count(`SELECT count(*) AS n FROM admin_unit`)).toBe(52);
    expect(await count(`SELECT count(*) AS n FROM member`)).toBe(report.members);
  });
});
