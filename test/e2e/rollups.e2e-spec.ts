import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Queue } from 'bullmq';
import { JobName, OutboxService } from '@cdtg/queue';
import { RebuildService, WeeklyDigestService } from '@cdtg/rollups';
import { TestSmtpServer } from '../support/smtp';
import { eventually, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';
import { REDIS_URL } from '../support/test-env';

const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created rejected entries { entryId problems { path message } } } }`;
const COVERAGE = `query($code: String!, $level: CoverageLevel!, $period: Period!, $from: String, $to: String, $geo: String, $basis: CountBasis) {
  coverage(unitCode: $code, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geo, basis: $basis) {
    geographyAsOf source asOf { eventId pendingEvents }
    rows { unit { code name } periodStart periodEnd apportioned households householdsReached householdsReachedToDate coveragePercent entries entriesVerified
           followUpsOpen activeVolunteers sessionsHeld participants practicalStepsCompleted services { service done followUp } trained { gender ageBand people } } } }`;

type Row = {
  unit: { code: string; name: string };
  periodStart: string;
  periodEnd: string;
  apportioned: boolean;
  households: number | null;
  householdsReached: number;
  householdsReachedToDate: number;
  coveragePercent: number | null;
  entries: number;
  entriesVerified: number;
  followUpsOpen: number;
  activeVolunteers: number;
  sessionsHeld: number;
  participants: number;
  practicalStepsCompleted: number;
  services: { service: string; done: number; followUp: number }[];
  trained: { gender: string; ageBand: string; people: number }[];
};
type Report = { coverage: { geographyAsOf: string; source: string; asOf: { eventId: string; pendingEvents: number }; rows: Row[] } };

const sum = (rows: Row[], pick: (r: Row) => number) => Math.round(rows.reduce((s, r) => s + pick(r), 0) * 1000) / 1000;

describe('coverage rollups across the 2025 reform', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let department: TestUser;
  let officer: TestUser;
  let groupId: string;
  let memberId: string;
  let oldUnitId: string;
  let newUnitId: string;
  let newCommuneId: string;
  const entryIds: string[] = [];

  const report = async (vars: Record<string, unknown>, as: TestUser = department) => {
    const res = await as.gql<Report>(COVERAGE, vars);
    expect(res.errors).toBeUndefined();
    return res.data!.coverage;
  };
  /** Waits until every change written so far is counted (the worker consumes the events through BullMQ). */
  const settled = () =>
    eventually(async () => (await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM change_event WHERE processed_at IS NULL`))[0].n === '0', 20_000);
  const entry = (
    unitId: string,
    household: Record<string, string>,
    occurredAt: string,
    services: Record<string, string>[] = [{ service: 'VNEID_ACCOUNT', outcome: 'DONE' }],
    volunteer = memberId,
  ) => ({
    clientId: randomUUID(),
    household,
    unitId,
    services,
    volunteerIds: [volunteer],
    occurredAt,
  });

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url } }); // real Redis: the projection runs as BullMQ jobs
    await loadDemoCity(t.app.get(DataSource));
    // A group founded before the reform on an old residential group of Phường Xuân Hà (merged into Phường Thanh Khê), and its leader.
    const [row] = await t.db.query<{ group_id: string; member_id: string; unit_id: string; code: string }>(
      `SELECT g.id AS group_id, ms.member_id, u.id AS unit_id, u.code FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id
         JOIN membership ms ON ms.group_id = g.id AND ms.role = 'leader' AND ms.to_date IS NULL AND ms.from_date <= '2025-05-01'
        WHERE u.code LIKE '20209-%' AND u.valid_to = '2025-06-30' AND g.status = 'active' ORDER BY u.code LIMIT 1`,
    );
    ({ group_id: groupId, member_id: memberId, unit_id: oldUnitId } = row);
    const [fresh] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = $1 AND valid_from = '2025-07-01'`, [row.code]);
    newUnitId = fresh.id;
    const [commune] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '20209' AND valid_from = '2025-07-01'`);
    newCommuneId = commune.id;
    department = await createUser(t, { email: 'so.rollups@cdtg.test', role: Role.Department, unitCode: '48' });
    officer = await createUser(t, { email: 'phuong.rollups@cdtg.test', role: Role.WardOfficer, unitCode: '20209' });
    // Households of the new residential group and of two old wards (the denominators), synthetic figures.
    await t.gql(`mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { created } }`, {
      csv: `unit_code,as_of,households\n${row.code},2026-01-01,40\n20209,2025-01-01,4000\n20207,2025-01-01,1000\n20206,2025-01-01,1000\n20215,2025-01-01,1000\n20218,2025-01-01,1000\n`,
    });

    const batch = [
      // Before the reform, under the old residential group: households H1, H2, H3 (H1 twice in May).
      entry(oldUnitId, { address: '1 Hà Huy Tập', headName: 'Hộ Một' }, '2025-05-10T08:00'),
      entry(oldUnitId, { address: '1 Ha Huy Tap', headName: 'HO MOT' }, '2025-05-20T08:00', [
        { service: 'VNEID_LEVEL_2', outcome: 'FOLLOW_UP', reason: 'NO_SMARTPHONE' },
      ]),
      entry(oldUnitId, { address: '2 Hà Huy Tập', headName: 'Hộ Hai' }, '2025-06-02T08:00'),
      entry(oldUnitId, { address: '3 Hà Huy Tập', headName: 'Hộ Ba' }, '2025-06-03T08:00'),
      // After it, under the new residential group: H1 again (settling its follow-up) and H4; and one at the new commune's level: H5.
      entry(newUnitId, { address: 'số 1 Hà Huy Tập', headName: 'ông Hộ Một' }, '2026-10-05T08:00', [{ service: 'VNEID_LEVEL_2', outcome: 'DONE' }]),
      entry(newUnitId, { address: '4 Hà Huy Tập', headName: 'Hộ Bốn' }, '2026-10-06T08:00'),
    ];
    // A ward-level group of one of the five old wards merged into Phường Thanh Khê logs H5 at the new commune's level.
    const [ward] = await t.db.query<{ group_id: string; member_id: string }>(
      `SELECT g.id AS group_id, ms.member_id FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id AND u.code IN ('20206', '20207', '20209', '20215', '20218') AND u.valid_to = '2025-06-30'
         JOIN membership ms ON ms.group_id = g.id AND ms.role = 'leader' AND ms.to_date IS NULL ORDER BY u.code LIMIT 1`,
    );
    for (const [group, entries] of [
      [groupId, batch],
      [ward.group_id, [entry(newCommuneId, { address: '5 Hà Huy Tập', headName: 'Hộ Năm' }, '2026-10-07T08:00', undefined, ward.member_id)]],
    ] as const) {
      const res = await t.gql<{ logAssists: { created: number; entries: { entryId: string; problems: unknown[] }[] } }>(LOG, {
        input: { groupId: group, entries },
      });
      expect(res.data!.logAssists.entries.flatMap((e) => e.problems)).toEqual([]);
      entryIds.push(...res.data!.logAssists.entries.map((e) => e.entryId));
    }
    await settled();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('answers the same question in the tree after the reform and before it, and the figures add up', async () => {
    const after = await report({ code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-20', geo: '2026-11-20' });
    const thanhKhe = after.rows.find((r) => r.unit.code === '20209')!;
    // Households: the counts of the commune's own (post-reform) units come first; the old wards' are for the old tree.
    expect(thanhKhe).toMatchObject({
      householdsReached: 5,
      householdsReachedToDate: 5,
      entries: 7,
      activeVolunteers: 2,
      followUpsOpen: 0,
      apportioned: false,
      households: 40,
      coveragePercent: 12.5,
    });
    expect(sum(after.rows, (r) => r.householdsReached)).toBe(5);

    const before = await report({ code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-20', geo: '2025-06-30' });
    expect(before.geographyAsOf).toBe('2025-06-30');
    const xuanHa = before.rows.find((r) => r.unit.code === '20209')!;
    expect(xuanHa.unit.name).toBe('Phường Xuân Hà');
    // H1–H4 lived in the old residential group; H5, logged at the new commune's level, is shared among its five old wards by households.
    expect(xuanHa.householdsReached).toBeCloseTo(4 + 4000 / 8000, 5);
    expect(xuanHa.apportioned).toBe(true);
    expect(xuanHa.households).toBe(4000);
    expect(before.rows.find((r) => r.unit.code === '20207')!.householdsReached).toBeCloseTo(1000 / 8000, 3);
    expect(sum(before.rows, (r) => r.householdsReached)).toBe(5);
    expect(sum(before.rows, (r) => r.entries)).toBe(7);

    const districts = await report({ code: '48', level: 'DISTRICT', period: 'CUMULATIVE', to: '2026-11-20', geo: '2025-06-30' });
    expect(districts.rows.find((r) => r.unit.code === '491')!.householdsReached).toBe(5); // Quận Thanh Khê holds all five old wards
  });

  it('takes a household count imported just now into the very next answer (the tree in memory follows its version)', async () => {
    const question = { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-30', geo: '2026-11-30' };
    const thanhKhe = async () => (await report(question)).rows.find((r) => r.unit.code === '20209')!;
    expect(await thanhKhe()).toMatchObject({ households: 40, coveragePercent: 12.5 });
    const [rg] = await t.db.query<{ code: string }>(`SELECT code FROM admin_unit WHERE id = $1`, [newUnitId]);
    const imported = await t.gql<{ importHouseholdCounts: { created: number } }>(
      `mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { created } }`,
      {
        csv: `unit_code,as_of,households\n${rg.code},2026-11-25,80\n`,
      },
    );
    expect(imported.data!.importHouseholdCounts.created).toBe(1);
    expect(await thanhKhe()).toMatchObject({ households: 80, coveragePercent: 6.3 });
    // A question that ends before the new count still takes the one in force then.
    expect((await report({ ...question, to: '2026-11-20', geo: '2026-11-20' })).rows.find((r) => r.unit.code === '20209')).toMatchObject({ households: 40 });
  });

  it('counts distinct households per period, follow-ups open over time, and a trend in the old tree', async () => {
    const months = await report({ code: '20209', level: 'COMMUNE', period: 'MONTH', from: '2025-05-01', to: '2025-07-31', geo: '2025-06-30' });
    expect(months.rows.map((r) => [r.periodStart, r.householdsReached, r.householdsReachedToDate, r.followUpsOpen, r.entries])).toEqual([
      ['2025-05-01', 1, 1, 1, 2],
      ['2025-06-01', 2, 3, 1, 2],
      ['2025-07-01', 0, 3, 1, 0],
    ]);
    const weeks = await report({ code: '20209', level: 'COMMUNE', period: 'WEEK', from: '2026-10-05', to: '2026-10-11' });
    expect(weeks.rows[0]).toMatchObject({
      periodStart: '2026-10-05',
      periodEnd: '2026-10-11',
      householdsReached: 3,
      householdsReachedToDate: 5,
      followUpsOpen: 0,
    });
    const days = await report({ code: '20209', level: 'RESIDENTIAL_GROUP', period: 'DAY', from: '2026-10-05', to: '2026-10-06' });
    const rg = days.rows.filter((r) => r.householdsReached > 0);
    expect(rg.map((r) => [r.periodStart, r.householdsReached, r.householdsReachedToDate])).toEqual([
      ['2026-10-05', 1, 3], // H1 again (first reached in May 2025 under the old residential group)
      ['2026-10-06', 1, 4], // H4
    ]);
    expect(rg[0].households).toBe(40);
  });

  it('drops a voided entry and counts verified entries separately; the full rebuild agrees with the incremental tables', async () => {
    const base = { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-20' };
    await t.gql(`mutation($id: UUID!) { voidAssistEntry(id: $id, reason: "Trùng với phiếu khác") { id } }`, { id: entryIds[6] }); // H5
    await t.gql(`mutation($ids: [UUID!]!) { verifyAssistEntries(ids: $ids) { id } }`, { ids: entryIds.slice(0, 2) }); // H1 in May
    await settled();
    const all = (await report(base)).rows.find((r) => r.unit.code === '20209')!;
    expect(all).toMatchObject({ householdsReached: 4, entries: 6, entriesVerified: 2 });
    const verified = (await report({ ...base, basis: 'VERIFIED' })).rows.find((r) => r.unit.code === '20209')!;
    expect(verified).toMatchObject({ householdsReached: 1, entries: 2, entriesVerified: 2, followUpsOpen: 1 });
    expect(verified.services.find((s) => s.service === 'VNEID_LEVEL_2')).toEqual({ service: 'VNEID_LEVEL_2', done: 0, followUp: 1 });

    const check = await t.app.get(RebuildService).run('verify');
    expect(check).toMatchObject({ consistent: true, repaired: false });
    expect(check.cells.expected).toBeGreaterThan(0);
    expect(check.entryFacts).toMatchObject({ expected: 6, stored: 6, different: 0 });
    // A cell damaged behind the projection's back is found, and repaired.
    await t.db.query(`UPDATE rollup_cell SET households = households + 7 WHERE grain = 'A' AND basis = 0 AND unit_id = $1`, [newCommuneId]);
    const damaged = await t.app.get(RebuildService).run('repair');
    expect(damaged).toMatchObject({ consistent: false, repaired: true, cells: { different: 1 } });
    expect(await t.app.get(RebuildService).run('verify')).toMatchObject({ consistent: true });
  });

  it('counts held sessions, people trained and the volunteers who worked at them', async () => {
    const planned = await officer.gql<{ planSession: { id: string } }>(`mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`, {
      input: {
        groupId,
        unitId: newUnitId,
        title: 'Kích hoạt VNeID mức 2',
        topics: ['vneid'],
        startsAt: '2027-01-05T08:00',
        endsAt: '2027-01-05T10:00',
        place: 'Nhà văn hóa tổ 1',
        capacity: 40,
        audience: ['RESIDENTS'],
      },
    });
    expect(planned.errors).toBeUndefined();
    const sessionId = planned.data!.planSession.id;
    const helper = (
      await t.db.query<{ member_id: string }>(`SELECT member_id FROM membership WHERE group_id = $1 AND to_date IS NULL AND member_id <> $2 LIMIT 1`, [
        groupId,
        memberId,
      ])
    )[0];
    const assigned = await officer.gql<{ assignMember: { id: string } }>(
      `mutation($s: UUID!, $m: UUID!) { assignMember(input: { sessionId: $s, memberId: $m, role: TRAINER }) { id } }`,
      {
        s: sessionId,
        m: helper.member_id,
      },
    );
    await officer.gql(`mutation($id: UUID!) { recordAssignmentResponse(input: { assignmentId: $id, accept: true }) { status } }`, {
      id: assigned.data!.assignMember.id,
    });
    // The session took place on 2026-10-20 (moved into the past directly: a new plan must be in the future).
    await t.db.query(`UPDATE training_session SET starts_at = '2026-10-20T01:00:00Z', ends_at = '2026-10-20T03:00:00Z' WHERE id = $1`, [sessionId]);
    const logged = await officer.gql(
      `mutation($id: UUID!) { logAttendance(sessionId: $id, input: { femaleUnder35: 3, female35To59: 4, female60Plus: 5, maleUnder35: 1, male35To59: 2, male60Plus: 6, total: 22, practicalSteps: [{ topic: "vneid", completed: 9 }] }) { status } }`,
      {
        id: sessionId,
      },
    );
    expect(logged.errors).toBeUndefined();
    await settled();
    const month = (await report({ code: '20209', level: 'COMMUNE', period: 'MONTH', from: '2026-10-01', to: '2026-10-31' }, officer)).rows[0];
    expect(month).toMatchObject({ sessionsHeld: 1, participants: 22, activeVolunteers: 2, practicalStepsCompleted: 9 });
    expect(month.trained.find((x) => x.gender === 'male' && x.ageBand === '60_plus')!.people).toBe(6);
    expect((await t.app.get(RebuildService).run('verify')).consistent).toBe(true);
  });

  it('keeps coverage within the reader’s scope, in either tree', async () => {
    const denied = await officer.gql<Report>(COVERAGE, { code: '48', level: 'COMMUNE', period: 'CUMULATIVE' });
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    const otherWard = await officer.gql<Report>(COVERAGE, { code: '20242', level: 'RESIDENTIAL_GROUP', period: 'CUMULATIVE' });
    expect(otherWard.errors![0].extensions!.code).toBe('FORBIDDEN');
    // An old ward merged into the officer's commune is theirs to read in the old tree; the department reads old Quảng Nam.
    expect((await report({ code: '20207', level: 'RESIDENTIAL_GROUP', period: 'CUMULATIVE', geo: '2025-06-30' }, officer)).rows.length).toBeGreaterThan(0);
    expect((await report({ code: '49', level: 'DISTRICT', period: 'CUMULATIVE', geo: '2025-06-30' })).rows.length).toBeGreaterThan(10);
    const lead = await createUser(t, { email: 'totruong.rollups@cdtg.test', role: Role.GroupLead, groupId });
    expect((await lead.gql(COVERAGE, { code: '20209', level: 'COMMUNE', period: 'CUMULATIVE' })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const bad = await department.gql(COVERAGE, { code: '48', level: 'COMMUNE', period: 'DAY', from: '2020-01-01', to: '2026-01-01' });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['from'], reason: 'TOO_MANY_PERIODS', params: { max: 400 } }] });
  });

  it('exports the same table as XLSX and CSV through a queued job and a signed, expiring link', async () => {
    const EXPORT = `mutation($format: ExportFormat!) { exportCoverage(unitCode: "48", level: COMMUNE, period: MONTH, from: "2026-10-01", to: "2026-10-31", format: $format) { id status } }`;
    const POLL = `query($id: UUID!) { coverageExport(id: $id) { status filename rows downloadUrl downloadExpiresAt failure } }`;
    type Polled = { coverageExport: { status: string; filename: string; rows: number; downloadUrl: string; failure: string | null } };
    const make = async (format: string) => {
      const started = await department.gql<{ exportCoverage: { id: string; status: string } }>(EXPORT, { format });
      expect(started.data!.exportCoverage.status).toBe('QUEUED');
      const id = started.data!.exportCoverage.id;
      return eventually(async () => {
        const polled = (await department.gql<Polled>(POLL, { id })).data!.coverageExport;
        return polled.status === 'READY' && { id, ...polled };
      });
    };
    const xlsx = await make('XLSX');
    expect(xlsx.filename).toMatch(/^bao-phu-thanh-pho-da-nang-month-2026-10-31\.xlsx$/);
    const file = await request(xlsx.downloadUrl.replace(/^https?:\/\/[^/]+/, t.url))
      .get('')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as never);
    const sheet = book.getWorksheet('Bao phủ')!;
    expect(sheet.getRow(1).getCell(2).value).toBe('Đơn vị');
    expect(sheet.getRow(1).getCell(8).value).toBe('Tỷ lệ bao phủ (%)');
    const thanhKhe = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === '20209')!;
    expect(thanhKhe.getCell(2).value).toBe('Phường Thanh Khê');
    expect(thanhKhe.getCell(6).value).toBe(2); // households reached in October 2026 (H5 voided)
    expect(thanhKhe.getCell(6).numFmt).toBe('#,##0.###');
    expect(thanhKhe.getCell(3).value).toEqual(new Date('2026-10-01T00:00:00Z'));
    const practical = (sheet.getRow(1).values as unknown[]).indexOf('Bước thực hành đã hoàn thành');
    expect(thanhKhe.getCell(practical).value).toBe(9); // the session of 20 October 2026 (a measure added through the registry)
    expect(xlsx.rows).toBe(sheet.rowCount - 1);

    const csv = await make('CSV');
    const text = await request(csv.downloadUrl.replace(/^https?:\/\/[^/]+/, t.url)).get('');
    expect(text.text.startsWith('\uFEFFMã đơn vị,Đơn vị,Từ ngày')).toBe(true);
    expect(text.text).toContain('20209,Phường Thanh Khê,2026-10-01,2026-10-31');

    const tampered = xlsx.downloadUrl.replace(/sig=.{4}/, 'sig=AAAA').replace(/^https?:\/\/[^/]+/, t.url);
    expect((await request(tampered).get('')).status).toBe(404);
    const expired = xlsx.downloadUrl.replace(/expires=\d+/, 'expires=1700000000').replace(/^https?:\/\/[^/]+/, t.url);
    expect((await request(expired).get('')).status).toBe(404);
    // Only the asker reads the export; a question outside the scope is refused when asked.
    expect((await officer.gql(POLL, { id: xlsx.id })).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await officer.gql(EXPORT, { format: 'CSV' })).errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('sends the department a weekly digest with the lowest-coverage communes and the table attached, once', async () => {
    const digest = t.app.get(WeeklyDigestService);
    const monday = new Date('2026-10-12T00:30:00Z'); // 07:30 in Vietnam: the week of 5–11 October 2026 has just ended
    expect(await digest.send(monday)).toBe(1);
    expect(await digest.send(monday)).toBe(0); // the same week again: already queued
    const mail = await eventually(() => smtp.to('so.rollups@cdtg.test')[0]);
    expect(mail.parsed.subject).toBe('Bản tin bao phủ tuần 05/10/2026–11/10/2026: Thành phố Đà Nẵng');
    expect(mail.parsed.text).toContain('Hộ được hỗ trợ trong tuần: 2');
    expect(mail.parsed.text).toContain('Năm đơn vị có tỷ lệ bao phủ thấp nhất');
    expect(mail.parsed.html).toContain('<li>');
    const [attachment] = mail.parsed.attachments;
    expect(attachment.filename).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(attachment.content as never);
    expect(book.getWorksheet('Bao phủ')!.rowCount).toBeGreaterThan(90); // every commune of the new city
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to('so.rollups@cdtg.test')).toHaveLength(1);
  });

  it('runs the nightly check job once (never retried): a corrupted cell is reported in the log, health and the next digest, not repaired', async () => {
    const reports = new Queue('reports', { connection: { url: REDIS_URL }, prefix: t.queuePrefix });
    try {
      const scheduler = await reports.getJobScheduler('rollup-check');
      expect(scheduler).toMatchObject({ pattern: '30 2 * * *', tz: 'Asia/Ho_Chi_Minh' });
      expect(scheduler!.template?.opts?.attempts).toBe(1);
      const cell = async () =>
        (await t.db.query<{ households: number }>(`SELECT households FROM rollup_cell WHERE grain = 'A' AND basis = 0 AND unit_id = $1`, [newCommuneId]))[0]
          .households;
      const households = await cell();
      await t.db.query(`UPDATE rollup_cell SET households = households + 5 WHERE grain = 'A' AND basis = 0 AND unit_id = $1`, [newCommuneId]);
      // The job as the scheduler makes it, on the reports queue (handed over through the outbox here).
      const id = await t.app.get(DataSource).transaction((m) => t.app.get(OutboxService).enqueue(m, JobName.RollupCheck, {}));
      const job = await eventually(async () => {
        const found = await reports.getJob(`o${id}`);
        return found && ['completed', 'failed'].includes(await found.getState()) && found;
      }, 60_000);
      expect(await job.getState()).toBe('completed'); // a difference is reported, not a failure to retry
      expect(job.opts.attempts).toBe(1);
      const [check] = await t.db.query(`SELECT mode, origin, consistent, repaired, differences FROM rollup_check ORDER BY id DESC LIMIT 1`);
      expect(check).toEqual({ mode: 'verify', origin: 'schedule', consistent: false, repaired: false, differences: 1 });
      expect(await cell()).toBe(households + 5); // not repaired by the check
      const ready = await request(t.url).get('/health/ready');
      expect(ready.body.rollupCheck).toMatchObject({ mode: 'verify', consistent: false, repaired: false, differences: 1 });

      // The department's next digest says so.
      expect(await t.app.get(WeeklyDigestService).send(new Date())).toBe(1);
      const mail = await eventually(() => smtp.to('so.rollups@cdtg.test').find((m) => m.parsed.text?.includes('Kiểm tra đối chiếu hằng đêm (')));
      expect(mail.parsed.text).toContain('phát hiện 1 chênh lệch so với tính lại từ dữ liệu gốc; bộ phận kỹ thuật đã được báo');

      // An operator repairs explicitly; the next check finds the tables equal again.
      expect(await t.app.get(RebuildService).run('repair', { origin: 'cli' })).toMatchObject({ repaired: true, cells: { different: 1 } });
      expect(await cell()).toBe(households);
      expect(await t.app.get(RebuildService).run('verify')).toMatchObject({ consistent: true });
    } finally {
      await reports.close();
    }
  });

  it('answers today’s tree from cells plus mapped cells, the same as from the old units’ facts, and keeps them incrementally', async () => {
    // "To date" up to a month's end: up to today it would come from the sources in the last 10 minutes of a Vietnamese
    // day (an entry may be stamped that far ahead), and this test must not depend on the hour it runs.
    const questions = [
      { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-30' },
      // Ending after the latest day a record can have: all time is the stock (no later buckets are read).
      { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2099-12-31' },
      { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-10-31' },
      { code: '48', level: 'COMMUNE', period: 'CUMULATIVE', to: '2026-11-30', basis: 'VERIFIED' },
      { code: '48', level: 'PROVINCE', period: 'CUMULATIVE', to: '2026-11-30' },
      { code: '48', level: 'COMMUNE', period: 'MONTH', from: '2025-04-01', to: '2026-10-31' },
      { code: '20209', level: 'COMMUNE', period: 'QUARTER', from: '2025-01-01', to: '2026-12-31' },
      { code: '20209', level: 'COMMUNE', period: 'YEAR', from: '2024-01-01', to: '2026-12-31', basis: 'VERIFIED' },
    ];
    const answers = async () => {
      const out: { source: string; rows: Row[] }[] = [];
      for (const q of questions) out.push(await report(q));
      return out;
    };
    const compare = async () => {
      // Through the mapped cells (the last rebuild set their geography to today's tree)…
      const fromCells = await answers();
      expect(fromCells.map((a) => a.source)).toEqual(questions.map(() => 'MAPPED_CELLS'));
      // …and through the sources' cells and facts, with the mapped geography made unrecognisable.
      const [{ signature }] = await t.db.query<{ signature: string }>(`SELECT signature FROM rollup_geography`);
      await t.db.query(`UPDATE rollup_geography SET signature = 'none'`);
      const fromSources = await answers();
      expect(fromSources.map((a) => a.source)).toEqual(questions.map(() => 'SOURCES'));
      expect(fromCells.map((a) => a.rows)).toEqual(fromSources.map((a) => a.rows));
      await t.db.query(`UPDATE rollup_geography SET signature = $1`, [signature]);
      return fromCells.map((a) => a.rows);
    };

    const rebuilt = await t.app.get(RebuildService).run('verify');
    expect(rebuilt).toMatchObject({ consistent: true });
    expect(rebuilt.mappedCells.expected).toBeGreaterThan(0);
    const before = await compare();
    const reached = before[0].find((r) => r.unit.code === '20209')!.householdsReached;
    expect(reached).toBeGreaterThanOrEqual(4);
    // Days, residential groups and the old tree are answered from the sources.
    expect((await report({ code: '20209', level: 'RESIDENTIAL_GROUP', period: 'CUMULATIVE' })).source).toBe('SOURCES');
    expect((await report({ code: '48', level: 'COMMUNE', period: 'CUMULATIVE', geo: '2025-06-30' })).source).toBe('SOURCES');

    // More records in the old residential group (before the reform) and the new one: the projector keeps the mapped cells.
    const more = [
      entry(oldUnitId, { address: '6 Hà Huy Tập', headName: 'Hộ Sáu' }, '2025-03-03T08:00'),
      entry(oldUnitId, { address: '2 Hà Huy Tập', headName: 'Hộ Hai' }, '2025-06-20T08:00', [
        { service: 'PORTAL_ACCOUNT', outcome: 'FOLLOW_UP', reason: 'NO_SMARTPHONE' },
      ]),
      entry(newUnitId, { address: '7 Hà Huy Tập', headName: 'Hộ Bảy' }, '2026-10-08T08:00'),
    ];
    const res = await t.gql<{ logAssists: { created: number } }>(LOG, { input: { groupId, entries: more } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.logAssists.created).toBe(3);
    await settled();
    const after = await compare();
    expect(after[0].find((r) => r.unit.code === '20209')!.householdsReached).toBe(reached + 2); // H6 and H7; H2 again is not new
    const check = await t.app.get(RebuildService).run('verify');
    expect(check).toMatchObject({ consistent: true, geography: { moved: false }, mappedCells: { different: 0 } });
    expect(check.mappedCells.stored).toBeGreaterThan(0);

    // A change of the tree (here a split's shares) bumps its version: within seconds questions are answered from the
    // sources, the projector leaves the mapped cells stale, and the next rebuild maps them again.
    const [{ version: versionBefore }] = await t.db.query<{ version: string }>(`SELECT version FROM geography_version`);
    const [link] = await t.db.query<{ id: string; fraction: string }>(
      `SELECT l.id, l.fraction FROM reorganisation_link l JOIN admin_unit u ON u.id = l.from_unit_id AND u.valid_to < CURRENT_DATE
        WHERE l.fraction < 1 AND l.to_unit_id IS NOT NULL ORDER BY l.id LIMIT 1`,
    );
    await t.db.query(`UPDATE reorganisation_link SET fraction = fraction / 2 WHERE id = $1`, [link.id]);
    const [{ version: versionAfter }] = await t.db.query<{ version: string }>(`SELECT version FROM geography_version`);
    expect(Number(versionAfter)).toBe(Number(versionBefore) + 1);
    await eventually(async () => (await report(questions[0])).source === 'SOURCES', 15_000);
    await t.gql(LOG, { input: { groupId, entries: [entry(oldUnitId, { address: '8 Hà Huy Tập', headName: 'Hộ Tám' }, '2025-04-04T08:00')] } });
    await settled();
    expect((await t.db.query<{ stale: boolean }>(`SELECT stale FROM rollup_geography`))[0].stale).toBe(true);
    expect(await t.app.get(RebuildService).run('verify')).toMatchObject({ consistent: true, geography: { moved: true } });
    expect((await report(questions[0])).source).toBe('MAPPED_CELLS');
    await t.db.query(`UPDATE reorganisation_link SET fraction = $2 WHERE id = $1`, [link.id, link.fraction]);
  });

  it('apportioned splits are flagged: exactly the figures with a share of split Xã Hòa Liên, alike by day, month and quarter', async () => {
    // Old Xã Hòa Liên (20296) was split on 2025-07-01 between Phường Hải Vân (20194) and Phường Liên Chiểu (20197), half
    // each (the reform gives no shares); its residential groups went whole to one or the other.
    const [hl] = await t.db.query<{ group_id: string; member_id: string; unit_id: string }>(
      `SELECT g.id AS group_id, ms.member_id, u.id AS unit_id FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id AND u.code = '20296' AND u.valid_to = '2025-06-30'
         JOIN membership ms ON ms.group_id = g.id AND ms.role = 'leader' AND ms.to_date IS NULL WHERE g.status = 'active' LIMIT 1`,
    );
    const [rg] = await t.db.query<{ old_id: string; new_id: string }>(
      `SELECT o.id AS old_id, n.id AS new_id FROM admin_unit o JOIN reorganisation_link l ON l.from_unit_id = o.id JOIN admin_unit n ON n.id = l.to_unit_id
         JOIN admin_unit hv ON hv.id = n.parent_id AND hv.code = '20194' WHERE o.parent_id = $1 ORDER BY o.code LIMIT 1`,
      [hl.unit_id],
    );
    const [hv] = await t.db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '20194' AND valid_from = '2025-07-01'`);
    const logged = await t.gql<{ logAssists: { created: number; entries: { problems: unknown[] }[] } }>(LOG, {
      input: {
        groupId: hl.group_id,
        entries: [
          entry(hl.unit_id, { address: '1 Hòa Liên', headName: 'Hộ Hòa Liên Một' }, '2025-06-20T08:00', undefined, hl.member_id), // at the split commune's own level
          entry(rg.old_id, { address: '2 Hòa Liên', headName: 'Hộ Hòa Liên Hai' }, '2025-06-25T08:00', undefined, hl.member_id), // in a residential group: placed exactly
          entry(hv.id, { address: '3 Hải Vân', headName: 'Hộ Hải Vân Ba' }, '2025-08-05T08:00', undefined, hl.member_id), // at the new ward's own level
          entry(rg.new_id, { address: '4 Hải Vân', headName: 'Hộ Hải Vân Bốn' }, '2025-08-06T08:00', undefined, hl.member_id),
        ],
      },
    });
    expect(logged.data!.logAssists.entries.flatMap((e) => e.problems)).toEqual([]);
    await settled();
    expect(await t.app.get(RebuildService).run('verify')).toMatchObject({ consistent: true }); // maps the cells in today's tree again
    const flags = (r: { rows: Row[] }) => r.rows.map((x) => [x.periodStart, x.apportioned]);
    const ask = (code: string, period: string, from: string, to: string, geo?: string, level = 'COMMUNE') => report({ code, level, period, from, to, geo });

    // Today's tree: Hải Vân holds half of what was logged at Hòa Liên's own level (from 2025-06-20 on, in its "to date").
    const hvDays = await ask('20194', 'DAY', '2025-06-01', '2025-08-31');
    expect(flags({ rows: hvDays.rows.filter((r) => r.periodStart >= '2025-06-19' && r.periodStart <= '2025-06-21') })).toEqual([
      ['2025-06-19', false],
      ['2025-06-20', true],
      ['2025-06-21', true],
    ]);
    expect(hvDays.rows.find((r) => r.periodStart === '2025-06-20')!.householdsReached).toBe(0.5);
    const hvMonths = await ask('20194', 'MONTH', '2025-05-01', '2025-08-31');
    expect(hvMonths.source).toBe('MAPPED_CELLS');
    expect(flags(hvMonths)).toEqual([
      ['2025-05-01', false],
      ['2025-06-01', true],
      ['2025-07-01', true],
      ['2025-08-01', true],
    ]);
    expect(hvMonths.rows[1].householdsReached).toBe(1.5); // half of the household at Hòa Liên's level, all of the one in its residential group
    expect(flags(await ask('20194', 'QUARTER', '2025-01-01', '2025-09-30'))).toEqual([
      ['2025-01-01', false],
      ['2025-04-01', true],
      ['2025-07-01', true],
    ]);
    const lc = (await ask('20197', 'MONTH', '2025-06-01', '2025-06-30')).rows[0];
    expect(lc).toMatchObject({ apportioned: true, householdsReached: 0.5 });
    // Units taken whole are never apportioned: the city holds all of Hòa Liên; Thanh Khê took whole wards.
    expect((await report({ code: '48', level: 'PROVINCE', period: 'CUMULATIVE', to: '2026-11-30' })).rows[0].apportioned).toBe(false);
    expect(flags(await ask('20209', 'MONTH', '2025-05-01', '2025-08-31')).every(([, a]) => a === false)).toBe(true);

    // The tree before the reform: Hòa Liên is whole before its split, and gets a share of what Hải Vân logged at its own level.
    const before = '2025-06-30';
    const hlDays = await ask('20296', 'DAY', '2025-06-01', '2025-08-31', before);
    expect(hlDays.rows.filter((r) => r.periodStart <= '2025-08-04').every((r) => !r.apportioned)).toBe(true);
    expect(hlDays.rows.find((r) => r.periodStart === '2025-06-20')).toMatchObject({ householdsReached: 1, apportioned: false });
    expect(hlDays.rows.find((r) => r.periodStart === '2025-08-05')!.apportioned).toBe(true);
    const hlMonths = await ask('20296', 'MONTH', '2025-05-01', '2025-08-31', before);
    expect(flags(hlMonths)).toEqual([
      ['2025-05-01', false],
      ['2025-06-01', false],
      ['2025-07-01', false],
      ['2025-08-01', true],
    ]);
    expect(hlMonths.rows[1].householdsReached).toBe(2);
    expect(flags(await ask('20296', 'QUARTER', '2025-01-01', '2025-09-30', before))).toEqual([
      ['2025-01-01', false],
      ['2025-04-01', false],
      ['2025-07-01', true],
    ]);
    // The old districts: nothing apportioned in March 2025, nor in the second quarter (Hòa Liên was whole then).
    for (const [period, from, to] of [
      ['MONTH', '2025-03-01', '2025-03-31'],
      ['QUARTER', '2025-04-01', '2025-06-30'],
    ]) {
      const districts = await ask('48', period, from, to, before, 'DISTRICT');
      expect(districts.rows.length).toBeGreaterThanOrEqual(5);
      expect(districts.rows.filter((r) => r.apportioned)).toEqual([]);
    }

    // Day, month and quarter answers agree: a month is apportioned exactly when one of its days is, a quarter when one of its months is.
    const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
    for (const [days, months] of [
      [hvDays, await ask('20194', 'MONTH', '2025-06-01', '2025-08-31')],
      [hlDays, await ask('20296', 'MONTH', '2025-06-01', '2025-08-31', before)],
    ]) {
      for (const m of months.rows)
        expect([m.periodStart, m.apportioned]).toEqual([m.periodStart, days.rows.some((d) => monthOf(d.periodStart) === m.periodStart && d.apportioned)]);
    }
    const quarterMonths = await ask('20194', 'MONTH', '2025-04-01', '2025-09-30');
    const quarters = await ask('20194', 'QUARTER', '2025-04-01', '2025-09-30');
    for (const q of quarters.rows)
      expect(q.apportioned).toBe(quarterMonths.rows.some((m) => m.periodStart >= q.periodStart && m.periodStart <= q.periodEnd && m.apportioned));

    // The same flags from the mapped cells and from the sources' facts.
    const [{ signature }] = await t.db.query<{ signature: string }>(`SELECT signature FROM rollup_geography`);
    await t.db.query(`UPDATE rollup_geography SET signature = 'none'`);
    try {
      const fromSources = await ask('20194', 'MONTH', '2025-05-01', '2025-08-31');
      expect(fromSources.source).toBe('SOURCES');
      expect(fromSources.rows).toEqual(hvMonths.rows);
    } finally {
      await t.db.query(`UPDATE rollup_geography SET signature = $1`, [signature]);
    }
  });
});
