import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { AccessService, Role } from '@cdtg/access';
import { GrantsService } from '@cdtg/accounts';
import { PhuocNinhCorrection1796475231926 as PhuocNinhCorrection } from '../../libs/database/src/migrations/1796475231926-phuoc-ninh-correction';
import { startTestApp, TestApp } from '../support/app';
import { createUser } from '../support/users';

const UNITS = readFileSync('data/danang/danang-admin-units.csv', 'utf8');
const REFORM = readFileSync('data/danang/danang-reform-2025.csv', 'utf8');
const IMPORT_UNITS = `mutation($csv: String!) { importUnits(input: { csv: $csv }) { created updated unchanged errors { line field message reason params } } }`;
const IMPORT_REFORM = `mutation($csv: String!) { importReorganisations(input: { csv: $csv, decision: "Nghị quyết 1659/NQ-UBTVQH15" }) { created updated unchanged errors { line field message } } }`;

type Report = {
  created: number;
  updated?: number;
  unchanged: number;
  errors: { line: number; field: string; message: string; reason?: string; params?: Record<string, unknown> }[];
};

describe('geography: the 2025 reform of Đà Nẵng over GraphQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false });
  });
  afterAll(async () => t?.close());

  it('imports the real units and the reform, and a re-import changes nothing', async () => {
    const units = await t.gql<{ importUnits: Report }>(IMPORT_UNITS, { csv: UNITS });
    expect(units.data!.importUnits).toMatchObject({ created: 403, updated: 0, unchanged: 0, errors: [] });
    const reform = await t.gql<{ importReorganisations: Report }>(IMPORT_REFORM, { csv: REFORM });
    expect(reform.data!.importReorganisations.errors).toEqual([]);
    expect(reform.data!.importReorganisations.created).toBeGreaterThanOrEqual(283);

    const again = await t.gql<{ importUnits: Report }>(IMPORT_UNITS, { csv: UNITS });
    expect(again.data!.importUnits).toMatchObject({ created: 0, updated: 0, unchanged: 403, errors: [] });
    const reformAgain = await t.gql<{ importReorganisations: Report }>(IMPORT_REFORM, { csv: REFORM });
    expect(reformAgain.data!.importReorganisations).toMatchObject({ created: 0, updated: 0, unchanged: 283, errors: [] });

    // Codes are reused across the reform: 20194 is two different units.
    const versions = await t.gql<{ unitVersions: { name: string; validFrom: string | null; validTo: string | null }[] }>(
      `{ unitVersions(code: "20194") { name validFrom validTo } }`,
    );
    expect(versions.data!.unitVersions).toEqual([
      { name: 'Phường Hòa Hiệp Bắc', validFrom: null, validTo: '2025-06-30' },
      { name: 'Phường Hải Vân', validFrom: '2025-07-01', validTo: null },
    ]);
  });

  it('answers what old commune 20296 (Xã Hòa Liên, split) is now: both successors with their shares', async () => {
    const res = await t.gql<{
      unit: { name: string; successors: { unit: { code: string; name: string }; share: string; fraction: number; fractionEstimated: boolean }[] };
    }>(`{ unit(code: "20296", asOf: "2025-06-30") { name successors { unit { code name } share fraction fractionEstimated } } }`);
    expect(res.data!.unit.name).toBe('Xã Hòa Liên');
    expect(res.data!.unit.successors).toEqual([
      { unit: { code: '20194', name: 'Phường Hải Vân' }, share: 'PARTIAL', fraction: 0.5, fractionEstimated: true },
      { unit: { code: '20197', name: 'Phường Liên Chiểu' }, share: 'PARTIAL', fraction: 0.5, fractionEstimated: true },
    ]);
    const back = await t.gql<{ unit: { predecessors: { unit: { code: string } }[] } }>(`{ unit(code: "20194") { predecessors { unit { code } } } }`);
    expect(back.data!.unit.predecessors.map((p) => p.unit.code).sort()).toEqual(['20194', '20195', '20293', '20296']);
  });

  it('gives the right tree before and after 2025-07-01', async () => {
    type Sub = { unitSubtree: { code: string; kind: string }[] };
    const before = await t.gql<Sub>(`{ unitSubtree(code: "48", asOf: "2025-06-30") { code kind } }`);
    const after = await t.gql<Sub>(`{ unitSubtree(code: "48", asOf: "2025-07-01") { code kind } }`);
    const count = (rows: { kind: string }[], kind: string) => rows.filter((r) => r.kind === kind).length;
    expect(count(before.data!.unitSubtree, 'DISTRICT')).toBe(8);
    expect(count(before.data!.unitSubtree, 'COMMUNE')).toBe(47);
    expect(count(after.data!.unitSubtree, 'DISTRICT')).toBe(0);
    expect(count(after.data!.unitSubtree, 'COMMUNE')).toBe(93);
    expect(count(after.data!.unitSubtree, 'SPECIAL_ZONE')).toBe(1);
    // Quảng Nam's communes are in the new Đà Nẵng.
    expect(after.data!.unitSubtree.some((u) => u.code === '20965')).toBe(true);
    const anc = await t.gql<{ unit: { ancestors: { code: string }[] } }>(`{ unit(code: "20296", asOf: "2025-01-01") { ancestors { code } } }`);
    expect(anc.data!.unit.ancestors.map((a) => a.code)).toEqual(['48', '497']);
  });

  it('exports units and reorganisations as CSV that imports back unchanged', async () => {
    const res = await t.gql<{ exportUnitsCsv: string; exportReorganisationsCsv: string }>(`{ exportUnitsCsv exportReorganisationsCsv }`);
    expect(res.data!.exportReorganisationsCsv).toContain('2025-07-01,20296,Xã Hòa Liên,20194,Phường Hải Vân,partial,0.50000,split');
    const again = await t.gql<{ importUnits: Report }>(IMPORT_UNITS, { csv: res.data!.exportUnitsCsv });
    expect(again.data!.importUnits).toMatchObject({ created: 0, updated: 0, unchanged: 403, errors: [] });
  });

  it('reports each bad row of a units file and keeps the good ones', async () => {
    const csv = [
      'code,name,kind,type,parent_code,valid_from,valid_to',
      '99001,Phường Thử Nghiệm,commune,Phường,48,2025-07-01,', // good
      '99002,Phường Mồ Côi,commune,Phường,77777,2025-07-01,', // unknown parent
      '99003,Phường Sai Ngày,commune,Phường,48,2025-13-45,', // bad date
      '99004,Xã A,commune,Xã,99005,2025-07-01,', // cycle with the next row
      '99005,Xã B,commune,Xã,99004,2025-07-01,',
      '99001,Phường Trùng Mã,commune,Phường,48,2025-08-01,', // code reused inside one period (file)
      '20194,Phường Trùng Kỳ,commune,Phường,48,2026-01-01,', // overlaps the stored 20194 (2025-07-01 – now)
      '99006,Tổ dân phố 1,residential_group,Tổ dân phố,99001,2025-07-01,', // good, parent from this file
      '99007,Không Loại,hamlet,Thôn,48,2025-07-01,', // unknown kind
    ].join('\n');
    const res = await t.gql<{ importUnits: Report }>(IMPORT_UNITS, { csv });
    const report = res.data!.importUnits;
    expect(report.created).toBe(2);
    const byLine = Object.fromEntries(report.errors.map((e) => [e.line, e]));
    expect(byLine[3]).toMatchObject({ field: 'parent_code', reason: 'UNKNOWN_PARENT', params: { code: '77777', from: '2025-07-01' } });
    expect(byLine[4]).toMatchObject({ field: 'valid_from', reason: 'BAD_DATE', message: 'must be a date written YYYY-MM-DD' });
    expect(byLine[5]).toMatchObject({ field: 'parent_code', reason: 'PARENT_CYCLE', params: { code: '99004' } });
    expect(byLine[6]).toMatchObject({ field: 'parent_code', reason: 'PARENT_CYCLE', params: { code: '99005' } });
    expect(byLine[7]).toMatchObject({ field: 'code', reason: 'CODE_USED_IN_FILE', params: { code: '99001', line: 2 } });
    expect(byLine[8]).toMatchObject({
      field: 'valid_from',
      reason: 'CODE_USED_BY_UNIT',
      params: { code: '20194', name: 'Phường Hải Vân', from: '2025-07-01' },
    });
    expect(byLine[8].message).toContain('already used by "Phường Hải Vân"');
    expect(byLine[10]).toMatchObject({ field: 'kind', reason: 'NOT_IN_LIST' });
    const kept = await t.gql<{ unitChildren: { code: string }[] }>(`{ unitChildren(code: "99001", asOf: "2025-07-02") { code } }`);
    expect(kept.data!.unitChildren).toEqual([{ code: '99006' }]);
  });

  it('answers bad arguments with typed errors', async () => {
    const res = await t.gql(`{ unit(code: "20194", asOf: "01/07/2025") { name } }`);
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.fields![0].path).toEqual(['asOf']);
    const missing = await t.gql(`{ unit(code: "00000") { name } }`);
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
    const badCsv = await t.gql(IMPORT_UNITS, { csv: 'nothing,useful\n1,2\n' });
    expect(badCsv.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [
        { path: ['csv'], reason: 'CSV_MISSING_COLUMNS', params: { columns: ['code', 'name', 'kind', 'type', 'parent_code', 'valid_from', 'valid_to'] } },
      ],
    });
  });
});

/** The reform file as published before the correction of 2026-12-05: old 20669 also partly into new 20242. */
const FAULTY_REFORM = REFORM.replace(
  '2025-07-01,20669,Xã Phước Ninh,20669,Xã Quế Phước,full',
  '2025-07-01,20669,Xã Phước Ninh,20669,Xã Quế Phước,partial',
).replace(/\r?\n/, (eol) => `${eol}2025-07-01,20669,Xã Phước Ninh,20242,Phường Hải Châu,partial${eol}`);

describe('geography: a corrected reference file converges an existing database (20669 Xã Phước Ninh)', () => {
  const EXPORT = `{ exportReorganisationsCsv }`;
  type Faulty = { t: TestApp; officer: string; oldPhuocNinh: string; haiChauPath: string };

  /** A database that imported the faulty file, where an officer of old Phước Ninh has followed it into Hải Châu. */
  async function faultyDatabase(): Promise<Faulty> {
    const t = await startTestApp({ worker: false, env: { REDIS_URL: '' } });
    await t.gql(IMPORT_UNITS, { csv: UNITS });
    const [oldPhuocNinh] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '20669' AND valid_to = '2025-06-30'`);
    const officer = await createUser(t, { email: 'phuoc-ninh@cdtg.test', role: Role.WardOfficer, unitId: oldPhuocNinh.id });
    const faulty = await t.gql<{ importReorganisations: Report }>(IMPORT_REFORM, { csv: FAULTY_REFORM });
    expect(faulty.data!.importReorganisations.errors).toEqual([]);
    const [haiChau] = await t.db.query<{ path: string }>(`SELECT path FROM admin_unit WHERE code = '20242' AND valid_from = '2025-07-01'`);
    // The fault, as it was: Hải Châu's scope reaches old Phước Ninh, and its officer followed the link into Hải Châu.
    expect(await t.app.get(AccessService).covers({ all: false, unitPaths: [haiChau.path], groupIds: [] }, [{ unitId: oldPhuocNinh.id }])).toBe(true);
    expect(await grantedCodes(t, officer.id)).toEqual(['20242', '20669']);
    return { t, officer: officer.id, oldPhuocNinh: oldPhuocNinh.id, haiChauPath: haiChau.path };
  }
  const grantedCodes = async (t: TestApp, userId: string) =>
    (
      await t.db.query<{ code: string }>(
        `SELECT a.code FROM role_grant g JOIN admin_unit a ON a.id = g.unit_id WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY a.code`,
        [userId],
      )
    ).map((r) => r.code);
  async function expectCorrected(f: Faulty, expected: string): Promise<void> {
    expect((await f.t.gql<{ exportReorganisationsCsv: string }>(EXPORT)).data!.exportReorganisationsCsv).toBe(expected);
    expect(await f.t.app.get(AccessService).covers({ all: false, unitPaths: [f.haiChauPath], groupIds: [] }, [{ unitId: f.oldPhuocNinh }])).toBe(false);
    expect(await grantedCodes(f.t, f.officer)).toEqual(['20669']);
  }

  let expected: string;
  beforeAll(async () => {
    const reference = await startTestApp({ worker: false, env: { REDIS_URL: '' } });
    await reference.gql(IMPORT_UNITS, { csv: UNITS });
    await reference.gql(IMPORT_REFORM, { csv: REFORM });
    expected = (await reference.gql<{ exportReorganisationsCsv: string }>(EXPORT)).data!.exportReorganisationsCsv;
    await reference.close();
    expect(expected).toContain('2025-07-01,20669,Xã Phước Ninh,20669,Xã Quế Phước,full,1.00000,merge');
    expect(expected).not.toContain('20669,Xã Phước Ninh,20242');
  }, 60_000);

  it('re-importing the corrected file removes the link, makes the other whole and withdraws the grant that followed it', async () => {
    const f = await faultyDatabase();
    try {
      const again = await f.t.gql<{ importReorganisations: Report }>(IMPORT_REFORM, { csv: REFORM });
      expect(again.data!.importReorganisations).toMatchObject({ created: 0, updated: 2, unchanged: 282, errors: [] });
      await expectCorrected(f, expected);
      const audited = await f.t.db.query(`SELECT 1 FROM audit_event WHERE operation = 'reorganisation.correct'`);
      expect(audited).toHaveLength(2);
      // And once more: nothing changes.
      expect((await f.t.gql<{ importReorganisations: Report }>(IMPORT_REFORM, { csv: REFORM })).data!.importReorganisations).toMatchObject({
        created: 0,
        updated: 0,
        unchanged: 283,
      });
    } finally {
      await f.t.close();
    }
  }, 60_000);

  it('the migration makes a database that imported the faulty file converge without a re-import', async () => {
    const f = await faultyDatabase();
    try {
      const runner = f.t.app.get(DataSource).createQueryRunner();
      await new PhuocNinhCorrection().up(runner);
      await new PhuocNinhCorrection().up(runner); // a second run finds nothing to do
      await runner.release();
      await expectCorrected(f, expected);
      // The grant service agrees there is nothing left to withdraw.
      expect(await f.t.app.get(GrantsService).withdrawUnfounded()).toBe(0);
    } finally {
      await f.t.close();
    }
  }, 60_000);
});
