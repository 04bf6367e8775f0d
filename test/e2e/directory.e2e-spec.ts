import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { loadDemoCity } from '@cdtg/demo';
import { foldVietnamese } from '@cdtg/text';
import { startTestApp, TestApp } from '../support/app';
import { runDirectoryImport } from '../support/directory-import';

describe('directory: groups and members over GraphQL', () => {
  let t: TestApp;
  let unitId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: '' } }); // jobs run in process: this file is about the directory, not the queue
    await loadDemoCity(t.app.get(DataSource));
    const res = await t.gql<{ unit: { id: string } }>(`{ unit(code: "20209-01", asOf: "2025-08-01") { id } }`);
    unitId = res.data!.unit.id;
  });
  afterAll(async () => t?.close());

  const runImport = (kind: 'GROUPS' | 'MEMBERS', csv: string) => runDirectoryImport(t, kind, csv);

  it('creates a group and members; normalises phones; refuses a duplicate active phone naming the field', async () => {
    const group = await t.gql<{ createGroup: { id: string; warnings: string[]; unit: { code: string } } }>(
      `mutation($unitId: UUID!) { createGroup(input: { unitId: $unitId, name: "Tổ CNSCĐ  Thanh Khê Tây 1", decisionNumber: "12/QĐ-UBND", decisionDate: "2025-08-15" }) { id warnings unit { code } } }`,
      { unitId },
    );
    expect(group.errors).toBeUndefined();
    expect(group.data!.createGroup.warnings).toEqual(['NO_LEADER', 'NO_DEPUTY', 'FEWER_THAN_7_MEMBERS']);
    const groupId = group.data!.createGroup.id;
    const add = (fullName: string, phone: string, role = 'MEMBER') =>
      t.gql<{ createMember: { id: string; phone: string } }>(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id phone fullName } }`, {
        input: { groupId, role, fullName, phone, skills: ['vneid'], affiliation: 'YOUTH_UNION', gender: 'FEMALE', birthYear: 2001 },
      });
    const leader = await add('Trần Thị Thu Hằng', '0905 111 222', 'LEADER');
    expect(leader.data!.createMember.phone).toBe('+84905111222');
    const dup = await add('Lê Văn Tám', '+84 905 111 222');
    expect(dup.errors![0].extensions).toMatchObject({ code: 'CONFLICT', fields: [{ path: ['input', 'phone'] }] });
    const bad = await add('Lê Văn Tám', '12345');
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['input', 'phone'] }] });
    const badSkill = await t.gql(
      `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Ngô Bảo Châu", phone: "0905333444", skills: ["juggling"] }) { id } }`,
      { g: groupId },
    );
    expect(badSkill.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['input', 'skills'] }] });

    const check = await t.gql<{ group: { warnings: string[]; members: { role: string; member: { fullName: string } }[] } }>(
      `query($id: UUID!) { group(id: $id) { warnings members { role member { fullName } } } }`,
      { id: groupId },
    );
    expect(check.data!.group.warnings).toEqual(['NO_DEPUTY', 'FEWER_THAN_7_MEMBERS']);
    expect(check.data!.group.members).toEqual([{ role: 'LEADER', member: { fullName: 'Trần Thị Thu Hằng' } }]);
    const audit = await t.db.query<{ operation: string }>(`SELECT operation FROM audit_event WHERE object_id IN ($1, $2) ORDER BY id`, [
      groupId,
      leader.data!.createMember.id,
    ]);
    expect(audit.map((a) => a.operation)).toEqual(['group.create', 'member.create']);
  });

  it('moves a member between groups keeping history, and frees the phone when a member leaves', async () => {
    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 2, filter: { unitCode: "20209" }) { edges { node { id } } } }`,
    );
    const [a, b] = groups.data!.groups.edges.map((e) => e.node.id);
    const m = await t.gql<{ createMember: { id: string } }>(
      `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Phan Đình Giót", phone: "0935 777 888", joinedOn: "2025-09-01" }) { id } }`,
      { g: a },
    );
    const id = m.data!.createMember.id;
    await t.gql(`mutation($m: UUID!, $g: UUID!) { moveMember(input: { memberId: $m, groupId: $g, role: DEPUTY, on: "2025-10-01" }) { id } }`, { m: id, g: b });
    const hist = await t.gql<{
      member: { current: { role: string; group: { id: string } }; history: { role: string; fromDate: string; toDate: string | null; group: { id: string } }[] };
    }>(`query($id: UUID!) { member(id: $id) { current { role group { id } } history { role fromDate toDate group { id } } } }`, { id });
    expect(hist.data!.member.current).toEqual({ role: 'DEPUTY', group: { id: b } });
    expect(hist.data!.member.history).toEqual([
      { role: 'DEPUTY', fromDate: '2025-10-01', toDate: null, group: { id: b } },
      { role: 'MEMBER', fromDate: '2025-09-01', toDate: '2025-09-30', group: { id: a } },
    ]);
    const left = await t.gql<{ deactivateMember: { leftOn: string; active: boolean } }>(
      `mutation($id: UUID!) { deactivateMember(id: $id, on: "2025-11-01") { leftOn active } }`,
      { id },
    );
    expect(left.data!.deactivateMember).toEqual({ leftOn: '2025-11-01', active: false });
    const again = await t.gql(`mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Người Mới", phone: "0935777888" }) { id } }`, { g: a });
    expect(again.errors).toBeUndefined();
  });

  it('finds members ignoring diacritics and case, within a unit subtree, with cursor pagination', async () => {
    type Page = { members: { totalCount: number; edges: { node: { fullName: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const q = `query($after: String) { members(first: 5, after: $after, filter: { search: "NGUYEN van an", unitCode: "48", asOf: "2025-06-30" }) { totalCount edges { node { fullName } } pageInfo { hasNextPage endCursor } } }`;
    const first = await t.gql<Page>(q);
    expect(first.data!.members.totalCount).toBeGreaterThan(0);
    const names = first.data!.members.edges.map((e) => e.node.fullName);
    for (const n of names) expect(foldVietnamese(n)).toContain('nguyen van an');
    expect(names.some((n) => n.startsWith('Nguyễn Văn An'))).toBe(true);
    if (first.data!.members.pageInfo.hasNextPage) {
      const next = await t.gql<Page>(q, { after: first.data!.members.pageInfo.endCursor });
      const more = next.data!.members.edges.map((e) => e.node.fullName);
      expect(more.length).toBeGreaterThan(0);
    }
    const tooMany = await t.gql(`{ members(first: 101) { totalCount } }`);
    expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['first'] }] });
    const badCursor = await t.gql(`{ members(first: 5, after: "garbage") { totalCount } }`);
    expect(badCursor.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: ['after'] }] });
  });

  it('loads nested fields with the same number of SQL statements for 10 and 50 groups (no N+1)', async () => {
    const query = (n: number) =>
      `{ groups(first: ${n}, filter: { unitCode: "48", asOf: "2025-06-30" }) { edges { node { name unit { name parent { name } } memberCount warnings members { role member { fullName current { group { name } } } } } } } }`;
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    const count = async (n: number) => {
      spy.mockClear();
      const res = await t.gql<{ groups: { edges: unknown[] } }>(query(n));
      expect(res.data!.groups.edges).toHaveLength(n);
      // Statements of this request only: the in-process outbox relay polls on its own schedule.
      return spy.mock.calls.filter((c) => !/outbox_message|advisory|^START TRANSACTION|^COMMIT/.test(String(c[0]))).length;
    };
    const ten = await count(10);
    const fifty = await count(50);
    spy.mockRestore();
    expect(fifty).toBe(ten);
    expect(ten).toBeLessThanOrEqual(12);
  });

  it('imports groups and members from CSV as a job: each bad row reported, good rows kept, a re-import changes nothing', async () => {
    const groups = [
      'unit_code;name;decision_number;decision_date;status', // semicolon CSV, as Excel writes it in Vietnamese locales
      '20209-02;Tổ công nghệ số Thanh Khê 2A;15/QĐ-UBND;2025-08-01;Hoạt động',
      '20209-02;Tổ công nghệ số Thanh Khê 2B;;;',
      '99999-99;Tổ ma;;;', // unknown unit
      '20209-03;Tổ ngày sai;1;2025-02-30;', // bad date
      '20209-02;TỔ CÔNG NGHỆ SỐ THANH KHÊ 2A;;;', // the same group again (case/diacritics folded)
    ].join('\n');
    const g = await runImport('GROUPS', '\uFEFF' + groups);
    expect(g).toMatchObject({ status: 'COMPLETED', totalRows: 5, processedRows: 5, created: 2, updated: 0, unchanged: 0 });
    expect(g.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [4, 'unit_code', 'UNIT_NOT_IN_FORCE'],
      [5, 'decision_date', 'CSV_BAD_DATE'],
      [6, 'name', 'CSV_SAME_AS_LINE'],
    ]);
    expect(g.errors[2].params).toEqual({ line: 2 });

    const members = [
      'unit_code,group_name,full_name,phone,email,gender,birth_year,affiliation,skills,role,joined_on',
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Võ Thị Sáu,0901 234 001,sau@example.vn,Nữ,1999,Đoàn thanh niên,vneid|online_payment,Tổ trưởng,2025-08-02',
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Đinh Tiên Hoàng,0901234002,,Nam,1985,police,public_services,deputy,2025-08-02',
      '20209-02,tổ công nghệ số thanh khê 2b,Lý Thường Kiệt,+84901234003,,male,1990,,,member,',
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Số Sai,12345,,,,,,,', // bad phone
      '20209-02,Tổ không có,Không Tổ,0901234005,,,,,,,', // unknown group
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Trùng Số,0901234001,,,,,,,', // duplicate phone in the file
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Vai Sai,0901234007,,,,,,captain,', // bad role
      '20209-02,Tổ công nghệ số Thanh Khê 2A,Năm Sai,0901234008,,,19x0,,,,', // bad year
      '20209-02,Tổ công nghệ số Thanh Khê 2A,"=cmd|\' /C calc\'!A0",0901234009,,,,,,,', // a formula is just a name here
    ].join('\n');
    const m = await runImport('MEMBERS', members);
    expect(m).toMatchObject({ status: 'COMPLETED', totalRows: 9, created: 4, updated: 0, unchanged: 0 });
    expect(m.errors.map((e) => [e.line, e.field, e.reason])).toEqual([
      [5, 'phone', 'NOT_A_PHONE'],
      [6, 'group_name', 'GROUP_NOT_IN_UNIT'],
      [7, 'phone', 'CSV_SAME_AS_LINE'],
      [8, 'role', 'CSV_NOT_ONE_OF'],
      [9, 'birth_year', 'BAD_FORMAT'],
    ]);
    expect(m.errors[1].params).toEqual({ name: 'Tổ không có', unitCode: '20209-02' });
    expect(m.errors[2].params).toEqual({ line: 2 });
    expect(m.errors[3].params).toEqual({ allowed: ['leader', 'deputy', 'member'], words: ['Tổ trưởng', 'Tổ phó', 'Thành viên'] });
    const stored = await t.db.query<{ full_name: string; phone: string; role: string }>(
      `SELECT m.full_name, m.phone, ms.role FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.to_date IS NULL WHERE m.phone LIKE '+8490123400%' ORDER BY m.phone`,
    );
    expect(stored.map((s) => [s.full_name, s.role])).toEqual([
      ['Võ Thị Sáu', 'leader'],
      ['Đinh Tiên Hoàng', 'deputy'],
      ['Lý Thường Kiệt', 'member'],
      ["=cmd|' /C calc'!A0", 'member'],
    ]);

    const before = await t.db.query(`SELECT count(*) FROM audit_event`);
    expect(await runImport('GROUPS', groups)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await runImport('MEMBERS', members)).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(await t.db.query(`SELECT count(*) FROM audit_event`)).toEqual(before);

    const broken = await runImport('MEMBERS', 'name,phone\nA,1\n');
    expect(broken).toMatchObject({
      status: 'FAILED',
      failure: expect.stringContaining('missing column(s): unit_code, group_name, full_name'),
      failureReason: 'CSV_MISSING_COLUMNS',
      failureParams: { columns: ['unit_code', 'group_name', 'full_name'], expected: expect.arrayContaining(['unit_code', 'phone', 'joined_on']) },
    });
  });
});
