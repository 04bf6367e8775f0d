import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { loadDemoCity, seedDemoTargets } from '@cdtg/demo';
import { DATA_MODEL } from '@cdtg/runtime';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('demo targets (npm start)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = createDataSource(db.url, DATA_MODEL);
    await dataSource.initialize();
    await loadDemoCity(dataSource);
  }, 60_000);
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('gives every commune of Đà Nẵng in force its year, quarter and month targets, once', async () => {
    const written = await seedDemoTargets(dataSource, '2026-11-20');
    const [{ communes }] = await db.query<{ communes: number }>(
      `SELECT count(*)::int AS communes FROM admin_unit WHERE kind IN ('commune', 'special_zone') AND valid_from = '2025-07-01' AND path LIKE (SELECT path FROM admin_unit WHERE code = '48' AND valid_to IS NULL) || '%'`,
    );
    expect(communes).toBeGreaterThan(90);
    expect(written).toBe(3 * communes);
    const rows = await db.query<{ measure: string; grain: string; period_start: string; value: string }>(
      `SELECT DISTINCT measure, grain, period_start::text, value::text FROM coverage_target ORDER BY grain`,
    );
    expect(rows).toEqual([
      { measure: 'households', grain: 'M', period_start: '2026-11-01', value: '30.000' },
      { measure: 'coverage_vneid_level2', grain: 'Q', period_start: '2026-10-01', value: '15.000' },
      { measure: 'coverage', grain: 'Y', period_start: '2026-01-01', value: '35.000' },
    ]);
    expect(await seedDemoTargets(dataSource, '2026-11-20')).toBe(0);
  });
});
