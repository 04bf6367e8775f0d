import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity, seedDemoSessions } from '@cdtg/demo';
import { findPersonalNumbers } from '@cdtg/text';
import { vietnamDate } from '@cdtg/time';
import { GqlResponse, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

/**
 * Citizens' identifiers in free text, through GraphQL as a client sends them: a national ID or phone number written
 * in a session's notes or place, an attendance note, a cancellation, correction or void reason is refused with
 * BAD_USER_INPUT naming the field, and nothing of it is stored (not the row, not its audit entry). The detector's
 * rules: libs/text/src/personal-data.ts; every field, one by one: test/service/personal-data-fields.spec.ts.
 */

const PLAN = `mutation($input: PlanSessionInput!) { planSession(input: $input) { id } }`;
const UPDATE = `mutation($id: UUID!, $input: UpdateSessionDetailsInput!) { updateSessionDetails(id: $id, input: $input) { id } }`;
const ATTENDANCE = `mutation($id: UUID!, $input: AttendanceInput!) { logAttendance(sessionId: $id, input: $input) { status attendance { note } } }`;
const CANCEL = `mutation($id: UUID!, $reason: String!) { cancelSession(id: $id, reason: $reason) { status } }`;
const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { entries { entryId outcome problems { path message } } } }`;
const AMEND = `mutation($id: UUID!, $input: AmendAssistEntryInput!) { amendAssistEntry(id: $id, input: $input) { version note } }`;
const VOID = `mutation($id: UUID!, $reason: String!) { voidAssistEntry(id: $id, reason: $reason) { status } }`;

/** The same numbers as field users type them. */
const CCCD = 'CCCD chủ hộ ０４８.０９５.００１.２３４';
const CMND = 'CMND cũ 201.234.567';
const PHONE = 'gọi lại chị Lan 0905\u00a0123\u00a0456';

const day = (n: number) => vietnamDate(new Date(Date.now() + n * 86_400_000));
const refusal = (res: GqlResponse<unknown>) => ({
  data: res.data,
  code: res.errors?.[0]?.extensions?.code,
  fields: res.errors?.[0]?.extensions?.fields?.map((f) => f.path),
  reasons: res.errors?.[0]?.extensions?.fields?.map((f) => (f as { reason?: string }).reason),
});

describe("citizens' ID and phone numbers in free text", () => {
  let t: TestApp;
  let lead: TestUser;
  let assistLead: TestUser;
  let groupId: string;
  let placeId: string;
  const assists = { groupId: '', memberId: '', unitId: '' };
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } });
    const dataSource = t.app.get(DataSource);
    await loadDemoCity(dataSource);
    await seedDemoSessions(dataSource, t.clock.now());

    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20242" }) { edges { node { id } } } }`,
    );
    groupId = groups.data!.groups.edges[0].node.id;
    const children = await t.gql<{ unitChildren: { id: string; kind: string }[] }>(`{ unitChildren(code: "20242") { id kind } }`);
    placeId = children.data!.unitChildren.find((u) => u.kind === 'RESIDENTIAL_GROUP')!.id;
    lead = await createUser(t, { email: 'totruong.haichau@cdtg.test', role: Role.GroupLead, groupId });

    const [row] = await t.db.query<{ group_id: string; member_id: string }>(
      `SELECT g.id AS group_id, ms.member_id FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id JOIN membership ms ON ms.group_id = g.id AND ms.to_date IS NULL
        WHERE u.code = '20209-01' ORDER BY ms.from_date, ms.member_id LIMIT 1`,
    );
    const unit = await t.gql<{ unit: { id: string } }>(`{ unit(code: "20209-01") { id } }`);
    Object.assign(assists, { groupId: row.group_id, memberId: row.member_id, unitId: unit.data!.unit.id });
    assistLead = await createUser(t, { email: 'totruong.thanhkhe@cdtg.test', role: Role.GroupLead, groupId: assists.groupId });
  }, 120_000);
  afterAll(async () => t?.close());

  async function plan(overrides: Record<string, unknown> = {}) {
    return lead.gql<{ planSession: { id: string } }>(PLAN, {
      input: {
        groupId,
        unitId: placeId,
        title: `Kích hoạt VNeID ${++seq}`,
        topics: ['vneid'],
        startsAt: `${day(7)}T08:00`,
        endsAt: `${day(7)}T10:00`,
        place: 'Nhà văn hóa tổ 5, 12 Lê Duẩn',
        capacity: 30,
        ...overrides,
      },
    });
  }

  it('the demo city and its sessions hold no text the detector refuses', async () => {
    const texts = await t.db.query<{ text: string }>(
      `SELECT title AS text FROM training_session UNION ALL SELECT notes FROM training_session UNION ALL SELECT place FROM training_session
       UNION ALL SELECT attendance_note FROM training_session UNION ALL SELECT cancel_reason FROM training_session
       UNION ALL SELECT name FROM volunteer_group UNION ALL SELECT full_name FROM member UNION ALL SELECT note FROM assist_entry`,
    );
    expect(texts.filter((r) => r.text).length).toBeGreaterThan(100);
    expect(texts.filter((r) => r.text && findPersonalNumbers(r.text).length)).toEqual([]);
  });

  it("refuses a session's notes, place and title holding one, and stores no session", async () => {
    const count = async () => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM training_session`))[0].n);
    const sessions = await count();
    expect(refusal(await plan({ notes: `Liên hệ chủ nhà: ${PHONE}` }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'notes']],
      reasons: ['HOLDS_PHONE_NUMBER'],
    });
    expect(refusal(await plan({ place: `Nhà ông Ba (${CMND})` }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'place']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    expect(refusal(await plan({ title: `Hướng dẫn ${CCCD}` }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'title']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    expect(await count()).toBe(sessions);

    // Notes about money, dates and counts are kept.
    const ok = await plan({ notes: 'Mang CCCD bản gốc. Hẹn 15/12/2025 lúc 8:00; 20 hộ, lệ phí 50.000 đ' });
    expect(ok.errors).toBeUndefined();
    const id = ok.data!.planSession.id;
    expect(refusal(await lead.gql(UPDATE, { id, input: { notes: `Đổi: ${CCCD}` } }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'notes']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    const [row] = await t.db.query<{ notes: string }>(`SELECT notes FROM training_session WHERE id = $1`, [id]);
    expect(row.notes).toBe('Mang CCCD bản gốc. Hẹn 15/12/2025 lúc 8:00; 20 hộ, lệ phí 50.000 đ');
  });

  it('refuses an attendance note and a cancellation reason holding one, and changes nothing', async () => {
    const planned = (await plan()).data!.planSession.id;
    await t.db.query(`UPDATE training_session SET starts_at = now() - interval '26 hours', ends_at = now() - interval '24 hours' WHERE id = $1`, [planned]);
    const cells = { femaleUnder35: 2, female35To59: 3, female60Plus: 5, maleUnder35: 1, male35To59: 2, male60Plus: 4 };
    expect(refusal(await lead.gql(ATTENDANCE, { id: planned, input: { ...cells, note: `Cụ bà không có điện thoại, con trai ${PHONE}` } }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'note']],
      reasons: ['HOLDS_PHONE_NUMBER'],
    });
    expect(refusal(await lead.gql(ATTENDANCE, { id: planned, input: { ...cells, note: `Ghi nhận ${CCCD}` } }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'note']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    const [before] = await t.db.query<{ status: string; attendance_note: string | null; participants_total: number | null }>(
      `SELECT status, attendance_note, participants_total FROM training_session WHERE id = $1`,
      [planned],
    );
    expect(before).toEqual({ status: 'planned', attendance_note: null, participants_total: null });
    expect(await t.db.query(`SELECT 1 FROM audit_event WHERE object_id = $1 AND operation LIKE 'session.attendance%'`, [planned])).toHaveLength(0);
    const logged = await lead.gql<{ logAttendance: { status: string; attendance: { note: string } } }>(ATTENDANCE, {
      id: planned,
      input: { ...cells, note: '17 người, 3 người trên 80 tuổi' },
    });
    expect(logged.data).toEqual({ logAttendance: { status: 'HELD', attendance: { note: '17 người, 3 người trên 80 tuổi' } } });

    const toCancel = (await plan()).data!.planSession.id;
    expect(refusal(await lead.gql(CANCEL, { id: toCancel, reason: `Chủ nhà bận, ${PHONE}` }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['reason']],
      reasons: ['HOLDS_PHONE_NUMBER'],
    });
    const [row] = await t.db.query<{ status: string; cancel_reason: string | null }>(`SELECT status, cancel_reason FROM training_session WHERE id = $1`, [
      toCancel,
    ]);
    expect(row).toEqual({ status: 'planned', cancel_reason: null });
  });

  it("refuses an assistance entry's correction reason, note and void reason holding one, and keeps the entry as it was", async () => {
    const clientId = randomUUID();
    const logged = await assistLead.gql<{ logAssists: { entries: { entryId: string; outcome: string }[] } }>(LOG, {
      input: {
        groupId: assists.groupId,
        entries: [
          {
            clientId,
            household: { address: '15 Lê Lợi, tổ 1', headName: 'Trần Văn Bảy' },
            unitId: assists.unitId,
            services: [{ service: 'VNEID_ACCOUNT', outcome: 'DONE' }],
            volunteerIds: [assists.memberId],
            occurredAt: '2026-11-20T09:30',
            note: 'Đã hướng dẫn 2 người',
          },
        ],
      },
    });
    expect(logged.data!.logAssists.entries[0].outcome).toBe('CREATED');
    const id = logged.data!.logAssists.entries[0].entryId;

    expect(refusal(await assistLead.gql(AMEND, { id, input: { note: 'Đã hướng dẫn 3 người', reason: `Sai số người; ${CCCD}` } }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'reason']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    expect(refusal(await assistLead.gql(AMEND, { id, input: { note: `Đã hướng dẫn, ${PHONE}`, reason: 'Bổ sung ghi chú' } }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['input', 'note']],
      reasons: ['HOLDS_PHONE_NUMBER'],
    });
    expect(refusal(await assistLead.gql(VOID, { id, reason: `Ghi trùng, ${CMND}` }))).toEqual({
      data: null,
      code: 'BAD_USER_INPUT',
      fields: [['reason']],
      reasons: ['HOLDS_ID_NUMBER'],
    });
    const [row] = await t.db.query<{ version: number; note: string; status: string; void_reason: string | null }>(
      `SELECT version, note, status, void_reason FROM assist_entry WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ version: 1, note: 'Đã hướng dẫn 2 người', status: 'valid', void_reason: null });
    expect(await t.db.query(`SELECT 1 FROM audit_event WHERE object_id = $1 AND operation IN ('assist.amend', 'assist.void')`, [id])).toHaveLength(0);

    const amended = await assistLead.gql(AMEND, { id, input: { note: 'Đã hướng dẫn 3 người, hẹn lại 20/12', reason: 'Sai số người' } });
    expect(amended.data).toEqual({ amendAssistEntry: { version: 2, note: 'Đã hướng dẫn 3 người, hẹn lại 20/12' } });
  });
});
