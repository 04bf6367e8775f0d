import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { WeeklyDigestService } from '@cdtg/rollups';
import { TestSmtpServer } from '../support/smtp';
import { eventually, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created entries { entryId problems { path message } } } }`;
const SET = `mutation($input: SetTargetInput!) { setTarget(input: $input) { unit { code } measure kind period periodStart periodEnd value } }`;
const IMPORT = `mutation($csv: String!) { importTargets(input: { csv: $csv }) { created updated unchanged errors { line field reason } } }`;
const LIST = `query($code: String!, $period: Period!, $day: String!, $geo: String) {
  targets(unitCode: $code, period: $period, periodStart: $day, geographyAsOf: $geo) { unit { code } targets { unit { code validFrom } measure kind periodStart value } } }`;
const COVERAGE = `query($code: String!, $level: CoverageLevel!, $period: Period!, $from: String, $to: String, $geo: String) {
  coverage(unitCode: $code, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geo) {
    rows { unit { code validFrom } periodStart householdsReached coveragePercent households
           targets { measure kind target actual gap expected behindPlan carried apportioned } } } }`;

type Progress = {
  measure: string;
  kind: string;
  target: number;
  actual: number | null;
  gap: number | null;
  expected: number;
  behindPlan: boolean;
  carried: boolean;
  apportioned: boolean;
};
type Row = {
  unit: { code: string; validFrom: string | null };
  periodStart: string;
  householdsReached: number;
  coveragePercent: number | null;
  households: number | null;
  targets: Progress[];
};

describe('targets (chỉ tiêu): set, imported, carried across the reform, on coverage rows, behind plan', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let department: TestUser;
  let communeDepartment: TestUser;
  let officer: TestUser;
  let ids: Record<string, string>;

  const unitId = async (code: string, validFrom: '2025-07-01' | null) =>
    (
      await t.db.query<{ id: string }>(
        validFrom ? `SELECT id FROM admin_unit WHERE code = $1 AND valid_from = $2` : `SELECT id FROM admin_unit WHERE code = $1 AND valid_to = '2025-06-30'`,
        validFrom ? [code, validFrom] : [code],
      )
    )[0].id;
  const coverage = async (vars: Record<string, unknown>, as: TestUser = department) => {
    const res = await as.gql<{ coverage: { rows: Row[] } }>(COVERAGE, vars);
    expect(res.errors).toBeUndefined();
    return res.data!.coverage.rows;
  };
  const set = (input: Record<string, unknown>, as: TestUser = department) => as.gql<{ setTarget: Record<string, unknown> }>(SET, { input });
  const reasonOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.reason ?? res.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    await loadDemoCity(t.app.get(DataSource));
    t.clock.set('2026-10-16T03:00:00Z'); // 10:00 on 16 October 2026 in Vietnam: 16 of 31 days of October elapsed
    department = await createUser(t, { email: 'so.targets@cdtg.test', role: Role.Department, unitCode: '48' });
    communeDepartment = await createUser(t, { email: 'xa.targets@cdtg.test', role: Role.Department, unitCode: '20257' });
    officer = await createUser(t, { email: 'phuong.targets@cdtg.test', role: Role.WardOfficer, unitCode: '20209' });
    ids = {
      thanhKhe: await unitId('20209', '2025-07-01'),
      oldXuanHa: await unitId('20209', null),
      oldChinhGian: await unitId('20207', null),
      oldThacGian: await unitId('20206', null),
    };
    await t.gql(`mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { created } }`, {
      csv: `unit_code,as_of,households\n20209,2026-01-01,100\n20209,2025-01-01,4000\n20207,2025-01-01,1000\n20206,2025-01-01,3000\n20215,2025-01-01,0\n20218,2025-01-01,0\n`,
    });
    // Three households helped in Phường Thanh Khê in October 2026, by a group of one of its residential groups.
    // (by a group founded before the reform on an old residential group, now logging in its successor).
    const [group] = await t.db.query<{ group_id: string; member_id: string; code: string }>(
      `SELECT g.id AS group_id, ms.member_id, u.code FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id
         JOIN membership ms ON ms.group_id = g.id AND ms.role = 'leader' AND ms.to_date IS NULL
        WHERE u.code LIKE '20209-%' AND u.valid_to = '2025-06-30' AND g.status = 'active' ORDER BY u.code LIMIT 1`,
    );
    const successor = await unitId(group.code, '2025-07-01');
    const entry = (n: number) => ({
      clientId: randomUUID(),
      household: { address: `${n} Hà Huy Tập`, headName: `Hộ ${n}` },
      unitId: successor,
      services: [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }],
      volunteerIds: [group.member_id],
      occurredAt: `2026-10-0${n}T08:00`,
    });
    const res = await t.gql<{ logAssists: { entries: { problems: unknown[] }[] } }>(LOG, {
      input: { groupId: group.group_id, entries: [entry(1), entry(2), entry(3)] },
    });
    expect(res.data!.logAssists.entries.flatMap((e) => e.problems)).toEqual([]);
    await eventually(async () => (await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM change_event WHERE processed_at IS NULL`))[0].n === '0', 20_000);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('sets targets by GraphQL and shows target, actual, gap and behind plan on the coverage rows', async () => {
    const res = await set({ unitId: ids.thanhKhe, measure: 'households', period: 'MONTH', periodStart: '2026-10-20', value: 4 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.setTarget).toEqual({
      unit: { code: '20209' },
      measure: 'households',
      kind: 'COUNT',
      period: 'MONTH',
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      value: 4,
    });
    expect(
      (await set({ unitId: ids.thanhKhe, measure: 'coverage_vneid_level2', period: 'MONTH', periodStart: '2026-10-01', value: 10 })).errors,
    ).toBeUndefined();
    const rows = await coverage({ code: '48', level: 'COMMUNE', period: 'MONTH', from: '2026-10-01', to: '2026-10-31', geo: '2026-10-16' });
    const thanhKhe = rows.find((r) => r.unit.code === '20209')!;
    expect(thanhKhe.householdsReached).toBe(3);
    // Coverage measures first (registry order), then counts. Expected by now: the target × 16/31.
    expect(thanhKhe.targets).toEqual([
      {
        measure: 'coverage_vneid_level2',
        kind: 'PERCENT',
        target: 10,
        actual: 3,
        gap: 7,
        expected: 5.161,
        behindPlan: true,
        carried: false,
        apportioned: false,
      },
      { measure: 'households', kind: 'COUNT', target: 4, actual: 3, gap: 1, expected: 2.065, behindPlan: false, carried: false, apportioned: false },
    ]);
    // Units without a target carry none; weeks carry none.
    expect(rows.filter((r) => r.unit.code !== '20209').every((r) => r.targets.length === 0)).toBe(true);
    const weeks = await coverage({ code: '20209', level: 'COMMUNE', period: 'WEEK', from: '2026-10-01', to: '2026-10-07', geo: '2026-10-16' });
    expect(weeks.every((r) => r.targets.length === 0)).toBe(true);
    // The export of the same table carries them: target, actual, still to do, behind plan, per measure with a target.
    const started = await department.gql<{ exportCoverage: { id: string } }>(
      `mutation { exportCoverage(unitCode: "48", level: COMMUNE, period: MONTH, from: "2026-10-01", to: "2026-10-31", geographyAsOf: "2026-10-16", format: CSV) { id } }`,
    );
    const ready = await eventually(async () => {
      const polled = (
        await department.gql<{ coverageExport: { status: string; downloadUrl: string | null } }>(
          `query($id: UUID!) { coverageExport(id: $id) { status downloadUrl } }`,
          {
            id: started.data!.exportCoverage.id,
          },
        )
      ).data!.coverageExport;
      return polled.status === 'READY' && polled.downloadUrl;
    });
    const csv = (await request(ready.replace(/^https?:\/\/[^/]+/, t.url)).get('')).text.replace(/^\uFEFF/, '');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    const columns = header.split(',');
    expect(columns.slice(-8)).toEqual([
      'Chỉ tiêu – Kích hoạt VNeID mức 2: tỷ lệ hộ (%)',
      'Đạt – Kích hoạt VNeID mức 2: tỷ lệ hộ (%)',
      'Còn thiếu – Kích hoạt VNeID mức 2: tỷ lệ hộ (%)',
      'Chậm tiến độ – Kích hoạt VNeID mức 2: tỷ lệ hộ (%)',
      'Chỉ tiêu – Hộ được hỗ trợ trong kỳ',
      'Đạt – Hộ được hỗ trợ trong kỳ',
      'Còn thiếu – Hộ được hỗ trợ trong kỳ',
      'Chậm tiến độ – Hộ được hỗ trợ trong kỳ',
    ]);
    const line = lines.find((l) => l.startsWith('20209,'))!.split(',');
    expect(line.slice(-8)).toEqual(['10', '3', '7', 'Có', '4', '3', '1', '']);
    // Changing a target is audited; a null value removes it.
    expect((await set({ unitId: ids.thanhKhe, measure: 'households', period: 'MONTH', periodStart: '2026-10-01', value: 6 })).errors).toBeUndefined();
    const [audit] = await t.db.query<{ before: unknown; after: unknown }>(
      `SELECT before, after FROM audit_event WHERE object_type = 'coverage_target' AND object_id = $1 ORDER BY id DESC LIMIT 1`,
      [`${ids.thanhKhe}:households:M:2026-10-01`],
    );
    expect(audit).toEqual({ before: { value: 4 }, after: { value: 6 } });
    expect((await set({ unitId: ids.thanhKhe, measure: 'households', period: 'MONTH', periodStart: '2026-10-01', value: 4 })).errors).toBeUndefined();
  });

  it('refuses bad targets with typed reasons and writes nothing', async () => {
    const base = { unitId: ids.thanhKhe, measure: 'coverage', period: 'QUARTER', periodStart: '2026-10-01', value: 50 };
    expect(reasonOf(await set({ ...base, value: 120 }))).toBe('OUT_OF_RANGE');
    expect(reasonOf(await set({ ...base, measure: 'households', value: -1 }))).toBe('OUT_OF_RANGE');
    expect(reasonOf(await set({ ...base, measure: 'happiness' }))).toBe('NOT_IN_LIST');
    expect(reasonOf(await set({ ...base, period: 'WEEK' }))).toBe('NOT_IN_LIST');
    const [group] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code LIKE '20209-%' AND valid_from = '2025-07-01' LIMIT 1`);
    expect(reasonOf(await set({ ...base, unitId: group.id }))).toBe('UNIT_WRONG_KIND');
    expect(reasonOf(await set({ ...base, unitId: 'not-a-uuid' }))).toBe('INVALID_ID');
    // An old ward (until 30 June 2025) has no target of 2026: the new commune's carries to it.
    expect(reasonOf(await set({ ...base, unitId: ids.oldChinhGian }))).toBe('UNIT_NOT_IN_FORCE');
    const csv = await department.gql<{ importTargets: { created: number; errors: { line: number; field: string; reason: string }[] } }>(IMPORT, {
      csv: 'unit_code,measure,period,period_start,target,valid_on\n20207,coverage,quarter,2026-10-01,50,2025-01-01\n',
    });
    expect(csv.data!.importTargets).toMatchObject({ created: 0, errors: [{ line: 2, field: 'valid_on', reason: 'OUT_OF_RANGE' }] });
    const [{ n }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM coverage_target WHERE grain = 'Q'`);
    expect(n).toBe(0);
  });

  it('is scoped: ward officers cannot set targets; a department sets and lists only inside its unit', async () => {
    const input = { unitId: ids.thanhKhe, measure: 'coverage', period: 'YEAR', periodStart: '2026-01-01', value: 70 };
    expect((await set(input, officer)).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await set(input, communeDepartment)).errors![0].extensions!.code).toBe('FORBIDDEN');
    const inside = await set({ ...input, unitId: await unitId('20257', '2025-07-01') }, communeDepartment);
    expect(inside.errors).toBeUndefined();
    const listed = await communeDepartment.gql(LIST, { code: '48', period: 'MONTH', day: '2026-10-01' });
    expect(listed.errors![0].extensions!.code).toBe('FORBIDDEN');
    const csv = await communeDepartment.gql<{ importTargets: { created: number; errors: { line: number; reason: string }[] } }>(IMPORT, {
      csv: 'unit_code,measure,period,period_start,target\n20209,coverage,year,2026-01-01,70\n20257,sessions_held,year,2026-01-01,12\n',
    });
    expect(csv.data!.importTargets).toMatchObject({ created: 1, errors: [{ line: 2, reason: 'OUTSIDE_YOUR_AREA' }] });
    // Nothing of the other unit's targets shows in the commune department's coverage rows.
    const own = await coverage({ code: '20257', level: 'COMMUNE', period: 'YEAR', from: '2026-01-01', to: '2026-12-31', geo: '2026-10-16' }, communeDepartment);
    expect(own[0].targets.map((p) => p.measure)).toEqual(['coverage', 'sessions_held']);
  });

  it('imports targets from CSV with Vietnamese headers and words, reporting bad rows by line and reason', async () => {
    const csv = [
      'Mã đơn vị;Chỉ số;Kỳ;Từ ngày;Chỉ tiêu',
      '20209;coverage;Quý;01/10/2026;30',
      '20209;sessions_held;năm;2026-03-05;24',
      '20209;happiness;năm;2026-01-01;1',
      '20209;coverage;tuần;2026-01-01;1',
      '99999;coverage;năm;2026-01-01;1',
      '20209;coverage;năm;2026-01-01;150',
      '20209;coverage;năm;31/02/2026;10',
    ].join('\n');
    const res = await department.gql<{ importTargets: { created: number; updated: number; errors: { line: number; field: string; reason: string }[] } }>(
      IMPORT,
      { csv },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.importTargets).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      errors: [
        { line: 4, field: 'measure', reason: 'CSV_NOT_ONE_OF' },
        { line: 5, field: 'period', reason: 'CSV_NOT_ONE_OF' },
        { line: 6, field: 'unit_code', reason: 'UNIT_NOT_IN_FORCE' },
        { line: 7, field: 'target', reason: 'OUT_OF_RANGE' },
        { line: 8, field: 'period_start', reason: 'CSV_BAD_DATE' },
      ],
    });
    const again = await department.gql<{ importTargets: { created: number; unchanged: number } }>(IMPORT, { csv: csv.split('\n').slice(0, 3).join('\n') });
    expect(again.data!.importTargets).toMatchObject({ created: 0, unchanged: 2 });
    const missing = await department.gql(IMPORT, { csv: 'unit_code,target\n20209,1\n' });
    expect(reasonOf(missing)).toBe('CSV_MISSING_COLUMNS');
    const listed = await department.gql<{ targets: { targets: { measure: string; value: number; periodStart: string }[] } }>(LIST, {
      code: '20209',
      period: 'YEAR',
      day: '2026-06-01',
    });
    expect(listed.data!.targets.targets).toEqual([
      { unit: { code: '20209', validFrom: '2025-07-01' }, measure: 'sessions_held', kind: 'COUNT', periodStart: '2026-01-01', value: 24 },
    ]);
  });

  it('carries targets across the 2025 reform: old wards to the new commune, and the new commune back to the old wards', async () => {
    // Targets of 2025 set on some of the five old wards (before the reform) of Phường Thanh Khê: they do not speak for
    // all of it (its figures count all five wards), so none carries.
    const csv = [
      'unit_code,measure,period,period_start,target,valid_on',
      '20209,households,year,2025-01-01,400,2025-01-01',
      '20207,households,year,2025-01-01,100,2025-01-01',
      '20209,coverage,year,2025-01-01,40,2025-01-01',
      '20206,coverage,year,2025-01-01,80,2025-01-01',
    ].join('\n');
    expect((await department.gql<{ importTargets: { created: number } }>(IMPORT, { csv })).data!.importTargets.created).toBe(4);
    const thanhKheOf = (rows: Row[]) => rows.find((r) => r.unit.code === '20209' && r.unit.validFrom === '2025-07-01')!;
    const year2025 = { code: '48', level: 'COMMUNE', period: 'YEAR', from: '2025-01-01', to: '2025-12-31', geo: '2026-10-16' };
    expect(thanhKheOf(await coverage(year2025)).targets).toEqual([]);
    // The other wards' targets too: all five carry.
    const rest = [
      'unit_code,measure,period,period_start,target,valid_on',
      '20206,households,year,2025-01-01,50,2025-01-01',
      '20215,households,year,2025-01-01,30,2025-01-01',
      '20218,households,year,2025-01-01,20,2025-01-01',
      '20207,coverage,year,2025-01-01,60,2025-01-01',
      '20215,coverage,year,2025-01-01,60,2025-01-01',
      '20218,coverage,year,2025-01-01,60,2025-01-01',
    ].join('\n');
    expect((await department.gql<{ importTargets: { created: number } }>(IMPORT, { csv: rest })).data!.importTargets.created).toBe(6);
    const thanhKhe = thanhKheOf(await coverage(year2025));
    // Counts add up (the wards merged whole); the percentage is the households-weighted mean (4000 × 40 %, 1000 × 60 %,
    // 3000 × 80 %, and the two wards without households by their share alone: 1 × 60 % each).
    expect(thanhKhe.targets.map(({ measure, target, carried, apportioned }) => ({ measure, target, carried, apportioned }))).toEqual([
      { measure: 'coverage', target: Math.round(((4000 * 40 + 1000 * 60 + 3000 * 80 + 60 + 60) / 8002) * 1000) / 1000, carried: true, apportioned: false },
      { measure: 'households', target: 600, carried: true, apportioned: false },
    ]);
    // The 2026 target set on the new commune (sessions held: 24), asked in the tree before the reform: shared among
    // the old wards by the households' weights, and the shares add up to the whole.
    const before = await coverage({ code: '48', level: 'COMMUNE', period: 'YEAR', from: '2026-01-01', to: '2026-12-31', geo: '2025-06-30' });
    const shares = before.flatMap((r) => r.targets.filter((p) => p.measure === 'sessions_held').map((p) => ({ code: r.unit.code, ...p })));
    expect(shares.length).toBeGreaterThan(1);
    expect(shares.every((p) => p.carried && p.apportioned)).toBe(true);
    expect(Math.round(shares.reduce((s, p) => s + p.target, 0))).toBe(24 + 12); // Thanh Khê's 24 and the 20257 department's 12
    // The new commune's percentage carries back as the same percentage to each old ward.
    const coverageBack = before.flatMap((r) => r.targets.filter((p) => p.measure === 'coverage'));
    expect(coverageBack.length).toBeGreaterThan(0);
    expect(coverageBack.every((p) => p.target === 70)).toBe(true); // the 20257 department's yearly coverage target
  });

  it('lists behind-plan units in the weekly digest and notifies the unit’s ward officers once per unit, period and measure', async () => {
    const digest = t.app.get(WeeklyDigestService);
    const monday = new Date('2026-10-19T00:30:00Z'); // the week of 12–18 October 2026 has just ended
    t.clock.set(monday);
    expect(await digest.send(monday)).toBeGreaterThanOrEqual(1);
    const mail = await eventually(() => smtp.to('so.targets@cdtg.test')[0]);
    expect(mail.parsed.text).toContain('Đơn vị chậm tiến độ so với chỉ tiêu:');
    expect(mail.parsed.text).toMatch(/Phường Thanh Khê – Kích hoạt VNeID mức 2: tỷ lệ hộ \(%\), kỳ 01\/10\/2026–31\/10\/2026: đạt 3,0%, cần đạt đến nay 6,1%/);
    const notice = await eventually(() => smtp.to('phuong.targets@cdtg.test').find((m) => m.parsed.subject?.startsWith('Chậm tiến độ')));
    expect(notice.parsed.subject).toBe('Chậm tiến độ: Phường Thanh Khê – Kích hoạt VNeID mức 2: tỷ lệ hộ (%)');
    // The next week in the same month: the digest is new, the notice is not sent again; the households target
    // (4 in October: 3 reached, 4 × 26/31 = 3.35 due by the 26th) has fallen behind since: its own notice, once.
    const next = new Date('2026-10-26T00:30:00Z');
    t.clock.set(next);
    await digest.send(next);
    await digest.send(next);
    const notices = async () =>
      (
        await t.db.query<{ dedupe_key: string }>(
          `SELECT dedupe_key FROM email_message WHERE template = 'behind-plan' AND to_address = 'phuong.targets@cdtg.test' ORDER BY dedupe_key`,
        )
      ).map((r) => r.dedupe_key.split(':').slice(2).join(':'));
    // (and the quarter's coverage target and the year's sessions, imported above, are behind as well: one notice each).
    // The notices are e-mails the outbox relays: wait for the four, then check that no fifth follows.
    await eventually(async () => ((await notices()).length >= 4 ? true : undefined));
    expect(await notices()).toEqual([
      `${ids.thanhKhe}:coverage:quarter:2026-10-01`,
      `${ids.thanhKhe}:coverage_vneid_level2:month:2026-10-01`,
      `${ids.thanhKhe}:households:month:2026-10-01`,
      `${ids.thanhKhe}:sessions_held:year:2026-01-01`,
    ]);
    await eventually(() => smtp.to('phuong.targets@cdtg.test').length === 4 || undefined);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to('phuong.targets@cdtg.test')).toHaveLength(4);
  });
});
