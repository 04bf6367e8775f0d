import { DataSource } from 'typeorm';
import { lineageRoots } from '@cdtg/geography';
import { startTestApp, TestApp } from '../support/app';

/** The place of a unit (households are keyed by it) follows continuations back, and stays put once given. */
describe('lineage roots: the place of a unit', () => {
  let t: TestApp;
  const IMPORT_UNITS = `mutation($csv: String!) { importUnits(input: { csv: $csv }) { errors { message } } }`;
  const IMPORT_REFORM = `mutation($csv: String!) { importReorganisations(input: { csv: $csv }) { created updated errors { message } } }`;
  beforeAll(async () => {
    t = await startTestApp({ worker: false, env: { REDIS_URL: '' } });
    const units = [
      'code,name,kind,type,parent_code,valid_from,valid_to',
      '96,Tỉnh Dòng Dõi,province,Tỉnh,,2020-01-01,',
      '96001,Phường Cũ,commune,Phường,96,2020-01-01,2025-06-30',
      '96002,Phường Bên,commune,Phường,96,2020-01-01,2025-06-30',
      '96001-01,Tổ dân phố 1,residential_group,Tổ dân phố,96001,2020-01-01,2025-06-30',
      '96003,Phường Mới,commune,Phường,96,2025-07-01,',
      '96003-01,Tổ dân phố 1,residential_group,Tổ dân phố,96003,2025-07-01,',
    ].join('\n');
    expect((await t.gql<{ importUnits: { errors: unknown[] } }>(IMPORT_UNITS, { csv: units })).data!.importUnits.errors).toEqual([]);
    const reform = [
      'effective_date,old_code,old_name,new_code,new_name,share',
      '2025-07-01,96001-01,,96003-01,,full',
      '2025-07-01,96001,,96003,,full',
      '2025-07-01,96002,,96003,,full',
    ].join('\n');
    expect((await t.gql<{ importReorganisations: { errors: unknown[] } }>(IMPORT_REFORM, { csv: reform })).data!.importReorganisations.errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  const id = async (code: string, from: string | null) =>
    (
      await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = $1 AND valid_from IS NOT DISTINCT FROM $2::date`, [
        code,
        from === null ? '2020-01-01' : from,
      ])
    )[0].id;

  it('follows a re-parented residential group back to its first version; a merge starts a new place', async () => {
    const manager = t.app.get(DataSource).manager;
    const [oldGroup, newGroup, newCommune] = [await id('96001-01', null), await id('96003-01', '2025-07-01'), await id('96003', '2025-07-01')];
    const roots = await lineageRoots(manager, [newGroup, oldGroup, newCommune]);
    expect(roots.get(newGroup)).toBe(oldGroup);
    expect(roots.get(oldGroup)).toBe(oldGroup);
    expect(roots.get(newCommune)).toBe(newCommune);
  });

  it('keeps a place once given, when a correction later turns the continuation into a split', async () => {
    const manager = t.app.get(DataSource).manager;
    const [oldGroup, newGroup] = [await id('96001-01', null), await id('96003-01', '2025-07-01')];
    // The corrected file: the old residential group went partly into the new one (and partly elsewhere).
    const corrected = [
      'effective_date,old_code,old_name,new_code,new_name,share',
      '2025-07-01,96001-01,,96003-01,,partial',
      '2025-07-01,96001-01,,96003,,partial',
    ].join('\n');
    const res = await t.gql<{ importReorganisations: { updated: number; created: number } }>(IMPORT_REFORM, { csv: corrected });
    expect(res.data!.importReorganisations).toMatchObject({ updated: 1, created: 1 });
    expect((await lineageRoots(manager, [newGroup])).get(newGroup)).toBe(oldGroup);
    // Asked for the first time after the correction, a unit follows the corrected links (no continuation: its own place).
    await t.db.query(`DELETE FROM unit_lineage WHERE unit_id = $1`, [newGroup]);
    expect((await lineageRoots(manager, [newGroup])).get(newGroup)).toBe(newGroup);
  });
});
