import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@cdtg/audit';
import { createDataSource } from '@cdtg/database';
import { loadDemoCity } from '@cdtg/demo';
import { GeographyImportService } from '@cdtg/geography';
import { ProjectorService, RollupRepository, SessionSource } from '@cdtg/rollups';
import { DATA_MODEL } from '@cdtg/runtime';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The projector remembers, per unit, the commune-or-higher units whose cells its facts land in. Paths never change,
 * but an import of units can change a unit's kind in place; the memo is kept per version of the administrative tree
 * (the counter the triggers bump), so the projection after the import uses the new kind.
 */
describe('projector: a unit whose kind an import changes', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let importer: GeographyImportService;
  let projector: ProjectorService;
  let groupId: string;
  const header = 'code,name,kind,type,parent_code,valid_from,valid_to';

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL).initialize();
    await loadDemoCity(dataSource);
    importer = new GeographyImportService(dataSource, new AuditService(dataSource));
    projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
    [{ id: groupId }] = await db.query<{ id: string }>(`SELECT id FROM volunteer_group ORDER BY id LIMIT 1`);
  }, 120_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  /** Logs one entry of a new household at the unit and projects it (as the worker would). */
  const logAndProject = async (unitId: string, day: string) => {
    const householdId = randomUUID();
    await dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO household (id, kind, masked_label, first_unit_id) VALUES ($1, 'address', 'Hộ thử', $2)`, [householdId, unitId]);
      await m.query(
        `INSERT INTO assist_entry (client_id, group_id, unit_id, household_id, services, volunteer_ids, occurred_at, occurred_on)
         VALUES ($1, $2, $3, $4, '[{"service":"vneid_account","outcome":"done","reason":null}]', '{}', $5, $6)`,
        [randomUUID(), groupId, unitId, householdId, `${day}T09:00:00+07:00`, day],
      );
    });
    await dataSource.transaction((m) => projector.project(m, { households: [householdId], members: [], sessions: [] }));
  };
  const allTimeEntries = async (unitId: string) =>
    (await db.query<{ entries: number }>(`SELECT entries FROM rollup_cell WHERE unit_id = $1 AND grain = 'A' AND basis = 0`, [unitId]))[0]?.entries ?? null;

  it('counts the next projection in the cells of the new kind', async () => {
    const row = (kind: string) => `${header}\nTHU-01,Tổ dân phố Thử,${kind},Tổ dân phố,20209,2025-07-01,\n`;
    expect(await importer.importUnits(row('residential_group'), SYSTEM_ACTOR)).toMatchObject({ created: 1, errors: [] });
    const [unit] = await db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = 'THU-01'`);
    const [commune] = await db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '20209' AND valid_from = '2025-07-01'`);

    // A residential group holds no cells: its entry lands in its commune's (and the city's).
    await logAndProject(unit.id, '2026-10-05');
    expect(await allTimeEntries(unit.id)).toBeNull();
    expect(await allTimeEntries(commune.id)).toBe(1);

    // Corrected in place to a commune (the same code and start: an update, which bumps the tree's version).
    const [{ version: before }] = await db.query<{ version: string }>(`SELECT version::text AS version FROM geography_version`);
    expect(await importer.importUnits(row('commune'), SYSTEM_ACTOR)).toMatchObject({ updated: 1, errors: [] });
    const [{ version: after }] = await db.query<{ version: string }>(`SELECT version::text AS version FROM geography_version`);
    expect(BigInt(after)).toBeGreaterThan(BigInt(before));

    // The next projection, by the same projector, counts the unit's own cells too.
    await logAndProject(unit.id, '2026-10-06');
    expect(await allTimeEntries(unit.id)).toBe(1);
    expect(await allTimeEntries(commune.id)).toBe(2);
  });
});
