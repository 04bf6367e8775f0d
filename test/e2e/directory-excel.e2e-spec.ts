import { DataSource } from 'typeorm';
import { loadDemoCity } from '@cdtg/demo';
import { addDays, startOfVietnamDay, systemClock, TestClock } from '@cdtg/time';
import { startTestApp, TestApp } from '../support/app';
import { runDirectoryImport } from '../support/directory-import';

/** Issue 19: dates that describe the past are not in the future, "active" means started and not ended, and the CSV import reads what Excel (vi-VN) saves. */
describe('directory: field data that stays true', () => {
  let t: TestApp;
  let unitId: string;
  let groupId: string;
  let otherGroupId: string;

  beforeAll(async () => {
    // The last second of today in Vietnam, held still: the test and the server agree on "today" whenever it runs.
    t = await startTestApp({ env: { REDIS_URL: '' }, clock: new TestClock(new Date(startOfVietnamDay(addDays(systemClock.today(), 1)).getTime() - 1000)) });
    await loadDemoCity(t.app.get(DataSource));
    const res = await t.gql<{ unit: { id: string } }>(`{ unit(code: "20209-01", asOf: "2025-08-01") { id } }`);
    unitId = res.data!.unit.id;
    const create = (name: string) =>
      t.gql<{ createGroup: { id: string } }>(`mutation($u: UUID!, $n: String!) { createGroup(input: { unitId: $u, name: $n }) { id } }`, {
        u: unitId,
        n: name,
      });
    groupId = (await create('Tổ ngày thật 1')).data!.createGroup.id;
    otherGroupId = (await create('Tổ ngày thật 2')).data!.createGroup.id;
  });
  afterAll(async () => t?.close());

  const runImport = (kind: 'GROUPS' | 'MEMBERS', csv: string) => runDirectoryImport(t, kind, csv);

  const refusal = (res: { errors?: { extensions?: { code?: string; fields?: { path: (string | number)[] }[] } }[] }) => ({
    code: res.errors?.[0]?.extensions?.code,
    paths: res.errors?.[0]?.extensions?.fields?.map((f) => f.path.join('.')),
  });

  it('refuses dates after today where they describe the past, naming the field', async () => {
    const member = await t.gql(
      `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Người Tương Lai", phone: "0339 100 001", joinedOn: "2099-01-01" }) { id } }`,
      { g: groupId },
    );
    expect(refusal(member)).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.joinedOn'] });
    expect(await t.db.query(`SELECT 1 FROM member WHERE phone = '+84339100001'`)).toEqual([]);

    const group = await t.gql(`mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ quyết định sau", decisionDate: "2099-01-01" }) { id } }`, {
      u: unitId,
    });
    expect(refusal(group)).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.decisionDate'] });
    const update = await t.gql(`mutation($id: UUID!) { updateGroup(id: $id, input: { decisionDate: "2099-01-01" }) { id } }`, { id: groupId });
    expect(refusal(update)).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.decisionDate'] });

    const ok = await t.gql<{ createMember: { id: string; joinedOn: string; active: boolean } }>(
      `mutation($g: UUID!, $d: String!) { createMember(input: { groupId: $g, fullName: "Người Hôm Nay", phone: "0339 100 002", joinedOn: $d }) { id joinedOn active } }`,
      { g: groupId, d: t.clock.today() },
    );
    expect(ok.data!.createMember).toMatchObject({ joinedOn: t.clock.today(), active: true }); // today is not the future
    const id = ok.data!.createMember.id;
    const move = await t.gql(`mutation($m: UUID!, $g: UUID!) { moveMember(input: { memberId: $m, groupId: $g, on: "2099-01-01" }) { id } }`, {
      m: id,
      g: otherGroupId,
    });
    expect(refusal(move)).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.on'] });
    const leave = await t.gql(`mutation($id: UUID!) { deactivateMember(id: $id, on: "2099-01-01") { id } }`, { id });
    expect(refusal(leave)).toEqual({ code: 'BAD_USER_INPUT', paths: ['on'] });
    const dissolve = await t.gql(`mutation($id: UUID!) { setGroupStatus(id: $id, status: DISSOLVED, on: "2099-01-01") { id } }`, { id: otherGroupId });
    expect(refusal(dissolve)).toEqual({ code: 'BAD_USER_INPUT', paths: ['on'] });

    const state = await t.gql<{ member: { active: boolean; leftOn: string | null; current: { group: { id: string } } } }>(
      `query($id: UUID!) { member(id: $id) { active leftOn current { group { id } } } }`,
      { id },
    );
    expect(state.data!.member).toEqual({ active: true, leftOn: null, current: { group: { id: groupId } } });
    const other = await t.gql<{ group: { status: string } }>(`query($id: UUID!) { group(id: $id) { status } }`, { id: otherGroupId });
    expect(other.data!.group.status).toBe('ACTIVE');
  });

  it('reports every bad field of createMember at once', async () => {
    const res = await t.gql(`mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "X", phone: "12345", joinedOn: "2099-01-01" }) { id } }`, {
      g: groupId,
    });
    expect(refusal(res)).toEqual({ code: 'BAD_USER_INPUT', paths: ['input.fullName', 'input.phone', 'input.joinedOn'] });
  });

  it('does not count a member or membership that starts after today as active or current (data written before the rule)', async () => {
    const made = await t.gql<{ createMember: { id: string } }>(
      `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Trần Sắp Vào", phone: "0339 100 003" }) { id } }`,
      { g: groupId },
    );
    const id = made.data!.createMember.id;
    await t.db.query(`UPDATE member SET joined_on = '2099-01-01' WHERE id = $1`, [id]);
    await t.db.query(`UPDATE membership SET from_date = '2099-01-01' WHERE member_id = $1`, [id]);

    const state = await t.gql<{ member: { active: boolean; current: unknown } }>(`query($id: UUID!) { member(id: $id) { active current { role } } }`, { id });
    expect(state.data!.member).toEqual({ active: false, current: null });
    const group = await t.gql<{ group: { memberCount: number; members: { member: { id: string } }[] } }>(
      `query($id: UUID!) { group(id: $id) { memberCount members { member { id } } } }`,
      { id: groupId },
    );
    expect(group.data!.group.members.map((m) => m.member.id)).not.toContain(id);
    const list = (active: boolean) =>
      t.gql<{ members: { edges: { node: { id: string } }[] } }>(
        `query($g: UUID!, $a: Boolean) { members(first: 100, filter: { groupId: $g, active: $a }) { edges { node { id } } } }`,
        { g: groupId, a: active },
      );
    expect((await list(true)).data!.members.edges.map((e) => e.node.id)).not.toContain(id);
    expect((await list(false)).data!.members.edges.map((e) => e.node.id)).toContain(id);

    // The stored date is left as it is: editing another field still works.
    const renamed = await t.gql<{ updateMember: { fullName: string; joinedOn: string } }>(
      `mutation($id: UUID!) { updateMember(id: $id, input: { fullName: "Trần Sắp Vào Tổ" }) { fullName joinedOn } }`,
      { id },
    );
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data!.updateMember).toEqual({ fullName: 'Trần Sắp Vào Tổ', joinedOn: '2099-01-01' });
  });

  it('imports a CSV as Excel (vi-VN) saves it: BOM, semicolons, CRLF, day/month/year dates, phones turned into numbers', async () => {
    const groups = [
      'unit_code;name;decision_number;decision_date;status',
      '20209-02;Tổ Excel Thanh Khê;7/QĐ-UBND;15/03/2025;Hoạt động',
      '20209-02;Tổ Excel Thanh Khê B;;1.4.2025;',
    ].join('\r\n');
    const g = await runImport('GROUPS', `\uFEFF${groups}\r\n`);
    expect(g).toMatchObject({ status: 'COMPLETED', created: 2, errors: [] });
    const decided = await t.db.query<{ name: string; decision_date: string }>(
      `SELECT name, to_char(decision_date, 'YYYY-MM-DD') AS decision_date FROM volunteer_group WHERE name LIKE 'Tổ Excel%' ORDER BY name`,
    );
    expect(decided).toEqual([
      { name: 'Tổ Excel Thanh Khê', decision_date: '2025-03-15' },
      { name: 'Tổ Excel Thanh Khê B', decision_date: '2025-04-01' },
    ]);

    const members = [
      'unit_code;group_name;full_name;phone;email;gender;birth_year;affiliation;skills;role;joined_on',
      '20209-02;Tổ Excel Thanh Khê;Hồ Thị Một;339200001;;Nữ;1995;Đoàn thanh niên;;Tổ trưởng;03/04/2025', // 0 lost; 3 April
      '20209-02;Tổ Excel Thanh Khê;Hồ Văn Hai;3,39200002E+08;;Nam;1990;;;Tổ phó;5/3/2025', // scientific notation, decimal comma
      '20209-02;Tổ Excel Thanh Khê;Hồ Thị Ba;84339200003;;;;;;;2025-03-15 00:00:00', // 84…, a date-and-time cell
      '20209-02;Tổ Excel Thanh Khê;Hồ Văn Bốn;+84 (0) 339-200-004;;;;;;;15-03-2025',
      "20209-02;Tổ Excel Thanh Khê;Hồ Thị Năm;'0339\u00a0200\u00a0005;;;;;;;15.03.2025", // apostrophe, NBSP
      '20209-02;Tổ Excel Thanh Khê;Hồ Văn Sáu;０３３９２００００６;;;;;;;', // full-width digits
    ].join('\r\n');
    const m = await runImport('MEMBERS', `\uFEFF${members}\r\n`);
    expect(m).toMatchObject({ status: 'COMPLETED', totalRows: 6, created: 6, errors: [] });
    const stored = await t.db.query<{ full_name: string; phone: string; joined_on: string; role: string }>(
      `SELECT m.full_name, m.phone, to_char(m.joined_on, 'YYYY-MM-DD') AS joined_on, ms.role FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.to_date IS NULL
        WHERE m.phone LIKE '+8433920000%' ORDER BY m.phone`,
    );
    const today = t.clock.today();
    expect(stored).toEqual([
      { full_name: 'Hồ Thị Một', phone: '+84339200001', joined_on: '2025-04-03', role: 'leader' },
      { full_name: 'Hồ Văn Hai', phone: '+84339200002', joined_on: '2025-03-05', role: 'deputy' },
      { full_name: 'Hồ Thị Ba', phone: '+84339200003', joined_on: '2025-03-15', role: 'member' },
      { full_name: 'Hồ Văn Bốn', phone: '+84339200004', joined_on: '2025-03-15', role: 'member' },
      { full_name: 'Hồ Thị Năm', phone: '+84339200005', joined_on: '2025-03-15', role: 'member' },
      { full_name: 'Hồ Văn Sáu', phone: '+84339200006', joined_on: today, role: 'member' },
    ]);
    // The same file again: the same people (phones read the same way), nothing changes.
    expect(await runImport('MEMBERS', `\uFEFF${members}\r\n`)).toMatchObject({ created: 0, updated: 0, unchanged: 6, errors: [] });
  });

  it('reports every problem of a row, writes no row with a problem, and refuses a future or impossible joined_on', async () => {
    const members = [
      'unit_code,group_name,full_name,phone,email,gender,birth_year,affiliation,skills,role,joined_on',
      '20209-02,Tổ Excel Thanh Khê,Ba Lỗi,12345,,X,,,,captain,', // phone, gender, role
      '20209-02,Tổ Excel Thanh Khê,Sẽ Vào Tổ,0339300002,,,,,,,01/01/2099', // joined in the future
      '20209-02,Tổ Excel Thanh Khê,Ngày Sai,0339300003,,,,,,,31/02/2025', // no such day
      '20209-02,Tổ Excel Thanh Khê,Năm Hai Số,0339300004,,,,,,,15/03/25', // which century?
      '20209-02,Tổ Excel Thanh Khê,Số Bị Cắt,"3,393E+08",,,,,,,', // Excel rounded the number
      '20209-02,Tổ Excel Thanh Khê,Đúng Hết,0339300006,,,,,,,15/03/2025',
    ].join('\n');
    const m = await runImport('MEMBERS', members);
    expect(m).toMatchObject({ status: 'COMPLETED', totalRows: 6, created: 1 });
    expect(m.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'role'],
      [2, 'gender'],
      [2, 'phone'],
      [3, 'joined_on'],
      [4, 'joined_on'],
      [5, 'joined_on'],
      [6, 'phone'],
    ]);
    expect(m.errors.map((e) => e.reason)).toEqual([
      'CSV_NOT_ONE_OF',
      'CSV_NOT_ONE_OF',
      'NOT_A_PHONE',
      'IN_THE_FUTURE',
      'CSV_BAD_DATE',
      'CSV_BAD_DATE',
      'CSV_SCIENTIFIC_NOTATION',
    ]);
    expect(m.errors[3].params).toEqual({ today: t.clock.today() });
    const written = await t.db.query<{ full_name: string }>(
      `SELECT full_name FROM member WHERE phone LIKE '+8433930000%' OR full_name IN ('Ba Lỗi', 'Số Bị Cắt')`,
    );
    expect(written).toEqual([{ full_name: 'Đúng Hết' }]);

    const groups = ['unit_code,name,decision_number,decision_date,status', '99999-99,X,1,2099-01-01,Giải thể', '20209-02,Tổ Quyết Định Sau,1,01/01/2099,'].join(
      '\n',
    );
    const g = await runImport('GROUPS', groups);
    expect(g.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [2, 'unit_code', 'UNIT_NOT_IN_FORCE'],
      [2, 'name', 'LENGTH'],
      [2, 'decision_date', 'IN_THE_FUTURE'],
      [2, 'status', 'CSV_GROUP_STATUS'],
      [3, 'decision_date', 'IN_THE_FUTURE'],
    ]);
    expect(g.created).toBe(0);
  });

  it('reads day/month/year in the household-count import, and reports both bad cells of a row', async () => {
    const res = await t.gql<{ importHouseholdCounts: { created: number; errors: { line: number; field: string; reason: string; params: unknown }[] } }>(
      `mutation($csv: String!) { importHouseholdCounts(input: { csv: $csv }) { created errors { line field reason params } } }`,
      { csv: '\uFEFFunit_code;as_of;households\r\n20209-01;15/03/2026;412\r\n20209-02;31/02/2026;-5\r\n' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.importHouseholdCounts).toEqual({
      created: 1,
      errors: [
        { line: 3, field: 'as_of', reason: 'CSV_BAD_DATE', params: null },
        { line: 3, field: 'households', reason: 'OUT_OF_RANGE', params: { min: 0, max: 1_000_000 } },
      ],
    });
    const stored = await t.db.query(
      `SELECT c.households FROM household_count c JOIN admin_unit u ON u.id = c.unit_id WHERE u.code = '20209-01' AND c.as_of = '2026-03-15'`,
    );
    expect(stored).toEqual([{ households: 412 }]);
  });
});
